import { Cue, parseRate, TimeoutError, type WorkInfo } from "runcue";
import { cpuWorkerUrl, simulateWithTimer } from "./handlers.js";
import { Metrics, type ServiceLimits, snapshotOf, summarize } from "./metrics.js";
import {
  attemptsPerWork,
  defaultStallTimeout,
  resolveOptions,
  type SimulationOptions,
} from "./options.js";
import type { EventLogEntry, SimulationSummary, Snapshot, StallReport } from "./report.js";
import {
  type ItemCheck,
  type Scenario,
  type ScenarioContext,
  scenarios,
} from "./scenarios/index.js";
import { type SimulatedWork, Workload } from "./workload.js";

export type {
  BlockedWork,
  EventLogEntry,
  ServiceSnapshot,
  ServiceSummary,
  SimulationSummary,
  Snapshot,
  StallReport,
} from "./report.js";

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

/** Options of `runSimulation`: any simulation option, plus a signal that ends the run early. */
export type RunSimulationOptions = Partial<SimulationOptions> & { signal?: AbortSignal };

const retryBackoff = { initial: 10, factor: 2, max: 200 };

const round = (value: number, places = 1) => {
  const scale = 10 ** places;
  return Math.round(value * scale) / scale;
};

const itemOf = (work: { params: unknown }) => (work.params as SimulatedWork).key;

/** One run's fixed parts: its scenario, workload, limits and cue. */
interface Run {
  options: SimulationOptions;
  scenario: Scenario;
  workload: Workload;
  rate: { limit: number; interval: number } | undefined;
  limits: Record<string, ServiceLimits>;
  stallTimeout: number;
  total: number;
  cue: Cue;
  metrics: Metrics;
  observer: SimulationObserver;
  /** Scenario hooks: artifacts written on completion, and what a not-ready work waits for. */
  completeListeners: Array<(task: string, item: string) => void>;
  waitingFor: Map<string, (item: string) => string>;
  stalls: StallReport[];
}

/** The scenario, workload, limits and a cue with the scenario's services. */
function setUp(options: SimulationOptions, observer: SimulationObserver): Run {
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
  return {
    options,
    scenario,
    workload,
    rate,
    limits,
    stallTimeout,
    total,
    cue,
    metrics: new Metrics(scenario.services),
    observer,
    completeListeners: [],
    waitingFor: new Map(),
    stalls: [],
  };
}

/** Writes one line of the event log, when someone reads it. */
function logEvent(run: Run, event: string, task: string, workId: string, details: string): void {
  const entry: EventLogEntry = {
    time: Date.now(),
    elapsed: run.metrics.elapsed(),
    event,
    task,
    workId,
    details,
  };
  run.observer.event?.(entry);
}

/** What a scenario uses to define tasks, submit work and wait for it. */
function scenarioContext(run: Run): ScenarioContext {
  const { cue, options, metrics, workload } = run;
  const byItem = (check: ItemCheck) => (work: WorkInfo) => check(itemOf(work));
  const taskServices = new Map<string, string>();
  return {
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
      if (checks.waitingFor) run.waitingFor.set(task, checks.waitingFor);
    },
    submit(task, item, variant) {
      const label = variant === undefined ? `${task}/${item}` : `${task}/${item}/${variant}`;
      const id = cue.submit(task, workload.work(item, label));
      metrics.recordSubmit(id, task, taskServices.get(task)!);
      if (run.observer.event) {
        logEvent(run, "queued", task, id, variant ? `${item} (${variant})` : item);
      }
      return id;
    },
    onComplete(listener) {
      run.completeListeners.push(listener);
    },
    async settled(ids) {
      const outcomes = await Promise.allSettled(ids.map((id) => cue.result(id)));
      return { unsuccessful: outcomes.filter((outcome) => outcome.status === "rejected").length };
    },
    log(event, task, details) {
      logEvent(run, event, task, "-", details);
    },
  };
}

/** Times every event of the cue into the metrics, and logs it when asked. */
function listen(run: Run): void {
  const { cue, metrics, observer } = run;
  const logging = observer.event !== undefined;
  cue.onStart((work) => {
    metrics.recordStart(work.id);
    if (logging)
      logEvent(run, "started", work.task, work.id, `${itemOf(work)} attempt ${work.attempt}`);
  });
  cue.onComplete((work, _result, duration) => {
    // Artifacts first: readiness of the next stage must see them as soon as runcue re-checks.
    for (const listener of run.completeListeners) listener(work.task, itemOf(work));
    metrics.recordComplete(work.id, duration);
    if (logging) {
      logEvent(run, "completed", work.task, work.id, `${itemOf(work)} in ${round(duration)}ms`);
    }
  });
  cue.onFailure((work, error) => {
    metrics.recordFailure(work.id, error instanceof TimeoutError && error.kind === "stall");
    if (logging) logEvent(run, "failed", work.task, work.id, `${itemOf(work)}: ${error.message}`);
  });
  cue.onRetry((work, error, delay) => {
    metrics.recordRetry(work.id);
    if (logging) {
      logEvent(run, "retry", work.task, work.id, `${error.message}; again in ${round(delay)}ms`);
    }
  });
  cue.onSkip((work) => {
    metrics.recordSkip(work.id);
    if (logging) logEvent(run, "skipped", work.task, work.id, `${itemOf(work)} up to date`);
  });
  cue.onStallWarning((sinceProgress, pendingCount) => {
    const report: StallReport = {
      since_progress_ms: Math.round(sinceProgress),
      pending: pendingCount,
      blocked: cue.debugBlocked().map(({ work, reason, details }) => {
        const explain = reason === "not_ready" ? run.waitingFor.get(work.task) : undefined;
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
    run.stalls.push(report);
    if (logging) {
      const details = `no progress for ${report.since_progress_ms}ms, ${pendingCount} pending`;
      logEvent(run, "stall", "-", "-", details);
    }
    observer.stall?.(report);
  });
}

/**
 * Runs the scenario until its work is done, `duration` passes or `signal`
 * aborts; then stops the cue (at once when cut short). Returns why it ended.
 */
async function runToEnd(
  run: Run,
  context: ScenarioContext,
  signal: AbortSignal | undefined,
): Promise<SimulationSummary["stopped_by"]> {
  const { cue, options } = run;
  let stoppedBy: SimulationSummary["stopped_by"] = "finished";
  let durationTimer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  try {
    const finished = (async () => {
      await run.scenario.run(context);
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
  return stoppedBy;
}

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
  const run = setUp(resolveOptions(rest), observer);
  const context = scenarioContext(run);
  listen(run);
  const { cue, options, metrics, scenario, rate } = run;
  const snapshot = (): Snapshot =>
    snapshotOf(metrics, { total: run.total, services: scenario.services, options, rate });
  cue.start();
  observer.begin?.({ options, snapshot, cue });
  const stoppedBy = await runToEnd(run, context, signal);
  metrics.closeOpenAttempts();
  const summary = summarize(metrics, {
    options,
    services: scenario.services,
    limits: run.limits,
    stoppedBy,
    stalls: run.stalls,
    stallTimeout: run.stallTimeout,
    stateOf: (id) => cue.get(id)?.state,
    libraryStats: cue.stats(),
  });
  observer.end?.(summary);
  return summary;
}
