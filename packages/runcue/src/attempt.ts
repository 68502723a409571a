import type { Job } from "./executors/types.js";
import type { RegisteredTask } from "./scheduler.js";
import type { WorkInfo, WorkRecord } from "./works.js";

/**
 * One run of one work. It is the handler's `ctx` too: `signal` (made on
 * first read, since most handlers never look) and `progress`.
 */
export class Attempt implements Job {
  /** The work's outcome is decided (cancelled, timed out or settled); a late return changes nothing. */
  decided = false;
  aborted = false;
  handle: unknown = undefined;
  timer: NodeJS.Timeout | undefined = undefined;
  private controller: AbortController | undefined = undefined;
  private abortReason: Error | undefined = undefined;
  readonly work: WorkInfo;
  readonly startedAt = performance.now();

  private settled = false;

  constructor(
    readonly record: WorkRecord,
    readonly task: RegisteredTask,
    private readonly onProgress: (attempt: Attempt, value: unknown) => void,
    private readonly onSettle: (attempt: Attempt, succeeded: boolean, value: unknown) => void,
  ) {
    this.work = record.info();
  }

  settle(succeeded: boolean, value: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.onSettle(this, succeeded, value);
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.abortReason);
    }
    return this.controller.signal;
  }

  progress(value: unknown): void {
    this.onProgress(this, value);
  }

  abort(reason: Error): void {
    if (this.aborted) return;
    this.aborted = true;
    this.abortReason = reason;
    this.controller?.abort(reason);
    this.task.lane.executor.abort(this);
  }
}
