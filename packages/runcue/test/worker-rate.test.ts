import { describe, expect, test } from "vitest";
import { fixture, startedCue } from "./helpers.js";

describe("a worker task's rate holds as its handlers see it", () => {
  test("threads that load a slow module do not bunch handler starts beyond the rate", async () => {
    const cue = startedCue({ threads: 2 });
    cue.service("api", { rate: { limit: 2, interval: 400 } });
    cue.task("stamp", { uses: "api", worker: fixture("slow-start.worker.mjs") });
    const count = new SharedArrayBuffer(4);
    const starts = new SharedArrayBuffer(8 * 8);
    const ids = Array.from({ length: 6 }, () => cue.submit("stamp", { count, starts }));
    await Promise.all(ids.map((id) => cue.result(id)));
    const stamps = [...new Float64Array(starts)].slice(0, 6).sort((a, b) => a - b);
    for (let index = 2; index < stamps.length; index++) {
      // any three starts span at least the interval; 5 ms for the threads' clocks, whose
      // timeOrigin differ by a few ms (bunched, they were within 100 ms)
      expect(stamps[index]! - stamps[index - 2]!).toBeGreaterThanOrEqual(400 - 5);
    }
  });
});
