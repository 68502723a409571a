import type { BlockedWork } from "./blocked.js";
import {
  type ListFilter,
  listFilterSchema,
  type StopOptions,
  type SubmitOptions,
  stopOptionsSchema,
  submitOptionsSchema,
  type WaitOptions,
  waitOptionsSchema,
} from "./call-options.js";
import { assertFunction, messages } from "./errors.js";
import {
  type CueEvents,
  Events,
  LISTENER_NAMES,
  type Listener,
  type WorkEventName,
} from "./events.js";
import { ExecutorRegistry } from "./executors/registry.js";
import { isolate } from "./isolate.js";
import type { PriorityFunction } from "./lane.js";
import {
  type CueOptions,
  type CueSettings,
  cueOptionsSchema,
  parseOptions,
  parseServiceOptions,
  parseTaskDefinition,
  type RunTaskDefinition,
  type ServiceOptions,
  type TaskDefinition,
  type WorkCheck,
  type WorkerTaskDefinition,
} from "./options.js";
import { Scheduler } from "./scheduler.js";
import { Service } from "./services.js";
import { assertSynchronousSchema, validateParams } from "./standard-schema.js";
import { type CueStats, serviceStats } from "./stats.js";
import type { TaskName } from "./tasks.js";
import { type Work, type WorkId, WorkRecord, WorkStore } from "./works.js";

export type { ListFilter } from "./call-options.js";

/** A listener of one work event, typed from its task. */
type TaskListener<E extends WorkEventName, P, R> = CueEvents[E] extends [Work, ...infer Rest]
  ? (work: Work<P, R>, ...rest: E extends "complete" ? [result: R, duration: number] : Rest) => void
  : never;

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
  private readonly events = new Events(this);
  private readonly store: WorkStore;
  private readonly scheduler: Scheduler;
  private readonly services = new Map<string, Service>();
  private readonly executors: ExecutorRegistry;
  private readonly settings: CueSettings;
  private nextSeq = 1;

  constructor(options: CueOptions = {}) {
    if (typeof options !== "object" || options === null || Array.isArray(options))
      throw new Error(
        messages.invalidOptions(
          "Cue options",
          `expected an object, got ${JSON.stringify(options)}`,
        ),
      );
    this.settings = parseOptions(cueOptionsSchema, options, "Cue options");
    this.store = new WorkStore(this.settings.retain);
    this.scheduler = new Scheduler(this.store, this.events, this.settings);
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
   * or in a worker pool (`worker`, and `pool` to name one). Returns the name, typed.
   * @example const tile = cue.task("tile", { uses: "cpu", worker: new URL("./tile.worker.js", import.meta.url) })
   */
  task<P = unknown, R = unknown>(
    name: string,
    definition: RunTaskDefinition<P, R>,
  ): TaskName<P, Awaited<R>>;
  task<P = unknown, R = unknown>(name: string, definition: WorkerTaskDefinition<P>): TaskName<P, R>;
  task(name: string, definition: TaskDefinition): TaskName {
    if (typeof name !== "string" || name === "") throw new Error(messages.needsName("cue.task()"));
    if (this.scheduler.task(name)) throw new Error(messages.duplicateTask(name));
    const settings = parseTaskDefinition(name, definition);
    if (settings.params) assertSynchronousSchema(name, settings.params);
    let service: Service | undefined;
    if (settings.uses !== undefined) {
      service = this.services.get(settings.uses);
      if (!service)
        throw new Error(messages.unknownService(name, settings.uses, [...this.services.keys()]));
    }
    this.scheduler.addTask(name, settings, service, this.executors.bind(name, settings));
    return name;
  }

  /** Sets the global readiness check: can this work start, are its inputs valid? */
  isReady(check: WorkCheck): this {
    assertFunction(check, "cue.isReady()", "(work) => boolean");
    this.scheduler.setIsReady(check);
    return this;
  }

  /** Sets the global staleness check: should this work run, is its output missing or outdated? */
  isStale(check: WorkCheck): this {
    assertFunction(check, "cue.isStale()", "(work) => boolean");
    this.scheduler.setIsStale(check);
    return this;
  }

  /** Sets the priority callback, consulted each time work is chosen: higher runs first, 0 to 1. */
  priority(rank: PriorityFunction): this {
    assertFunction(rank, "cue.priority()", "(ctx) => number");
    this.scheduler.setPriority(rank);
    return this;
  }

  // ── events: each returns a function that removes the listener ──────
  // With a task first, a listener hears only that task's works, typed from its definition.

  /** A work starts an attempt. */
  onStart(listener: Listener<"start">): () => void;
  onStart<P, R>(task: TaskName<P, R>, listener: TaskListener<"start", P, R>): () => void;
  onStart(...args: unknown[]): () => void {
    return this.listen("start", args);
  }

  /** A work completed; `duration` in ms. */
  onComplete(listener: Listener<"complete">): () => void;
  onComplete<P, R>(task: TaskName<P, R>, listener: TaskListener<"complete", P, R>): () => void;
  onComplete(...args: unknown[]): () => void {
    return this.listen("complete", args);
  }

  /** A work's final failure (not a failed attempt that will be retried). */
  onFailure(listener: Listener<"failure">): () => void;
  onFailure<P, R>(task: TaskName<P, R>, listener: TaskListener<"failure", P, R>): () => void;
  onFailure(...args: unknown[]): () => void {
    return this.listen("failure", args);
  }

  /** A failed attempt that will run again after `delay` ms. */
  onRetry(listener: Listener<"retry">): () => void;
  onRetry<P, R>(task: TaskName<P, R>, listener: TaskListener<"retry", P, R>): () => void;
  onRetry(...args: unknown[]): () => void {
    return this.listen("retry", args);
  }

  /** `isStale` said a work's output is valid: it completed without running. */
  onSkip(listener: Listener<"skip">): () => void;
  onSkip<P, R>(task: TaskName<P, R>, listener: TaskListener<"skip", P, R>): () => void;
  onSkip(...args: unknown[]): () => void {
    return this.listen("skip", args);
  }

  /** A handler called `ctx.progress(value)`. */
  onProgress(listener: Listener<"progress">): () => void;
  onProgress<P, R>(task: TaskName<P, R>, listener: TaskListener<"progress", P, R>): () => void;
  onProgress(...args: unknown[]): () => void {
    return this.listen("progress", args);
  }

  /** A work has been pending longer than `pendingWarnAfter` (once per work). */
  onPendingWarning(listener: Listener<"pendingWarning">): () => void;
  onPendingWarning<P, R>(
    task: TaskName<P, R>,
    listener: TaskListener<"pendingWarning", P, R>,
  ): () => void;
  onPendingWarning(...args: unknown[]): () => void {
    return this.listen("pendingWarning", args);
  }

  /** No progress for `stallWarnAfter` while work is pending (once per stall). */
  onStallWarning(listener: Listener<"stallWarning">): () => void {
    return this.events.on("stallWarning", listener);
  }

  private listen(event: WorkEventName, args: unknown[]): () => void {
    const [first, second] = args;
    if (typeof first === "function") return this.events.on(event, first as Listener<typeof event>);
    assertFunction(second, LISTENER_NAMES[event], "(work, ...) => void");
    if (typeof first !== "string" || !this.scheduler.task(first)) {
      throw new Error(messages.unknownTask(String(first), this.scheduler.taskNames()));
    }
    return this.events.on(event, second as Listener<typeof event>, first);
  }

  // ── work ────────────────────────────────────────────────────────────

  /**
   * Queues a work of `task`. Throws at once, queuing nothing, for an unknown
   * task, params that fail the task's schema, or params a worker cannot receive.
   */
  submit<P, R>(task: TaskName<P, R>, params?: P, options?: SubmitOptions): WorkId<P, R>;
  submit(task: string, params?: unknown, options?: SubmitOptions): WorkId {
    const registered = this.scheduler.task(task);
    if (!registered)
      throw new Error(messages.unknownTask(String(task), this.scheduler.taskNames()));
    let value: unknown = params ?? {};
    if (registered.params) value = validateParams(task, registered.params, value);
    registered.executor.checkParams?.(value, registered.job);
    let priority = 0.5;
    let notBefore = 0;
    let signal: AbortSignal | undefined;
    if (options !== undefined) {
      const where = `submit options for task "${task}"`;
      if (typeof options !== "object" || options === null)
        throw new Error(messages.invalidOptions(where, `expected an object, got ${options}`));
      const parsed = parseOptions(submitOptionsSchema, options, where);
      priority = parsed.priority;
      signal = parsed.signal;
      if (parsed.at !== undefined) notBefore = parsed.at;
      if (parsed.delay !== undefined) notBefore = Math.max(notBefore, Date.now() + parsed.delay);
    }
    const seq = this.nextSeq++;
    // the work's own copy: the caller may reuse or change the object it passed (none passed and
    // no schema: the `{}` made above is the work's already, and copying it is a cost per work)
    const own = params === undefined && !registered.params ? value : isolate(value);
    const record = new WorkRecord(task, own, seq, priority, Date.now());
    record.notBefore = notBefore;
    this.scheduler.add(record);
    if (signal) this.cancelOnAbort(record, signal);
    return record.id;
  }

  /** Submit's `signal`: aborting it cancels the work; its listener goes when the work ends. */
  private cancelOnAbort(record: WorkRecord, signal: AbortSignal): void {
    if (signal.aborted) {
      this.scheduler.cancel(record);
      return;
    }
    const onAbort = () => this.scheduler.cancel(record);
    signal.addEventListener("abort", onAbort, { once: true });
    const forget = () => signal.removeEventListener("abort", onAbort);
    this.store.whenFinished(record).then(forget, forget);
  }

  /** A snapshot of the work, or undefined if unknown or forgotten. */
  get<P, R>(id: WorkId<P, R>): Work<P, R> | undefined {
    return this.store.get(id)?.snapshot() as Work<P, R> | undefined;
  }

  /** Works in submission order, filtered. */
  list(filter: ListFilter = {}): Work[] {
    if (typeof filter !== "object" || filter === null)
      throw new Error(
        messages.invalidOptions(
          "cue.list() filter",
          `expected an object { state?, task?, limit? }, got ${filter}`,
        ),
      );
    const { state, task, limit } = parseOptions(listFilterSchema, filter, "cue.list() filter");
    const found: Work[] = [];
    if (limit <= 0) return found;
    for (const record of this.store.values()) {
      if (state !== undefined && record.state !== state) continue;
      if (task !== undefined && record.task !== task) continue;
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
  result<P, R>(id: WorkId<P, R>, options?: WaitOptions): Promise<R | undefined> {
    const signal = waitSignal(options, "cue.result() options");
    const record = this.store.get(id);
    if (!record) return Promise.reject(new Error(messages.unknownWork(id)));
    const finished = this.store.whenFinished(record) as Promise<R | undefined>;
    return record.isFinal ? finished : untilAborted(finished, signal);
  }

  /**
   * Resolves once nothing is pending or running. With `signal`, aborting it
   * rejects this promise with its reason; the cue goes on.
   */
  idle(options?: WaitOptions): Promise<void> {
    const signal = waitSignal(options, "cue.idle() options");
    const { pending, running } = this.store.counts;
    const idle = this.scheduler.idle();
    return pending === 0 && running === 0 ? idle : untilAborted(idle, signal);
  }

  /** Starts running work; idempotent. Work submitted before just queues. */
  start(): void {
    if (this.scheduler.start()) this.executors.start();
  }

  /**
   * Stops starting work and waits for running work. With `timeout`, work
   * still running then is aborted and marked cancelled. Pending work stays
   * pending; `start()` resumes it. Afterwards no timer, thread or handle is
   * held: every pool is closed.
   */
  async stop(options: StopOptions = {}): Promise<void> {
    const { timeout } = parseOptions(stopOptionsSchema, options, "stop options");
    await this.scheduler.stop(timeout, () => this.executors.close());
  }

  /**
   * `await using cue = new Cue()`: leaving the block awaits `stop()`.
   */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
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

  /** Counts of works by state, each service's use, and each pool's. */
  stats(): CueStats {
    const local = this.executors.localStats();
    return {
      ...this.store.counts,
      services: serviceStats(this.services.values(), performance.now()),
      threads: { size: local.size, busy: local.busy },
      pools: this.executors.stats(),
      tasks: this.events.observer.stats(this.scheduler.taskNames()),
    };
  }
}

function waitSignal(options: WaitOptions | undefined, where: string): AbortSignal | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== "object" || options === null)
    throw new Error(
      messages.invalidOptions(where, `expected an object { signal? }, got ${options}`),
    );
  return parseOptions(waitOptionsSchema, options, where).signal;
}

/** `promise`, or a rejection with the signal's reason once it aborts, whichever comes first. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) {
    // the abandoned wait must not surface as an unhandled rejection later
    promise.catch(() => {});
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
