import { describe, expect, test } from "vitest";
import { gate, startedCue } from "./helpers.js";

describe("stall warnings", () => {
  test("a stall that ends with progress and comes back is reported again", async () => {
    const cue = startedCue({ stallWarnAfter: 100, pollInterval: 20 });
    const ready = new Set<number>();
    cue.task("blocked", {
      isReady: (work) => ready.has((work.params as { n: number }).n),
      run: async () => "done",
    });
    const warnings: Array<{ sinceProgress: number; pending: number }> = [];
    let warned = gate();
    cue.onStallWarning((sinceProgress, pending) => {
      warnings.push({ sinceProgress, pending });
      warned.open();
    });
    const first = cue.submit("blocked", { n: 1 });
    const second = cue.submit("blocked", { n: 2 });
    await warned.promise;
    expect(warnings).toEqual([{ sinceProgress: expect.any(Number), pending: 2 }]);
    // progress: the first becomes ready and completes; the second stays blocked
    warned = gate();
    ready.add(1);
    cue.recheck();
    await expect(cue.result(first)).resolves.toBe("done");
    await warned.promise;
    expect(warnings).toHaveLength(2);
    expect(warnings[1]).toEqual({ sinceProgress: expect.any(Number), pending: 1 });
    expect(warnings[1]!.sinceProgress).toBeGreaterThanOrEqual(100);
    ready.add(2);
    cue.recheck();
    await expect(cue.result(second)).resolves.toBe("done");
  });
});
