/**
 * Work records and their state machine. A record is created pending and
 * reaches exactly one final state (completed, failed or cancelled); the
 * store keeps the counts and forgets the oldest finished records past
 * `retain`.
 */

import { isolate } from "./isolate.js";

/**
 * Where a work is in its life: `"pending"` (waiting: not ready, delayed, queued, or between
 * attempts), `"running"`, or one final state: `"completed"` (ran, or skipped), `"failed"`,
 * `"cancelled"`.
 */
export type WorkState = "pending" | "running" | "completed" | "failed" | "cancelled";
export type FinalState = "completed" | "failed" | "cancelled";

declare const workTypes: unique symbol;

/**
 * A work id: a plain string, branded with the task's params and result types
 * so that `cue.result(id)` and `cue.get(id)` know them.
 */
export type WorkId<P = unknown, R = unknown> = string & {
  /** Types only: never present at run time. */
  readonly [workTypes]?: [P, R];
};

/** What a handler receives about the work it runs. */
export interface WorkInfo<P = unknown> {
  /** The work's id, as `submit` returned it. */
  readonly id: string;
  /** The name of its task. */
  readonly task: string;
  /** Its params: validated by the task's `params` schema when it has one, `{}` when none were given. */
  readonly params: P;
  /** 1 for the first run, 2 for the first retry, ... */
  readonly attempt: number;
}

/** The second argument of a handler. */
export interface TaskContext {
  /** Aborted on cancel, on task timeout and when `stop({ timeout })` gives up waiting. */
  readonly signal: AbortSignal;
  /** Sends `value` to every `onProgress` listener, in order, before the work's final event. */
  progress(value: unknown): void;
}

/** A snapshot of one work, as `get`, `list` and events show it. */
export interface Work<P = unknown, R = unknown> {
  /** The work's id, as `submit` returned it. */
  readonly id: WorkId<P, R>;
  /** The name of its task. */
  readonly task: string;
  /** Its own copy of the params: changing the object given to `submit` changes nothing here. */
  readonly params: P;
  /** Where it is now: pending, running, or its final state. */
  readonly state: WorkState;
  /** Attempts started so far (0 while it waits for its first run). */
  readonly attempt: number;
  /** When it was submitted (`Date.now()`). */
  readonly createdAt: number;
  /** When its latest attempt started (`Date.now()`); absent until it first runs. */
  readonly startedAt?: number;
  /** When it reached its final state, cancelled included (`Date.now()`). */
  readonly completedAt?: number;
  /** What the handler returned, once completed (absent when skipped). */
  readonly result?: R;
  /** Why it failed or was cancelled: the error thrown (the very object, on the main thread), a `TimeoutError` or a `CancelledError`. */
  readonly error?: Error;
  /** True when `isStale` said the output was already valid, so it never ran. */
  readonly skipped: boolean;
}

/** Where a pending record sits in the scheduler. */
export const Place = {
  /** Not pending, or not yet placed. */
  None: 0,
  /** In the delay heap until `notBefore`. */
  Delayed: 1,
  /** Due, waiting for its first check. */
  Incoming: 2,
  /** Ready and stale: in its lane's queue, waiting for room. */
  Queued: 3,
  /** Checked and not ready; re-checked later. */
  Waiting: 4,
  /** An async `isReady`/`isStale` is being awaited. */
  Checking: 5,
} as const;
export type Place = (typeof Place)[keyof typeof Place];

/** What a record knows of its attempt in flight (see attempt.ts). */
export interface Execution {
  /** Claims the work's outcome: true the first time, for a cancel, timeout or stop. */
  decide(): boolean;
  abort(reason: Error): boolean;
  /** Its task timeout, cleared once the outcome is decided. */
  timer?: NodeJS.Timeout | undefined;
}

interface ResultWaiter {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** The mutable record behind a work; internal. */
export class WorkRecord {
  state: WorkState = "pending";
  attempt = 0;
  startedAt: number | undefined = undefined;
  completedAt: number | undefined = undefined;
  result: unknown = undefined;
  error: Error | undefined = undefined;
  skipped = false;
  /** Where it is while pending. */
  place: Place = Place.None;
  /** `Date.now()` before which it is not considered. */
  notBefore = 0;
  /** When it last became pending and due (for pending timeouts and `waitTime`). */
  pendingSince: number;
  /** Consecutive "not ready" answers, for the re-check back-off. */
  notReadyCount = 0;
  /** Its last rank from the priority callback. */
  rank = 0.5;
  /** Monotonic time of the last check that found it ready and stale. */
  checkedAt = 0;
  /** Monotonic time of the next timed re-check while not ready. */
  nextCheckAt = 0;
  warnedPending = false;
  /** Its place in the watch's list of pending works (-1: not there), so it leaves in O(1). */
  watchSlot = -1;
  private infoView: WorkInfo | undefined = undefined;
  /** The attempt in flight while running. */
  execution: Execution | undefined = undefined;
  /** Callers of `cue.result()` waiting for the final state. */
  waiters: ResultWaiter[] | undefined = undefined;

  constructor(
    readonly id: string,
    readonly task: string,
    readonly params: unknown,
    /** Submission order, the tie-break after priority. */
    readonly seq: number,
    readonly priority: number,
    readonly createdAt: number,
  ) {
    this.pendingSince = createdAt;
  }

  get isFinal(): boolean {
    return this.state === "completed" || this.state === "failed" || this.state === "cancelled";
  }

  snapshot(): Work {
    const work: {
      -readonly [K in keyof Work]: Work[K];
    } = {
      id: this.id,
      task: this.task,
      params: undefined,
      state: this.state,
      attempt: this.attempt,
      createdAt: this.createdAt,
      skipped: this.skipped,
    };
    if (this.startedAt !== undefined) work.startedAt = this.startedAt;
    if (this.completedAt !== undefined) work.completedAt = this.completedAt;
    if (this.state === "completed" && !this.skipped) work.result = this.result;
    if (this.error !== undefined) work.error = this.error;
    // a copy, made when first read: writing into a snapshot never reaches the work
    const params = this.params;
    let copy: unknown;
    let copied = false;
    Object.defineProperty(work, "params", {
      enumerable: true,
      configurable: true,
      get: () => {
        if (!copied) {
          copy = isolate(params);
          copied = true;
        }
        return copy;
      },
      set: (value: unknown) => {
        copy = value;
        copied = true;
      },
    });
    return work;
  }

  /** What handlers and checks see; one object per attempt, since checks may ask often. */
  info(): WorkInfo {
    if (this.infoView === undefined || this.infoView.attempt !== this.attempt) {
      this.infoView = { id: this.id, task: this.task, params: this.params, attempt: this.attempt };
    }
    return this.infoView;
  }
}

/**
 * Counts of works by outcome, kept as they change. They are disjoint:
 * `completed` counts works that ran, `skipped` those `isStale` skipped.
 */
export interface StateCounts {
  /** Works waiting to run: not ready, delayed, queued, or between attempts. */
  pending: number;
  /** Works running now. */
  running: number;
  /** Works that ran and completed (skipped ones are counted apart). */
  completed: number;
  /** Works that failed for good. */
  failed: number;
  /** Works cancelled, by `cancel()`, a `submit` signal or `stop({ timeout })`. */
  cancelled: number;
  /** Works that `isStale` found done already: state `"completed"`, never run. */
  skipped: number;
}

/**
 * Every record by id, the state counts, and the retention of finished
 * records. All state changes go through here so each work reaches exactly
 * one final state.
 */
export class WorkStore {
  private readonly records = new Map<string, WorkRecord>();
  private readonly finished: WorkRecord[] = [];
  private finishedHead = 0;
  readonly counts: StateCounts = {
    pending: 0,
    running: 0,
    completed: 0,
    failed: 0,
    cancelled: 0,
    skipped: 0,
  };

  constructor(private readonly retain: number) {}

  add(record: WorkRecord): void {
    this.records.set(record.id, record);
    this.counts.pending++;
  }

  get(id: string): WorkRecord | undefined {
    return this.records.get(id);
  }

  values(): IterableIterator<WorkRecord> {
    return this.records.values();
  }

  /** Settles with the work's result once it is final: resolves if completed, else rejects with its error. */
  whenFinished(record: WorkRecord): Promise<unknown> {
    if (record.state === "completed") return Promise.resolve(record.result);
    if (record.state === "failed" || record.state === "cancelled") {
      return Promise.reject(record.error);
    }
    return new Promise((resolve, reject) => {
      record.waiters ??= [];
      record.waiters.push({ resolve, reject });
    });
  }

  /** pending → running */
  markRunning(record: WorkRecord, now: number): void {
    record.state = "running";
    record.attempt++;
    record.startedAt = now;
    record.place = Place.None;
    this.counts.pending--;
    this.counts.running++;
  }

  /** running → pending, for a retry */
  markRetrying(record: WorkRecord): void {
    record.state = "pending";
    this.counts.running--;
    this.counts.pending++;
  }

  /**
   * pending or running → a final state. Returns false, changing nothing, when
   * the work is final already: the one place that makes "exactly once" true.
   */
  finish(
    record: WorkRecord,
    state: FinalState,
    now: number,
    outcome: { result?: unknown; error?: Error; skipped?: boolean },
  ): boolean {
    if (record.isFinal) return false;
    if (record.state === "pending") this.counts.pending--;
    else this.counts.running--;
    record.state = state;
    record.place = Place.None;
    record.completedAt = now;
    record.result = outcome.result;
    record.error = outcome.error;
    record.skipped = outcome.skipped === true;
    // disjoint counts: a skipped work is state "completed" but counted as skipped only
    if (record.skipped) this.counts.skipped++;
    else this.counts[state]++;
    const waiters = record.waiters;
    record.waiters = undefined;
    if (waiters) {
      for (const waiter of waiters) {
        if (state === "completed") waiter.resolve(record.result);
        else waiter.reject(record.error);
      }
    }
    this.finished.push(record);
    this.forgetBeyondRetain();
    return true;
  }

  private forgetBeyondRetain(): void {
    while (this.finished.length - this.finishedHead > this.retain) {
      const oldest = this.finished[this.finishedHead]!;
      this.finished[this.finishedHead] = undefined as unknown as WorkRecord;
      this.finishedHead++;
      this.records.delete(oldest.id);
    }
    // compact now and then so the array does not grow for ever
    if (this.finishedHead > 1024 && this.finishedHead * 2 > this.finished.length) {
      this.finished.splice(0, this.finishedHead);
      this.finishedHead = 0;
    }
  }
}
