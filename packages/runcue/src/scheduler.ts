import { Alarm } from "./alarm.js";
import { Attempt } from "./attempt.js";
import { type BlockedWork, describeBlocked } from "./blocked.js";
import { messages } from "./errors.js";
import type { Events } from "./events.js";
import type { BoundTask } from "./executors/registry.js";
import { Finisher } from "./finishing.js";
import { Heap } from "./heap.js";
import { askPriority, bestLane, Lane, type PriorityFunction } from "./lane.js";
import type { CueSettings, TaskSettings, WorkCheck } from "./options.js";
import { BurstLimit } from "./pacing.js";
import { Readiness } from "./readiness.js";
import type { Service } from "./services.js";
import type { RegisteredTask } from "./tasks.js";
import { Watch } from "./watch.js";
import { Place, type WorkRecord, type WorkStore } from "./works.js";

const byNotBefore = (a: WorkRecord, b: WorkRecord) => a.notBefore < b.notBefore;

const monotonicNow = () => performance.now();

/** How long (ms) starts may follow each other without an event-loop turn (see `BurstLimit`). */
const BURST_LIMIT = 10;

/** How many newly due works one pump checks before yielding to the event loop. */
const INCOMING_BATCH = 20_000;

/**
 * The only place that decides what runs next. It owns the tasks and their
 * lanes. Pending work flows delayed → incoming → checks (readiness.ts) →
 * skipped, or its lane's queue → start, or waiting (not ready) → re-checked;
 * running work flows to a final state or back to delayed for a retry
 * (finishing.ts).
 */
export class Scheduler {
  private readonly tasks = new Map<string, RegisteredTask>();
  /** One lane per service × executor, in the order they were first used. */
  private readonly lanes: Lane[] = [];
  private readonly delayed = new Heap<WorkRecord>(byNotBefore);
  private delayedDeparted = 0;
  /** Due works not yet checked, in the order they became due. */
  private incoming: WorkRecord[] = [];
  private incomingHead = 0;
  private priority: PriorityFunction | undefined = undefined;

  private started = false;
  private stopping = false;
  private pumpQueued = false;
  private pumping = false;
  private pumpAgain = false;
  private readonly burst = new BurstLimit(BURST_LIMIT);

  private readonly delayAlarm = new Alarm(() => this.pump(), Date.now);
  private readonly wakeAlarm = new Alarm(() => {
    this.readiness.alarmRang();
    this.pump();
  }, monotonicNow);
  private readonly watch: Watch;
  private readonly readiness: Readiness;
  private readonly finisher: Finisher;

  constructor(
    private readonly store: WorkStore,
    private readonly events: Events,
    settings: CueSettings,
  ) {
    this.readiness = new Readiness(
      this.tasks,
      settings.pollInterval,
      {
        skip: (record) => this.finisher.skip(record),
        start: (record, task) => this.startWork(record, task),
        schedulePump: () => this.schedulePump(),
        wakeAt: (at) => this.wakeAt(at),
      },
      settings.maxPollInterval,
    );
    this.watch = new Watch(settings, {
      pendingCount: () => this.store.counts.pending,
      pendingWorks: () => [...this.store.values()].filter((record) => record.state === "pending"),
      warnPending: (record, pendingFor) => {
        if (!this.events.emitWork("pendingWarning", record, pendingFor)) {
          process.stderr.write(`${messages.pendingWarning(record.task, record.id, pendingFor)}\n`);
        }
      },
      warnStall: (sinceProgress, pendingCount) => {
        if (this.events.has("stallWarning")) {
          this.events.emit("stallWarning", sinceProgress, pendingCount);
        } else {
          process.stderr.write(`${messages.stallWarning(sinceProgress, pendingCount)}\n`);
        }
      },
      fail: (record, error) => this.finisher.fail(record, error),
    });
    this.finisher = new Finisher(store, events, this.watch, this.tasks, {
      retry: (record) => this.place(record),
      unblocked: () => this.readiness.afterFinish(this.lanes),
      pump: () => this.pump(),
      departed: (record, place) => this.departed(record, place),
    });
  }

  // ── tasks and checks ────────────────────────────────────────────────

  /** Registers a checked task with its service and executor. */
  addTask(name: string, settings: TaskSettings, service: Service | undefined, bound: BoundTask) {
    this.tasks.set(name, {
      name,
      job: bound.job,
      executor: bound.executor,
      service,
      lane: this.lane(service, bound),
      timeout: settings.timeout,
      retry: settings.retry,
      isReady: settings.isReady as WorkCheck | undefined,
      isStale: settings.isStale as WorkCheck | undefined,
      params: settings.params,
    });
  }

  task(name: string): RegisteredTask | undefined {
    return this.tasks.get(name);
  }

  taskNames(): string[] {
    return [...this.tasks.keys()];
  }

  private lane(service: Service | undefined, bound: BoundTask): Lane {
    let lane = this.lanes.find(
      (candidate) => candidate.service === service && candidate.executor === bound.executor,
    );
    if (!lane) {
      lane = new Lane(service, bound.executor, bound.executorName);
      this.lanes.push(lane);
    }
    return lane;
  }

  setIsReady(check: WorkCheck): void {
    this.readiness.setIsReady(check);
  }

  setIsStale(check: WorkCheck): void {
    this.readiness.setIsStale(check);
  }

  setPriority(rank: PriorityFunction): void {
    this.priority = rank;
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

  /** A pending work ended where it waited: compact that list once half of it is gone. */
  private departed(record: WorkRecord, place: Place): void {
    if (place !== Place.Delayed) {
      this.tasks.get(record.task)?.lane.departedWhilePending();
      return;
    }
    this.delayedDeparted++;
    if (this.delayedDeparted >= 64 && this.delayedDeparted * 2 >= this.delayed.size) {
      this.delayed.retain((work) => work.state === "pending" && work.place === Place.Delayed);
      this.delayedDeparted = 0;
    }
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

  /** Starts scheduling; false when it was started already. Throws while a stop() is in progress. */
  start(): boolean {
    // resuming here would be undone when the stop finishes: the caller must await it
    if (this.stopping) throw new Error(messages.startDuringStop());
    if (this.started) return false;
    this.started = true;
    this.stopping = false;
    this.readiness.force();
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
    if (this.finisher.inFlight > 0) {
      const drained = this.finisher.drained();
      if (timeout === undefined) {
        await drained;
      } else {
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<"timeout">((resolve) => {
          timer = setTimeout(() => resolve("timeout"), timeout);
        });
        const outcome = await Promise.race([drained, timedOut]);
        clearTimeout(timer);
        if (outcome === "timeout") this.finisher.cancelRunning(timeout);
      }
    }
    await closeExecutors();
    this.started = false;
    this.stopping = false;
    this.clearTimers();
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
    this.readiness.force();
    this.schedulePump();
  }

  private pump(): void {
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
    // the pass first: works due just now get their first check below, not a second one at once
    this.readiness.runPass(this.lanes);
    this.checkIncoming();
    const now = monotonicNow();
    const byCallback = this.priority !== undefined;
    if (byCallback) this.rank(now);
    for (let started = 0; ; started++) {
      const lane = bestLane(this.lanes, now, byCallback);
      if (!lane || this.stopping) break;
      if (started % 32 === 0 && this.burstIsLong(started === 0 ? now : monotonicNow())) break;
      const record = lane.head(byCallback)!;
      lane.takeHead(byCallback);
      this.readiness.startIfStillDue(record, now);
    }
    this.armWakeTimer(now);
  }

  /** Starts stop for one event-loop turn when a burst is long (see `BurstLimit`). */
  private burstIsLong(now: number): boolean {
    const verdict = this.burst.check(now);
    if (verdict === "begin") setImmediate(this.endBurst);
    return verdict === "cut";
  }

  private readonly endBurst = (): void => {
    if (this.burst.turnEnded()) this.pump();
  };

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
      if (record.state === "pending" && record.place === Place.Incoming) {
        this.readiness.check(record, now);
      }
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

  /**
   * With a priority callback. Works that became ready are ranked as they
   * arrive, and every ready work is ranked again when works are chosen, so
   * `waitTime` counts; but a whole re-ranking is spaced by ten times its own
   * cost (never more than pollInterval), so a big queue is not ranked again
   * at every finish (20,000 works took a minute that way).
   */
  private rank(now: number): void {
    const wallNow = Date.now();
    const queueDepth = this.store.counts.pending;
    const rankAll = this.readiness.rankSpacing.isDue(now);
    const priority = this.priority!;
    const rankOf = (record: WorkRecord) => askPriority(priority, record, wallNow, queueDepth);
    for (const lane of this.lanes) lane.rank(rankOf, rankAll);
    if (rankAll) this.readiness.rankSpacing.ran(now, monotonicNow());
  }

  // ── running ─────────────────────────────────────────────────────────

  private startWork(record: WorkRecord, task: RegisteredTask): void {
    const { service } = task;
    service?.take();
    service?.reserveStart();
    this.store.markRunning(record, Date.now());
    this.watch.leave(record);
    this.watch.progressMade();
    const attempt = new Attempt(
      record,
      task.job,
      task.executor,
      this.finisher.attemptHooks,
      task.service,
    );
    this.finisher.track(attempt, task.timeout);
    this.events.emitWork("start", record);
    this.events.observer.started(record);
    // The start holds its place in the rate window from the decision on, and is stamped when the
    // handler begins: for a thread, when the thread calls it (a cold thread or a slow module must
    // not bunch starts); on the main thread, after the handler's synchronous start and after
    // onStart. So the limit holds for starts as the handlers and onStart listeners see them.
    task.executor.run(attempt);
    if (task.executor.reportsHandlerStart !== true) {
      attempt.markStamped();
      service?.confirmStart(monotonicNow());
    }
  }

  /** Cancels a pending or running work; false when it is final already. */
  cancel(record: WorkRecord): boolean {
    return this.finisher.cancel(record);
  }

  idle(): Promise<void> {
    return this.finisher.idle();
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
      if (lane.hasQueued && service?.isRateBound(now)) {
        wakeAt = Math.min(wakeAt, service.nextStartAt(now));
      }
      wakeAt = Math.min(wakeAt, this.readiness.nextPassAt(lane, now));
    }
    if (wakeAt !== Number.POSITIVE_INFINITY) this.wakeAt(wakeAt);
    // nothing pending, nothing to wake for: an idle cue holds no timer
    else if (this.store.counts.pending === 0) this.wakeAlarm.clear();
  }

  private wakeAt(at: number): void {
    if (!this.started || this.stopping) return;
    this.wakeAlarm.ringAt(at);
  }

  // ── introspection ───────────────────────────────────────────────────

  describeBlocked(record: WorkRecord): BlockedWork {
    return describeBlocked(record, {
      tasks: this.tasks,
      isRunning: this.started && !this.stopping,
      isStopping: this.stopping,
      now: monotonicNow(),
    });
  }
}
