import { Cue, parseRate, type StateCounts, TimeoutError, type WorkInfo } from "runcue";
import { cpuWorkerUrl, simulateWithTimer } from "./handlers.js";
import { Metrics, type ServiceLimits, timingSlack } from "./metrics.js";
import {
  attemptsPerWork,
  defaultStallTimeout,
  resolveOptions,
  type SimulationOptions,
} from "./options.js";
import { type ItemCheck, type ScenarioContext, scenarios } from "./scenarios/index.js";
import { type SimulatedWork, Workload } from "./workload.js";

/** One line of the event log (`-v`). */
export interface EventLogEntry {
  /** `Date.now()` when it happened. */
  time: number;
  /** ms since the run began. */
  elapsed: number;
  event: string;
  task: string;
  /** runcue's work id, or `-` for something that is not one work's. */
  workId: string;
  details: string;
}

/** One work that `debugBlocked()` reported during a stall. */
export interface BlockedWork {
  work_id: string;
  task: string;
  item: string;
  reason: string;
  /** runcue's words. */
  details: string;
  /** The scenario's words: the artifacts a not-ready work waits for. */
  waiting_for?: string;
}

/** What the simulator saw when runcue warned of a stall. */
export interface StallReport {
  /** ms since the last progress. */
  since_progress_ms: number;
  pending: number;
  blocked: BlockedWork[];
}

/** Live numbers of one service, for the display. */
export interface ServiceSnapshot {
  name: string;
  running: number;
  concurrent?: number;
  rate?: { limit: number; interval: number };
  /** Starts in the last rate interval (or the last second without a rate). */
  recentStarts: number;
  /** The window `recentStarts` counts over, in ms. */
  window: number;
  completed: number;
  failed: number;
  skipped: number;
}

export interface Snapshot {
  elapsed: number;
  /** Works the scenario submits in a full run. */
  total: number;
  submitted: number;
  completed: number;
  failed: number;
  skipped: number;
  services: ServiceSnapshot[];
}

/** Hooks through which the CLI (or a test) watches a run. All optional. */
export interface SimulationObserver {
  /** Once the run has begun; `snapshot()` may be called at any time until `end`. */
  begin?(run: {
    options: SimulationOptions;
    snapshot(): Snapshot;
    /** The run's cue, already started: to watch (a dashboard), not to submit to. */
    cue: Cue;
  }): void;
  /** Every event of the event log; asking for them costs a little per event. */
  event?(entry: EventLogEntry): void;
  /** When runcue warns of a stall, with what `debugBlocked()` says. */
  stall?(report: StallReport): void;
  end?(summary: SimulationSummary): void;
}

/** Counts and checks of one service in the summary. */
export interface ServiceSummary {
  concurrent?: number;
  rate?: string;
  starts: number;
  completed: number;
  failed: number;
  skipped: number;
  retries: number;
  max_running: number;
  rate_violations: number;
  concurrency_violations: number;
  /** Shortest span of `limit + 1` consecutive starts, in ms; never below the rate's interval. */
  closest_window_ms?: number;
}

/** The one summary of a run: what `--json` prints. */
export interface SimulationSummary {
  scenario: string;
  seed: string;
  count: number;
  cpu: boolean;
  /** Works submitted in all. */
  submitted: number;
  /** Works that ran and completed (skipped ones not included). */
  completed: number;
  failed: number;
  /** Works that `isStale` found up to date, so they never ran. */
  skipped: number;
  cancelled: number;
  /** Works still pending when the run ended (only after `--duration` or an interrupt). */
  pending: number;
  /** Rate windows over the limit plus starts over a concurrency limit, as the simulator measured. */
  violations: number;
  /** A rate window shorter than the interval by less than this (ms) is timing noise, not counted. */
  timing_slack_ms: number;
  wall_ms: number;
  /** Completed works per second of wall time. */
  throughput: number;
  /** Failed attempts that ran again. */
  retries: number;
  /** Why the run ended. */
  stopped_by: "finished" | "duration" | "interrupt";
  /** True when pending work failed for lack of progress (`--stall-timeout`). */
  stalled: boolean;
  /** Works failed by the stall timeout. */
  stall_failures: number;
  /** Stall warnings, each with the blocked works and why. */
  stalls: StallReport[];
  stall_timeout_ms: number;
  /** Durations of completed works as runcue reported them. */
  latency_ms?: { p50: number; p95: number; max: number };
  services: Record<string, ServiceSummary>;
  tasks: Record<string, { submitted: number; completed: number; failed: number; skipped: number }>;
  /**
   * The library's own counts (`cue.stats()`) at the end, for comparison; they are disjoint like
   * this summary's (`completed` works ran, `skipped` ones did not).
   */
  runcue_stats: StateCounts;
}

/** Options of `runSimulation`: any simulation option, plus a signal that ends the run early. */
export type RunSimulationOptions = Partial<SimulationOptions> & { signal?: AbortSignal };

const retryBackoff = { initial: 10, factor: 2, max: 200 };

const round = (value: number, places = 1) => {
  const scale = 10 ** places;
  return Math.round(value * scale) / scale;
};

/**
 * Runs one scenario to its end (or `duration`, or `signal`) and returns its summary. Limit
 * violations are counted from the simulator's own timings, not from the library's.
 *
 * @example
 * const summary = await runSimulation({ scenario: "pipeline", count: 20, seed: "1" });
 * summary.violations; // 0
 */
export async function runSimulation(
  input: RunSimulationOptions = {},
  observer: SimulationObserver = {},
): Promise<SimulationSummary> {
  const { signal, ...rest } = input;
  const options = resolveOptions(rest);
  const scenario = scenarios.get(options.scenario)!;
  const workload = new Workload({
    seed: options.seed,
    latency: options.latency,
    jitter: options.jitter,
    outliers: options.outliers,
    outlierMultiplier: options.outlierMultiplier,
    errorRate: options.errorRate,
    attempts: attemptsPerWork,
  });
  const rate = options.rateLimit === undefined ? undefined : parseRate(options.rateLimit);
  const limits: Record<string, ServiceLimits> = {};
  for (const service of scenario.services) {
    limits[service] = rate
      ? { concurrent: options.concurrent, rate }
      : { concurrent: options.concurrent };
  }
  const stallTimeout =
    options.stallTimeout === undefined ? defaultStallTimeout(options) : options.stallTimeout * 1000;
  const total = scenario.total(options.count);

  const cue = new Cue({
    stallTimeout,
    stallWarnAfter: stallTimeout / 2,
    retain: Math.max(10_000, total + 100),
    ...(options.threads === undefined ? {} : { threads: options.threads }),
  });
  for (const service of scenario.services) {
    cue.service(service, {
      concurrent: options.concurrent,
      ...(options.rateLimit === undefined ? {} : { rate: options.rateLimit }),
    });
  }

  const metrics = new Metrics(scenario.services);
  const stalls: StallReport[] = [];
  const completeListeners: Array<(task: string, item: string) => void> = [];
  const log = (event: string, task: string, workId: string, details: string) =>
    observer.event?.({
      time: Date.now(),
      elapsed: metrics.elapsed(),
      event,
      task,
      workId,
      details,
    });
  const itemOf = (work: { params: unknown }) => (work.params as SimulatedWork).key;
  const byItem = (check: ItemCheck) => (work: WorkInfo) => check(itemOf(work));
  const taskServices = new Map<string, string>();
  const waitingFor = new Map<string, (item: string) => string>();

  const context: ScenarioContext = {
    count: options.count,
    workload,
    defineTask(task, service, checks) {
      const common = {
        uses: service,
        retry: { attempts: attemptsPerWork, backoff: retryBackoff },
        ...(checks.isReady ? { isReady: byItem(checks.isReady) } : {}),
        ...(checks.isStale ? { isStale: byItem(checks.isStale) } : {}),
      };
      if (options.cpu) cue.task(task, { ...common, worker: cpuWorkerUrl });
      else cue.task(task, { ...common, run: simulateWithTimer });
      taskServices.set(task, service);
      if (checks.waitingFor) waitingFor.set(task, checks.waitingFor);
    },
    submit(task, item, variant) {
      const label = variant === undefined ? `${task}/${item}` : `${task}/${item}/${variant}`;
      const id = cue.submit(task, workload.work(item, label));
      metrics.recordSubmit(id, task, taskServices.get(task)!);
      if (observer.event) log("queued", task, id, variant ? `${item} (${variant})` : item);
      return id;
    },
    onComplete(listener) {
      completeListeners.push(listener);
    },
    async settled(ids) {
      const outcomes = await Promise.allSettled(ids.map((id) => cue.result(id)));
      return { unsuccessful: outcomes.filter((outcome) => outcome.status === "rejected").length };
    },
    log(event, task, details) {
      log(event, task, "-", details);
    },
  };

  cue.onStart((work) => {
    metrics.recordStart(work.id);
    if (observer.event)
      log("started", work.task, work.id, `${itemOf(work)} attempt ${work.attempt}`);
  });
  cue.onComplete((work, _result, duration) => {
    // Artifacts first: readiness of the next stage must see them as soon as runcue re-checks.
    for (const listener of completeListeners) listener(work.task, itemOf(work));
    metrics.recordComplete(work.id, duration);
    if (observer.event)
      log("completed", work.task, work.id, `${itemOf(work)} in ${round(duration)}ms`);
  });
  cue.onFailure((work, error) => {
    metrics.recordFailure(work.id, error instanceof TimeoutError && error.kind === "stall");
    if (observer.event) log("failed", work.task, work.id, `${itemOf(work)}: ${error.message}`);
  });
  cue.onRetry((work, error, delay) => {
    metrics.recordRetry(work.id);
    if (observer.event) {
      log("retry", work.task, work.id, `${error.message}; again in ${round(delay)}ms`);
    }
  });
  cue.onSkip((work) => {
    metrics.recordSkip(work.id);
    if (observer.event) log("skipped", work.task, work.id, `${itemOf(work)} up to date`);
  });
  cue.onStallWarning((sinceProgress, pendingCount) => {
    const report: StallReport = {
      since_progress_ms: Math.round(sinceProgress),
      pending: pendingCount,
      blocked: cue.debugBlocked().map(({ work, reason, details }) => {
        const explain = reason === "not_ready" ? waitingFor.get(work.task) : undefined;
        return {
          work_id: work.id,
          task: work.task,
          item: itemOf(work),
          reason,
          details,
          ...(explain ? { waiting_for: explain(itemOf(work)) } : {}),
        };
      }),
    };
    stalls.push(report);
    if (observer.event) {
      log(
        "stall",
        "-",
        "-",
        `no progress for ${report.since_progress_ms}ms, ${pendingCount} pending`,
      );
    }
    observer.stall?.(report);
  });

  const snapshot = (): Snapshot => {
    const outcomes = metrics.outcomeCounts();
    return {
      elapsed: metrics.elapsed(),
      total,
      submitted: metrics.submitted,
      completed: outcomes.completed,
      failed: outcomes.failed,
      skipped: outcomes.skipped,
      services: scenario.services.map((name) => {
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
  };

  cue.start();
  observer.begin?.({ options, snapshot, cue });
  let stoppedBy: SimulationSummary["stopped_by"] = "finished";
  let durationTimer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  try {
    const finished = (async () => {
      await scenario.run(context);
      await cue.idle();
      return "finished" as const;
    })();
    const endings: Array<Promise<SimulationSummary["stopped_by"]>> = [finished];
    if (options.duration !== undefined) {
      const duration = options.duration * 1000;
      endings.push(
        new Promise((resolve) => {
          durationTimer = setTimeout(() => resolve("duration"), duration);
        }),
      );
    }
    if (signal) {
      endings.push(
        new Promise((resolve) => {
          onAbort = () => resolve("interrupt");
          if (signal.aborted) onAbort();
          else signal.addEventListener("abort", onAbort, { once: true });
        }),
      );
    }
    stoppedBy = await Promise.race(endings);
  } finally {
    if (durationTimer) clearTimeout(durationTimer);
    if (signal && onAbort) signal.removeEventListener("abort", onAbort);
    // Cut short: running work is cancelled at once and pending work stays pending.
    await cue.stop(stoppedBy === "finished" ? {} : { timeout: 0 });
  }
  metrics.closeOpenAttempts();
  const wall = metrics.elapsed();

  const outcomes = metrics.outcomeCounts();
  const libraryStats = cue.stats();
  let pending = 0;
  let cancelled = 0;
  for (const id of metrics.unfinished()) {
    const state = cue.get(id)?.state;
    if (state === "pending" || state === "running") pending++;
    else cancelled++;
  }
  const found = metrics.violations(limits);
  const services: Record<string, ServiceSummary> = {};
  let violations = 0;
  let retries = 0;
  for (const name of scenario.services) {
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
  const summary: SimulationSummary = {
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
    stopped_by: stoppedBy,
    stalled: outcomes.stallFailures > 0,
    stall_failures: outcomes.stallFailures,
    stalls,
    stall_timeout_ms: Math.round(stallTimeout),
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
  observer.end?.(summary);
  return summary;
}
