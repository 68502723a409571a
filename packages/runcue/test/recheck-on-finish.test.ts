import { describe, expect, test } from "vitest";
import { gate, startedCue, until } from "./helpers.js";

describe("a finish re-checks not-ready work at once", () => {
  test("work made ready by another work's handler starts right after that work finishes, long before the next poll", async () => {
    const cue = startedCue({ pollInterval: 60_000 });
    let inputReady = false;
    const checksAt: number[] = [];
    cue.task("consumer", {
      isReady: () => {
        checksAt.push(performance.now());
        return inputReady;
      },
      run: async () => performance.now(),
    });
    const release = gate();
    cue.task("producer", {
      run: async () => {
        await release.promise;
        inputReady = true;
      },
    });
    const producer = cue.submit("producer");
    const consumer = cue.submit("consumer");
    // let the consumer's re-checks back off until none has come for a while
    await until(
      () => checksAt.length > 0 && performance.now() - checksAt.at(-1)! >= 300,
      "the re-checks to back off",
      30_000,
    );
    const checksBefore = checksAt.length;
    release.open();
    await cue.result(producer);
    const finishedAt = performance.now();
    const startedAt = (await cue.result(consumer)) as number;
    expect(startedAt - finishedAt).toBeLessThan(100);
    expect(checksAt.length).toBeGreaterThan(checksBefore);
  });
});
