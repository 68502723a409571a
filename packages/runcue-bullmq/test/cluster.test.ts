/**
 * The cluster as a user sees it: a Redis, runcue-worker processes on
 * 127.0.0.1, and a cue whose pool "farm" is their threads.
 */
import { Queue, QueueEvents } from "bullmq";
import { CancelledError, TimeoutError } from "runcue";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  type Cluster,
  cueWithWaitingTask,
  JOBS,
  startCluster,
  waitFor,
} from "./helpers/cluster.js";

type Span = { start: number; end: number; pid: number };

describe("a cue with a redisPool of three runcue-worker processes", () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster({ workers: 3, threads: 2 });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  test("runs worker tasks on the remote threads and reports each worker in stats().pools", async () => {
    const cue = cluster.cue();
    cue.service("cpu");
    const echo = cue.task("echo", { uses: "cpu", worker: JOBS, export: "echo", pool: "farm" });
    cue.start();
    await waitFor("all three workers", () => cue.stats().pools.farm?.size === 6);
    const ids = Array.from({ length: 12 }, (_, index) => cue.submit(echo, { index }));
    const results = (await Promise.all(ids.map((id) => cue.result(id)))) as {
      params: { index: number };
    }[];
    expect(results.map((result) => result.params.index)).toEqual([...Array(12).keys()]);
    expect(cue.stats().pools.farm).toMatchObject({ size: 6, busy: 0 });
    // each worker's own count comes with its next heartbeat
    await waitFor("the heartbeats to say idle", () =>
      cue.stats().pools.farm!.workers!.every((worker) => worker.busy === 0),
    );
    const farm = cue.stats().pools.farm!;
    expect(farm.workers!.map((worker) => worker.id).sort()).toEqual(
      cluster.workers.map((worker) => worker.id).sort(),
    );
    for (const worker of farm.workers!) {
      expect(worker).toMatchObject({ threads: 2, busy: 0 });
      expect(worker.host).toBeTruthy();
    }
    await cue.stop();
  });

  test("a concurrency limit holds across processes as the handlers see it", async () => {
    const cue = cluster.cue();
    cue.service("api", { concurrent: 3 });
    const hold = cue.task("hold", { uses: "api", worker: JOBS, export: "hold", pool: "farm" });
    cue.start();
    await waitFor("all three workers", () => cue.stats().pools.farm?.size === 6);
    const ids = Array.from({ length: 15 }, () => cue.submit(hold, { ms: 60 }));
    const spans = (await Promise.all(ids.map((id) => cue.result(id)))) as Span[];
    // the most handlers running at one moment, from their own clocks (one machine: one clock)
    const edges = spans.flatMap(({ start, end }) => [
      { at: start, step: 1 },
      { at: end, step: -1 },
    ]);
    edges.sort((a, b) => a.at - b.at || a.step - b.step);
    let running = 0;
    let most = 0;
    for (const { step } of edges) {
      running += step;
      most = Math.max(most, running);
    }
    expect(most).toBeLessThanOrEqual(3);
    expect(most).toBeGreaterThanOrEqual(2);
    expect(new Set(spans.map((span) => span.pid)).size).toBeGreaterThan(1);
    await cue.stop();
  });

  test("a rate limit holds across processes as the handlers see it", async () => {
    const cue = cluster.cue();
    cue.service("api", { rate: { limit: 3, interval: 1000 } });
    const hold = cue.task("hold", { uses: "api", worker: JOBS, export: "hold", pool: "farm" });
    cue.start();
    await waitFor("all three workers", () => cue.stats().pools.farm?.size === 6);
    const ids = Array.from({ length: 9 }, () => cue.submit(hold, { ms: 5 }));
    const starts = ((await Promise.all(ids.map((id) => cue.result(id)))) as Span[])
      .map((span) => span.start)
      .sort((a, b) => a - b);
    // the window is stamped when each worker says its handler was called, so starts i and
    // i+3 are a window apart on the handlers' own clock (one machine: one clock, in whole ms)
    for (let index = 3; index < starts.length; index++) {
      expect(starts[index]! - starts[index - 3]!).toBeGreaterThanOrEqual(1000 - 1);
    }
    await cue.stop();
  });

  test("workers report a handler's start only for works whose service has a rate: one Redis event per such job, none otherwise", async () => {
    const events = new QueueEvents(cluster.queue, { connection: { url: cluster.redis.url } });
    await events.waitUntilReady();
    const startReports: string[] = [];
    events.on("progress", ({ jobId, data }) => {
      if (typeof data === "object" && data !== null && "started" in data) startReports.push(jobId);
    });
    const cue = cluster.cue();
    cue.service("free");
    cue.service("rated", { rate: { limit: 100, interval: 1000 } });
    const free = cue.task("free", { uses: "free", worker: JOBS, export: "echo", pool: "farm" });
    const rated = cue.task("rated", { uses: "rated", worker: JOBS, export: "echo", pool: "farm" });
    cue.start();
    await waitFor("all three workers", () => cue.stats().pools.farm?.size === 6);
    const freeIds = Array.from({ length: 6 }, (_, index) => cue.submit(free, { index }));
    const ratedIds = Array.from({ length: 6 }, (_, index) => cue.submit(rated, { index }));
    await Promise.all([...freeIds, ...ratedIds].map((id) => cue.result(id)));
    // a start report precedes its job's outcome on the worker's connection, so all six are in
    await waitFor("the six start reports", () => startReports.length >= 6);
    const reported = new Set(startReports.map((jobId) => jobId.split(".")[1]));
    expect(reported).toEqual(new Set(ratedIds));
    await cue.stop();
    await events.close();
  });

  test("no prefetch: BullMQ never holds more jobs than there are remote threads, the rest wait in runcue", async () => {
    const cue = cluster.cue();
    cue.service("cpu");
    const hold = cue.task("hold", { uses: "cpu", worker: JOBS, export: "hold", pool: "farm" });
    cue.start();
    await waitFor("all three workers", () => cue.stats().pools.farm?.size === 6);
    const queue = new Queue(cluster.queue, { connection: { url: cluster.redis.url } });
    let most = 0;
    let mostPending = 0;
    let watching = true;
    const watch = (async () => {
      while (watching) {
        const counts = await queue.getJobCounts("wait", "active", "prioritized", "delayed");
        most = Math.max(
          most,
          counts.wait! + counts.active! + counts.prioritized! + counts.delayed!,
        );
        mostPending = Math.max(mostPending, cue.stats().pending);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    const ids = Array.from({ length: 30 }, () => cue.submit(hold, { ms: 40 }));
    await Promise.all(ids.map((id) => cue.result(id)));
    watching = false;
    await watch;
    // one BullMQ job per attempt, gone once finished: nothing is left behind in Redis
    expect(await queue.getJobCounts("wait", "active", "completed", "failed", "delayed")).toEqual({
      wait: 0,
      active: 0,
      completed: 0,
      failed: 0,
      delayed: 0,
    });
    await queue.close();
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(6);
    expect(mostPending).toBeGreaterThanOrEqual(20);
    await cue.stop();
  });

  test("progress arrives in order, with its typed arrays, before the final event", async () => {
    const cue = cluster.cue();
    cue.service("cpu");
    const progress = cue.task("progress", {
      uses: "cpu",
      worker: JOBS,
      export: "progress",
      pool: "farm",
    });
    const seen = new Map<string, number[]>();
    const lateProgress: string[] = [];
    const completedWith = new Map<string, number>();
    cue.onProgress((work, value) => {
      const { index, bytes } = value as { index: number; bytes: Uint8Array };
      expect(bytes).toBeInstanceOf(Uint8Array);
      expect(bytes[0]).toBe(index);
      if (completedWith.has(work.id)) lateProgress.push(work.id);
      seen.set(work.id, [...(seen.get(work.id) ?? []), index]);
    });
    cue.onComplete((work) => completedWith.set(work.id, seen.get(work.id)?.length ?? 0));
    cue.start();
    const ids = Array.from({ length: 6 }, () => cue.submit(progress, { count: 25 }));
    await Promise.all(ids.map((id) => cue.result(id)));
    expect(lateProgress).toEqual([]);
    for (const id of ids) {
      expect(completedWith.get(id)).toBe(25);
      expect(seen.get(id)).toEqual(Array.from({ length: 25 }, (_, index) => index + 1));
    }
    await cue.stop();
  });

  test("cancel aborts the remote handler's signal and frees its remote thread", async () => {
    const { cue, wait, running } = cueWithWaitingTask(cluster, { abortGrace: 300 });
    const echo = cue.task("echo", { uses: "cpu", worker: JOBS, export: "echo", pool: "farm" });
    cue.start();
    const id = cue.submit(wait, {});
    await waitFor("the handler to run remotely", () => running.has(id));
    expect(await cue.cancel(id)).toBe(true);
    await expect(cue.result(id)).rejects.toBeInstanceOf(CancelledError);
    expect(cue.get(id)?.state).toBe("cancelled");
    await waitFor("its remote thread to be free", () => cue.stats().pools.farm!.busy === 0, 5000);
    expect(await cue.result(cue.submit(echo, { after: "cancel" }))).toMatchObject({
      params: { after: "cancel" },
    });
    await cue.stop();
  });

  test("a handler that ignores its signal has its remote thread terminated after abortGrace", async () => {
    const cue = cluster.cue({ abortGrace: 200 });
    cue.service("cpu");
    const stubborn = cue.task("stubborn", {
      uses: "cpu",
      worker: JOBS,
      export: "stubborn",
      pool: "farm",
      timeout: 500,
    });
    const echo = cue.task("echo", { uses: "cpu", worker: JOBS, export: "echo", pool: "farm" });
    cue.start();
    const startedAt = Date.now();
    const id = cue.submit(stubborn, {});
    const error = await cue.result(id).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).kind).toBe("task");
    // the thread is terminated and replaced: the slot frees well before the handler's 60 s
    await waitFor("its remote thread to be free", () => cue.stats().pools.farm!.busy === 0, 10_000);
    expect(Date.now() - startedAt).toBeLessThan(10_000);
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, index) => cue.result(cue.submit(echo, { index }))),
    );
    expect(results).toHaveLength(6);
    await cue.stop();
  });

  test("stop({ timeout }) aborts remote work and returns soon after the timeout", async () => {
    const { cue, wait, running } = cueWithWaitingTask(cluster, { abortGrace: 200 });
    cue.start();
    const ids = [cue.submit(wait, {}), cue.submit(wait, {})];
    await waitFor("both handlers to run remotely", () => ids.every((id) => running.has(id)));
    const stopping = Date.now();
    await cue.stop({ timeout: 200 });
    expect(Date.now() - stopping).toBeLessThan(4000);
    for (const id of ids) expect(cue.get(id)?.state).toBe("cancelled");
  });

  test("a late-joining worker gets work", async () => {
    const { cue, wait } = cueWithWaitingTask(cluster, { abortGrace: 100 });
    const hold = cue.task("hold", { uses: "cpu", worker: JOBS, export: "hold", pool: "farm" });
    cue.start();
    await waitFor("the first workers", () => cue.stats().pools.farm?.size === 6);
    // every thread of the first three workers is taken until the end of the test
    const blockers = Array.from({ length: 6 }, () => cue.submit(wait, {}));
    const ids = Array.from({ length: 4 }, () => cue.submit(hold, { ms: 10 }));
    await waitFor("the blockers to start", () => cue.stats().running === 6);
    expect(cue.debugBlocked().map((blocked) => blocked.reason)).toEqual(
      Array(4).fill("threads_busy"),
    );
    const late = await cluster.addWorker(2);
    await waitFor("the late worker to be counted", () => cue.stats().pools.farm!.size === 8);
    const spans = (await Promise.all(ids.map((id) => cue.result(id)))) as Span[];
    expect(spans.every((span) => span.pid === late.child.pid)).toBe(true);
    await Promise.all(blockers.map((id) => cue.cancel(id)));
    await cue.stop();
  });
});
