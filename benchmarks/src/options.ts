import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

/** Every benchmark, by the name used with `--only` and for its result file. */
export const BENCHMARK_NAMES = [
  "thread-scaling",
  "dispatch",
  "scale",
  "rate-accuracy",
  "dashboard",
  "cluster",
] as const;
export type BenchmarkName = (typeof BENCHMARK_NAMES)[number];

export interface BenchOptions {
  /** Tiny sizes, a few seconds in total: proves the benchmarks still run, measures nothing. */
  smoke: boolean;
  /** Which benchmarks to run, in this order. */
  only: BenchmarkName[];
  /** Folder for the JSON results and the SVG chart. */
  out: string;
  /** Dispatch: how many times each configuration is measured (the report keeps median and best). */
  repeats: number;
  /** Thread scaling: repeats of each configuration (short runs, so more of them). */
  scalingRepeats: number;
  /** Scale: repeats of each size and mode (the fastest is kept). */
  scaleRepeats: number;
  /** Thread scaling runs 1 … maxThreads threads (default: the number of cores). */
  maxThreads: number;
  /** Mandelbrot image width and height, in pixels. */
  size: number;
  /** Mandelbrot iterations per pixel. */
  iter: number;
  /** Mandelbrot tiles per side. */
  grid: number;
  /** Task counts for the dispatch benchmark. */
  dispatchSizes: number[];
  /** Concurrency of the main-thread dispatch benchmark (runcue service and p-queue). */
  dispatchConcurrency: number;
  /** Work counts for the scale benchmark. */
  scaleSizes: number[];
  /** Works blocked while idle CPU is measured. */
  idleWorks: number;
  /** How long idle CPU is measured, in milliseconds. */
  idleDuration: number;
  /** Starts allowed per rate window in the rate-accuracy benchmark. */
  rateLimit: number;
  /** Length of the rate window, in milliseconds. */
  rateInterval: number;
  /** How long the rate-limited service is kept saturated, in milliseconds. */
  rateDuration: number;
}

const RESULTS = fileURLToPath(new URL("../results", import.meta.url));

const FULL: Omit<BenchOptions, "smoke" | "only" | "out"> = {
  repeats: 5,
  scalingRepeats: 15,
  scaleRepeats: 3,
  maxThreads: os.availableParallelism(),
  size: 2048,
  iter: 256,
  grid: 8,
  dispatchSizes: [10_000, 100_000],
  dispatchConcurrency: 8,
  scaleSizes: [10_000, 100_000, 1_000_000],
  idleWorks: 100_000,
  idleDuration: 3_000,
  rateLimit: 200,
  rateInterval: 1_000,
  rateDuration: 5_000,
};

const SMOKE: typeof FULL = {
  repeats: 1,
  scalingRepeats: 1,
  scaleRepeats: 1,
  maxThreads: 2,
  size: 128,
  iter: 32,
  grid: 4,
  dispatchSizes: [500],
  dispatchConcurrency: 8,
  scaleSizes: [200, 2_000],
  idleWorks: 1_000,
  idleDuration: 200,
  rateLimit: 20,
  rateInterval: 200,
  rateDuration: 600,
};

export const USAGE = `Usage: pnpm bench [flags]

  --smoke                  tiny sizes, a few seconds in total (CI runs this)
  --only NAMES             comma-separated subset of: ${BENCHMARK_NAMES.join(", ")}
  --out DIR                where to write JSON and SVG (default benchmarks/results)
  --repeats N              dispatch measurements per configuration (default 5)
  --scaling-repeats N      thread-scaling measurements per configuration (default 15)
  --scale-repeats N        scale measurements per size and mode (default 3)
  --max-threads N          thread scaling from 1 to N threads (default: cores)
  --size PX --iter N --grid N      Mandelbrot workload (default 2048, 256, 8)
  --dispatch-sizes A,B     tiny-task counts (default 10000,100000)
  --dispatch-concurrency N main-thread concurrency (default 8)
  --scale-sizes A,B,C      submitted works (default 10000,100000,1000000)
  --idle-works N           works blocked during the idle CPU measure (default 100000)
  --idle-ms MS             idle CPU measuring time (default 3000)
  --rate N --rate-interval MS --rate-ms MS   rate accuracy (default 200 per 1000 for 5000)
`;

function positiveInteger(flag: string, text: string): number {
  const value = Number(text.replaceAll("_", ""));
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(`--${flag} must be a positive integer, got "${text}"`);
  }
  return value;
}

function integerList(flag: string, text: string): number[] {
  return text.split(",").map((part) => positiveInteger(flag, part.trim()));
}

/** Parses the command line; flags override the full or smoke defaults. */
export function parseOptions(argv: readonly string[]): BenchOptions | "help" {
  const { values } = parseArgs({
    // pnpm passes a lone "--" through when flags follow `pnpm bench --`.
    args: argv.filter((argument) => argument !== "--"),
    options: {
      help: { type: "boolean", short: "h" },
      smoke: { type: "boolean" },
      only: { type: "string" },
      out: { type: "string" },
      repeats: { type: "string" },
      "scaling-repeats": { type: "string" },
      "scale-repeats": { type: "string" },
      "max-threads": { type: "string" },
      size: { type: "string" },
      iter: { type: "string" },
      grid: { type: "string" },
      "dispatch-sizes": { type: "string" },
      "dispatch-concurrency": { type: "string" },
      "scale-sizes": { type: "string" },
      "idle-works": { type: "string" },
      "idle-ms": { type: "string" },
      rate: { type: "string" },
      "rate-interval": { type: "string" },
      "rate-ms": { type: "string" },
    },
    strict: true,
  });
  if (values.help) return "help";

  const smoke = values.smoke ?? false;
  const base = smoke ? SMOKE : FULL;
  const only = (values.only?.split(",") ?? [...BENCHMARK_NAMES]).map((name) => {
    const trimmed = name.trim();
    if (!(BENCHMARK_NAMES as readonly string[]).includes(trimmed)) {
      throw new Error(`Unknown benchmark "${trimmed}": use ${BENCHMARK_NAMES.join(", ")}`);
    }
    return trimmed as BenchmarkName;
  });
  const integer = (flag: keyof typeof values, fallback: number) => {
    const text = values[flag];
    return typeof text === "string" ? positiveInteger(flag, text) : fallback;
  };
  const list = (flag: keyof typeof values, fallback: number[]) => {
    const text = values[flag];
    return typeof text === "string" ? integerList(flag, text) : fallback;
  };

  return {
    smoke,
    only,
    // Smoke results go beside, never over, the results of a full run.
    out: path.resolve(values.out ?? (smoke ? path.join(RESULTS, "smoke") : RESULTS)),
    repeats: integer("repeats", base.repeats),
    scalingRepeats: integer("scaling-repeats", base.scalingRepeats),
    scaleRepeats: integer("scale-repeats", base.scaleRepeats),
    maxThreads: integer("max-threads", base.maxThreads),
    size: integer("size", base.size),
    iter: integer("iter", base.iter),
    grid: integer("grid", base.grid),
    dispatchSizes: list("dispatch-sizes", base.dispatchSizes),
    dispatchConcurrency: integer("dispatch-concurrency", base.dispatchConcurrency),
    scaleSizes: list("scale-sizes", base.scaleSizes),
    idleWorks: integer("idle-works", base.idleWorks),
    idleDuration: integer("idle-ms", base.idleDuration),
    rateLimit: integer("rate", base.rateLimit),
    rateInterval: integer("rate-interval", base.rateInterval),
    rateDuration: integer("rate-ms", base.rateDuration),
  };
}
