import { describe, expect, test } from "vitest";
import { startedCue } from "./helpers.js";

describe("retry backoff", () => {
  test("a retried work really waits the delay onRetry reports before it runs again", async () => {
    const cue = startedCue();
    const attemptsAt: number[] = [];
    cue.task("flaky", {
      retry: { attempts: 3, backoff: { initial: 120, factor: 2 } },
      run: async (work) => {
        attemptsAt.push(performance.now());
        if (work.attempt < 3) throw new Error(`attempt ${work.attempt}`);
        return work.attempt;
      },
    });
    const delays: number[] = [];
    const failedAt: number[] = [];
    cue.onRetry((_work, _error, delay) => {
      delays.push(delay);
      failedAt.push(performance.now());
    });
    await expect(cue.result(cue.submit("flaky"))).resolves.toBe(3);
    expect(delays).toEqual([120, 240]);
    expect(attemptsAt).toHaveLength(3);
    // measured from the failure each retry announced, on the clock the handler sees
    expect(attemptsAt[1]! - failedAt[0]!).toBeGreaterThanOrEqual(120 - 1);
    expect(attemptsAt[2]! - failedAt[1]!).toBeGreaterThanOrEqual(240 - 1);
  });

  test("the backoff never exceeds max, and jitter only shortens it", async () => {
    const cue = startedCue();
    cue.task("flaky", {
      retry: { attempts: 4, backoff: { initial: 40, factor: 10, max: 90, jitter: 0.5 } },
      run: async (work) => {
        if (work.attempt < 4) throw new Error(`attempt ${work.attempt}`);
        return "ok";
      },
    });
    const delays: number[] = [];
    cue.onRetry((_work, _error, delay) => delays.push(delay));
    await cue.result(cue.submit("flaky"));
    expect(delays).toHaveLength(3);
    expect(delays[0]).toBeGreaterThanOrEqual(20);
    expect(delays[0]).toBeLessThanOrEqual(40);
    for (const delay of delays.slice(1)) {
      expect(delay).toBeGreaterThanOrEqual(45);
      expect(delay).toBeLessThanOrEqual(90);
    }
  });
});
