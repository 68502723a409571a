import type { Executor, Job, JobTask } from "./executors/types.js";
import { LazyAbort } from "./lazy-abort.js";
import type { Service } from "./services.js";
import type { WorkInfo, WorkRecord } from "./works.js";

/** How an attempt's handler ended, when that ending decided the work. */

/** What an attempt reports to the scheduler. */
export interface AttemptHooks {
  progress(attempt: Attempt, value: unknown): void;
  /** The handler began (or, unreported, the attempt ended): stamp the rate window. */
  started(attempt: Attempt): void;
  /**
   * The executor's slot is free again. With `decidedHere` the handler's ending
   * decided the work (`succeeded`, and `value` its result or error); without,
   * a cancel, timeout or stop decided first.
   */
  settled(attempt: Attempt, decidedHere: boolean, succeeded: boolean, value: unknown): void;
}

const Phase = {
  /** The handler runs; nothing is decided. */
  Running: 0,
  /** A cancel, timeout or stop decided the work; the handler still holds its slot. */
  Decided: 1,
  /** The executor reported the end; the slot is free. Final. */
  Released: 2,
} as const;
type Phase = (typeof Phase)[keyof typeof Phase];

/**
 * One run of one work: the executor's Job and the handler's `ctx` (`signal`,
 * made on first read, and `progress`). Its phase is the one exactly-once
 * guard: the work's outcome is decided once, by the handler or by a cancel,
 * timeout or stop, and the slot is released once.
 */
export class Attempt extends LazyAbort implements Job {
  private phase: Phase = Phase.Running;
  private stamped = false;
  timer: NodeJS.Timeout | undefined = undefined;
  readonly work: WorkInfo;
  readonly startedAt = performance.now();
  /** Only a rate window waits for the handler's start; without one the executor need not report it. */
  readonly reportStart: boolean;

  constructor(
    readonly record: WorkRecord,
    readonly task: JobTask,
    private readonly executor: Executor,
    private readonly hooks: AttemptHooks,
    /** The service whose slot the attempt holds until it is released. */
    readonly service: Service | undefined,
  ) {
    super();
    this.work = record.info();
    this.reportStart = service?.rate !== undefined;
  }

  /** True until the work's outcome is decided. */
  get isRunning(): boolean {
    return this.phase === Phase.Running;
  }

  /**
   * Claims the work's outcome for a cancel, timeout or stop: true the first
   * time, false when the handler or another decision came first.
   */
  decide(): boolean {
    if (this.phase !== Phase.Running) return false;
    this.phase = Phase.Decided;
    return true;
  }

  resolve(result: unknown): void {
    this.release(true, result);
  }

  reject(error: unknown): void {
    this.release(false, error);
  }

  /** The handler is being called now. Later calls change nothing. */
  handlerStarted(): void {
    if (this.stamped) return;
    this.stamped = true;
    this.hooks.started(this);
  }

  /** The scheduler stamps the window itself (the executor reports no handler start). */
  markStamped(): void {
    this.stamped = true;
  }

  // plain arguments, no outcome object: this runs once per work
  private release(succeeded: boolean, value: unknown): void {
    if (this.phase === Phase.Released) return;
    // never reported (a result that overtook its thread's message, a thread that died loading):
    // stamped now, late rather than never
    this.handlerStarted();
    const decidedHere = this.phase === Phase.Running;
    this.phase = Phase.Released;
    this.hooks.settled(this, decidedHere, succeeded, value);
  }

  progress(value: unknown): void {
    if (this.phase === Phase.Running) this.hooks.progress(this, value);
  }

  /** Aborts the handler; its executor makes sure it ends within the grace. */
  override abort(reason: Error): boolean {
    if (!super.abort(reason)) return false;
    if (this.phase !== Phase.Released) this.executor.abort(this);
    return true;
  }
}
