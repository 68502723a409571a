import { parseRate } from "runcue";
import { scenarios } from "./scenarios/index.js";

/** Everything a simulation run can be told; the CLI's flags map onto these one to one. */
export interface SimulationOptions {
  /** `--scenario`: one of `single_queue`, `pipeline`, `fanout`, `dynamic`. @default "single_queue" */
  scenario: string;
  /** `--count`: the scenario's size (works, items, chunks or targets). @default 100 */
  count: number;
  /** `--latency`: base latency of an attempt in ms. @default 50 */
  latency: number;
  /** `--jitter`: spread around the latency, as a fraction (0.2 → ±20%). @default 0.2 */
  jitter: number;
  /** `--outliers`: fraction of attempts that are outliers. @default 0.02 */
  outliers: number;
  /** `--outlier-mult`: how many times slower an outlier is. @default 5 */
  outlierMultiplier: number;
  /** `--concurrent`: concurrency limit of every service of the scenario. @default 4 */
  concurrent: number;
  /** `--rate-limit`: rate limit of every service, in any runcue form (`10/1`, `60/min`). @default none */
  rateLimit?: string;
  /** `--error-rate`: fraction of attempts that fail (each work gets 3 attempts). @default 0 */
  errorRate: number;
  /** `--seed`: any text; the same seed gives the same workload. @default a random number */
  seed: string;
  /** `--duration`: stop after this many seconds, cancelling running work. @default none */
  duration?: number;
  /** `--stall-timeout`: seconds without progress before pending work fails. @default from the workload */
  stallTimeout?: number;
  /** `--cpu`: run the simulated work as busy CPU in runcue's worker pool. @default false */
  cpu: boolean;
  /** Worker pool size with `cpu`. @default runcue's (os.availableParallelism()) */
  threads?: number;
}

/** Attempts each simulated work gets: `--error-rate` failures are retried this many times in all. */
export const attemptsPerWork = 3;

export const defaultOptions: Omit<SimulationOptions, "seed"> = {
  scenario: "single_queue",
  count: 100,
  latency: 50,
  jitter: 0.2,
  outliers: 0.02,
  outlierMultiplier: 5,
  concurrent: 4,
  errorRate: 0,
  cpu: false,
};

/** A bad option value; the CLI prints the message and exits with a usage error. */
export class SimulationOptionError extends Error {
  override readonly name = "SimulationOptionError";
}

function check(condition: boolean, option: string, value: unknown, accepted: string): void {
  if (!condition) {
    throw new SimulationOptionError(`Invalid ${option} ${JSON.stringify(value)}: use ${accepted}`);
  }
}

const isFraction = (value: number) => Number.isFinite(value) && value >= 0 && value <= 1;

/** Fills in defaults and checks every value, throwing a `SimulationOptionError` naming the flag. */
export function resolveOptions(partial: Partial<SimulationOptions> = {}): SimulationOptions {
  const options: SimulationOptions = {
    ...defaultOptions,
    seed: String(Math.floor(Math.random() * 1_000_000)),
    ...Object.fromEntries(Object.entries(partial).filter(([, value]) => value !== undefined)),
  };
  check(
    scenarios.has(options.scenario),
    "--scenario",
    options.scenario,
    [...scenarios.keys()].join(", "),
  );
  check(
    Number.isInteger(options.count) && options.count >= 1,
    "--count",
    options.count,
    "a whole number ≥ 1",
  );
  check(
    Number.isFinite(options.latency) && options.latency >= 0,
    "--latency",
    options.latency,
    "milliseconds ≥ 0",
  );
  check(isFraction(options.jitter), "--jitter", options.jitter, "a fraction from 0 to 1");
  check(isFraction(options.outliers), "--outliers", options.outliers, "a fraction from 0 to 1");
  check(
    Number.isFinite(options.outlierMultiplier) && options.outlierMultiplier >= 1,
    "--outlier-mult",
    options.outlierMultiplier,
    "a factor ≥ 1",
  );
  check(
    Number.isInteger(options.concurrent) && options.concurrent >= 1,
    "--concurrent",
    options.concurrent,
    "a whole number ≥ 1",
  );
  check(isFraction(options.errorRate), "--error-rate", options.errorRate, "a fraction from 0 to 1");
  if (options.rateLimit !== undefined) {
    try {
      parseRate(options.rateLimit);
    } catch (error) {
      throw new SimulationOptionError(`Invalid --rate-limit: ${(error as Error).message}`);
    }
  }
  for (const [option, value] of [
    ["--duration", options.duration],
    ["--stall-timeout", options.stallTimeout],
  ] as const) {
    if (value !== undefined) {
      check(Number.isFinite(value) && value > 0, option, value, "seconds > 0");
    }
  }
  if (options.threads !== undefined) {
    check(
      Number.isInteger(options.threads) && options.threads >= 1,
      "threads",
      options.threads,
      "a whole number ≥ 1",
    );
  }
  return options;
}

/**
 * The stall timeout in ms when none is given: long enough that a normal run never trips it (four
 * of the slowest attempts, two rate windows, at least 10 s), short enough to end a stuck run.
 */
export function defaultStallTimeout(options: SimulationOptions): number {
  const slowest = options.latency * (1 + options.jitter) * options.outlierMultiplier;
  const rateInterval = options.rateLimit ? parseRate(options.rateLimit).interval : 0;
  return Math.max(10_000, 4 * slowest, 2 * rateInterval);
}
