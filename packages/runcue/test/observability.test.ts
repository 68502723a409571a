/**
 * What a cue publishes on node:diagnostics_channel, and the per-task wait and run percentiles of
 * stats().tasks.
 */
import { channel, subscribe, unsubscribe } from "node:diagnostics_channel";
import {
  CancelledError,
  TimeoutError,
  type WorkFailureMessage,
  type WorkFinishMessage,
  type WorkStartMessage,
  workChannels,
} from "runcue";
import { afterEach, describe, expect, test, vi } from "vitest";
import { fixture, gate, startedCue } from "./helpers.js";

type Message =
  | { kind: "start"; message: WorkStartMessage }
  | { kind: "finish"; message: WorkFinishMessage }
  | { kind: "failure"; message: WorkFailureMessage };

const subscriptions: Array<[string, (message: unknown) => void]> = [];

/** Every message of the three channels, in order, until the test ends. */
function record(): Message[] {
  const seen: Message[] = [];
  for (const kind of ["start", "finish", "failure"] as const) {
    const listener = (message: unknown) => seen.push({ kind, message } as Message);
    subscribe(workChannels[kind], listener);
    subscriptions.push([workChannels[kind], listener]);
  }
  return seen;
}

afterEach(() => {
  for (const [name, listener] of subscriptions.splice(0)) unsubscribe(name, listener);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("diagnostics channels", () => {
  test("a work that completes publishes start, then finish with its result and durations", async () => {
    const seen = record();
    const cue = startedCue();
    const slow = cue.task("slow", {
      run: async (work: { params: { n: number } }) => {
        await sleep(30);
        return work.params.n * 2;
      },
    });
    const id = cue.submit(slow, { n: 21 });
    await cue.result(id);

    expect(seen.map(({ kind }) => kind)).toEqual(["start", "finish"]);
    const [start, finish] = seen as unknown as [
      { message: WorkStartMessage },
      { message: WorkFinishMessage },
    ];
    expect(start.message.cue).toBe(cue);
    expect(start.message.work).toMatchObject({ id, task: "slow", state: "running", attempt: 1 });
    expect(start.message.waitTime).toBeGreaterThanOrEqual(0);
    expect(start.message.waitTime).toBeLessThan(1000);
    expect(finish.message.work).toMatchObject({ id, state: "completed", result: 42 });
    expect(finish.message.result).toBe(42);
    expect(finish.message.runTime).toBeGreaterThanOrEqual(25);
    expect(finish.message.runTime).toBeLessThan(5000);
    expect(finish.message.waitTime).toBe(start.message.waitTime);
  });

  test("a failed attempt that is retried says so, and the next attempt starts again", async () => {
    const seen = record();
    const cue = startedCue();
    let calls = 0;
    const flaky = cue.task("flaky", {
      retry: { attempts: 2, backoff: { initial: 10 } },
      run: async () => {
        calls++;
        if (calls === 1) throw new Error("first try fails");
        return "ok";
      },
    });
    await cue.result(cue.submit(flaky));

    expect(seen.map(({ kind }) => kind)).toEqual(["start", "failure", "start", "finish"]);
    const failure = seen[1]!.message as WorkFailureMessage;
    expect(failure.willRetry).toBe(true);
    expect(failure.error.message).toBe("first try fails");
    expect(failure.work).toMatchObject({ state: "pending", attempt: 1 });
    expect(failure.runTime).toBeGreaterThanOrEqual(0);
    // the second attempt waited for its backoff to pass, not since the work was submitted
    const secondStart = seen[2]!.message as WorkStartMessage;
    expect(secondStart.work.attempt).toBe(2);
    expect(secondStart.waitTime).toBeLessThan(1000);
  });

  test("a final failure, a timeout and a cancel while running each end their attempt on the failure channel", async () => {
    const seen = record();
    const cue = startedCue();
    const broken = cue.task("broken", {
      run: async () => {
        throw new Error("no");
      },
    });
    const hanging = cue.task("hanging", { timeout: 20, run: () => new Promise(() => {}) });
    const started = gate();
    const waiting = cue.task("waiting", {
      run: (_work, ctx) => {
        started.open();
        return new Promise((_resolve, reject) => ctx.signal.addEventListener("abort", reject));
      },
    });
    await expect(cue.result(cue.submit(broken))).rejects.toThrow("no");
    await expect(cue.result(cue.submit(hanging))).rejects.toBeInstanceOf(TimeoutError);
    const id = cue.submit(waiting);
    await started.promise;
    await cue.cancel(id);

    const failures = seen
      .filter(({ kind }) => kind === "failure")
      .map(({ message }) => message as WorkFailureMessage);
    expect(failures.map(({ work, willRetry }) => [work.task, work.state, willRetry])).toEqual([
      ["broken", "failed", false],
      ["hanging", "failed", false],
      ["waiting", "cancelled", false],
    ]);
    expect(failures[1]!.error).toBeInstanceOf(TimeoutError);
    expect(failures[1]!.runTime).toBeGreaterThanOrEqual(15);
    expect(failures[2]!.error).toBeInstanceOf(CancelledError);
    expect(failures.every(({ runTime }) => runTime !== undefined)).toBe(true);
  });

  test("a work that fails without running (pending timeout) has no run time; a skipped work publishes nothing", async () => {
    const seen = record();
    const cue = startedCue({ pendingTimeout: 50 });
    cue.task("never_ready", { isReady: () => false, run: async () => "unreachable" });
    cue.task("done_already", { isStale: () => false, run: async () => "unreachable" });
    await expect(cue.result(cue.submit("never_ready"))).rejects.toBeInstanceOf(TimeoutError);
    await cue.result(cue.submit("done_already"));

    expect(seen.map(({ kind }) => kind)).toEqual(["failure"]);
    const failure = seen[0]!.message as WorkFailureMessage;
    expect(failure.runTime).toBeUndefined();
    expect(failure.waitTime).toBeGreaterThanOrEqual(45);
    expect(failure.work.state).toBe("failed");
  });

  test("with no subscriber nothing is published, so no message is built", async () => {
    const publishes = (["start", "finish", "failure"] as const).map((kind) =>
      vi.spyOn(channel(workChannels[kind]), "publish"),
    );
    const cue = startedCue();
    const ok = cue.task("ok", { run: async () => 1 });
    const bad = cue.task("bad", {
      run: async () => {
        throw new Error("no");
      },
    });
    await cue.result(cue.submit(ok));
    await expect(cue.result(cue.submit(bad))).rejects.toThrow("no");
    for (const publish of publishes) {
      expect(publish).not.toHaveBeenCalled();
      publish.mockRestore();
    }
  });

  test("worker tasks publish the same messages", async () => {
    const seen = record();
    const cue = startedCue({ threads: 1 });
    const spin = cue.task("spin", { worker: fixture("workers.mjs"), export: "spin" });
    await cue.result(cue.submit(spin, { ms: 5, label: "a" }));
    expect(seen.map(({ kind }) => kind)).toEqual(["start", "finish"]);
    expect((seen[1]!.message as WorkFinishMessage).runTime).toBeGreaterThanOrEqual(4);
  });
});

describe("stats().tasks", () => {
  test("gives each registered task's wait and run percentiles in ms, zeros before any work", async () => {
    const cue = startedCue();
    cue.service("one", { concurrent: 1 });
    const nap = cue.task("nap", {
      uses: "one",
      run: async (work: { params: { ms: number } }) => sleep(work.params.ms),
    });
    cue.task("unused", { run: async () => undefined });
    const ids = [20, 20, 20, 20, 60].map((ms) => cue.submit(nap, { ms }));
    await Promise.all(ids.map((id) => cue.result(id)));

    const { tasks } = cue.stats();
    expect(Object.getPrototypeOf(tasks)).toBeNull();
    expect(Object.keys(tasks).sort()).toEqual(["nap", "unused"]);
    expect(tasks.unused).toEqual({
      wait: { count: 0, p50: 0, p95: 0, max: 0 },
      run: { count: 0, p50: 0, p95: 0, max: 0 },
    });
    const { wait, run } = tasks.nap!;
    expect(run.count).toBe(5);
    expect(run.p50).toBeGreaterThanOrEqual(15);
    expect(run.p50).toBeLessThan(1000);
    // the one 60 ms nap is the slowest: above the median, and the max
    expect(run.max).toBeGreaterThanOrEqual(55);
    expect(run.p95).toBeGreaterThanOrEqual(run.p50);
    expect(run.max).toBeGreaterThanOrEqual(run.p95);
    // one at a time: the last work waited for the four before it (4 × 20 ms)
    expect(wait.count).toBe(5);
    expect(wait.max).toBeGreaterThanOrEqual(70);
    expect(wait.p50).toBeLessThanOrEqual(wait.max);
  });

  test("counts every attempt's wait, and the run of completed attempts only", async () => {
    const cue = startedCue();
    let calls = 0;
    const flaky = cue.task("flaky", {
      retry: { attempts: 3, backoff: { initial: 1 } },
      run: async () => {
        calls++;
        if (calls < 3) throw new Error("again");
        return "ok";
      },
    });
    await cue.result(cue.submit(flaky));
    const { wait, run } = cue.stats().tasks.flaky!;
    expect(wait.count).toBe(3);
    expect(run.count).toBe(1);
  });
});
