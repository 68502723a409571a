/**
 * Rate accuracy: a service limited to N starts per window, kept saturated
 * (far more works submitted than it may start) for a fixed time. Every start
 * is time-stamped in `onStart`; the report gives the most starts seen in any
 * window (never above N) and the utilisation, starts over what the limit
 * allows in that time (close to 100%).
 */
import { Cue } from "runcue";
import type { BenchOptions } from "./options.ts";
import { type BenchmarkReport, log, makeReport, target } from "./report.ts";
import { mostInAnyWindow, round, sleep } from "./stats.ts";

export interface RateAccuracyResults {
  submitted: number;
  /** Starts within the measured time after `start()`. */
  starts: number;
  /** What the limit allows in the measured time: limit × duration / interval. */
  allowed: number;
  /** starts / allowed. */
  utilisation: number;
  /** Most starts in any window of the interval, from `performance.now()` stamps. */
  mostInAnyWindow: number;
  /** The same from `Date.now()` stamps, the library's clock. */
  mostInAnyWindowDateNow: number;
  /** Starts above the limit in the worst window (0 when the guarantee holds). */
  excessStarts: number;
  /**
   * The shortest time from a start to the start `limit` places later: at least the interval when
   * the guarantee holds. Below it, by how much says whether a violation is a real burst or
   * clock-reading jitter between the limiter and the `onStart` listener.
   */
  closestSpanMs: number;
  /** Starts in each successive interval after `start()`. */
  startsPerInterval: number[];
  /** From `start()` to the first start. */
  firstStartMs: number;
}

interface RateAccuracyConfig {
  limit: number;
  intervalMs: number;
  durationMs: number;
}

export async function runRateAccuracy(
  options: BenchOptions,
): Promise<BenchmarkReport<RateAccuracyConfig, RateAccuracyResults>> {
  const { rateLimit: limit, rateInterval: interval, rateDuration: duration } = options;
  const allowed = Math.floor((limit * duration) / interval);
  // Enough work to stay saturated past the end, whatever the timer slack.
  const submitted = allowed * 2 + limit;

  const cue = new Cue();
  cue.service("api", { rate: { limit, interval } });
  cue.task("call", { uses: "api", run: async () => undefined });
  const startTimes: number[] = [];
  const startDates: number[] = [];
  cue.onStart(() => {
    startTimes.push(performance.now());
    startDates.push(Date.now());
  });
  for (let index = 0; index < submitted; index++) cue.submit("call", { index });

  const startedAt = performance.now();
  cue.start();
  await sleep(duration);
  await cue.stop();

  const inTime = startTimes.filter((time) => time - startedAt < duration);
  const most = mostInAnyWindow(startTimes, interval);
  const mostDateNow = mostInAnyWindow(startDates, interval);
  let closestSpan = Number.POSITIVE_INFINITY;
  for (let index = 0; index + limit < startTimes.length; index++) {
    closestSpan = Math.min(closestSpan, startTimes[index + limit]! - startTimes[index]!);
  }
  const startsPerInterval = Array.from({ length: Math.ceil(duration / interval) }, () => 0);
  for (const time of inTime) {
    const bucket = Math.floor((time - startedAt) / interval);
    startsPerInterval[bucket] = (startsPerInterval[bucket] ?? 0) + 1;
  }
  const results: RateAccuracyResults = {
    submitted,
    starts: inTime.length,
    allowed,
    utilisation: round(inTime.length / allowed, 4),
    mostInAnyWindow: most,
    mostInAnyWindowDateNow: mostDateNow,
    excessStarts: Math.max(0, most - limit, mostDateNow - limit),
    closestSpanMs: round(closestSpan, 3),
    startsPerInterval,
    firstStartMs: round((startTimes[0] ?? Number.NaN) - startedAt, 2),
  };
  log(
    `rate-accuracy ${limit}/${interval} ms for ${duration} ms: ${results.starts} starts, utilisation ${(results.utilisation * 100).toFixed(1)}%, most in any window ${most} (Date.now: ${mostDateNow}), closest span of ${limit + 1} starts ${results.closestSpanMs} ms`,
  );

  return makeReport(
    "rate-accuracy",
    options.smoke,
    { limit, intervalMs: interval, durationMs: duration },
    results,
    [
      target(
        `most starts in any ${interval} ms window`,
        `<= ${limit}`,
        Math.max(most, mostDateNow),
        Math.max(most, mostDateNow) <= limit,
      ),
      target("utilisation", ">= 0.97", results.utilisation, results.utilisation >= 0.97),
    ],
    [
      "Windows are half-open, [t, t + interval), starting at each recorded start.",
      "Stamps from performance.now() and from Date.now() are both checked: the library may count on either clock.",
    ],
  );
}
