/**
 * The store of work records: every record by id, the state counts, and the
 * retention of finished records. A record is created pending and reaches
 * exactly one final state (completed, failed or cancelled); the store keeps
 * the counts and forgets the oldest finished records past `retain`.
 */

import { type FinalState, Place, seqOfId, type WorkRecord } from "./work-record.js";

export {
  type Execution,
  type FinalState,
  Place,
  type TaskContext,
  type Work,
  type WorkId,
  type WorkInfo,
  WorkRecord,
  type WorkState,
} from "./work-record.js";

/** Records are kept in pages of PAGE_SIZE (see `WorkStore`). */
const PAGE_SIZE = 1024;

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
  /**
   * Every kept record, at its `seq`: in pages of PAGE_SIZE, a page dropped
   * once all its records are forgotten. Eight bytes a work, where a Map by id
   * took five times that and rehashed a million entries as it grew.
   */
  private pages: Array<Array<WorkRecord | undefined> | undefined> = [];
  /** How many records each page holds. */
  private pageCounts: number[] = [];
  /** The number of the page at `pages[0]`: leading pages left empty are trimmed. */
  private firstPage = 0;
  /** The page of the newest record: kept even when empty, as more will come to it. */
  private lastPage = 0;
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
    let index = Math.floor(record.seq / PAGE_SIZE) - this.firstPage;
    for (; index < 0; index++) {
      this.pages.unshift(undefined);
      this.pageCounts.unshift(0);
      this.firstPage--;
    }
    let page = this.pages[index];
    if (page === undefined) {
      while (this.pages.length < index) {
        this.pages.push(undefined);
        this.pageCounts.push(0);
      }
      page = new Array(PAGE_SIZE);
      this.pages[index] = page;
      this.pageCounts[index] = 0;
    }
    page[record.seq % PAGE_SIZE] = record;
    this.pageCounts[index]!++;
    this.lastPage = Math.max(this.lastPage, index + this.firstPage);
    this.counts.pending++;
  }

  get(id: string): WorkRecord | undefined {
    const seq = seqOfId(id);
    if (seq === undefined) return undefined;
    return this.pages[Math.floor(seq / PAGE_SIZE) - this.firstPage]?.[seq % PAGE_SIZE];
  }

  /** Every kept record, in submission order. */
  *values(): IterableIterator<WorkRecord> {
    const pages = this.pages;
    for (let index = 0; index < pages.length; index++) {
      const page = pages[index];
      if (page === undefined) continue;
      for (let slot = 0; slot < PAGE_SIZE; slot++) {
        const record = page[slot];
        if (record !== undefined) yield record;
      }
    }
  }

  private forget(record: WorkRecord): void {
    const number = Math.floor(record.seq / PAGE_SIZE);
    const index = number - this.firstPage;
    const page = this.pages[index];
    const slot = record.seq % PAGE_SIZE;
    if (page?.[slot] !== record) return;
    page[slot] = undefined;
    if (--this.pageCounts[index]! > 0 || number === this.lastPage) return;
    this.pages[index] = undefined;
    while (this.pages.length > 0 && this.pages[0] === undefined) {
      this.pages.shift();
      this.pageCounts.shift();
      this.firstPage++;
    }
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
    record.started(now);
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
    record.place = Place.None;
    const value = state === "completed" ? outcome.result : outcome.error;
    record.finished(state, now, value, outcome.skipped === true);
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
      this.forget(oldest);
    }
    // compact now and then so the array does not grow for ever
    if (this.finishedHead > 1024 && this.finishedHead * 2 > this.finished.length) {
      this.finished.splice(0, this.finishedHead);
      this.finishedHead = 0;
    }
  }
}
