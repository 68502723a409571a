import type { Work } from "runcue";
import { describe, expect, test, vi } from "vitest";
import { startedCue } from "./helpers.js";

describe("events", () => {
  test("each event reaches every listener in registration order, and unsubscribing works", async () => {
    const cue = startedCue();
    cue.task("t", { run: async () => "r" });
    const calls: string[] = [];
    cue.onComplete(() => calls.push("first"));
    const removeSecond = cue.onComplete(() => calls.push("second"));
    cue.onComplete(() => calls.push("third"));
    await cue.result(cue.submit("t"));
    removeSecond();
    await cue.result(cue.submit("t"));
    expect(calls).toEqual(["first", "second", "third", "first", "third"]);
  });

  test("onStart, onProgress and onComplete come in order with their arguments", async () => {
    const cue = startedCue();
    cue.task("t", {
      run: async (_work, ctx) => {
        ctx.progress(0.25);
        await new Promise((resolve) => setTimeout(resolve, 5));
        ctx.progress(0.75);
        return { ok: true };
      },
    });
    const log: Array<[string, ...unknown[]]> = [];
    cue.onStart((work) => log.push(["start", work.state, work.attempt]));
    cue.onProgress((work, value) => log.push(["progress", work.state, value]));
    cue.onComplete((work, result, duration) => {
      expect(duration).toBeGreaterThanOrEqual(4);
      log.push(["complete", work.state, result]);
    });
    await cue.result(cue.submit("t"));
    expect(log).toEqual([
      ["start", "running", 1],
      ["progress", "running", 0.25],
      ["progress", "running", 0.75],
      ["complete", "completed", { ok: true }],
    ]);
  });

  test("a listener that throws changes nothing and is reported on stderr", async () => {
    const cue = startedCue();
    cue.task("t", { run: async () => 5 });
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      cue.onStart(() => {
        throw new Error("listener bug");
      });
      cue.onComplete(() => {
        throw new Error("listener bug 2");
      });
      const seen: Work[] = [];
      cue.onComplete((work) => seen.push(work));
      const id = cue.submit("t");
      await expect(cue.result(id)).resolves.toBe(5);
      expect(seen).toHaveLength(1);
      expect(cue.get(id)?.state).toBe("completed");
      const written = stderr.mock.calls.map((call) => String(call[0])).join("");
      expect(written).toMatch(/onStart listener threw \(ignored\): Error: listener bug/);
      expect(written).toMatch(/onComplete listener threw/);
    } finally {
      stderr.mockRestore();
    }
  });

  test("onComplete(task, listener) hears only that task, typed", async () => {
    const cue = startedCue();
    const a = cue.task("a", { run: async () => ({ size: 3 }) });
    cue.task("b", { run: async () => "other" });
    const sizes: number[] = [];
    cue.onComplete(a, (_work, result) => sizes.push(result.size));
    cue.submit("b");
    cue.submit(a);
    await cue.idle();
    expect(sizes).toEqual([3]);
  });

  test("event work objects are snapshots: changing one changes nothing", async () => {
    const cue = startedCue();
    cue.task("t", { run: async () => 1 });
    cue.onStart((work) => {
      (work as { state: string }).state = "failed";
    });
    const id = cue.submit("t");
    await cue.result(id);
    expect(cue.get(id)?.state).toBe("completed");
  });
});
