/**
 * Thread scaling: the Mandelbrot example's tiles at 1 … N threads, through
 * runcue worker tasks, through raw Piscina (same kernel, same tiles, all
 * submitted at once so Piscina keeps its own queue) and as a plain loop on the
 * main thread. Every configuration is measured in every round, in a rotating
 * order, so background load hits all of them alike.
 */
import { DEFAULT_ZOOM, renderTile, type TileRequest } from "@runcue/example-mandelbrot/kernel";
import { Piscina } from "piscina";
import { Cue } from "runcue";
import { renderSpeedupChart } from "./chart.ts";
import type { BenchOptions } from "./options.ts";
import { type BenchmarkReport, log, makeReport, target } from "./report.ts";
import { median, minimum, round, timed } from "./stats.ts";

const RUNCUE_TILE_WORKER = new URL(import.meta.resolve("@runcue/example-mandelbrot/tile.worker"));
const PISCINA_TILE_WORKER = new URL("./workers/piscina-tile.ts", import.meta.url);

interface Timings {
  timesMs: number[];
  medianMs: number;
  bestMs: number;
}

interface ThreadRow {
  threads: number;
  runcue: Timings;
  piscina: Timings;
  /**
   * Raw Piscina fed as runcue feeds it: one tile per thread, the next only when one returns
   * (the contract's no-prefetch rule). Separates the cost of that rule from runcue's own.
   */
  piscinaWithoutPrefetch: Timings;
  /** Best time at 1 thread divided by best time at this count, per implementation. */
  speedup: { runcue: number; piscina: number };
  /** Speed-up divided by the thread count. */
  efficiency: { runcue: number; piscina: number };
  /** runcue's best time over Piscina's: 1.03 means runcue took 3% longer. */
  runcueOverPiscina: number;
  /** The same ratio from medians, to show how much noise moved it. */
  runcueOverPiscinaMedian: number;
  /** runcue's best time over that of Piscina without prefetch. */
  runcueOverPiscinaWithoutPrefetch: number;
}

export interface ThreadScalingResults {
  tiles: number;
  mainThread: Timings;
  rows: ThreadRow[];
}

export interface ThreadScalingConfig {
  size: number;
  iter: number;
  grid: number;
  maxThreads: number;
  repeats: number;
}

function tileRequests(options: BenchOptions): TileRequest[] {
  const requests: TileRequest[] = [];
  for (let row = 0; row < options.grid; row++) {
    for (let col = 0; col < options.grid; col++) {
      const { size, iter, grid } = options;
      requests.push({ size, iter, grid, col, row, zoom: { ...DEFAULT_ZOOM } });
    }
  }
  return requests;
}

function summarise(timesMs: number[]): Timings {
  return {
    timesMs: timesMs.map((time) => round(time, 1)),
    medianMs: round(median(timesMs), 1),
    bestMs: round(minimum(timesMs), 1),
  };
}

interface TileResult {
  shades: Uint8Array;
}

function checkPixels(results: readonly TileResult[], size: number, who: string): void {
  const pixels = results.reduce((sum, result) => sum + result.shades.length, 0);
  if (pixels !== size * size) {
    throw new Error(`${who} returned ${pixels} pixels, expected ${size * size}`);
  }
}

/** One runcue cue sized to `threads`, kept for every repeat at that size. */
function createRuncueRunner(threads: number, size: number) {
  const cue = new Cue({ threads });
  cue.service("cpu");
  cue.task("tile", { uses: "cpu", worker: RUNCUE_TILE_WORKER });
  cue.start();
  return {
    async run(requests: readonly TileRequest[]): Promise<void> {
      const ids = requests.map((request) => cue.submit("tile", request));
      const results = (await Promise.all(ids.map((id) => cue.result(id)))) as TileResult[];
      checkPixels(results, size, "runcue");
    },
    stop: () => cue.stop(),
  };
}

/** Raw Piscina, given every tile at once (its own queue) or, with `prefetch` false, one per thread. */
function createPiscinaRunner(threads: number, size: number, prefetch: boolean) {
  const pool = new Piscina({
    filename: PISCINA_TILE_WORKER.href,
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: 60_000,
  });
  const runAllAtOnce = (requests: readonly TileRequest[]) =>
    Promise.all(requests.map((request) => pool.run(request)));
  const runOnePerThread = async (requests: readonly TileRequest[]) => {
    const results: unknown[] = [];
    let next = 0;
    const feedOneThread = async () => {
      while (next < requests.length) {
        const request = requests[next++]!;
        results.push(await pool.run(request));
      }
    };
    await Promise.all(Array.from({ length: threads }, feedOneThread));
    return results;
  };
  return {
    async run(requests: readonly TileRequest[]): Promise<void> {
      const results = await (prefetch ? runAllAtOnce(requests) : runOnePerThread(requests));
      checkPixels(results as TileResult[], size, "Piscina");
    },
    stop: () => pool.destroy(),
  };
}

export async function runThreadScaling(
  options: BenchOptions,
): Promise<{ report: BenchmarkReport<ThreadScalingConfig, ThreadScalingResults>; svg: string }> {
  const requests = tileRequests(options);
  const { scalingRepeats: repeats, maxThreads, size } = options;
  log(`thread-scaling: ${size}² px, ${options.iter} iterations, ${requests.length} tiles`);

  // Every configuration lives for the whole benchmark and each repeat runs them all, in a
  // rotating order, so a burst of background load lands on all of them alike rather than on
  // one thread count. Idle pools cost nothing: their threads block on Atomics.wait.
  interface Runner {
    name: string;
    threads: number;
    run(requests: readonly TileRequest[]): Promise<void>;
    stop(): Promise<unknown>;
    times: number[];
  }
  const runners: Runner[] = [
    {
      name: "main",
      threads: 0,
      // The main-thread loop: the kernel with no threads and no scheduler at all.
      run: async (all) => {
        for (const request of all) renderTile(request);
      },
      stop: async () => undefined,
      times: [],
    },
  ];
  for (let threads = 1; threads <= maxThreads; threads++) {
    runners.push({ name: "runcue", threads, ...createRuncueRunner(threads, size), times: [] });
    runners.push({
      name: "piscina",
      threads,
      ...createPiscinaRunner(threads, size, true),
      times: [],
    });
    runners.push({
      name: "piscina-without-prefetch",
      threads,
      ...createPiscinaRunner(threads, size, false),
      times: [],
    });
  }
  // Warm-up: threads started, modules loaded, kernel compiled, everywhere.
  for (const runner of runners) await runner.run(requests);
  for (let repeat = 0; repeat < repeats; repeat++) {
    for (let offset = 0; offset < runners.length; offset++) {
      const runner = runners[(repeat + offset) % runners.length]!;
      runner.times.push(await timed(() => runner.run(requests)));
    }
  }
  for (const runner of runners) await runner.stop();

  const mainThread = summarise(runners[0]!.times);
  log(`  main-thread loop: best ${mainThread.bestMs} ms`);
  const rows: Omit<ThreadRow, "speedup" | "efficiency">[] = [];
  for (let threads = 1; threads <= maxThreads; threads++) {
    const timesOf = (name: string) =>
      runners.find((runner) => runner.name === name && runner.threads === threads)!.times;
    const runcueTimings = summarise(timesOf("runcue"));
    const piscinaTimings = summarise(timesOf("piscina"));
    const withoutPrefetch = summarise(timesOf("piscina-without-prefetch"));
    rows.push({
      threads,
      runcue: runcueTimings,
      piscina: piscinaTimings,
      piscinaWithoutPrefetch: withoutPrefetch,
      runcueOverPiscinaWithoutPrefetch: round(runcueTimings.bestMs / withoutPrefetch.bestMs),
      runcueOverPiscina: round(runcueTimings.bestMs / piscinaTimings.bestMs),
      runcueOverPiscinaMedian: round(runcueTimings.medianMs / piscinaTimings.medianMs),
    });
    log(
      `  ${threads} thread(s): runcue best ${runcueTimings.bestMs} ms, Piscina best ${piscinaTimings.bestMs} ms`,
    );
  }

  const first = rows[0]!;
  const fullRows: ThreadRow[] = rows.map((row) => {
    const speedup = {
      runcue: round(first.runcue.bestMs / row.runcue.bestMs),
      piscina: round(first.piscina.bestMs / row.piscina.bestMs),
    };
    return {
      ...row,
      speedup,
      efficiency: {
        runcue: round(speedup.runcue / row.threads),
        piscina: round(speedup.piscina / row.threads),
      },
    };
  });

  const worstRatio = Math.max(...fullRows.map((row) => row.runcueOverPiscina));
  const targets = [
    target(
      "runcue time over raw Piscina (worst thread count)",
      "<= 1.03",
      worstRatio,
      worstRatio <= 1.03,
    ),
  ];
  const two = fullRows.find((row) => row.threads === 2);
  if (two !== undefined) {
    targets.push(
      target(
        "runcue speed-up at 2 threads",
        ">= 1.90× 1 thread",
        two.speedup.runcue,
        two.speedup.runcue >= 1.9,
      ),
    );
  }

  const results: ThreadScalingResults = { tiles: requests.length, mainThread, rows: fullRows };
  const config: ThreadScalingConfig = {
    size,
    iter: options.iter,
    grid: options.grid,
    maxThreads,
    repeats,
  };
  const report = makeReport("thread-scaling", options.smoke, config, results, targets, [
    "Headline figures use the best of the repeats: background load only ever adds time.",
    "Speed-up is per implementation: its best time at 1 thread over its best time at n threads.",
  ]);
  const svg = renderThreadScalingChart(config, results);
  return { report, svg };
}

/** The speed-up chart of a thread-scaling result (also used to redraw it from the JSON). */
export function renderThreadScalingChart(
  config: ThreadScalingConfig,
  results: ThreadScalingResults,
): string {
  const { rows } = results;
  return renderSpeedupChart({
    title: "Mandelbrot tiles: speed-up over 1 thread",
    subtitle: `${config.size}² px, ${config.iter} iterations, ${results.tiles} tiles, best of ${config.repeats}; main-thread loop ${results.mainThread.bestMs} ms`,
    threads: rows.map((row) => row.threads),
    series: [
      { label: "runcue", color: "#d9480f", values: rows.map((row) => row.speedup.runcue) },
      { label: "raw Piscina", color: "#1c7ed6", values: rows.map((row) => row.speedup.piscina) },
    ],
  });
}
