/**
 * A work as the public API shows it, and the record behind it: created
 * pending, it reaches exactly one final state (completed, failed or
 * cancelled) through the store (works.ts).
 */

import { isolate, isolateFlat, NOT_FLAT } from "./isolate.js";

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

/** Where a snapshot keeps its work's params until they are first read, and their copy then. */
interface ParamsHolder {
  source: unknown;
  copy: unknown;
  copied: boolean;
}

/** A snapshot's hidden (non-enumerable) own key for its `ParamsHolder`. */
const PARAMS_HOLDER = Symbol("runcue snapshot params");

function holderOf(work: object): ParamsHolder {
  return (work as { [PARAMS_HOLDER]: ParamsHolder })[PARAMS_HOLDER];
}

/**
 * Every snapshot's `params`: an own enumerable accessor that copies on first
 * read. One getter and setter for all, so snapshots share one shape; a pair
 * of closures per snapshot made each a dictionary, at three times the cost.
 */
const paramsProperty: PropertyDescriptor = {
  enumerable: true,
  configurable: true,
  get(this: object): unknown {
    const holder = holderOf(this);
    if (!holder.copied) {
      holder.copy = isolate(holder.source);
      holder.copied = true;
    }
    return holder.copy;
  },
  set(this: object, value: unknown): void {
    const holder = holderOf(this);
    holder.copy = value;
    holder.copied = true;
  },
};

/**
 * The wall clock's origin for the times a record keeps: as offsets from it
 * they are small integers, which V8 keeps in the record itself (a Smi), where
 * `Date.now()` itself would be a boxed number, one more object per work.
 */
const EPOCH = Date.now();

/** The id of the work with submission number `seq`. */
export function workId(seq: number): string {
  return `w${seq}`;
}

/** The submission number behind a work id, or undefined when `id` is no id `workId` makes. */
export function seqOfId(id: string): number | undefined {
  if (typeof id !== "string" || id.charCodeAt(0) !== 119 /* w */) return undefined;
  const seq = Number(id.slice(1));
  return Number.isSafeInteger(seq) && seq > 0 && workId(seq) === id ? seq : undefined;
}

/** What only ranked, watched or awaited works need: made on first use, so most works do without it. */
class WorkDetails {
  /** Undefined until ranked; 0.5 then. A number field here would be a box per object. */
  rank: number | undefined = undefined;
  warnedPending = false;
  watchSlot = -1;
  waiters: ResultWaiter[] | undefined = undefined;
}

/** A snapshot while it is made. */
type Snapshot = { -readonly [K in keyof Work]: Work[K] };

/** A skipped work's outcome: it has no result. */
const SKIPPED = Symbol("skipped");

/**
 * The mutable record behind a work; internal. Kept small, since a million
 * may wait: times are integers (wall times as offsets from EPOCH, monotonic
 * ones in whole milliseconds), the id is made from `seq` when asked for, the
 * result and the error share a field, and what only ranked, watched or
 * awaited works need is in `details`. Nothing made per work while it runs
 * hangs from it once it is final, so the young garbage of a finished work is
 * not kept alive by its old record.
 */
export class WorkRecord {
  state: WorkState = "pending";
  attempt = 0;
  /** Where it is while pending. */
  place: Place = Place.None;
  /** Consecutive "not ready" answers, for the re-check back-off. */
  notReadyCount = 0;
  /** Monotonic time (whole ms, rounded down) of the last check that found it ready and stale. */
  checkedAt = 0;
  /** Monotonic time (whole ms, rounded down) of the next timed re-check while not ready. */
  nextCheckAt = 0;
  private readonly createdOffset: number;
  private pendingOffset: number;
  /** Undefined for none: a tagged field, so an offset past the small-integer range is still no box per work. */
  private notBeforeOffset: number | undefined = undefined;
  private startedOffset: number | undefined = undefined;
  private completedOffset: number | undefined = undefined;
  /** The result once completed, the error once failed or cancelled, SKIPPED once skipped. */
  private outcome: unknown = undefined;
  /** The attempt in flight while running. */
  execution: Execution | undefined = undefined;
  private details: WorkDetails | undefined = undefined;

  constructor(
    readonly task: string,
    readonly params: unknown,
    /** Submission order, the tie-break after priority; the id is made from it. */
    readonly seq: number,
    readonly priority: number,
    createdAt: number,
  ) {
    this.createdOffset = createdAt - EPOCH;
    this.pendingOffset = this.createdOffset;
  }

  private get more(): WorkDetails {
    this.details ??= new WorkDetails();
    return this.details;
  }

  get id(): string {
    return workId(this.seq);
  }

  /** When it was submitted (`Date.now()`). */
  get createdAt(): number {
    return EPOCH + this.createdOffset;
  }

  /** When it last became pending and due (for pending timeouts and `waitTime`). */
  get pendingSince(): number {
    return EPOCH + this.pendingOffset;
  }

  set pendingSince(at: number) {
    this.pendingOffset = at - EPOCH;
  }

  /** `Date.now()` before which it is not considered; 0 for none. */
  get notBefore(): number {
    const offset = this.notBeforeOffset;
    return offset === undefined ? 0 : EPOCH + offset;
  }

  set notBefore(at: number) {
    this.notBeforeOffset = at === 0 ? undefined : at - EPOCH;
  }

  get startedAt(): number | undefined {
    const offset = this.startedOffset;
    return offset === undefined ? undefined : EPOCH + offset;
  }

  get completedAt(): number | undefined {
    const offset = this.completedOffset;
    return offset === undefined ? undefined : EPOCH + offset;
  }

  get result(): unknown {
    return this.state === "completed" && this.outcome !== SKIPPED ? this.outcome : undefined;
  }

  get error(): Error | undefined {
    const failed = this.state === "failed" || this.state === "cancelled";
    return failed ? (this.outcome as Error | undefined) : undefined;
  }

  get skipped(): boolean {
    return this.outcome === SKIPPED;
  }

  /** Its last rank from the priority callback. */
  get rank(): number {
    return this.details?.rank ?? 0.5;
  }

  set rank(rank: number) {
    this.more.rank = rank;
  }

  get warnedPending(): boolean {
    return this.details?.warnedPending ?? false;
  }

  set warnedPending(warned: boolean) {
    if (warned || this.details !== undefined) this.more.warnedPending = warned;
  }

  /** Its place in the watch's list of pending works (-1: not there), so it leaves in O(1). */
  get watchSlot(): number {
    return this.details?.watchSlot ?? -1;
  }

  set watchSlot(slot: number) {
    if (slot !== -1 || this.details !== undefined) this.more.watchSlot = slot;
  }

  /** Callers of `cue.result()` waiting for the final state. */
  get waiters(): ResultWaiter[] | undefined {
    return this.details?.waiters;
  }

  set waiters(waiters: ResultWaiter[] | undefined) {
    if (waiters !== undefined || this.details !== undefined) this.more.waiters = waiters;
  }

  /** pending → running (see `WorkStore.markRunning`). */
  started(now: number): void {
    this.startedOffset = now - EPOCH;
  }

  /**
   * → a final state (see `WorkStore.finish`): `value` is the result once
   * completed, the error once failed or cancelled.
   */
  finished(state: FinalState, now: number, value: unknown, skipped: boolean): void {
    this.state = state;
    this.completedOffset = now - EPOCH;
    this.outcome = skipped ? SKIPPED : value;
  }

  get isFinal(): boolean {
    return this.state === "completed" || this.state === "failed" || this.state === "cancelled";
  }

  snapshot(): Work {
    const flat = isolateFlat(this.params);
    const work: Snapshot =
      flat === NOT_FLAT
        ? this.snapshotCopyingLater()
        : // the usual params, a few primitives: copied now, as a plain property (three times cheaper)
          {
            id: this.id,
            task: this.task,
            params: flat,
            state: this.state,
            attempt: this.attempt,
            createdAt: this.createdAt,
            skipped: this.skipped,
          };
    if (this.startedAt !== undefined) work.startedAt = this.startedAt;
    if (this.completedAt !== undefined) work.completedAt = this.completedAt;
    if (this.state === "completed" && !this.skipped) work.result = this.result;
    if (this.error !== undefined) work.error = this.error;
    return work;
  }

  /** A snapshot whose params are copied when first read: writing into it never reaches the work. */
  private snapshotCopyingLater(): Snapshot {
    const work = { id: this.id, task: this.task } as Snapshot;
    Object.defineProperty(work, "params", paramsProperty);
    const holder: ParamsHolder = { source: this.params, copy: undefined, copied: false };
    Object.defineProperty(work, PARAMS_HOLDER, { value: holder });
    work.state = this.state;
    work.attempt = this.attempt;
    work.createdAt = this.createdAt;
    work.skipped = this.skipped;
    return work;
  }

  /**
   * What handlers and checks see. Made at each call rather than kept: a kept
   * one would weigh on every blocked work, and a check's copy is short-lived.
   */
  info(): WorkInfo {
    return { id: this.id, task: this.task, params: this.params, attempt: this.attempt };
  }
}
