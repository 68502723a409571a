import type { TaskContext, WorkInfo } from "../works.js";

/**
 * The plug-in interface of runcue's executors: the main thread, the local
 * thread pool, and any pool passed in the `pools` option (a remote one, say).
 * An executor knows nothing of services, priorities, retries or readiness:
 * the scheduler hands it a job only when `freeSlots()` says it can take one
 * (no prefetch), and the executor says when that job's slot is free again.
 */

/** Main-thread functions a worker handler may call as `ctx.main.name(...args)`. */
export type ExposedFunctions = Record<string, (...args: never[]) => unknown>;

/** The task a job runs, as registered. */
export interface JobTask {
  /** The task's name. */
  readonly name: string;
  /** Main-thread tasks: the handler. */
  readonly run?: (work: WorkInfo<never>, ctx: TaskContext) => unknown;
  /** Worker tasks: the absolute path of the worker module (a `file:` URL is converted). */
  readonly workerPath?: string;
  /** Worker tasks: the module's export to call. @default "default" */
  readonly exportName: string;
  /** Worker tasks: main-thread functions the handler may call as `ctx.main.name(...)`. */
  readonly expose?: ExposedFunctions;
}

/**
 * One attempt of one work, as an executor sees it. Exactly one of `resolve`
 * and `reject` counts; later calls are ignored. Call it when the job's slot is
 * free again (the handler returned, or its thread was terminated), after every
 * `progress` of the job.
 */
export interface Job {
  /** The work: `id`, `task`, `params` (validated), `attempt` (1 for the first run). */
  readonly work: WorkInfo;
  /** How to run it: the task's worker module, export and exposed functions. */
  readonly task: JobTask;
  /** Aborted on cancel, task timeout and stop timeout. Made on first read. */
  readonly signal: AbortSignal;
  /** True once `signal` has fired (reading this does not make the signal). */
  readonly aborted: boolean;
  /** Delivers a progress value to the main thread's `onProgress` listeners, in call order. */
  progress(value: unknown): void;
  /** The handler returned `result`. */
  resolve(result: unknown): void;
  /** The attempt failed with `error` (the handler threw, its thread died, ...). */
  reject(error: unknown): void;
  /**
   * The handler is being called now (its thread has the job and its module
   * is loaded). Executors with `reportsHandlerStart` call it; the service's
   * rate window is stamped then. Optional for hosts that run jobs through a
   * pool without a cue.
   */
  handlerStarted?(): void;
  /**
   * False when nothing waits for `handlerStarted` (the work's service has no
   * rate): the executor may skip reporting the start, which then counts as
   * the job's end. Undefined or true: report it.
   */
  readonly reportStart?: boolean;
}

/** What the cue gives an executor when it attaches it. */
export interface ExecutorHost {
  /** The executor's name: its key in the `pools` option, `"local"` or `"main"`. */
  readonly name: string;
  /**
   * The cue's `abortGrace` option (ms): after a job's signal fires, how long
   * its handler may take before the executor terminates it.
   */
  readonly abortGrace: number;
  /**
   * Tells the scheduler that `freeSlots()` grew (a worker joined, a remote
   * thread came free without a job settling): it looks for work to start
   * soon. Cheap and safe to call at any time, also before start and after stop.
   */
  wake(): void;
}

/** A pool's size and use, for `cue.stats().pools`. */
export interface PoolStats {
  /** Threads the pool has now (for a remote pool: the sum over live workers). */
  size: number;
  /** Threads running a job now. */
  busy: number;
  /** Remote pools: one entry per live worker process. */
  workers?: PoolWorkerStats[];
}

/** One worker process of a remote pool. */
export interface PoolWorkerStats {
  /** The worker process's id, unique in its pool. */
  id: string;
  /** The machine it runs on. */
  host: string;
  /** Threads it offers. */
  threads: number;
  /** Threads running a job now. */
  busy: number;
}

/** Runs jobs somewhere: on the main thread, in local threads, on other machines. */
export interface Executor {
  /**
   * True when the executor calls `job.handlerStarted()` as each handler
   * begins; the rate window is then stamped at that moment. Otherwise it is
   * stamped when `run()` returns (for the main thread: after the handler's
   * synchronous start).
   */
  readonly reportsHandlerStart?: boolean;
  /**
   * Called once, when the cue is constructed, before anything else. An
   * executor belongs to one cue: attaching it to a second may throw.
   */
  attach?(host: ExecutorHost): void;
  /**
   * The cue started (again, after a `stop()`). A pool may connect here; the
   * cue does not wait, and a rejection is printed to stderr. Until it has
   * capacity, `freeSlots()` answers 0 and `describeBusy()` says why.
   */
  start?(): void | Promise<void>;
  /** How many more jobs it can take now; the scheduler never hands it more. */
  freeSlots(): number;
  /**
   * At `cue.task()`: refuse, by throwing an Error that names the task, a task
   * this executor cannot run (a missing module, `expose` on a remote pool...).
   */
  checkTask?(task: JobTask): void;
  /**
   * At `submit`, synchronously: refuse, by throwing an Error that names the
   * task and what cannot cross, params the executor cannot send. Nothing is
   * queued then.
   */
  checkParams?(params: unknown, task: JobTask): void;
  /** Runs the job; reports through `job.progress` and, once, `job.resolve`/`job.reject`. */
  run(job: Job): void;
  /**
   * The job's `signal` has fired (cancel, task timeout, stop timeout). Make
   * sure the job settles within the host's `abortGrace`: tell the handler,
   * and terminate it if it has not returned by then. Not called for jobs
   * that settled already.
   */
  abort(job: Job): void;
  /** Size and use; the main-thread executor has none. */
  stats?(): PoolStats;
  /**
   * Why `freeSlots()` is 0, for `debugBlocked()`: e.g. `all 4 threads busy (4/4)`
   * or `no worker connected`. The cue names the pool in front of it.
   */
  describeBusy(): string;
  /**
   * Frees every thread, connection and timer, so the process can exit. Jobs
   * still running are rejected. Awaited by `stop()`; called also when the
   * cue never started; the executor may be started again afterwards.
   */
  close(): Promise<void>;
}

/**
 * A worker pool, as passed in the `pools` option: an executor of worker
 * tasks that reports its size.
 *
 * @example
 * const cue = new Cue({ pools: { farm: redisPool({ connection: "redis://127.0.0.1:6379", queue: "render" }) } });
 * cue.task("tile", { uses: "cpu", worker: new URL("./tile.worker.js", import.meta.url), pool: "farm" });
 */
export interface Pool extends Executor {
  stats(): PoolStats;
}
