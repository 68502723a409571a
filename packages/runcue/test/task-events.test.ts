import { describe, expect, test } from "vitest";
import { startedCue } from "./helpers.js";

describe("listeners of one task's works", () => {
  test("each work event with a task first fires for that task only, in registration order with the others", async () => {
    const cue = startedCue();
    const log: string[] = [];
    let failOnce = true;
    const a = cue.task("a", {
      retry: { attempts: 2, backoff: { initial: 1 } },
      run: async (_work, ctx) => {
        ctx.progress("half");
        if (failOnce) {
          failOnce = false;
          throw new Error("first try");
        }
        return "A";
      },
    });
    const b = cue.task("b", { run: async () => "B" });
    const skipped = cue.task("skipped", { run: async () => "never", isStale: () => false });
    const failing = cue.task("failing", {
      run: async () => {
        throw new Error("always");
      },
    });
    cue.onComplete((work) => log.push(`any complete ${work.task}`));
    cue.onStart(a, (work) => log.push(`a start ${work.attempt}`));
    cue.onProgress(a, (_work, value) => log.push(`a progress ${String(value)}`));
    cue.onRetry(a, (_work, error) => log.push(`a retry ${error.message}`));
    cue.onComplete(a, (_work, result) => log.push(`a complete ${result}`));
    cue.onComplete(b, (_work, result) => log.push(`b complete ${result}`));
    cue.onSkip(skipped, (work) => log.push(`skip ${work.task}`));
    cue.onFailure(failing, (_work, error) => log.push(`failing ${error.message}`));
    const remove = cue.onComplete(b, () => log.push("removed listener"));
    remove();

    await cue.result(cue.submit(a));
    await cue.result(cue.submit(b));
    await cue.result(cue.submit(skipped));
    await cue.result(cue.submit(failing)).catch(() => {});
    expect(log).toEqual([
      "a start 1",
      "a progress half",
      "a retry first try",
      "a start 2",
      "a progress half",
      "any complete a",
      "a complete A",
      "any complete b",
      "b complete B",
      "skip skipped",
      "failing always",
    ]);
  });

  test("a task listener for an unknown task throws, naming it", () => {
    const cue = startedCue();
    cue.task("known", { run: async () => 1 });
    expect(() => cue.onComplete("unknown" as never, () => {})).toThrow(
      'Unknown task "unknown" (registered: "known")',
    );
  });
});
