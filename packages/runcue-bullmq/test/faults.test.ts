/**
 * Faults of a cluster: a worker killed outright, a worker told to stop, a
 * Redis that restarts mid-run. Each ends with every work in one final state
 * and nothing lost.
 */
import { afterEach, describe, expect, test } from "vitest";
import {
  type Cluster,
  cueWithWaitingTask,
  JOBS,
  startCluster,
  waitFor,
} from "./helpers/cluster.js";

describe("cluster faults", () => {
  let cluster: Cluster | undefined;
  afterEach(async () => {
    await cluster?.stop();
    cluster = undefined;
  });

  test("a worker killed with SIGKILL mid-job fails that attempt naming the worker, and the retry runs elsewhere", async () => {
    cluster = await startCluster({ workers: 2, threads: 1 });
    const cue = cluster.cue();
    cue.service("cpu");
    const slow = cue.task("slow", {
      uses: "cpu",
      worker: JOBS,
      export: "slowFirst",
      pool: "farm",
      retry: { attempts: 2, backoff: { initial: 10 } },
    });
    const runningOn = new Map<string, number>();
    cue.onProgress((work, value) => runningOn.set(work.id, (value as { running: number }).running));
    const retried: { id: string; message: string }[] = [];
    cue.onRetry((work, error) => retried.push({ id: work.id, message: (error as Error).message }));
    cue.start();
    await waitFor("both workers", () => cue.stats().pools.farm?.size === 2);
    const ids = Array.from({ length: 4 }, () => cue.submit(slow, { firstMs: 4000 }));
    await waitFor("two works to run remotely", () => runningOn.size === 2);
    const victim = cluster.workers[0]!;
    const victimWork = [...runningOn].find(([, pid]) => pid === victim.child.pid)![0];
    victim.kill("SIGKILL");
    await victim.exited;
    // the survivor's first attempt takes 4 s; the victim's work comes back sooner
    await waitFor("the victim's attempt to fail", () => retried.length === 1, 15_000);
    expect(retried[0]!.id).toBe(victimWork);
    expect(retried[0]!.message).toContain(victim.id);
    expect(retried[0]!.message).toContain("stopped answering");
    await waitFor("the dead worker to leave the pool", () => cue.stats().pools.farm!.size === 1);
    await cluster.addWorker(1);
    const result = (await cue.result(victimWork)) as { attempt: number; pid: number };
    expect(result.attempt).toBe(2);
    expect(result.pid).not.toBe(victim.child.pid);
    // nothing lost: every work completes, the victim's on its second attempt
    const results = (await Promise.all(ids.map((id) => cue.result(id)))) as { attempt: number }[];
    expect(results.map((each) => each.attempt).sort()).toEqual([1, 1, 1, 2]);
    expect(cue.stats()).toMatchObject({ completed: 4, failed: 0 });
    await cue.stop();
  });

  test("SIGTERM drains a worker: its running job finishes, it takes no new one, and it exits 0", async () => {
    cluster = await startCluster({ workers: 1, threads: 1 });
    const cue = cluster.cue();
    cue.service("cpu");
    const hold = cue.task("hold", { uses: "cpu", worker: JOBS, export: "hold", pool: "farm" });
    const starts: string[] = [];
    cue.onStart((work) => starts.push(work.id));
    cue.start();
    await waitFor("the worker", () => cue.stats().pools.farm?.size === 1);
    const first = cue.submit(hold, { ms: 3000 });
    const second = cue.submit(hold, { ms: 10 });
    await waitFor("the first work to start", () => starts.length === 1);
    const [worker] = cluster.workers;
    // the worker's heartbeat says it runs the job
    await waitFor(
      "the job to reach the worker",
      () => cue.stats().pools.farm!.workers![0]?.busy === 1,
    );
    worker!.kill("SIGTERM");
    expect(await worker!.exited).toEqual({ code: 0, signal: null });
    expect(await cue.result(first)).toMatchObject({ pid: worker!.child.pid });
    expect(cue.get(second)?.state).toBe("pending");
    expect(worker!.output()).toContain("finishing running jobs");
    const next = await cluster.addWorker(1);
    expect(await cue.result(second)).toMatchObject({ pid: next.child.pid });
    await cue.stop();
  });

  test("a second SIGTERM aborts the running jobs; the attempt fails and runcue's retry decides", async () => {
    cluster = await startCluster({ workers: 1, threads: 1 });
    const { cue, wait, running } = cueWithWaitingTask(cluster);
    cue.start();
    const id = cue.submit(wait, {});
    await waitFor("the handler to run remotely", () => running.has(id));
    const [worker] = cluster.workers;
    worker!.kill("SIGTERM");
    await waitFor("the drain message", () => worker!.output().includes("finishing running jobs"));
    worker!.kill("SIGTERM");
    expect(await worker!.exited).toEqual({ code: 0, signal: null });
    const error = await cue.result(id).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain(`runcue-worker ${worker!.id} is stopping`);
    await cue.stop();
  });

  test("Redis restarting mid-run is survived: every work completes", async () => {
    cluster = await startCluster({ workers: 2, threads: 2 });
    const cue = cluster.cue();
    cue.service("cpu");
    const hold = cue.task("hold", {
      uses: "cpu",
      worker: JOBS,
      export: "hold",
      pool: "farm",
      retry: { attempts: 5, backoff: { initial: 100 } },
    });
    let completed = 0;
    cue.onComplete(() => completed++);
    cue.start();
    await waitFor("both workers", () => cue.stats().pools.farm?.size === 4);
    const ids = Array.from({ length: 40 }, () => cue.submit(hold, { ms: 100 }));
    await waitFor("a few works to complete", () => completed >= 8);
    await cluster.redis.restart({ hard: true, downFor: 300 });
    const results = await Promise.all(ids.map((id) => cue.result(id)));
    expect(results).toHaveLength(40);
    expect(cue.stats()).toMatchObject({ completed: 40, failed: 0, pending: 0, running: 0 });
    await cue.stop();
  });

  test("a Redis that keeps its data and is down for longer than a heartbeat: running jobs finish, no attempt is lost or failed", async () => {
    cluster = await startCluster({ workers: 2, threads: 1, persistent: true });
    const cue = cluster.cue();
    cue.service("cpu");
    const hold = cue.task("hold", {
      uses: "cpu",
      worker: JOBS,
      export: "hold",
      pool: "farm",
      retry: { attempts: 3 },
    });
    const retried: string[] = [];
    cue.onRetry((_work, error) => retried.push((error as Error).message));
    let started = 0;
    cue.onStart(() => started++);
    cue.start();
    await waitFor("both workers", () => cue.stats().pools.farm?.size === 2);
    const ids = Array.from({ length: 4 }, () => cue.submit(hold, { ms: 5000 }));
    await waitFor("two jobs to run", () => started === 2);
    await waitFor("both to reach their workers", () =>
      cue.stats().pools.farm!.workers!.every((worker) => worker.busy === 1),
    );
    // down for longer than the workers' heartbeat keys live (3 s)
    await cluster.redis.restart({ downFor: 3500 });
    const results = await Promise.all(ids.map((id) => cue.result(id)));
    expect(results).toHaveLength(4);
    expect(retried).toEqual([]);
    expect(cue.stats()).toMatchObject({ completed: 4, failed: 0 });
    await cue.stop();
  });

  test("a worker told to stop while Redis is away still exits, within seconds", async () => {
    cluster = await startCluster({ workers: 1, threads: 1 });
    const [worker] = cluster.workers;
    await cluster.redis.stop();
    const stopping = Date.now();
    worker!.kill("SIGTERM");
    expect(await worker!.exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - stopping).toBeLessThan(15_000);
  });
});
