/**
 * The simulator's own record of what ran when, kept apart from the library so that it can check
 * the library: every start and finish is timed here from runcue's events with a sub-millisecond
 * clock, and limit violations are counted from those times alone.
 */
import type { StateCounts, WorkState } from "runcue";
import type { SimulationOptions } from "./options.js";
import type { ServiceSummary, SimulationSummary, Snapshot, StallReport } from "./report.js";

/** The limits a service was given, as the simulator checks them. */
export interface ServiceLimits {
  /** At most this many running at once. */
  concurrent?: number;
  /** At most `limit` starts in any window of `interval` ms. */
  rate?: { limit: number; interval: number };
}

/** How a work ended, as far as the simulator has heard. */
export type Outcome = "completed" | "failed" | "skipped";

/** What the simulator found for one service. */
export interface ServiceViolations {
  /** Windows of the rate's length that held more starts than the limit (one per first start). */
  rate: number;
  /** Starts that took the number running above the concurrency limit. */
  concurrency: number;
  /** Most attempts seen running at once. */
  maxRunning: number;
  /** Shortest time in ms that `limit + 1` consecutive starts spanned; must be ≥ the interval. */
  closestWindow?: number;
}

export interface ServiceCounts {
  running: number;
  starts: number;
  completed: number;
  failed: number;
  skipped: number;
  retries: number;
}

interface WorkRecord {
  task: string;
  service: string;
  outcome?: Outcome;
  openAttemptStart?: number;
}

/**
 * How much shorter than the rate's interval a window may look before it counts as a violation, in
 * ms. runcue takes its clock reading for a start a few microseconds before it calls the `onStart`
 * listeners that the simulator times; that gap varies from start to start (more so under load), so
 * a span a hair under the interval is measurement noise, not a broken limit. Real faults show up
 * as whole milliseconds. The raw closest span is reported either way.
 */
export const timingSlack = 0.25;

/** Counts rate windows over the limit in sorted start times; `slack` as in `timingSlack`. */
export function countRateViolations(
  sortedStarts: readonly number[],
  limit: number,
  interval: number,
  slack = 0,
): { count: number; closestWindow?: number } {
  let count = 0;
  let closestWindow: number | undefined;
  // The window [s_i, s_i + interval) holds starts i..i+limit, one too many, exactly when the
  // start `limit` places later comes before the window closes.
  for (let index = 0; index + limit < sortedStarts.length; index++) {
    const span = sortedStarts[index + limit]! - sortedStarts[index]!;
    if (closestWindow === undefined || span < closestWindow) closestWindow = span;
    if (span < interval - slack) count++;
  }
  return closestWindow === undefined ? { count } : { count, closestWindow };
}

/** Counts starts that took the running count above `limit`; also returns the peak. */
export function countConcurrencyViolations(
  attempts: readonly { start: number; end: number }[],
  limit: number | undefined,
): { count: number; maxRunning: number } {
  const edges: { time: number; delta: number }[] = [];
  for (const attempt of attempts) {
    edges.push({ time: attempt.start, delta: 1 }, { time: attempt.end, delta: -1 });
  }
  // At the same instant a finish comes before a start: a slot freed and reused at once is fine.
  edges.sort((a, b) => a.time - b.time || a.delta - b.delta);
  let running = 0;
  let maxRunning = 0;
  let count = 0;
  for (const edge of edges) {
    running += edge.delta;
    if (running > maxRunning) maxRunning = running;
    if (edge.delta > 0 && limit !== undefined && running > limit) count++;
  }
  return { count, maxRunning };
}

export class Metrics {
  readonly startedAt: number;
  private readonly clock: () => number;
  private readonly works = new Map<string, WorkRecord>();
  private readonly services = new Map<string, ServiceCounts>();
  private readonly starts = new Map<string, number[]>();
  private readonly attempts = new Map<string, { start: number; end: number }[]>();
  private readonly durations: number[] = [];
  private submittedCount = 0;
  private stallFailures = 0;

  constructor(services: readonly string[], clock: () => number = () => performance.now()) {
    this.clock = clock;
    this.startedAt = clock();
    for (const service of services) {
      this.services.set(service, {
        running: 0,
        starts: 0,
        completed: 0,
        failed: 0,
        skipped: 0,
        retries: 0,
      });
      this.starts.set(service, []);
      this.attempts.set(service, []);
    }
  }

  /** Milliseconds since the metrics began. */
  elapsed(): number {
    return this.clock() - this.startedAt;
  }

  get submitted(): number {
    return this.submittedCount;
  }

  recordSubmit(id: string, task: string, service: string): void {
    this.works.set(id, { task, service });
    this.submittedCount++;
  }

  recordStart(id: string): void {
    const record = this.works.get(id);
    if (!record) return;
    const now = this.clock();
    // A start while an attempt is open means the previous attempt's end was not reported; close
    // it here so the record stays consistent (and the overlap is not counted twice).
    if (record.openAttemptStart !== undefined) this.closeAttempt(record, now);
    record.openAttemptStart = now;
    const counts = this.services.get(record.service)!;
    counts.running++;
    counts.starts++;
    this.starts.get(record.service)!.push(now);
  }

  /** A failed attempt that will run again (runcue's onRetry). */
  recordRetry(id: string): void {
    const record = this.works.get(id);
    if (!record) return;
    this.closeAttempt(record, this.clock());
    this.services.get(record.service)!.retries++;
  }

  recordComplete(id: string, duration: number): void {
    this.finish(id, "completed");
    this.durations.push(duration);
  }

  recordFailure(id: string, isStall: boolean): void {
    this.finish(id, "failed");
    if (isStall) this.stallFailures++;
  }

  recordSkip(id: string): void {
    this.finish(id, "skipped");
  }

  /** Ends attempts still open (work aborted by a stop, which fires no event). */
  closeOpenAttempts(): void {
    const now = this.clock();
    for (const record of this.works.values()) this.closeAttempt(record, now);
  }

  /** Ids the simulator submitted that have no final event yet. */
  unfinished(): string[] {
    const ids: string[] = [];
    for (const [id, record] of this.works) if (!record.outcome) ids.push(id);
    return ids;
  }

  outcomeCounts(): Record<Outcome, number> & { stallFailures: number } {
    const counts = { completed: 0, failed: 0, skipped: 0, stallFailures: this.stallFailures };
    for (const record of this.works.values()) if (record.outcome) counts[record.outcome]++;
    return counts;
  }

  taskCounts(): Record<string, Record<Outcome | "submitted", number>> {
    const tasks: Record<string, Record<Outcome | "submitted", number>> = {};
    for (const record of this.works.values()) {
      tasks[record.task] ??= { submitted: 0, completed: 0, failed: 0, skipped: 0 };
      const counts = tasks[record.task]!;
      counts.submitted++;
      if (record.outcome) counts[record.outcome]++;
    }
    return tasks;
  }

  serviceCounts(service: string): ServiceCounts {
    return { ...this.services.get(service)! };
  }

  /** Starts of `service` in the last `window` ms. */
  recentStarts(service: string, window: number): number {
    const starts = this.starts.get(service) ?? [];
    const since = this.clock() - window;
    let count = 0;
    for (let index = starts.length - 1; index >= 0 && starts[index]! > since; index--) count++;
    return count;
  }

  /** Durations of completed work, in ms, as runcue reported them. */
  latencyPercentiles(): { p50: number; p95: number; max: number } | undefined {
    if (this.durations.length === 0) return undefined;
    const sorted = [...this.durations].sort((a, b) => a - b);
    const at = (fraction: number) =>
      Math.round(sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]! * 10) /
      10;
    return { p50: at(0.5), p95: at(0.95), max: at(1) };
  }

  /** Checks every service's recorded starts and attempts against its limits. */
  violations(limits: Record<string, ServiceLimits>): Record<string, ServiceViolations> {
    const result: Record<string, ServiceViolations> = {};
    for (const service of this.services.keys()) {
      const serviceLimits = limits[service] ?? {};
      const starts = [...this.starts.get(service)!].sort((a, b) => a - b);
      const now = this.clock();
      const attempts = [...this.attempts.get(service)!];
      for (const record of this.works.values()) {
        if (record.service === service && record.openAttemptStart !== undefined) {
          attempts.push({ start: record.openAttemptStart, end: now });
        }
      }
      const concurrency = countConcurrencyViolations(attempts, serviceLimits.concurrent);
      const entry: ServiceViolations = {
        rate: 0,
        concurrency: concurrency.count,
        maxRunning: concurrency.maxRunning,
      };
      if (serviceLimits.rate) {
        const rate = countRateViolations(
          starts,
          serviceLimits.rate.limit,
          serviceLimits.rate.interval,
          timingSlack,
        );
        entry.rate = rate.count;
        if (rate.closestWindow !== undefined) entry.closestWindow = rate.closestWindow;
      }
      result[service] = entry;
    }
    return result;
  }

  private finish(id: string, outcome: Outcome): void {
    const record = this.works.get(id);
    if (!record || record.outcome) return;
    this.closeAttempt(record, this.clock());
    record.outcome = outcome;
    this.services.get(record.service)![outcome]++;
  }

  private closeAttempt(record: WorkRecord, end: number): void {
    if (record.openAttemptStart === undefined) return;
    this.attempts.get(record.service)!.push({ start: record.openAttemptStart, end });
    record.openAttemptStart = undefined;
    this.services.get(record.service)!.running--;
  }
}

const round = (value: number, places = 1) => {
  const scale = 10 ** places;
  return Math.round(value * scale) / scale;
};

/** What a live snapshot needs besides the metrics. */
export interface SnapshotInput {
  /** Works the scenario submits in a full run. */
  total: number;
  services: readonly string[];
  options: SimulationOptions;
  rate: { limit: number; interval: number } | undefined;
}

/** The live numbers of a run, for the display. */
export function snapshotOf(metrics: Metrics, input: SnapshotInput): Snapshot {
  const { options, rate } = input;
  const outcomes = metrics.outcomeCounts();
  return {
    elapsed: metrics.elapsed(),
    total: input.total,
    submitted: metrics.submitted,
    completed: outcomes.completed,
    failed: outcomes.failed,
    skipped: outcomes.skipped,
    services: input.services.map((name) => {
      const counts = metrics.serviceCounts(name);
      const window = rate?.interval ?? 1000;
      return {
        name,
        running: counts.running,
        concurrent: options.concurrent,
        ...(rate ? { rate } : {}),
        recentStarts: metrics.recentStarts(name, window),
        window,
        completed: counts.completed,
        failed: counts.failed,
        skipped: counts.skipped,
      };
    }),
  };
}

/** What the summary needs besides the metrics. */
export interface SummaryInput {
  options: SimulationOptions;
  services: readonly string[];
  limits: Record<string, ServiceLimits>;
  stoppedBy: SimulationSummary["stopped_by"];
  stalls: StallReport[];
  stallTimeout: number;
  /** The library's state of a work the simulator saw no final event of. */
  stateOf(id: string): WorkState | undefined;
  /** `cue.stats()` at the end. */
  libraryStats: StateCounts;
}

/** The one summary of a finished run, from the simulator's own timings and counts. */
export function summarize(metrics: Metrics, input: SummaryInput): SimulationSummary {
  const { options } = input;
  const wall = metrics.elapsed();
  const outcomes = metrics.outcomeCounts();
  let pending = 0;
  let cancelled = 0;
  for (const id of metrics.unfinished()) {
    const state = input.stateOf(id);
    if (state === "pending" || state === "running") pending++;
    else cancelled++;
  }
  const found = metrics.violations(input.limits);
  const services: Record<string, ServiceSummary> = {};
  let violations = 0;
  let retries = 0;
  for (const name of input.services) {
    const counts = metrics.serviceCounts(name);
    const checked = found[name]!;
    violations += checked.rate + checked.concurrency;
    retries += counts.retries;
    services[name] = {
      concurrent: options.concurrent,
      ...(options.rateLimit === undefined ? {} : { rate: options.rateLimit }),
      starts: counts.starts,
      completed: counts.completed,
      failed: counts.failed,
      skipped: counts.skipped,
      retries: counts.retries,
      max_running: checked.maxRunning,
      rate_violations: checked.rate,
      concurrency_violations: checked.concurrency,
      ...(checked.closestWindow === undefined
        ? {}
        : { closest_window_ms: round(checked.closestWindow, 3) }),
    };
  }
  const latency = metrics.latencyPercentiles();
  const { libraryStats } = input;
  return {
    scenario: options.scenario,
    seed: options.seed,
    count: options.count,
    cpu: options.cpu,
    submitted: metrics.submitted,
    completed: outcomes.completed,
    failed: outcomes.failed,
    skipped: outcomes.skipped,
    cancelled,
    pending,
    violations,
    timing_slack_ms: timingSlack,
    wall_ms: Math.round(wall),
    throughput: wall > 0 ? round((outcomes.completed * 1000) / wall) : 0,
    retries,
    stopped_by: input.stoppedBy,
    stalled: outcomes.stallFailures > 0,
    stall_failures: outcomes.stallFailures,
    stalls: input.stalls,
    stall_timeout_ms: Math.round(input.stallTimeout),
    ...(latency ? { latency_ms: latency } : {}),
    services,
    tasks: metrics.taskCounts(),
    runcue_stats: {
      pending: libraryStats.pending,
      running: libraryStats.running,
      completed: libraryStats.completed,
      failed: libraryStats.failed,
      cancelled: libraryStats.cancelled,
      skipped: libraryStats.skipped,
    },
  };
}
