import { describe, expect, test } from "vitest";
import {
  countConcurrencyViolations,
  countRateViolations,
  Metrics,
  timingSlack,
} from "../src/index.js";

describe("the simulator's own limit checks", () => {
  test("N starts spaced exactly one interval apart are within the rate", () => {
    expect(countRateViolations([0, 0, 1000, 1000, 2000], 2, 1000)).toEqual({
      count: 0,
      closestWindow: 1000,
    });
  });

  test("every window holding more starts than the limit is counted", () => {
    // windows starting at 0 and at 10 each hold 3 starts under a limit of 2
    expect(countRateViolations([0, 10, 999.9, 1500], 2, 1000).count).toBe(1);
    expect(countRateViolations([0, 10, 20, 30], 2, 1000).count).toBe(2);
    expect(countRateViolations([0, 1, 2], 3, 1000).count).toBe(0);
  });

  test("a window short by less than the timing slack is noise, not a violation", () => {
    expect(countRateViolations([0, 999.9], 1, 1000, timingSlack)).toEqual({
      count: 0,
      closestWindow: 999.9,
    });
    expect(countRateViolations([0, 999.5], 1, 1000, timingSlack).count).toBe(1);
  });

  test("a slot freed and reused at the same instant is not a concurrency violation", () => {
    const attempts = [
      { start: 0, end: 10 },
      { start: 10, end: 20 },
    ];
    expect(countConcurrencyViolations(attempts, 1)).toEqual({ count: 0, maxRunning: 1 });
  });

  test("each start above the concurrency limit is counted", () => {
    const attempts = [
      { start: 0, end: 10 },
      { start: 1, end: 5 },
      { start: 2, end: 3 },
      { start: 6, end: 8 },
    ];
    expect(countConcurrencyViolations(attempts, 1)).toEqual({ count: 3, maxRunning: 3 });
    expect(countConcurrencyViolations(attempts, undefined)).toEqual({ count: 0, maxRunning: 3 });
  });

  test("metrics time starts and ends themselves and find an overlap the library would hide", () => {
    let now = 0;
    const metrics = new Metrics(["api"], () => now);
    metrics.recordSubmit("a", "call", "api");
    metrics.recordSubmit("b", "call", "api");
    metrics.recordStart("a");
    now = 5;
    metrics.recordStart("b");
    now = 10;
    metrics.recordComplete("a", 10);
    metrics.recordRetry("b");
    now = 11;
    metrics.recordStart("b");
    now = 12;
    metrics.recordFailure("b", false);

    const found = metrics.violations({ api: { concurrent: 1, rate: { limit: 2, interval: 100 } } });
    expect(found.api).toMatchObject({ concurrency: 1, maxRunning: 2, rate: 1, closestWindow: 11 });
    expect(metrics.serviceCounts("api")).toMatchObject({
      starts: 3,
      completed: 1,
      failed: 1,
      retries: 1,
      running: 0,
    });
  });
});
