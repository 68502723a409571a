/**
 * The seeded workload: how long each simulated attempt takes and whether it fails.
 *
 * Every draw comes from a generator derived from the seed and a label (the work's key and the
 * attempt number), never from one shared stream: the order in which the scheduler happens to start
 * work cannot change what any work does, so the same seed gives the same run.
 */

/** A generator of uniform numbers in [0, 1). */
export type Random = () => number;

/** What one simulated work does on each attempt; plain data, so it can cross to a worker thread. */
export interface SimulatedWork {
  /** The scenario's name for the item, e.g. `extract:7`. */
  key: string;
  /** Milliseconds each attempt takes; index 0 is the first attempt. */
  latencies: number[];
  /** Whether each attempt fails; index 0 is the first attempt. */
  failures: boolean[];
}

export interface WorkloadOptions {
  /** Any text; the same seed gives the same latencies, errors and scenario shapes. */
  seed: string;
  /** Base latency of an attempt in ms. */
  latency: number;
  /** Spread around the base latency as a fraction: 0.2 draws from [0.8, 1.2] × latency. */
  jitter: number;
  /** Fraction of attempts that are outliers. */
  outliers: number;
  /** How many times slower an outlier is. */
  outlierMultiplier: number;
  /** Fraction of attempts that fail. */
  errorRate: number;
  /** Attempts drawn per work (the task's retry attempts). */
  attempts: number;
}

/** 32-bit FNV-1a with a murmur3 finaliser: a well-spread seed from any text. */
export function hashText(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/** mulberry32: small, fast and good enough for simulation; not for anything secret. */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

export class Workload {
  readonly options: WorkloadOptions;

  constructor(options: WorkloadOptions) {
    this.options = options;
  }

  /** An independent generator for `label` under this seed (scenario shapes use their own labels). */
  random(label: string): Random {
    return createRandom(hashText(`${this.options.seed}\u0000${label}`));
  }

  /** The latency of one attempt, in ms, rounded to 0.1 ms. */
  latency(random: Random): number {
    const { latency, jitter, outliers, outlierMultiplier } = this.options;
    let value = latency * (1 + jitter * (2 * random() - 1));
    if (random() < outliers) value *= outlierMultiplier;
    return Math.max(0, Math.round(value * 10) / 10);
  }

  /**
   * The attempts of the work for item `key`, drawn under `label` (which tells apart the tasks and
   * rebuilds of one item); the same label always gives the same answer.
   */
  work(key: string, label: string = key): SimulatedWork {
    const latencies: number[] = [];
    const failures: boolean[] = [];
    for (let attempt = 1; attempt <= this.options.attempts; attempt++) {
      const random = this.random(`${label}#${attempt}`);
      latencies.push(this.latency(random));
      failures.push(random() < this.options.errorRate);
    }
    return { key, latencies, failures };
  }
}

/** Which attempt's draw applies: runcue numbers attempts from 1, the arrays index from 0. */
export function attemptIndex(work: SimulatedWork, attempt: number): number {
  return Math.min(Math.max(attempt - 1, 0), work.latencies.length - 1);
}
