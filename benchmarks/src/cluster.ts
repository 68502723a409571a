/**
 * Beyond one machine: runcue's remote pool (`@runcue/bullmq`) against the
 * alternatives, on this one machine, so only ratios mean anything. The
 * runcue-worker processes, Redis and the coordinator share the same cores.
 *
 * - Tiny jobs: no-op worker tasks through runcue + BullMQ (a job enters
 *   Redis only when a remote thread is free) against BullMQ alone with the
 *   same workers pulling freely (every job added at once), 2 workers × 1
 *   thread, in jobs per second.
 * - Mandelbrot tiles at 256 and at 4,000 iterations: 2 runcue-worker
 *   processes × 1 thread against the local Piscina pool with 2 threads, in
 *   seconds for all the tiles.
 *
 * Each measurement alternates the arms (which goes first rotates) and is
 * repeated; the ratios use the medians and the bests.
 */
import { fileURLToPath } from "node:url";
import { redisPool } from "@runcue/bullmq";
import { DEFAULT_ZOOM, type TileRequest } from "@runcue/example-mandelbrot/kernel";
import { Queue, QueueEvents } from "bullmq";
import { Cue } from "runcue";
import {
  type RedisServer,
  startRedis,
} from "../../packages/runcue-bullmq/test/helpers/redis-server.ts";
import {
  killAll,
  startWorker,
  type WorkerProcess,
} from "../../packages/runcue-bullmq/test/helpers/workers.ts";
import type { BenchOptions } from "./options.ts";
import { type BenchmarkReport, log, makeReport, target } from "./report.ts";
import { median, minimum, round, timed } from "./stats.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const NOOP_WORKER = fileURLToPath(new URL("./workers/noop.ts", import.meta.url));
const TILE_WORKER = fileURLToPath(import.meta.resolve("@runcue/example-mandelbrot/tile.worker"));

interface Arm {
  timesMs: number[];
  medianMs: number;
  bestMs: number;
}

function arm(timesMs: number[]): Arm {
  return {
    timesMs: timesMs.map((time) => round(time, 1)),
    medianMs: round(median(timesMs), 1),
    bestMs: round(minimum(timesMs), 1),
  };
}

export interface ClusterResults {
  tinyJobs: {
    jobs: number;
    gated: Arm & { medianPerSecond: number };
    free: Arm & { medianPerSecond: number };
    /** Gated jobs per second over free ones (medians). */
    ratio: number;
  };
  tiles: {
    iter: number;
    size: number;
    grid: number;
    remote: Arm;
    local: Arm;
    /** Remote time over local time (medians): 1.15 means 15% slower. */
    ratio: number;
    ratioOfBests: number;
  }[];
}

interface ClusterConfig {
  workers: number;
  threadsPerWorker: number;
  localThreads: number;
  tinyJobs: number;
  tileSize: number;
  tileGrid: number;
  tileIterations: number[];
  repeats: number;
}

const FULL = {
  tinyJobs: 3000,
  tileSize: 2048,
  tileGrid: 8,
  tileIterations: [256, 4000],
};
const SMOKE = { tinyJobs: 100, tileSize: 128, tileGrid: 4, tileIterations: [32] };

/** The tiles of one render, as the tile task's params (no `tilesDir`: the shades come back). */
function tileRequests(size: number, grid: number, iter: number): TileRequest[] {
  const requests: TileRequest[] = [];
  for (let row = 0; row < grid; row++) {
    for (let col = 0; col < grid; col++) {
      requests.push({ size, iter, grid, col, row, zoom: DEFAULT_ZOOM });
    }
  }
  return requests;
}

async function renderTiles(cue: Cue, task: string, requests: TileRequest[]): Promise<void> {
  await Promise.all(requests.map((request) => cue.result(cue.submit(task, request))));
}

/** BullMQ alone: every job added at once, the workers pull them as fast as they can. */
async function freeRun(redis: string, queue: string, jobs: number): Promise<number> {
  const producer = new Queue(queue, { connection: { url: redis } });
  const events = new QueueEvents(queue, { connection: { url: redis } });
  await Promise.all([producer.waitUntilReady(), events.waitUntilReady()]);
  let completed = 0;
  let failed = 0;
  const done = new Promise<void>((resolve) => {
    const count = () => {
      if (completed + failed === jobs) resolve();
    };
    events.on("completed", () => {
      completed++;
      count();
    });
    events.on("failed", () => {
      failed++;
      count();
    });
  });
  const { encode } = await import("../../packages/runcue-bullmq/src/codec.ts");
  const data = (index: number) => ({
    v: 1,
    module: "benchmarks/src/workers/noop.ts",
    relative: true,
    exportName: "default",
    work: { id: `free${index}`, task: "noop", attempt: 1 },
    params: encode({}),
    maxResultBytes: 1 << 20,
    abortGrace: 1000,
  });
  const time = await timed(async () => {
    const batch = 500;
    for (let start = 0; start < jobs; start += batch) {
      await producer.addBulk(
        Array.from({ length: Math.min(batch, jobs - start) }, (_, offset) => ({
          name: "noop",
          data: data(start + offset),
          opts: { removeOnComplete: true, removeOnFail: true },
        })),
      );
    }
    await done;
  });
  if (failed > 0) throw new Error(`${failed} free BullMQ jobs failed`);
  await Promise.all([producer.close(), events.close()]);
  return time;
}

async function gatedRun(redis: string, queue: string, jobs: number): Promise<number> {
  const cue = new Cue({ pools: { farm: redisPool({ connection: redis, queue, root: ROOT }) } });
  cue.service("cpu");
  cue.task("noop", { uses: "cpu", worker: NOOP_WORKER, pool: "farm" });
  cue.start();
  // wait for the workers to be counted, outside the timing
  while ((cue.stats().pools.farm?.size ?? 0) < 2) await new Promise((r) => setTimeout(r, 20));
  const time = await timed(() =>
    Promise.all(Array.from({ length: jobs }, () => cue.result(cue.submit("noop", {})))),
  );
  await cue.stop();
  return time;
}

export async function runCluster(
  options: BenchOptions,
): Promise<BenchmarkReport<ClusterConfig, ClusterResults>> {
  const sizes = options.smoke ? SMOKE : FULL;
  const config: ClusterConfig = {
    workers: 2,
    threadsPerWorker: 1,
    localThreads: 2,
    ...sizes,
    repeats: options.smoke ? 1 : options.repeats,
  };
  log(
    `cluster: Redis + ${config.workers} runcue-worker processes × ${config.threadsPerWorker} thread on this machine`,
  );
  let redis: RedisServer | undefined;
  let workers: WorkerProcess[] = [];
  try {
    redis = await startRedis();
    const startWorkers = async (queue: string) => {
      await killAll(workers);
      workers = await Promise.all(
        Array.from({ length: config.workers }, () =>
          startWorker({ redis: redis!.url, queue, threads: config.threadsPerWorker, root: ROOT }),
        ),
      );
    };

    // the same two workers serve every arm
    await startWorkers("cluster");
    const gatedTimes: number[] = [];
    const freeTimes: number[] = [];
    // warm up: the threads load tsx and the module
    await gatedRun(redis.url, "cluster", Math.min(200, config.tinyJobs));
    for (let repeat = 0; repeat < config.repeats; repeat++) {
      const order = repeat % 2 === 0 ? ["gated", "free"] : ["free", "gated"];
      for (const which of order) {
        if (which === "gated")
          gatedTimes.push(await gatedRun(redis.url, "cluster", config.tinyJobs));
        else freeTimes.push(await freeRun(redis.url, "cluster", config.tinyJobs));
      }
      log(
        `  tiny jobs, repeat ${repeat + 1}: gated ${round(gatedTimes.at(-1)!, 0)} ms, free ${round(freeTimes.at(-1)!, 0)} ms`,
      );
    }
    const perSecond = (times: number[]) => Math.round((config.tinyJobs / median(times)) * 1000);
    const tinyJobs = {
      jobs: config.tinyJobs,
      gated: { ...arm(gatedTimes), medianPerSecond: perSecond(gatedTimes) },
      free: { ...arm(freeTimes), medianPerSecond: perSecond(freeTimes) },
      ratio: round(perSecond(gatedTimes) / perSecond(freeTimes)),
    };

    // tiles: remote pool of 2 × 1 against the local pool of 2
    const remoteCue = new Cue({
      pools: { farm: redisPool({ connection: redis.url, queue: "cluster", root: ROOT }) },
    });
    remoteCue.service("cpu");
    remoteCue.task("tile", { uses: "cpu", worker: TILE_WORKER, pool: "farm" });
    remoteCue.start();
    const localCue = new Cue({ threads: config.localThreads });
    localCue.service("cpu");
    localCue.task("tile", { uses: "cpu", worker: TILE_WORKER });
    localCue.start();
    while ((remoteCue.stats().pools.farm?.size ?? 0) < 2)
      await new Promise((r) => setTimeout(r, 20));
    const warmUp = tileRequests(64, 4, 8);
    await Promise.all([
      renderTiles(remoteCue, "tile", warmUp),
      renderTiles(localCue, "tile", warmUp),
    ]);
    const tiles: ClusterResults["tiles"] = [];
    for (const iter of config.tileIterations) {
      const requests = tileRequests(config.tileSize, config.tileGrid, iter);
      const remoteTimes: number[] = [];
      const localTimes: number[] = [];
      for (let repeat = 0; repeat < config.repeats; repeat++) {
        const order = repeat % 2 === 0 ? ["remote", "local"] : ["local", "remote"];
        for (const which of order) {
          if (which === "remote")
            remoteTimes.push(await timed(() => renderTiles(remoteCue, "tile", requests)));
          else localTimes.push(await timed(() => renderTiles(localCue, "tile", requests)));
        }
        log(
          `  tiles at ${iter} iterations, repeat ${repeat + 1}: remote ${round(remoteTimes.at(-1)!, 0)} ms, local ${round(localTimes.at(-1)!, 0)} ms`,
        );
      }
      tiles.push({
        iter,
        size: config.tileSize,
        grid: config.tileGrid,
        remote: arm(remoteTimes),
        local: arm(localTimes),
        ratio: round(median(remoteTimes) / median(localTimes)),
        ratioOfBests: round(minimum(remoteTimes) / minimum(localTimes)),
      });
    }
    await Promise.all([remoteCue.stop(), localCue.stop()]);

    const results: ClusterResults = { tinyJobs, tiles };
    const heavy = tiles.find((entry) => entry.iter === 4000);
    const targets = [
      target(
        "tiny jobs gated / BullMQ alone",
        ">= 0.5 (jobs per second, medians)",
        tinyJobs.ratio,
        tinyJobs.ratio >= 0.5,
      ),
      ...(heavy
        ? [
            target(
              "tiles at 4000 iterations, 2 workers × 1 thread / local 2 threads",
              "<= 1.15 (time, medians)",
              heavy.ratio,
              heavy.ratio <= 1.15,
            ),
          ]
        : []),
    ];
    return makeReport("cluster", options.smoke, config, results, targets, [
      "One machine: the runcue-worker processes, Redis and the coordinator share its cores, so the remote arms pay for Redis and two more processes on the same CPUs.",
    ]);
  } finally {
    await killAll(workers);
    await redis?.stop();
  }
}
