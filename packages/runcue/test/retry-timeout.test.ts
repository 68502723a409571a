import { TimeoutError } from "runcue";
import { describe, expect, test } from "vitest";
import { startedCue } from "./helpers.js";

describe("retries", () => {
  test("a failed attempt runs again until attempts are used up; onRetry tells each delay", async () => {
    const cue = startedCue();
    const retries: Array<{ attempt: number; message: string; delay: number }> = [];
    cue.onRetry((work, error, delay) =>
      retries.push({ attempt: work.attempt, message: error.message, delay }),
    );
    cue.task("flaky", {
      retry: { attempts: 3, backoff: { initial: 10, factor: 3 } },
      run: async (work) => {
        if (work.attempt < 3) throw new Error(`attempt ${work.attempt}`);
        return work.attempt;
      },
    });
    const id = cue.submit("flaky");
    await expect(cue.result(id)).resolves.toBe(3);
    expect(retries).toEqual([
      { attempt: 1, message: "attempt 1", delay: 10 },
      { attempt: 2, message: "attempt 2", delay: 30 },
    ]);
    expect(cue.get(id)?.attempt).toBe(3);
  });

  test("the last failure is final: onFailure once, with the last error", async () => {
    const cue = startedCue();
    const failures: string[] = [];
    cue.onFailure((_work, error) => failures.push(error.message));
    cue.task("broken", {
      retry: { attempts: 2, backoff: { initial: 1 } },
      run: async (work) => {
        throw new Error(`attempt ${work.attempt}`);
      },
    });
    const id = cue.submit("broken");
    await expect(cue.result(id)).rejects.toThrow("attempt 2");
    expect(failures).toEqual(["attempt 2"]);
  });

  test("backoff is capped by max and jitter only shortens it", async () => {
    const cue = startedCue();
    const delays: number[] = [];
    cue.onRetry((_work, _error, delay) => delays.push(delay));
    cue.task("t", {
      retry: { attempts: 4, backoff: { initial: 4, factor: 10, max: 20, jitter: 0.5 } },
      run: async () => {
        throw new Error("x");
      },
    });
    await cue.result(cue.submit("t")).catch(() => {});
    expect(delays).toHaveLength(3);
    expect(delays[0]).toBeGreaterThanOrEqual(2);
    expect(delays[0]).toBeLessThanOrEqual(4);
    for (const delay of delays.slice(1)) {
      expect(delay).toBeGreaterThanOrEqual(10);
      expect(delay).toBeLessThanOrEqual(20);
    }
  });
});

describe("task timeout", () => {
  test("an attempt running past timeout fails with TimeoutError kind task, and its signal fires", async () => {
    const cue = startedCue();
    let signalReason: unknown;
    cue.task("slow", {
      timeout: 30,
      run: (_work, ctx) =>
        new Promise((_resolve, reject) => {
          ctx.signal.addEventListener("abort", () => {
            signalReason = ctx.signal.reason;
            reject(ctx.signal.reason);
          });
        }),
    });
    const id = cue.submit("slow");
    const error = await cue.result(id).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).kind).toBe("task");
    expect((error as TimeoutError).message).toMatch(
      /^Task timeout: work w\d+ of task "slow" ran longer than 30 ms/,
    );
    expect(signalReason).toBe(error);
  });

  test("timeouts are retried like any failure", async () => {
    const cue = startedCue();
    cue.task("sometimes slow", {
      timeout: 30,
      retry: { attempts: 2, backoff: { initial: 0 } },
      run: async (work, ctx) => {
        if (work.attempt === 1)
          await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
        return work.attempt;
      },
    });
    await expect(cue.result(cue.submit("sometimes slow"))).resolves.toBe(2);
  });

  test("a late return after a timeout changes nothing", async () => {
    const cue = startedCue();
    const completions: string[] = [];
    cue.onComplete((work) => completions.push(work.id));
    cue.task("ignores signal", {
      timeout: 20,
      run: () => new Promise((resolve) => setTimeout(() => resolve("late"), 80)),
    });
    const id = cue.submit("ignores signal");
    await expect(cue.result(id)).rejects.toBeInstanceOf(TimeoutError);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(cue.get(id)?.state).toBe("failed");
    expect(completions).toEqual([]);
  });
});
