import { assertFunction, messages } from "./errors.js";
import { type CueEvents, Events } from "./events.js";
import { ExecutorRegistry } from "./executors/registry.js";
import type { Executor, JobTask, PoolStats } from "./executors/types.js";
import {
  type CueOptions,
  type CueSettings,
  cueOptionsSchema,
  describeIssues,
  parseOptions,
  parseServiceOptions,
  parseTaskDefinition,
  type RunTaskDefinition,
  type ServiceOptions,
  type StopOptions,
  type SubmitOptions,
  stopOptionsSchema,
  submitOptionsSchema,
  type TaskDefinition,
  type WorkCheck,
  type WorkerTaskDefinition,
} from "./options.js";
import {
  type BlockedWork,
  Lane,
  type PriorityFunction,
  type RegisteredTask,
  Scheduler,
} from "./scheduler.js";
import { Service } from "./services.js";
import {
  type StateCounts,
  type Work,
  type WorkId,
  WorkRecord,
  type WorkState,
  WorkStore,
} from "./works.js";

declare const taskTypes: unique symbol;

/**
 * A task's name as `cue.task()` returns it: a plain string that also carries
 * the task's params and result types, so `submit`, `result` and
 * `onComplete(task, ...)` know them.
 */
export type TaskName<P = unknown, R = unknown> = string & { readonly [taskTypes]?: [P, R] };

/** Filter of `cue.list()`. */
export interface ListFilter {
  state?: WorkState;
  task?: string;
  /** At most this many works, oldest first. @default 100 */
  limit?: number;
}

/**
 * What `cue.stats()` returns. Counts are of all works ever submitted and are
 * disjoint: `completed` works ran, `skipped` ones did not (their state is
 * "completed" too), so the six counts add up to the works submitted.
 */
export interface CueStats extends StateCounts {
  /** Per service, by name; a null-prototype object, so any name is a plain key. */
  services: Record<string, ServiceStats>;
  /** The local thread pool. */
  threads: { size: number; busy: number };
  /** Every worker pool by name, the local one as `"local"`. */
  pools: Record<string, PoolStats>;
}

export interface ServiceStats {
  running: number;
  concurrent?: number;
  rate?: { limit: number; interval: number; used: number };
}

/**
 * An embedded coordinator of background work: services with rate and
 * concurrency limits, tasks run on the main thread or in a worker pool,
 * readiness and staleness checks, priority, timeouts and retries.
 *
 * @example
 * const cue = new Cue();
 * cue.service("api", { rate: "60/min", concurrent: 5 });
 * const fetchPage = cue.task("fetch_page", { uses: "api", run: async (work) => fetch(work.params.url) });
 * cue.start();
 * const id = cue.submit(fetchPage, { url: "https://example.com" });
 * await cue.result(id);
 * await cue.stop();
 */
export class Cue {
  private readonly events = new Events();
  private readonly store: WorkStore;
  private readonly scheduler: Scheduler;
  private readonly services = new Map<string, Service>();
  private readonly tasks = new Map<string, RegisteredTask>();
  private readonly lanes = new Map<string, Lane>();
  private readonly executors: ExecutorRegistry;
  private readonly settings: CueSettings;
  private nextSeq = 1;

  constructor(options: CueOptions = {}) {
    this.settings = parseOptions(cueOptionsSchema, options, "Cue options");
    this.store = new WorkStore(this.settings.retain);
    this.scheduler = new Scheduler(this.store, this.events, this.settings, this.tasks);
    this.executors = new ExecutorRegistry(this.settings, () => this.scheduler.schedulePump());
  }

  // ── registration ────────────────────────────────────────────────────

  /**
   * Registers a service: a bucket of limits that tasks count against.
   * @example cue.service("openai", { rate: "60/min", concurrent: 5 })
   */
  service(name: string, options: ServiceOptions = {}): this {
    if (typeof name !== "string" || name === "")
      throw new Error(messages.needsName("cue.service()"));
    if (this.services.has(name)) throw new Error(messages.duplicateService(name));
    const { concurrent, rate } = parseServiceOptions(name, options);
    this.services.set(name, new Service(name, concurrent, rate));
    return this;
  }

  /**
   * Registers a task: what to do for each work, on the main thread (`run`)
   * or in the worker pool (`worker`). Returns the name, typed.
   * @example const tile = cue.task("tile", { uses: "cpu", worker: new URL("./tile.worker.js", import.meta.url) })
   */
  task<P = unknown, R = unknown>(
    name: string,
    definition: RunTaskDefinition<P, R>,
  ): TaskName<P, Awaited<R>>;
  task<P = unknown, R = unknown>(name: string, definition: WorkerTaskDefinition<P>): TaskName<P, R>;
  task(name: string, definition: TaskDefinition): TaskName {
    if (typeof name !== "string" || name === "") throw new Error(messages.needsName("cue.task()"));
    if (this.tasks.has(name)) throw new Error(messages.duplicateTask(name));
    const settings = parseTaskDefinition(name, definition);
    let service: Service | undefined;
    if (settings.uses !== undefined) {
      service = this.services.get(settings.uses);
      if (!service)
        throw new Error(messages.unknownService(name, settings.uses, [...this.services.keys()]));
    }
    const bound = this.executors.bind(name, settings);
    this.tasks.set(name, {
      name,
      job: bound.job,
      service,
      lane: this.lane(service, bound.executor, bound.executorName),
      timeout: settings.timeout,
      retry: settings.retry,
      isReady: settings.isReady as WorkCheck | undefined,
      isStale: settings.isStale as WorkCheck | undefined,
      params: settings.params,
    });
    return name;
  }

  private lane(service: Service | undefined, executor: Executor, executorName: string): Lane {
    const key = `${service?.name ?? ""}\u0000${executorName}`;
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = new Lane(service, executor, executorName);
      this.lanes.set(key, lane);
      this.scheduler.lanes.push(lane);
    }
    return lane;
  }

  /** Sets the global readiness check: can this work start, are its inputs valid? */
  isReady(check: WorkCheck): this {
    assertFunction(check, "cue.isReady()", "(work) => boolean");
    this.scheduler.isReady = check;
    return this;
  }

  /** Sets the global staleness check: should this work run, is its output missing or outdated? */
  isStale(check: WorkCheck): this {
    assertFunction(check, "cue.isStale()", "(work) => boolean");
    this.scheduler.isStale = check;
    return this;
  }

  /** Sets the priority callback, consulted each time work is chosen: higher runs first, 0 to 1. */
  priority(rank: PriorityFunction): this {
    assertFunction(rank, "cue.priority()", "(ctx) => number");
    this.scheduler.priority = rank;
    return this;
  }

  // ── events ──────────────────────────────────────────────────────────

  onStart(listener: (work: Work) => void): () => void {
    return this.events.on("start", listener);
  }

  /** Each successful completion; with a task name first, only that task's, typed. */
  onComplete(listener: (...args: CueEvents["complete"]) => void): () => void;
  onComplete<P, R>(
    task: TaskName<P, R>,
    listener: (work: Work<P, R>, result: R, duration: number) => void,
  ): () => void;
  onComplete(
    taskOrListener: string | ((...args: CueEvents["complete"]) => void),
    listener?: (work: Work<never, never>, result: never, duration: number) => void,
  ): () => void {
    if (typeof taskOrListener === "function") return this.events.on("complete", taskOrListener);
    const task = taskOrListener;
    assertFunction(listener, "onComplete", "(work, result, duration) => void");
    const typed = listener as unknown as (...args: CueEvents["complete"]) => void;
    return this.events.on("complete", (work, result, duration) => {
      if (work.task === task) typed(work, result, duration);
    });
  }

  /** A work's final failure (not a failed attempt that will be retried). */
  onFailure(listener: (work: Work, error: Error) => void): () => void {
    return this.events.on("failure", listener);
  }

  /** A failed attempt that will run again after `delay` ms. */
  onRetry(listener: (work: Work, error: Error, delay: number) => void): () => void {
    return this.events.on("retry", listener);
  }

  onSkip(listener: (work: Work) => void): () => void {
    return this.events.on("skip", listener);
  }

  onProgress(listener: (work: Work, value: unknown) => void): () => void {
    return this.events.on("progress", listener);
  }

  onPendingWarning(listener: (work: Work, pendingFor: number) => void): () => void {
    return this.events.on("pendingWarning", listener);
  }

  onStallWarning(listener: (sinceProgress: number, pendingCount: number) => void): () => void {
    return this.events.on("stallWarning", listener);
  }

  // ── work ────────────────────────────────────────────────────────────

  /**
   * Queues a work of `task`. Throws at once, queuing nothing, for an unknown
   * task, params that fail the task's schema, or params a worker cannot receive.
   */
  submit<P, R>(task: TaskName<P, R>, params?: P, options?: SubmitOptions): WorkId<P, R>;
  submit(task: string, params?: unknown, options?: SubmitOptions): WorkId {
    const registered = this.tasks.get(task);
    if (!registered) throw new Error(messages.unknownTask(String(task), [...this.tasks.keys()]));
    let value: unknown = params ?? {};
    const schema = registered.params;
    if (schema) {
      const parsed = schema.safeParse(value);
      if (!parsed.success)
        throw new Error(messages.invalidParams(task, describeIssues(parsed.error)));
      value = parsed.data;
    }
    registered.lane.executor.checkParams?.(value, registered.job);
    let priority = 0.5;
    let notBefore = 0;
    if (options !== undefined) {
      const parsed = parseOptions(
        submitOptionsSchema,
        options,
        `submit options for task "${task}"`,
      );
      priority = parsed.priority;
      if (parsed.at !== undefined) notBefore = parsed.at;
      if (parsed.delay !== undefined) notBefore = Math.max(notBefore, Date.now() + parsed.delay);
    }
    const seq = this.nextSeq++;
    const record = new WorkRecord(`w${seq}`, task, value, seq, priority, Date.now());
    record.notBefore = notBefore;
    this.scheduler.add(record);
    return record.id;
  }

  /** A snapshot of the work, or undefined if unknown or forgotten. */
  get<P, R>(id: WorkId<P, R>): Work<P, R> | undefined {
    return this.store.get(id)?.snapshot() as Work<P, R> | undefined;
  }

  /** Works in submission order, filtered. */
  list(filter: ListFilter = {}): Work[] {
    const limit = filter.limit ?? 100;
    const found: Work[] = [];
    if (limit <= 0) return found;
    for (const record of this.store.values()) {
      if (filter.state !== undefined && record.state !== filter.state) continue;
      if (filter.task !== undefined && record.task !== filter.task) continue;
      found.push(record.snapshot());
      if (found.length >= limit) break;
    }
    return found;
  }

  /**
   * Cancels pending work at once; aborts running work (its `ctx.signal`
   * fires, a worker thread that does not return soon is replaced).
   * Resolves false for finished or unknown work.
   */
  async cancel(id: string): Promise<boolean> {
    const record = this.store.get(id);
    return record ? this.scheduler.cancel(record) : false;
  }

  /**
   * The work's result: resolves with it (undefined when `isStale` skipped the
   * work, hence the type), rejects
   * with the error when it failed, with `CancelledError` when cancelled.
   */
  result<P, R>(id: WorkId<P, R>): Promise<R | undefined> {
    const record = this.store.get(id);
    if (!record) return Promise.reject(new Error(messages.unknownWork(id)));
    if (record.state === "completed") return Promise.resolve(record.result as R | undefined);
    if (record.state === "failed" || record.state === "cancelled")
      return Promise.reject(record.error);
    return new Promise<R | undefined>((resolve, reject) => {
      record.waiters ??= [];
      record.waiters.push({ resolve: resolve as (value: unknown) => void, reject });
    });
  }

  /** Resolves once nothing is pending or running. */
  idle(): Promise<void> {
    return this.scheduler.idle();
  }

  /** Starts running work; idempotent. Work submitted before just queues. */
  start(): void {
    if (this.scheduler.start()) this.executors.start();
  }

  /**
   * Stops starting work and waits for running work. With `timeout`, work
   * still running then is aborted and marked cancelled. Pending work stays
   * pending; `start()` resumes it. Afterwards no timer, thread or handle is held.
   */
  async stop(options: StopOptions = {}): Promise<void> {
    const { timeout } = parseOptions(stopOptionsSchema, options, "stop options");
    await this.scheduler.stop(timeout, () => this.executors.close());
  }

  /** Asks for blocked work to be checked again now (after an artifact changed, say). */
  recheck(): void {
    this.scheduler.recheck();
  }

  /** Every pending work and why it has not started. */
  debugBlocked(): BlockedWork[] {
    const blocked: BlockedWork[] = [];
    for (const record of this.store.values()) {
      if (record.state === "pending") blocked.push(this.scheduler.describeBlocked(record));
    }
    return blocked;
  }

  stats(): CueStats {
    const now = performance.now();
    const services: Record<string, ServiceStats> = Object.create(null);
    for (const [name, service] of this.services) {
      const stats: ServiceStats = { running: service.running };
      if (service.concurrent !== undefined) stats.concurrent = service.concurrent;
      if (service.rate) stats.rate = { ...service.rate, used: service.startsInWindow(now) };
      services[name] = stats;
    }
    const local = this.executors.localStats();
    return {
      ...this.store.counts,
      services,
      threads: { size: local.size, busy: local.busy },
      pools: this.executors.stats(),
    };
  }
}
