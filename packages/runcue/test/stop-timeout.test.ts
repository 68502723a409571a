import { describe, expect, test } from "vitest";
import { fixture, gate, startedCue, until } from "./helpers.js";

describe("stop({ timeout }) aborts what still runs", () => {
  test("main thread: the handler's signal fires with the stop reason, and the work is cancelled", async () => {
    const cue = startedCue();
    const aborted = gate<unknown>();
    cue.task("waits", {
      run: (_work, ctx) =>
        new Promise((_resolve, reject) => {
          ctx.signal.addEventListener("abort", () => {
            aborted.open(ctx.signal.reason);
            reject(ctx.signal.reason);
          });
        }),
    });
    const id = cue.submit("waits");
    await until(() => cue.get(id)?.state === "running", "running");
    await cue.stop({ timeout: 50 });
    const reason = (await aborted.promise) as Error;
    expect(reason).toBeInstanceOf(Error);
    expect(reason.message).toMatch(/still running when stop\(\) timed out after 50 ms/);
    expect(cue.get(id)?.state).toBe("cancelled");
  });

  test("worker thread: the signal fires in the thread and the handler returns on its own", async () => {
    const cue = startedCue({ threads: 1, abortGrace: 30_000 });
    cue.task("waits", { worker: fixture("workers.mjs"), export: "waitsForAbort" });
    let waiting = false;
    cue.onProgress((_work, value) => {
      waiting ||= value === "waiting";
    });
    const id = cue.submit("waits");
    await until(() => waiting, "the handler to wait on its signal");
    const stoppingAt = Date.now();
    await cue.stop({ timeout: 50 });
    // far below the 30 s grace: the thread heard the abort instead of being terminated
    expect(Date.now() - stoppingAt).toBeLessThan(5_000);
    expect(cue.get(id)?.state).toBe("cancelled");
  });
});
