/** A Redis and a few runcue-worker processes for one test file, and a cue on them. */
import { Cue, type CueOptions } from "runcue";
import { redisPool } from "../../src/index.js";
import { type RedisServer, startRedis } from "./redis-server.js";
import { FIXTURES, killAll, startWorker, type WorkerProcess } from "./workers.js";

export const JOBS = `${FIXTURES}jobs.mjs`;

let queues = 0;

export interface Cluster {
  redis: RedisServer;
  queue: string;
  workers: WorkerProcess[];
  /** Starts one more worker on the cluster's queue. */
  addWorker(threads?: number): Promise<WorkerProcess>;
  /** A cue whose pool "farm" is the cluster's workers (root: the fixtures folder). */
  cue(options?: CueOptions & { maxResultBytes?: number }): Cue;
  stop(): Promise<void>;
}

export async function startCluster({
  workers = 2,
  threads = 1,
  persistent = false,
}: {
  workers?: number;
  threads?: number;
  persistent?: boolean;
} = {}): Promise<Cluster> {
  const redis = await startRedis({ persistent });
  const queue = `test-${process.pid}-${++queues}`;
  const started: WorkerProcess[] = [];
  const cues: Cue[] = [];
  const addWorker = async (count = threads) => {
    const worker = await startWorker({ redis: redis.url, queue, threads: count, root: FIXTURES });
    started.push(worker);
    return worker;
  };
  try {
    await Promise.all(Array.from({ length: workers }, () => addWorker()));
  } catch (error) {
    // nothing else would stop them: the caller never gets the cluster
    await killAll(started);
    await redis.stop();
    throw error;
  }
  return {
    redis,
    queue,
    workers: started,
    addWorker,
    cue: ({ maxResultBytes, ...options } = {}) => {
      const cue = new Cue({
        ...options,
        pools: {
          farm: redisPool({ connection: redis.url, queue, root: FIXTURES, maxResultBytes }),
        },
      });
      cues.push(cue);
      return cue;
    },
    async stop() {
      await Promise.all(cues.map((cue) => cue.stop({ timeout: 1000 })));
      await killAll(started);
      await redis.stop();
    },
  };
}

/** Resolves once `check()` is true, polling every 20 ms; rejects after `timeout` ms naming `what`. */
export async function waitFor(what: string, check: () => boolean, timeout = 20_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeout) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * A cue on the cluster with a task "wait" whose handler runs until its signal
 * fires, on service "cpu"; `running` holds the works whose remote handler has
 * begun (it reports progress first).
 */
export function cueWithWaitingTask(cluster: Cluster, options?: CueOptions) {
  const cue = cluster.cue(options);
  cue.service("cpu");
  const wait = cue.task("wait", {
    uses: "cpu",
    worker: JOBS,
    export: "untilAborted",
    pool: "farm",
  });
  const running = new Set<string>();
  cue.onProgress((work) => running.add(work.id));
  return { cue, wait, running };
}
