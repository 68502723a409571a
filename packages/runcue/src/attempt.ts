import type { Job } from "./executors/types.js";
import { LazyAbort } from "./lazy-abort.js";
import type { RegisteredTask } from "./scheduler.js";
import type { WorkInfo, WorkRecord } from "./works.js";

/**
 * One run of one work. It is the handler's `ctx` too: `signal` (made on
 * first read) and `progress`.
 */
export class Attempt extends LazyAbort implements Job {
  /** The work's outcome is decided (cancelled, timed out or settled); a late return changes nothing. */
  decided = false;
  handle: unknown = undefined;
  timer: NodeJS.Timeout | undefined = undefined;
  readonly work: WorkInfo;
  readonly startedAt = performance.now();

  private settled = false;

  constructor(
    readonly record: WorkRecord,
    readonly task: RegisteredTask,
    private readonly onProgress: (attempt: Attempt, value: unknown) => void,
    private readonly onSettle: (attempt: Attempt, succeeded: boolean, value: unknown) => void,
  ) {
    super();
    this.work = record.info();
  }

  settle(succeeded: boolean, value: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.onSettle(this, succeeded, value);
  }

  progress(value: unknown): void {
    this.onProgress(this, value);
  }

  override abort(reason: Error): boolean {
    if (!super.abort(reason)) return false;
    this.task.lane.executor.abort(this);
    return true;
  }
}
