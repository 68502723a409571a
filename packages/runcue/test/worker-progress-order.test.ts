import { describe, expect, test } from "vitest";
import { fixture, startedCue } from "./helpers.js";

describe("a worker's progress reaches the main thread before its result", () => {
  test("even when the progress messages are still being delivered after the result has arrived", async () => {
    // Node hands a port at most 1000 messages per event-loop turn; with a slow listener the
    // thread has long returned when the first 1000 are done, so its result (on another port)
    // arrives before the other 4000 progress messages: the pool must hold it back
    const steps = 5_000;
    const cue = startedCue({ threads: 1 });
    cue.task("chatty", { worker: fixture("workers.mjs"), export: "progress" });
    const seen: number[] = [];
    cue.onProgress((_work, value) => {
      seen.push(value as number);
      const until = performance.now() + 0.03;
      while (performance.now() < until) {}
    });
    let progressAtCompletion = -1;
    cue.onComplete(() => {
      progressAtCompletion = seen.length;
    });
    await expect(cue.result(cue.submit("chatty", { steps }))).resolves.toBe("done");
    expect(progressAtCompletion).toBe(steps);
    expect(seen).toEqual(Array.from({ length: steps }, (_value, index) => index + 1));
  });
});
