import type { WorkInfo } from "../works.js";

/**
 * One attempt of one work, as an executor sees it. Executors know nothing of
 * services, priorities or retries: they run a job and say when its slot is
 * free again.
 */
export interface Job {
  readonly work: WorkInfo;
  /** The task as registered (an executor reads its own fields: `run`, or `worker` and `export`). */
  readonly task: ExecutableTask;
  /** Aborted on cancel, task timeout and stop timeout; created on first read. */
  readonly signal: AbortSignal;
  readonly aborted: boolean;
  /** Delivers a progress value to the main thread's listeners, in order. */
  progress(value: unknown): void;
  /** The executor's own record of the job while it runs. */
  handle: unknown;
  /**
   * The executor reports the outcome, once the executor's slot is free again:
   * the handler's result, or its error. Later calls are ignored.
   */
  settle(succeeded: boolean, value: unknown): void;
}

export interface ExecutableTask {
  readonly name: string;
  readonly run?: (
    work: WorkInfo<never>,
    ctx: { signal: AbortSignal; progress(value: unknown): void },
  ) => unknown;
  /** Absolute path of the worker module. */
  readonly workerPath?: string;
  readonly exportName?: string;
  /** Main-thread functions the worker handler may call. */
  readonly expose?: Readonly<Record<string, (...args: never[]) => unknown>>;
}

/** Runs jobs somewhere: on the main thread, in a thread pool, later perhaps elsewhere. */
export interface Executor {
  readonly kind: string;
  /** How many more jobs it can take now. */
  freeSlots(): number;
  /**
   * Runs the job and calls `job.settle` when it is done; after an abort it
   * settles within the grace period whatever the handler does.
   */
  run(job: Job): void;
  /**
   * The job was aborted (its `signal` has fired): make sure it settles within
   * the grace, stopping the handler if it will not stop itself.
   */
  abort(job: Job): void;
  /** Size and use, for `stats()`; undefined when the executor has no fixed size. */
  usage(): { size: number; busy: number } | undefined;
  /** Frees every thread and handle. Running jobs are rejected. */
  close(): Promise<void>;
}
