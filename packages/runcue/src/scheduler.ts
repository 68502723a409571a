import type { ZodType } from "zod";
import { Alarm } from "./alarm.js";
import { Attempt, type AttemptHooks, type AttemptOutcome } from "./attempt.js";
import { CancelledError, messages, TimeoutError } from "./errors.js";
import type { Events } from "./events.js";
import type { Executor, JobTask } from "./executors/types.js";
import { Heap } from "./heap.js";
import {
  type CueSettings,
  clampPriority,
  type RetrySettings,
  retryDelay,
  type WorkCheck,
} from "./options.js";
import type { Service } from "./services.js";
import { Watch } from "./watch.js";
import { Place, type Work, type WorkRecord, type WorkStore } from "./works.js";

/** A task as the scheduler keeps it, after validation. */
export interface RegisteredTask {
  readonly name: string;
  readonly job: JobTask;
  readonly service: Service | undefined;
  readonly lane: Lane;
  readonly timeout: number | undefined;
  readonly retry: RetrySettings;
  readonly isReady: WorkCheck | undefined;
  readonly isStale: WorkCheck | undefined;
  /** The zod schema `submit` checks params against. */
  readonly params: ZodType | undefined;
}

/** What `cue.priority()` callbacks get. */
export interface PriorityContext {
  work: Work;
  /** How long the work has been pending and due, in ms. */
  waitTime: number;
  /** How many works are pending. */
  queueDepth: number;
}

export type PriorityFunction = (ctx: PriorityContext) => number;

/** Why a pending work has not started, from `debugBlocked()`. */
export type BlockedReason =
  | "unknown_task"
  | "not_ready"
  | "service_full"
  | "threads_busy"
  | "delayed"
  | "not_started"
  | "queued";

export interface BlockedWork {
  work: Work;
  reason: BlockedReason;
  details: string;
}

/**
 * The works of one service that one executor runs: a priority queue of works
 * that passed their checks and wait for room, and the works that answered
 * "not ready", re-checked later.
 */
export class Lane {
  readonly queue = new Heap<WorkRecord>(runsBefore);
  /**
   * With a priority callback: the lane's ready works by their last rank, best
   * first, from `rankedHead` on. New ready works arrive through `queue`.
   */
  ranked: WorkRecord[] = [];
  rankedHead = 0;
  waiting: WorkRecord[] = [];
  /** Earliest `nextCheckAt` among `waiting`. */
  nextDueAt = Number.POSITIVE_INFINITY;

  constructor(
    readonly service: Service | undefined,
    readonly executor: Executor,
    /** The executor's name, for `debugBlocked()`. */
    readonly executorName: string,
  ) {}

  capacity(now: number): number {
    const executorFree = this.executor.freeSlots();
    return this.service ? Math.min(this.service.capacity(now), executorFree) : executorFree;
  }
}

type DueAction = "queue" | "start";

/** Higher priority first, then submission order. */
function runsBefore(a: WorkRecord, b: WorkRecord): boolean {
  return a.priority > b.priority || (a.priority === b.priority && a.seq < b.seq);
}

const byNotBefore = (a: WorkRecord, b: WorkRecord) => a.notBefore < b.notBefore;

const isQueued = (record: WorkRecord) =>
  record.state === "pending" && record.place === Place.Queued;

/** Higher rank first, then submission order (for `sort`). */
const byRank = (a: WorkRecord, b: WorkRecord) => b.rank - a.rank || a.seq - b.seq;

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

const monotonicNow = () => performance.now();

/**
 * Timed re-check passes scan every blocked work, so they are spaced by this
 * fraction of pollInterval; each work's back-off is capped at the rest.
 */
const TIMED_PASS_SPACING = 0.2;

/** How many newly due works one pump checks before yielding to the event loop. */
const INCOMING_BATCH = 20_000;

/**
 * The spacing of re-check passes triggered by finishing work, and of whole
 * re-rankings by the priority callback, as a multiple of one's own cost.
 */
const FORCED_PASS_COST_FACTOR = 10;

/**
 * The only place that decides what runs next. Pending work flows
 * delayed → incoming → isReady/isStale → skipped, or its lane's queue → start,
 * or waiting (not ready) → re-checked; running work flows to a final state,
 * or back to delayed for a retry.
 */
export class Scheduler {
  readonly lanes: Lane[] = [];
  private readonly delayed = new Heap<WorkRecord>(byNotBefore);
  private readonly running = new Set<Attempt>();
  /** Due works not yet checked, in the order they became due. */
  private incoming: WorkRecord[] = [];
  private incomingHead = 0;
  isReady: WorkCheck | undefined = undefined;
  isStale: WorkCheck | undefined = undefined;
  priority: PriorityFunction | undefined = undefined;

  private started = false;
  private stopping = false;
  private pumpQueued = false;
  private pumping = false;
  private pumpAgain = false;
  private recheckForced = false;
  private recheckTimed = false;
  private lastForcedPassAt = Number.NEGATIVE_INFINITY;
  private forcedPassSpacing = 0;
  private wakeForced = false;
  private lastTimedPassAt = Number.NEGATIVE_INFINITY;
  /** When ready works were last all ranked by the priority callback. */
  private rankedAt = Number.NEGATIVE_INFINITY;
  private rankSpacing = 0;

  private readonly delayAlarm = new Alarm(() => this.pump(), Date.now);
  private readonly wakeAlarm = new Alarm(() => this.wake(), monotonicNow);
  private readonly watch: Watch;

  /** The cap of a not-ready work's back-off. */
  private readonly maxBackoff: number;
  private idleWaiters: Array<() => void> = [];
  private drainWaiters: Array<() => void> = [];

  constructor(
    private readonly store: WorkStore,
    private readonly events: Events,
    private readonly settings: CueSettings,
    private readonly tasks: ReadonlyMap<string, RegisteredTask>,
  ) {
    this.maxBackoff = settings.pollInterval * (1 - TIMED_PASS_SPACING);
    this.watch = new Watch(settings, {
      pendingCount: () => this.store.counts.pending,
      pendingWorks: () => [...this.store.values()].filter((record) => record.state === "pending"),
      warnPending: (record, pendingFor) =>
        this.warn(
          messages.pendingWarning(record.task, record.id, pendingFor),
          () => this.events.emit("pendingWarning", record.snapshot(), pendingFor),
          "pendingWarning",
        ),
      warnStall: (sinceProgress, pendingCount) =>
        this.warn(
          messages.stallWarning(sinceProgress, pendingCount),
          () => this.events.emit("stallWarning", sinceProgress, pendingCount),
          "stallWarning",
        ),
      fail: (record, error) => this.fail(record, error),
    });
  }

  // ── pending work enters ─────────────────────────────────────────────

  add(record: WorkRecord): void {
    this.store.add(record);
    this.place(record);
  }

  private place(record: WorkRecord): void {
    if (record.notBefore > Date.now()) {
      record.place = Place.Delayed;
      this.delayed.push(record);
      if (this.started) this.armDelayTimer();
      return;
    }
    this.enqueue(record);
  }

  private enqueue(record: WorkRecord): void {
    record.place = Place.Incoming;
    record.pendingSince = Date.now();
    record.notReadyCount = 0;
    this.incoming.push(record);
    this.watch.add(record);
    this.schedulePump();
  }

  // ── start and stop ──────────────────────────────────────────────────

  /** Starts scheduling; false when it was started already. */
  start(): boolean {
    if (this.started && !this.stopping) return false;
    this.started = true;
    this.stopping = false;
    this.recheckForced = true;
    this.armDelayTimer();
    this.watch.start();
    this.schedulePump();
    return true;
  }

  async stop(timeout: number | undefined, closeExecutors: () => Promise<void>): Promise<void> {
    if (!this.started) {
      await closeExecutors();
      return;
    }
    this.stopping = true;
    this.clearTimers();
    if (this.running.size > 0) {
      const drained = new Promise<void>((resolve) => this.drainWaiters.push(resolve));
      if (timeout === undefined) {
        await drained;
      } else {
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<"timeout">((resolve) => {
          timer = setTimeout(() => resolve("timeout"), timeout);
        });
        const outcome = await Promise.race([drained, timedOut]);
        clearTimeout(timer);
        if (outcome === "timeout") this.cancelRunning(timeout);
      }
    }
    await closeExecutors();
    this.started = false;
    this.stopping = false;
    this.clearTimers();
  }

  private cancelRunning(timeout: number): void {
    for (const attempt of this.running) {
      if (!attempt.decide()) continue;
      const { record } = attempt;
      const error = new CancelledError(
        messages.stoppedWhileRunning(record.task, record.id, timeout),
      );
      attempt.abort(error);
      this.store.finish(record, "cancelled", Date.now(), { error });
      this.afterFinish();
    }
  }

  private clearTimers(): void {
    this.delayAlarm.clear();
    this.wakeAlarm.clear();
    this.watch.stop();
  }

  // ── the pump: decide what runs ──────────────────────────────────────

  schedulePump(): void {
    if (this.pumpQueued || !this.started || this.stopping) return;
    this.pumpQueued = true;
    queueMicrotask(() => {
      this.pumpQueued = false;
      this.pump();
    });
  }

  /** Asks for every not-ready work to be checked again now. */
  recheck(): void {
    this.recheckForced = true;
    this.schedulePump();
  }

  pump(): void {
    if (!this.started || this.stopping) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        this.pumpOnce();
      } while (this.pumpAgain && !this.stopping);
    } finally {
      this.pumping = false;
    }
  }

  private pumpOnce(): void {
    this.promoteDelayed(Date.now());
    this.checkIncoming();
    if (this.recheckForced || this.recheckTimed) {
      const forced = this.recheckForced;
      if (this.recheckTimed) this.lastTimedPassAt = monotonicNow();
      this.recheckForced = this.recheckTimed = false;
      const passStart = monotonicNow();
      for (const lane of this.lanes) {
        if (lane.waiting.length > 0) this.recheckLane(lane, passStart, forced);
      }
      if (forced) {
        this.lastForcedPassAt = passStart;
        this.forcedPassSpacing = Math.min(
          this.settings.pollInterval,
          (monotonicNow() - passStart) * FORCED_PASS_COST_FACTOR,
        );
      }
    }
    const now = monotonicNow();
    if (this.priority) this.dispatchByCallback(now);
    else this.dispatchQueues(now);
    this.armWakeTimer(now);
  }

  /**
   * Checks works that just became due, in order. A large batch is split over
   * event loop turns so that a million submits do not freeze the process.
   */
  private checkIncoming(): void {
    const end = Math.min(this.incoming.length, this.incomingHead + INCOMING_BATCH);
    const now = monotonicNow();
    while (this.incomingHead < end && !this.stopping) {
      const record = this.incoming[this.incomingHead]!;
      this.incoming[this.incomingHead++] = undefined as unknown as WorkRecord;
      if (record.state === "pending" && record.place === Place.Incoming) this.check(record, now);
    }
    if (this.incomingHead >= this.incoming.length) {
      this.incoming = [];
      this.incomingHead = 0;
    } else if (!this.stopping) {
      setImmediate(() => this.pump());
    }
  }

  private promoteDelayed(wallNow: number): void {
    let record = this.delayed.peek();
    while (record && record.notBefore <= wallNow) {
      this.delayed.pop();
      if (record.state === "pending" && record.place === Place.Delayed) this.enqueue(record);
      record = this.delayed.peek();
    }
    this.armDelayTimer();
  }

  /** Starts queued work, best first across lanes, while lanes have room. */
  private dispatchQueues(now: number): void {
    for (;;) {
      let best: Lane | undefined;
      let bestHead: WorkRecord | undefined;
      for (const lane of this.lanes) {
        const head = this.liveHead(lane);
        if (!head || (bestHead && !runsBefore(head, bestHead))) continue;
        if (lane.capacity(now) <= 0) continue;
        best = lane;
        bestHead = head;
      }
      if (!best || !bestHead) return;
      best.queue.pop();
      this.startIfStillDue(bestHead, best, now);
      if (this.stopping) return;
    }
  }

  /** The first ready work still pending; cancelled ones are dropped here, lazily. */
  private liveHead(lane: Lane): WorkRecord | undefined {
    let head = lane.queue.peek();
    while (head && (head.state !== "pending" || head.place !== Place.Queued)) {
      lane.queue.pop();
      head = lane.queue.peek();
    }
    return head;
  }

  /**
   * With a priority callback. Works that became ready are ranked as they
   * arrive, and every ready work is ranked again when works are chosen, so
   * `waitTime` counts; but a whole re-ranking is spaced by ten times its own
   * cost (never more than pollInterval), so a big queue is not ranked again
   * at every finish (20,000 works took a minute that way).
   */
  private dispatchByCallback(now: number): void {
    const wallNow = Date.now();
    const queueDepth = this.store.counts.pending;
    const rerank = now - this.rankedAt >= this.rankSpacing;
    if (rerank) this.rankedAt = now;
    for (const lane of this.lanes) {
      const fresh: WorkRecord[] = [];
      lane.queue.drain((record) => {
        if (isQueued(record)) fresh.push(record);
      });
      if (!rerank && fresh.length === 0) continue;
      for (const record of fresh) record.rank = this.rank(record, wallNow, queueDepth);
      let kept = lane.ranked.slice(lane.rankedHead).filter(isQueued);
      if (rerank) {
        for (const record of kept) record.rank = this.rank(record, wallNow, queueDepth);
        kept = kept.concat(fresh).sort(byRank);
      } else {
        for (const record of fresh) kept.splice(rankedIndex(kept, record), 0, record);
      }
      lane.ranked = kept;
      lane.rankedHead = 0;
    }
    if (rerank) {
      this.rankSpacing = Math.min(
        this.settings.pollInterval,
        (monotonicNow() - now) * FORCED_PASS_COST_FACTOR,
      );
    }
    for (;;) {
      let best: Lane | undefined;
      let bestHead: WorkRecord | undefined;
      for (const lane of this.lanes) {
        while (lane.rankedHead < lane.ranked.length && !isQueued(lane.ranked[lane.rankedHead]!)) {
          lane.rankedHead++;
        }
        const head = lane.ranked[lane.rankedHead];
        if (!head || (bestHead && byRank(head, bestHead) >= 0)) continue;
        if (lane.capacity(now) <= 0) continue;
        best = lane;
        bestHead = head;
      }
      if (!best || !bestHead || this.stopping) return;
      best.rankedHead++;
      this.startIfStillDue(bestHead, best, now);
    }
  }

  private rank(record: WorkRecord, wallNow: number, queueDepth: number): number {
    try {
      const value = this.priority!({
        work: record.snapshot(),
        waitTime: wallNow - record.pendingSince,
        queueDepth,
      });
      return clampPriority(value);
    } catch {
      return 0.5;
    }
  }

  /**
   * Re-checks a lane's not-ready works: all of them when forced (a work
   * finished, or `recheck()`), else those whose back-off is over.
   */
  private recheckLane(lane: Lane, now: number, forced: boolean): void {
    const waiting = lane.waiting;
    let kept = 0;
    let nextDueAt = Number.POSITIVE_INFINITY;
    // compacted in place: this loop runs over every blocked work each poll
    for (let index = 0; index < waiting.length; index++) {
      const record = waiting[index]!;
      if (record.state !== "pending" || record.place !== Place.Waiting) continue;
      if (forced || record.nextCheckAt <= now) this.check(record, now);
      if (record.state === "pending" && record.place === Place.Waiting) {
        waiting[kept++] = record;
        if (record.nextCheckAt < nextDueAt) nextDueAt = record.nextCheckAt;
      }
    }
    // nothing is appended during the pass (async answers land after it), so truncating is safe
    waiting.length = kept;
    lane.nextDueAt = nextDueAt;
  }

  /**
   * The checks, in the contract's order: isReady → isStale → skip, or `due`:
   * into the lane's ready queue to wait for room ("queue"), or, at dispatch,
   * started at once ("start"). Synchronous answers are acted on at once; a
   * promise is awaited with the work marked as being checked, and its answer
   * always queues.
   */
  private check(record: WorkRecord, now: number, due: DueAction = "queue"): void {
    const task = this.tasks.get(record.task)!;
    const readiness = askCheck(task.isReady ?? this.isReady, record, false);
    if (readiness === true) this.checkStaleness(record, task, due);
    else if (readiness === false) this.markNotReady(record, task.lane, now);
    else {
      this.awaitCheck(record, readiness, (ready) => {
        if (ready) this.checkStaleness(record, task, "queue");
        else this.markNotReady(record, task.lane, monotonicNow());
      });
    }
  }

  private checkStaleness(record: WorkRecord, task: RegisteredTask, due: DueAction): void {
    const staleness = askCheck(task.isStale ?? this.isStale, record, true);
    if (staleness === true) {
      if (due === "start") this.startWork(record, task.lane, task);
      else this.markReady(record, task.lane);
    } else if (staleness === false) this.skip(record);
    else
      this.awaitCheck(record, staleness, (stale) =>
        stale ? this.markReady(record, task.lane) : this.skip(record),
      );
  }

  private awaitCheck(
    record: WorkRecord,
    answer: Promise<boolean>,
    then: (answer: boolean) => void,
  ): void {
    // out of `waiting` while checked; markNotReady puts it back
    record.place = Place.Checking;
    void answer.then((value) => {
      // cancelled or timed out while being checked
      if (record.state !== "pending" || record.place !== Place.Checking) return;
      then(value);
      this.schedulePump();
    });
  }

  private markReady(record: WorkRecord, lane: Lane): void {
    record.place = Place.Queued;
    record.checkedAt = monotonicNow();
    lane.queue.push(record);
  }

  /**
   * Starts a ready work taken from its queue. One that waited there longer
   * than pollInterval is checked again first, so inputs that went bad (or an
   * output made meanwhile) still decide at the last moment.
   */
  private startIfStillDue(record: WorkRecord, lane: Lane, now: number): void {
    if (now - record.checkedAt <= this.settings.pollInterval) {
      this.startWork(record, lane, this.tasks.get(record.task)!);
      return;
    }
    record.place = Place.Incoming;
    // synchronous answers that still say ready and stale start it now; an async one puts it
    // back in its queue with a fresh check, for a later round
    this.check(record, now, "start");
  }

  private markNotReady(record: WorkRecord, lane: Lane, now: number): void {
    record.notReadyCount++;
    // ask less often the longer it stays not ready; capped so that, with timed passes spaced by
    // the rest of pollInterval, every blocked work is still asked at least every pollInterval
    const backoff = Math.min(this.maxBackoff, 1 << Math.min(record.notReadyCount - 1, 20));
    record.nextCheckAt = now + backoff;
    if (record.place !== Place.Waiting) {
      record.place = Place.Waiting;
      lane.waiting.push(record);
    }
    lane.nextDueAt = Math.min(lane.nextDueAt, record.nextCheckAt);
  }

  // ── running ─────────────────────────────────────────────────────────

  private startWork(record: WorkRecord, lane: Lane, task: RegisteredTask): void {
    task.service?.take();
    this.store.markRunning(record, Date.now());
    this.watch.progressMade();
    const attempt = new Attempt(record, task.job, lane.executor, this.attemptHooks);
    record.execution = attempt;
    this.running.add(attempt);
    if (this.events.has("start")) this.events.emit("start", record.snapshot());
    // The window is stamped after onStart and the capacity was judged before it, so anyone who
    // times starts in onStart sees at most N in any window, even across a GC pause here.
    task.service?.recordStart(monotonicNow());
    if (task.timeout !== undefined) {
      attempt.timer = setTimeout(() => this.timeoutAttempt(attempt, task.timeout!), task.timeout);
    }
    lane.executor.run(attempt);
  }

  private readonly attemptHooks: AttemptHooks = {
    progress: (attempt, value) => {
      if (this.events.has("progress"))
        this.events.emit("progress", attempt.record.snapshot(), value);
    },
    settled: (attempt, outcome) => this.settleAttempt(attempt, outcome),
  };

  private settleAttempt(attempt: Attempt, outcome: AttemptOutcome | undefined): void {
    this.running.delete(attempt);
    clearTimeout(attempt.timer);
    const { record } = attempt;
    this.tasks.get(record.task)!.service?.release();
    if (record.execution === attempt) record.execution = undefined;
    if (outcome) {
      if (outcome.ok) this.complete(record, outcome.result, monotonicNow() - attempt.startedAt);
      else this.failAttempt(record, toError(outcome.error));
    }
    if (this.running.size === 0 && this.drainWaiters.length > 0) {
      const waiters = this.drainWaiters;
      this.drainWaiters = [];
      for (const resolve of waiters) resolve();
    }
    // slot refilled synchronously: no tick between a finish and the next start
    this.pump();
  }

  private timeoutAttempt(attempt: Attempt, timeout: number): void {
    if (!attempt.decide()) return;
    const { record } = attempt;
    const error = new TimeoutError("task", messages.taskTimeout(record.task, record.id, timeout));
    attempt.abort(error);
    this.failAttempt(record, error);
    this.pump();
  }

  private complete(record: WorkRecord, result: unknown, duration: number): void {
    if (!this.store.finish(record, "completed", Date.now(), { result })) return;
    this.watch.progressMade();
    if (this.events.has("complete"))
      this.events.emit("complete", record.snapshot(), result, duration);
    this.afterFinish();
  }

  private skip(record: WorkRecord): void {
    if (!this.store.finish(record, "completed", Date.now(), { skipped: true })) return;
    this.watch.progressMade();
    if (this.events.has("skip")) this.events.emit("skip", record.snapshot());
    this.afterFinish();
  }

  private failAttempt(record: WorkRecord, error: Error): void {
    const { retry } = this.tasks.get(record.task)!;
    this.watch.progressMade();
    if (record.attempt < retry.attempts) {
      const delay = retryDelay(retry, record.attempt);
      this.store.markRetrying(record);
      record.execution = undefined;
      record.notBefore = Date.now() + delay;
      if (this.events.has("retry")) this.events.emit("retry", record.snapshot(), error, delay);
      this.place(record);
      return;
    }
    this.fail(record, error);
  }

  private fail(record: WorkRecord, error: Error): void {
    if (!this.store.finish(record, "failed", Date.now(), { error })) return;
    if (this.events.has("failure")) this.events.emit("failure", record.snapshot(), error);
    this.afterFinish();
  }

  /** Cancels a pending or running work; false when it is final already. */
  cancel(record: WorkRecord): boolean {
    if (record.isFinal) return false;
    const error = new CancelledError(messages.cancelled(record.task, record.id));
    const attempt = record.execution;
    if (attempt?.decide()) attempt.abort(error);
    this.store.finish(record, "cancelled", Date.now(), { error });
    this.afterFinish();
    return true;
  }

  /** After any work reaches a final state: idle waiters, and a re-check of blocked work. */
  private afterFinish(): void {
    const { pending, running } = this.store.counts;
    if (pending === 0 && running === 0 && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
    if (pending > 0) this.requestRecheckAfterFinish();
  }

  private requestRecheckAfterFinish(): void {
    if (this.recheckForced) return;
    let anyWaiting = false;
    for (const lane of this.lanes) anyWaiting ||= lane.waiting.length > 0;
    if (!anyWaiting) return;
    // spaced by the cost of the last pass, so a stream of finishes cannot spend the thread on re-checks
    if (monotonicNow() - this.lastForcedPassAt >= this.forcedPassSpacing) {
      this.recheckForced = true;
      this.schedulePump();
    } else {
      this.armWakeAt(this.lastForcedPassAt + this.forcedPassSpacing, true);
    }
  }

  idle(): Promise<void> {
    const { pending, running } = this.store.counts;
    if (pending === 0 && running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  // ── timers ──────────────────────────────────────────────────────────

  private armDelayTimer(): void {
    if (!this.started || this.stopping) return;
    let head = this.delayed.peek();
    while (head && (head.state !== "pending" || head.place !== Place.Delayed)) {
      this.delayed.pop();
      head = this.delayed.peek();
    }
    if (head) this.delayAlarm.ringAt(head.notBefore);
    else this.delayAlarm.clear();
  }

  /** One timer for rate windows reopening and timed re-checks of not-ready work. */
  private armWakeTimer(now: number): void {
    let wakeAt = Number.POSITIVE_INFINITY;
    for (const lane of this.lanes) {
      const service = lane.service;
      if (lane.queue.size > 0 && service?.isRateBound(now)) {
        wakeAt = Math.min(wakeAt, service.nextStartAt(now));
      }
      if (lane.waiting.length > 0) {
        const spacedAt = this.lastTimedPassAt + this.settings.pollInterval * TIMED_PASS_SPACING;
        wakeAt = Math.min(wakeAt, Math.max(lane.nextDueAt, spacedAt, now + 1));
      }
    }
    if (wakeAt !== Number.POSITIVE_INFINITY) this.armWakeAt(wakeAt, false);
  }

  private armWakeAt(at: number, forced: boolean): void {
    if (!this.started || this.stopping) return;
    if (forced) this.wakeForced = true;
    this.wakeAlarm.ringAt(at);
  }

  private wake(): void {
    if (this.wakeForced) this.recheckForced = true;
    else this.recheckTimed = true;
    this.wakeForced = false;
    this.pump();
  }

  private warn(line: string, emit: () => void, event: "pendingWarning" | "stallWarning"): void {
    if (this.events.has(event)) emit();
    else process.stderr.write(`${line}\n`);
  }

  // ── introspection ───────────────────────────────────────────────────

  describeBlocked(record: WorkRecord): BlockedWork {
    const work = record.snapshot();
    const task = this.tasks.get(record.task);
    if (!task)
      return { work, reason: "unknown_task", details: `task "${record.task}" is not registered` };
    const now = monotonicNow();
    if (record.place === Place.Delayed) {
      const wait = Math.max(0, record.notBefore - Date.now());
      return {
        work,
        reason: "delayed",
        details: `not before ${new Date(record.notBefore).toISOString()} (in ${wait} ms${record.attempt > 0 ? `, retry after attempt ${record.attempt}` : ""})`,
      };
    }
    if (record.place === Place.Waiting || record.place === Place.Checking) {
      const details =
        record.place === Place.Checking
          ? `task "${record.task}" params ${describeParams(record.params)}: isReady/isStale answer still awaited`
          : `task "${record.task}" params ${describeParams(record.params)} not ready (asked ${record.notReadyCount} times)`;
      return { work, reason: "not_ready", details };
    }
    if (!this.started || this.stopping) {
      return { work, reason: "not_started", details: "the cue is not started: call cue.start()" };
    }
    if (task.service && task.service.capacity(now) <= 0) {
      return { work, reason: "service_full", details: task.service.describeFull(now) };
    }
    if (record.place === Place.Incoming) {
      return { work, reason: "queued", details: "not checked yet" };
    }
    const { executor, executorName } = task.lane;
    if (executor.freeSlots() <= 0) {
      const details = messages.poolBusy(executorName, executor.describeBusy());
      return { work, reason: "threads_busy", details };
    }
    return { work, reason: "queued", details: "about to start" };
  }
}

/** Calls a check; a throw or rejection counts as `onError`. Plain booleans stay synchronous. */
function askCheck(
  check: WorkCheck | undefined,
  record: WorkRecord,
  onError: boolean,
): boolean | Promise<boolean> {
  if (!check) return true;
  try {
    const answer = check(record.info());
    if (typeof answer === "boolean") return answer;
    if (answer && typeof (answer as Promise<boolean>).then === "function") {
      return Promise.resolve(answer).then(
        (value) => Boolean(value),
        () => onError,
      );
    }
    return Boolean(answer);
  } catch {
    return onError;
  }
}

function toError(value: unknown): Error {
  if (value instanceof Error) return value;
  return new Error(
    typeof value === "string" ? value : `Handler failed with a non-Error value: ${String(value)}`,
  );
}

function describeParams(params: unknown): string {
  try {
    const text = JSON.stringify(params);
    return text.length > 200 ? `${text.slice(0, 200)}…` : text;
  } catch {
    return String(params);
  }
}
