import { CancelledError, type Work } from "runcue";
import { describe, expect, test } from "vitest";
import { gate, newCue, startedCue } from "./helpers.js";

describe("submitting and running work", () => {
  test("a main-thread task runs and its result comes back", async () => {
    const cue = startedCue();
    const double = cue.task("double", {
      run: async (work: { params: { n: number } }) => work.params.n * 2,
    });
    const id = cue.submit(double, { n: 21 });
    await expect(cue.result(id)).resolves.toBe(42);
    const work = cue.get(id)!;
    expect(work).toMatchObject({
      id,
      task: "double",
      params: { n: 21 },
      state: "completed",
      attempt: 1,
      result: 42,
      skipped: false,
    });
    expect(work.completedAt).toBeGreaterThanOrEqual(work.startedAt!);
    expect(work.startedAt).toBeGreaterThanOrEqual(work.createdAt);
  });

  test("params default to {}", async () => {
    const cue = startedCue();
    cue.task("noop", { run: async (work) => work.params });
    const id = cue.submit("noop");
    await expect(cue.result(id)).resolves.toEqual({});
  });

  test("submit before start just queues; start runs it; start is idempotent", async () => {
    const cue = newCue();
    const ran: string[] = [];
    cue.task("t", { run: async (work) => ran.push(work.id) });
    const id = cue.submit("t", {});
    await new Promise((resolve) => setImmediate(resolve));
    expect(cue.get(id)?.state).toBe("pending");
    expect(ran).toEqual([]);
    cue.start();
    cue.start();
    await cue.idle();
    expect(ran).toEqual([id]);
  });

  test("a handler that throws fails the work with the very error thrown", async () => {
    const cue = startedCue();
    const thrown = new TypeError("no such page");
    cue.task("fetch", {
      run: async () => {
        throw thrown;
      },
    });
    const failures: Array<[Work, Error]> = [];
    cue.onFailure((work, error) => failures.push([work, error]));
    const id = cue.submit("fetch", {});
    await expect(cue.result(id)).rejects.toBe(thrown);
    expect(cue.get(id)).toMatchObject({ state: "failed", error: thrown });
    expect(failures).toHaveLength(1);
    expect(failures[0]![1]).toBe(thrown);
  });

  test("a synchronous handler works too", async () => {
    const cue = startedCue();
    cue.task("sync", { run: (work) => `hello ${work.id}` });
    const id = cue.submit("sync");
    await expect(cue.result(id)).resolves.toBe(`hello ${id}`);
  });

  test("result() of unknown work rejects, naming the id", async () => {
    const cue = startedCue();
    await expect(cue.result("nope")).rejects.toThrow('Unknown work "nope"');
  });

  test("idle() resolves at once when there is nothing to do, and after work otherwise", async () => {
    const cue = startedCue();
    await cue.idle();
    const release = gate();
    cue.task("t", { run: () => release.promise });
    cue.submit("t");
    let idle = false;
    const waiting = cue.idle().then(() => {
      idle = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(idle).toBe(false);
    release.open();
    await waiting;
    expect(idle).toBe(true);
  });

  test("list() filters by state and task, oldest first, limited", async () => {
    const cue = startedCue();
    cue.task("a", { run: async () => 1 });
    cue.task("b", {
      run: async () => {
        throw new Error("x");
      },
    });
    const ids = [cue.submit("a"), cue.submit("b"), cue.submit("a"), cue.submit("a")];
    await cue.idle();
    expect(cue.list().map((work) => work.id)).toEqual(ids);
    expect(cue.list({ task: "a" }).map((work) => work.id)).toEqual([ids[0], ids[2], ids[3]]);
    expect(cue.list({ state: "failed" }).map((work) => work.id)).toEqual([ids[1]]);
    expect(cue.list({ limit: 2 })).toHaveLength(2);
    expect(cue.list({ state: "pending" })).toEqual([]);
  });

  test("stats() counts by state, per service, and threads", async () => {
    const cue = startedCue({ threads: 3 });
    cue.service("api", { rate: "10/s", concurrent: 2 });
    cue.service("free");
    cue.task("ok", { uses: "api", run: async () => 1 });
    cue.task("skip", { uses: "free", run: async () => 1, isStale: () => false });
    cue.task("bad", {
      run: async () => {
        throw new Error("x");
      },
    });
    cue.submit("ok");
    cue.submit("ok");
    cue.submit("skip");
    cue.submit("bad");
    await cue.idle();
    const stats = cue.stats();
    expect(stats).toMatchObject({
      pending: 0,
      running: 0,
      completed: 2,
      skipped: 1,
      failed: 1,
      cancelled: 0,
    });
    expect(stats.services.api).toEqual({
      running: 0,
      concurrent: 2,
      rate: { limit: 10, interval: 1000, used: 2, nextStartIn: 0 },
    });
    expect(stats.services.free).toEqual({ running: 0 });
    expect(stats.threads).toEqual({ size: 3, busy: 0 });
  });

  test("finished records beyond retain are forgotten oldest first; counts stay", async () => {
    const cue = startedCue({ retain: 2 });
    cue.task("t", { run: async () => 1 });
    const ids = [cue.submit("t"), cue.submit("t"), cue.submit("t")];
    await cue.idle();
    expect(cue.get(ids[0]!)).toBeUndefined();
    expect(cue.get(ids[1]!)?.state).toBe("completed");
    expect(cue.get(ids[2]!)?.state).toBe("completed");
    expect(cue.stats().completed).toBe(3);
  });

  test("pending and running work is never forgotten", async () => {
    const cue = startedCue({ retain: 0 });
    const release = gate();
    cue.task("slow", { run: () => release.promise });
    cue.service("one", { concurrent: 1 });
    cue.task("queued", { uses: "one", run: () => release.promise });
    const running = cue.submit("slow");
    const first = cue.submit("queued");
    const waiting = cue.submit("queued");
    await new Promise((resolve) => setImmediate(resolve));
    expect(cue.get(running)?.state).toBe("running");
    expect(cue.get(first)?.state).toBe("running");
    expect(cue.get(waiting)?.state).toBe("pending");
    release.open();
    await cue.idle();
    expect(cue.get(running)).toBeUndefined();
  });

  test("cancelled work rejects result() with CancelledError", async () => {
    const cue = newCue();
    cue.task("t", { run: async () => 1 });
    const id = cue.submit("t");
    await expect(cue.cancel(id)).resolves.toBe(true);
    await expect(cue.result(id)).rejects.toBeInstanceOf(CancelledError);
    expect(cue.get(id)?.completedAt).toBeTypeOf("number");
    await expect(cue.cancel(id)).resolves.toBe(false);
    await expect(cue.cancel("unknown")).resolves.toBe(false);
  });
});
