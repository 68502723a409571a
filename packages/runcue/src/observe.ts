/**
 * What a cue tells the world about its works besides its listeners: messages on
 * `node:diagnostics_channel` (for tracers such as OpenTelemetry, and for anyone
 * who did not create the cue), and the per-task wait and run time histograms
 * behind `stats().tasks`.
 *
 * A message is built only when its channel has a subscriber, so with nobody
 * listening a work costs one boolean read per step. The histograms are Node's
 * own HdrHistogram (`perf_hooks.createHistogram`, which Piscina uses too):
 * constant memory per task, whatever the number of works.
 */
import { channel } from "node:diagnostics_channel";
import { createHistogram, type RecordableHistogram } from "node:perf_hooks";
import type { Work } from "./works.js";

/**
 * The names of the `node:diagnostics_channel` channels every cue publishes on.
 *
 * @example
 * ```ts
 * import { subscribe } from "node:diagnostics_channel";
 * import { workChannels, type WorkFinishMessage } from "runcue";
 *
 * subscribe(workChannels.finish, (message) => {
 *   const { work, waitTime, runTime } = message as WorkFinishMessage;
 *   console.log(`${work.task} ${work.id}: waited ${waitTime} ms, ran ${runTime} ms`);
 * });
 * ```
 */
export const workChannels = {
  /** An attempt of a work starts: a `WorkStartMessage`. */
  start: "runcue:work:start",
  /** A work completed (it ran; a skipped work publishes nothing): a `WorkFinishMessage`. */
  finish: "runcue:work:finish",
  /**
   * An attempt ended without a result (it threw, timed out or was cancelled while running), or a
   * work failed for good without running (a pending or stall timeout): a `WorkFailureMessage`.
   */
  failure: "runcue:work:failure",
} as const;

// The messages' shapes; their documented public form, with `cue` typed, is in diagnostics.ts.
interface WorkStartMessage {
  cue: object;
  work: Work;
  waitTime: number;
}

interface WorkFinishMessage extends WorkStartMessage {
  result: unknown;
  runTime: number;
}

interface WorkFailureMessage extends WorkStartMessage {
  error: Error;
  runTime: number | undefined;
  willRetry: boolean;
}

/** Percentiles of one duration over the works of a task, in milliseconds (0 while `count` is 0). */
export interface DurationStats {
  /** How many durations were recorded. */
  count: number;
  /** Median. */
  p50: number;
  /** 95th percentile: 1 in 20 took longer. */
  p95: number;
  /** The longest. */
  max: number;
}

/** `stats().tasks[name]`: how long a task's works wait and run. */
export interface TaskTimingStats {
  /** From when an attempt could first run (submitted, due after `delay`/`at`, or after a retry's backoff) to its start; every attempt. */
  wait: DurationStats;
  /** From start to result of the attempts that completed (failed attempts are left out). */
  run: DurationStats;
}

const channels = {
  start: channel(workChannels.start),
  finish: channel(workChannels.finish),
  failure: channel(workChannels.failure),
};

/** Microseconds, the histograms' unit: integers from 1 to 10 days. */
const LOWEST_MICROSECONDS = 1;
const HIGHEST_MICROSECONDS = 10 * 24 * 3600 * 1e6;

function toMicroseconds(milliseconds: number): number {
  const value = Math.round(milliseconds * 1000);
  return Math.min(Math.max(value, LOWEST_MICROSECONDS), HIGHEST_MICROSECONDS);
}

function newHistogram(): RecordableHistogram {
  // 2 significant figures (1% apart) keep a histogram at about 30 KiB.
  return createHistogram({
    lowest: LOWEST_MICROSECONDS,
    highest: HIGHEST_MICROSECONDS,
    figures: 2,
  });
}

function durationStats(histogram: RecordableHistogram | undefined): DurationStats {
  if (histogram === undefined || histogram.count === 0) return { count: 0, p50: 0, p95: 0, max: 0 };
  return {
    count: histogram.count,
    p50: histogram.percentile(50) / 1000,
    p95: histogram.percentile(95) / 1000,
    max: histogram.max / 1000,
  };
}

/** What an observed work offers: its snapshot, and when it could first run. */
export interface ObservedWork {
  readonly task: string;
  readonly createdAt: number;
  /** `Date.now()` before which it may not start: its `delay`/`at` or a retry's backoff; 0 if none. */
  readonly notBefore: number;
  /** `Date.now()` when the current attempt started. */
  readonly startedAt: number | undefined;
  snapshot(): Work;
}

/** Milliseconds from when the work could first run to `until`. */
function waitedUntil(record: ObservedWork, until: number): number {
  return Math.max(0, until - Math.max(record.createdAt, record.notBefore));
}

/** Publishes the work channels and keeps the per-task timings of one cue. */
export class Observer {
  /** `cue` is the Cue whose works it reports (typed in diagnostics.ts, so this file need not import cue.ts). */
  constructor(private readonly cue: object) {}

  private readonly timings = new Map<
    string,
    { wait: RecordableHistogram | undefined; run: RecordableHistogram | undefined }
  >();

  private timingsOf(task: string) {
    let timing = this.timings.get(task);
    if (timing === undefined) {
      timing = { wait: undefined, run: undefined };
      this.timings.set(task, timing);
    }
    return timing;
  }

  /** An attempt of `record` started (its `startedAt` is set). */
  started(record: ObservedWork): void {
    const waitTime = waitedUntil(record, record.startedAt ?? Date.now());
    const timing = this.timingsOf(record.task);
    timing.wait ??= newHistogram();
    timing.wait.record(toMicroseconds(waitTime));
    if (channels.start.hasSubscribers) {
      channels.start.publish({
        cue: this.cue,
        work: record.snapshot(),
        waitTime,
      } satisfies WorkStartMessage);
    }
  }

  /** `record` completed after running `runTime` ms. */
  finished(record: ObservedWork, result: unknown, runTime: number): void {
    const timing = this.timingsOf(record.task);
    timing.run ??= newHistogram();
    timing.run.record(toMicroseconds(runTime));
    if (channels.finish.hasSubscribers) {
      const waitTime = waitedUntil(record, record.startedAt ?? Date.now());
      channels.finish.publish({
        cue: this.cue,
        work: record.snapshot(),
        result,
        waitTime,
        runTime,
      } satisfies WorkFinishMessage);
    }
  }

  /** An attempt of `record` ended without a result after `runTime` ms, or the work failed without running (`runTime` undefined). */
  failed(
    record: ObservedWork,
    error: Error,
    runTime: number | undefined,
    willRetry: boolean,
  ): void {
    if (!channels.failure.hasSubscribers) return;
    const waitTime =
      runTime === undefined
        ? waitedUntil(record, Date.now())
        : waitedUntil(record, record.startedAt ?? Date.now());
    channels.failure.publish({
      cue: this.cue,
      work: record.snapshot(),
      error,
      waitTime,
      runTime,
      willRetry,
    } satisfies WorkFailureMessage);
  }

  /** `stats().tasks`: a null-prototype object keyed by task name, for `names` (every registered task). */
  stats(names: Iterable<string>): Record<string, TaskTimingStats> {
    const tasks: Record<string, TaskTimingStats> = Object.create(null);
    for (const name of names) {
      const timing = this.timings.get(name);
      tasks[name] = { wait: durationStats(timing?.wait), run: durationStats(timing?.run) };
    }
    return tasks;
  }
}
