/**
 * Dispatch overhead: how many tiny tasks per second the scheduler itself can
 * push through, with the work reduced to nothing.
 *
 * - Main thread: no-op async handlers through a runcue service with
 *   `concurrent: C` against p-queue at concurrency C.
 * - Worker threads: no-op worker tasks through runcue against raw Piscina fed
 *   every task at once, so its threads never wait for the next task.
 *
 * Each timing runs from the first submit until the last task has finished.
 */
import os from "node:os";
import PQueue from "p-queue";
import { Piscina } from "piscina";
import { Cue } from "runcue";
import type { BenchOptions } from "./options.ts";
import { type BenchmarkReport, log, makeReport, type TargetCheck, target } from "./report.ts";
import { maximum, median, round, timed } from "./stats.ts";

const NOOP_WORKER = new URL("./workers/noop.ts", import.meta.url);

interface Rates {
  /** Tasks per second of every repeat. */
  perSecond: number[];
  medianPerSecond: number;
  bestPerSecond: number;
}

interface Comparison {
  tasks: number;
  runcue: Rates;
  baseline: Rates;
  /**
   * Workers only: raw Piscina fed like runcue feeds it, one task per thread and
   * the next only when one finishes (no prefetch, as the contract requires).
   * Shows how much of the gap is the no-prefetch rule rather than overhead.
   */
  piscinaWithoutPrefetch?: Rates;
  /**
   * Workers only: raw Piscina with two tasks in flight per thread, so each
   * thread finds its next task waiting (its best setting on this machine).
   */
  piscinaTwoPerThread?: Rates;
  /** Workers only: runcue's best rate over piscinaTwoPerThread's best. */
  ratioToTwoPerThread?: number;
  /** runcue's best rate over the baseline's best rate. */
  ratio: number;
  ratioOfMedians: number;
}

export interface DispatchResults {
  mainThread: Comparison[];
  workers: Comparison[];
}

interface DispatchConfig {
  sizes: number[];
  concurrency: number;
  threads: number;
  repeats: number;
}

function rates(tasks: number, timesMs: number[]): Rates {
  const perSecond = timesMs.map((time) => (tasks / time) * 1000);
  return {
    perSecond: perSecond.map((rate) => Math.round(rate)),
    medianPerSecond: Math.round(median(perSecond)),
    bestPerSecond: Math.round(maximum(perSecond)),
  };
}

function compare(tasks: number, runcueTimes: number[], baselineTimes: number[]): Comparison {
  const runcue = rates(tasks, runcueTimes);
  const baseline = rates(tasks, baselineTimes);
  return {
    tasks,
    runcue,
    baseline,
    ratio: round(runcue.bestPerSecond / baseline.bestPerSecond),
    ratioOfMedians: round(runcue.medianPerSecond / baseline.medianPerSecond),
  };
}

/**
 * Times every runner `repeats` times, rotating which goes first, so a burst of
 * background load is shared out instead of hitting one runner's repeats.
 */
async function interleave(
  repeats: number,
  runners: ReadonlyArray<() => Promise<void>>,
): Promise<number[][]> {
  const times: number[][] = runners.map(() => []);
  for (let repeat = 0; repeat < repeats; repeat++) {
    for (let offset = 0; offset < runners.length; offset++) {
      const index = (repeat + offset) % runners.length;
      times[index]!.push(await timed(runners[index]!));
    }
  }
  return times;
}

async function runcueMainThread(tasks: number, concurrency: number): Promise<void> {
  const cue = new Cue();
  cue.service("tiny", { concurrent: concurrency });
  cue.task("noop", { uses: "tiny", run: async () => undefined });
  cue.start();
  for (let index = 0; index < tasks; index++) cue.submit("noop");
  await cue.idle();
  await cue.stop();
}

async function pQueueMainThread(tasks: number, concurrency: number): Promise<void> {
  const queue = new PQueue({ concurrency });
  const noop = async () => undefined;
  for (let index = 0; index < tasks; index++) void queue.add(noop);
  await queue.onIdle();
}

export async function runDispatch(
  options: BenchOptions,
): Promise<BenchmarkReport<DispatchConfig, DispatchResults>> {
  const { repeats, dispatchConcurrency: concurrency } = options;
  // Worker dispatch uses every core, never more: oversubscribed threads measure the OS.
  const threads = Math.min(options.maxThreads, os.availableParallelism());
  const results: DispatchResults = { mainThread: [], workers: [] };

  // Warm-up: compile the hot paths of both before anything is timed.
  const warmUp = Math.min(2_000, ...options.dispatchSizes);
  await runcueMainThread(warmUp, concurrency);
  await pQueueMainThread(warmUp, concurrency);
  for (const tasks of options.dispatchSizes) {
    const [runcueTimes, pQueueTimes] = await interleave(repeats, [
      () => runcueMainThread(tasks, concurrency),
      () => pQueueMainThread(tasks, concurrency),
    ]);
    const comparison = compare(tasks, runcueTimes!, pQueueTimes!);
    results.mainThread.push(comparison);
    log(
      `dispatch main thread, ${tasks} tasks: runcue ${comparison.runcue.bestPerSecond}/s, p-queue ${comparison.baseline.bestPerSecond}/s (${comparison.ratio}×)`,
    );
  }

  // One cue and one pool, both warmed, reused by every size and repeat.
  const cue = new Cue({ threads });
  cue.service("free");
  cue.task("noop", { uses: "free", worker: NOOP_WORKER });
  cue.start();
  const pool = new Piscina({
    filename: NOOP_WORKER.href,
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: 60_000,
  });
  const runcueWorkers = async (tasks: number) => {
    for (let index = 0; index < tasks; index++) cue.submit("noop");
    await cue.idle();
  };
  const piscinaWorkers = async (tasks: number) => {
    const pending: Promise<unknown>[] = [];
    for (let index = 0; index < tasks; index++) pending.push(pool.run(null));
    await Promise.all(pending);
  };
  /** Raw Piscina kept `inFlight` tasks deep: each finish posts the next. */
  const piscinaInFlight = async (tasks: number, inFlight: number) => {
    let submitted = 0;
    const feed = async () => {
      while (submitted < tasks) {
        submitted++;
        await pool.run(null);
      }
    };
    await Promise.all(Array.from({ length: inFlight }, feed));
  };
  await runcueWorkers(warmUp);
  await piscinaWorkers(warmUp);
  await piscinaInFlight(warmUp, threads);
  await piscinaInFlight(warmUp, 2 * threads);
  for (const tasks of options.dispatchSizes) {
    const [runcueTimes, piscinaTimes, oneTaskPerThreadTimes, twoPerThreadTimes] = await interleave(
      repeats,
      [
        () => runcueWorkers(tasks),
        () => piscinaWorkers(tasks),
        () => piscinaInFlight(tasks, threads),
        () => piscinaInFlight(tasks, 2 * threads),
      ],
    );
    const comparison = compare(tasks, runcueTimes!, piscinaTimes!);
    comparison.piscinaWithoutPrefetch = rates(tasks, oneTaskPerThreadTimes!);
    comparison.piscinaTwoPerThread = rates(tasks, twoPerThreadTimes!);
    comparison.ratioToTwoPerThread = round(
      comparison.runcue.bestPerSecond / comparison.piscinaTwoPerThread.bestPerSecond,
    );
    results.workers.push(comparison);
    log(
      `dispatch workers (${threads} threads), ${tasks} tasks: runcue ${comparison.runcue.bestPerSecond}/s, Piscina fed at once ${comparison.baseline.bestPerSecond}/s (${comparison.ratio}×), two in flight per thread ${comparison.piscinaTwoPerThread.bestPerSecond}/s (${comparison.ratioToTwoPerThread}×), one per thread ${comparison.piscinaWithoutPrefetch.bestPerSecond}/s`,
    );
  }
  await cue.stop();
  await pool.destroy();

  const targets: TargetCheck[] = [];
  for (const comparison of results.mainThread) {
    targets.push(
      target(
        `main-thread no-ops per second, ${comparison.tasks} tasks`,
        ">= 150000/s",
        comparison.runcue.bestPerSecond,
        comparison.runcue.bestPerSecond >= 150_000,
      ),
      target(
        `main-thread dispatch over p-queue, ${comparison.tasks} tasks`,
        ">= 0.6×",
        comparison.ratio,
        comparison.ratio >= 0.6,
      ),
    );
  }
  for (const comparison of results.workers) {
    targets.push(
      target(
        `worker dispatch over raw Piscina fed at once, ${comparison.tasks} tasks`,
        ">= 0.9×",
        comparison.ratio,
        comparison.ratio >= 0.9,
      ),
      target(
        `worker dispatch over raw Piscina, two tasks in flight per thread, ${comparison.tasks} tasks`,
        ">= 0.9×",
        comparison.ratioToTwoPerThread!,
        comparison.ratioToTwoPerThread! >= 0.9,
      ),
    );
  }
  return makeReport(
    "dispatch",
    options.smoke,
    { sizes: options.dispatchSizes, concurrency, threads, repeats },
    results,
    targets,
    [
      "Ratios compare best rates (fastest repeat of each); ratioOfMedians shows the same from medians.",
      "Worker runs reuse one warmed cue and one warmed Piscina pool; each timing includes submitting every task.",
    ],
  );
}
