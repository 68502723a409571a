import type { Executor } from "./executors/types.js";
import { Heap } from "./heap.js";
import { clampPriority } from "./options.js";
import type { Service } from "./services.js";
import { Place, type Work, type WorkRecord } from "./works.js";

/** What `cue.priority()` callbacks get. */
export interface PriorityContext {
  /** The work to rank. */
  work: Work;
  /** How long the work has been pending and due, in ms. */
  waitTime: number;
  /** How many works are pending. */
  queueDepth: number;
}

/**
 * `cue.priority()`'s callback: a work's priority from 0 to 1 (clamped), higher first; a throw counts
 * as 0.5. Asked when works are chosen, so `waitTime` grows while a work waits.
 * @example cue.priority(({ waitTime }) => Math.min(1, 0.5 + waitTime / 60_000))
 */
export type PriorityFunction = (ctx: PriorityContext) => number;

/** Higher priority first, then submission order. */
function runsBefore(a: WorkRecord, b: WorkRecord): boolean {
  return a.priority > b.priority || (a.priority === b.priority && a.seq < b.seq);
}

/** Higher rank first, then submission order (for `sort`). */
const byRank = (a: WorkRecord, b: WorkRecord) => b.rank - a.rank || a.seq - b.seq;

const ranksBefore = (a: WorkRecord, b: WorkRecord) => byRank(a, b) < 0;

const isQueued = (record: WorkRecord) =>
  record.state === "pending" && record.place === Place.Queued;

/** Where `record` goes in `ranked` (sorted by `byRank`), by binary search. */
function rankedIndex(ranked: WorkRecord[], record: WorkRecord): number {
  let low = 0;
  let high = ranked.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (byRank(ranked[middle]!, record) <= 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * The works of one service that one executor runs: a priority queue of works
 * that passed their checks and wait for room, and the works that answered
 * "not ready", re-checked later.
 *
 * Without a priority callback the queue orders by `submit`'s priority, then
 * submission order. With one, ready works are also kept in `ranked` by their
 * last rank; new ones arrive through the queue and are ranked at dispatch.
 */
export class Lane {
  private readonly queue = new Heap<WorkRecord>(runsBefore);
  private ranked: WorkRecord[] = [];
  private rankedHead = 0;
  /** Works that answered "not ready" (some may have moved on; skipped lazily). */
  waiting: WorkRecord[] = [];
  /** Earliest `nextCheckAt` among `waiting`. */
  nextDueAt = Number.POSITIVE_INFINITY;
  /** Works that left this lane's lists without being taken (cancelled, timed out). */
  private departed = 0;

  constructor(
    readonly service: Service | undefined,
    readonly executor: Executor,
    /** The executor's name, for `debugBlocked()`. */
    readonly executorName: string,
  ) {}

  /** How many works of this lane may start at monotonic time `now`. */
  capacity(now: number): number {
    const executorFree = this.executor.freeSlots();
    return this.service ? Math.min(this.service.capacity(now), executorFree) : executorFree;
  }

  /** True when works wait for room (some may be cancelled; see `head`). */
  get hasQueued(): boolean {
    return this.queue.size > 0 || this.rankedHead < this.ranked.length;
  }

  /**
   * A work of this lane ended while pending. Its entry is dropped lazily, but
   * once departed works are half of what the lane holds, the lists are
   * compacted, so cancelled works do not stay in memory until they reach the
   * head (200,000 cancelled pending works held 150 MB that way).
   */
  departedWhilePending(): void {
    this.departed++;
    const held = this.queue.size + (this.ranked.length - this.rankedHead) + this.waiting.length;
    if (this.departed < 64 || this.departed * 2 < held) return;
    this.queue.retain(isQueued);
    this.ranked = this.ranked.slice(this.rankedHead).filter(isQueued);
    this.rankedHead = 0;
    this.waiting = this.waiting.filter(
      (record) => record.state === "pending" && record.place === Place.Waiting,
    );
    this.departed = 0;
  }

  /** A work that passed its checks waits here for room. */
  enqueue(record: WorkRecord): void {
    this.queue.push(record);
  }

  /** The next work to start, by rank or by priority; works no longer queued are dropped here, lazily. */
  head(byCallback: boolean): WorkRecord | undefined {
    if (byCallback) {
      while (this.rankedHead < this.ranked.length && !isQueued(this.ranked[this.rankedHead]!)) {
        this.rankedHead++;
      }
      return this.ranked[this.rankedHead];
    }
    let head = this.queue.peek();
    while (head && !isQueued(head)) {
      this.queue.pop();
      head = this.queue.peek();
    }
    return head;
  }

  /** Removes the head found by `head(byCallback)`. */
  takeHead(byCallback: boolean): void {
    if (byCallback) this.rankedHead++;
    else this.queue.pop();
  }

  /**
   * Ranks the works that became ready since the last call (by binary
   * insertion) or, with `rankAll`, every ready work again.
   */
  rank(rankOf: (record: WorkRecord) => number, rankAll: boolean): void {
    const fresh: WorkRecord[] = [];
    this.queue.drain((record) => {
      if (isQueued(record)) fresh.push(record);
    });
    if (!rankAll && fresh.length === 0) return;
    for (const record of fresh) record.rank = rankOf(record);
    let kept = this.ranked.slice(this.rankedHead).filter(isQueued);
    if (rankAll) {
      for (const record of kept) record.rank = rankOf(record);
      kept = kept.concat(fresh).sort(byRank);
    } else {
      for (const record of fresh) kept.splice(rankedIndex(kept, record), 0, record);
    }
    this.ranked = kept;
    this.rankedHead = 0;
  }
}

/**
 * The lane whose head runs first, among lanes with room: the one scan of
 * dispatch, by rank (`byCallback`) or by priority and submission order.
 */
export function bestLane(
  lanes: readonly Lane[],
  now: number,
  byCallback: boolean,
): Lane | undefined {
  const before = byCallback ? ranksBefore : runsBefore;
  let best: Lane | undefined;
  let bestHead: WorkRecord | undefined;
  for (const lane of lanes) {
    const head = lane.head(byCallback);
    if (!head || (bestHead && !before(head, bestHead))) continue;
    if (lane.capacity(now) <= 0) continue;
    best = lane;
    bestHead = head;
  }
  return best;
}

/** Asks the priority callback; a throw counts as 0.5, the answer is clamped to [0, 1]. */
export function askPriority(
  priority: PriorityFunction,
  record: WorkRecord,
  wallNow: number,
  queueDepth: number,
): number {
  try {
    const value = priority({
      work: record.snapshot(),
      waitTime: wallNow - record.pendingSince,
      queueDepth,
    });
    return clampPriority(value);
  } catch {
    return 0.5;
  }
}
