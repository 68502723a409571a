/** Small statistics and timing helpers shared by every benchmark. */

/** The middle value (mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function minimum(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : Math.min(...values);
}

export function maximum(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : Math.max(...values);
}

/** Rounds to `digits` decimals so the JSON stays readable. */
export function round(value: number, digits = 3): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** Wall time of `action` in milliseconds, from `performance.now()`. */
export async function timed(action: () => Promise<unknown> | unknown): Promise<number> {
  const startedAt = performance.now();
  await action();
  return performance.now() - startedAt;
}

/** Runs a full garbage collection when the process was started with `--expose-gc`. */
export function collectGarbage(): boolean {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) return false;
  // Two passes: the first can leave weakly held and finalised objects for the second.
  gc();
  gc();
  return true;
}

export function heapUsed(): number {
  return process.memoryUsage().heapUsed;
}

export function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

/**
 * The most timestamps that fall in any half-open window `[t, t + windowLength)`.
 * `times` must be sorted ascending. A window starting at a timestamp is enough:
 * sliding it later can only lose that timestamp before gaining another.
 */
export function mostInAnyWindow(times: readonly number[], windowLength: number): number {
  let most = 0;
  let first = 0;
  for (let last = 0; last < times.length; last++) {
    while (times[last]! - times[first]! >= windowLength) first++;
    most = Math.max(most, last - first + 1);
  }
  return most;
}
