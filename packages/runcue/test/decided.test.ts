import { describe, expect, test } from "vitest";
import { fixture, startedCue, until } from "./helpers.js";

describe("decided and documented (docs/DESIGN.md, issue 11)", () => {
  test("a retried work whose output became valid meanwhile ends skipped, after its failed attempt", async () => {
    const cue = startedCue();
    let outputExists = false;
    cue.task("build", {
      retry: { attempts: 3, backoff: { initial: 10 } },
      isStale: () => !outputExists,
      run: async () => {
        // another process makes the output while this attempt fails
        outputExists = true;
        throw new Error("flaky build");
      },
    });
    const events: string[] = [];
    cue.onRetry(() => events.push("retry"));
    cue.onSkip(() => events.push("skip"));
    cue.onFailure(() => events.push("failure"));
    const id = cue.submit("build");
    await expect(cue.result(id)).resolves.toBeUndefined();
    expect(events).toEqual(["retry", "skip"]);
    expect(cue.get(id)).toMatchObject({ state: "completed", skipped: true, attempt: 1 });
    expect(cue.stats()).toMatchObject({ skipped: 1, completed: 0, failed: 0 });
  });

  test("idle() resolves while a timed-out worker is still inside its abort grace; its thread stays busy until then", async () => {
    const cue = startedCue({ threads: 1, abortGrace: 400 });
    cue.task("loops", { worker: fixture("workers.mjs"), export: "loopsForever", timeout: 50 });
    const id = cue.submit("loops");
    await cue.idle();
    expect(cue.get(id)?.state).toBe("failed");
    expect(cue.stats().threads.busy).toBe(1);
    await until(
      () => cue.stats().threads.busy === 0,
      "the grace to end and the thread to be freed",
    );
  });
});
