import type { Lane } from "./lane.js";
import type { WorkCheck } from "./options.js";
import { CostSpacing, FORCED_PASS_COST_FACTOR, RecheckPacing } from "./pacing.js";
import type { RegisteredTask } from "./tasks.js";
import { Place, type WorkRecord } from "./works.js";

/** What readiness needs from the scheduler. */
export interface ReadinessHooks {
  /** `isStale` said the output is valid: the work completes, skipped. */
  skip(record: WorkRecord): void;
  /** A work taken from its queue passed its checks again: start it now. */
  start(record: WorkRecord, task: RegisteredTask): void;
  /** Something changed (an async answer arrived, a pass was asked for): run the pump soon. */
  schedulePump(): void;
  /** Run the pump at monotonic time `at`. */
  wakeAt(at: number): void;
}

/** Where a work that passes its checks goes: its lane's queue, or (at dispatch) straight to a start. */
type DueAction = "queue" | "start";

const monotonicNow = () => performance.now();

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

/**
 * The checks of pending work, in the contract's order (isReady → isStale →
 * skip, or ready), and the re-checks of works that answered "not ready":
 * all of them after a finish or `recheck()` (a forced pass), else each when
 * its back-off is over (a timed pass).
 */
export class Readiness {
  private isReady: WorkCheck | undefined = undefined;
  private isStale: WorkCheck | undefined = undefined;
  private forcedPass = false;
  private timedPass = false;
  /** The wake alarm is set for a forced pass. */
  private wakeForForcedPass = false;
  private readonly pacing: RecheckPacing;
  /** Whole re-rankings by the priority callback, spaced by their cost (at most pollInterval). */
  readonly rankSpacing: CostSpacing;

  constructor(
    private readonly tasks: ReadonlyMap<string, RegisteredTask>,
    private readonly pollInterval: number,
    private readonly hooks: ReadinessHooks,
    maxPollInterval: number = pollInterval,
  ) {
    this.pacing = new RecheckPacing(pollInterval, maxPollInterval);
    this.rankSpacing = new CostSpacing(FORCED_PASS_COST_FACTOR, pollInterval);
  }

  /** Sets the global `isReady` (a task's own check comes first). */
  setIsReady(check: WorkCheck): void {
    this.isReady = check;
  }

  /** Sets the global `isStale` (a task's own check comes first). */
  setIsStale(check: WorkCheck): void {
    this.isStale = check;
  }

  /** Every not-ready work is to be checked again at the next pump. */
  force(): void {
    this.forcedPass = true;
  }

  /** The wake alarm rang: a forced pass if it was set for one, else a timed pass. */
  alarmRang(): void {
    if (this.wakeForForcedPass) this.forcedPass = true;
    else this.timedPass = true;
    this.wakeForForcedPass = false;
  }

  /** Runs the re-check pass asked for, if any, over every lane's not-ready works. */
  runPass(lanes: readonly Lane[]): void {
    if (!this.forcedPass && !this.timedPass) return;
    const forced = this.forcedPass;
    const passStart = monotonicNow();
    if (this.timedPass) this.pacing.timedPassRan(passStart);
    this.forcedPass = this.timedPass = false;
    for (const lane of lanes) {
      if (lane.waiting.length > 0) this.recheckLane(lane, passStart, forced);
    }
    if (forced) this.pacing.forced.ran(passStart, monotonicNow());
  }

  /** A work finished: its slot or output may unblock others, so a forced pass, spaced by its cost. */
  afterFinish(lanes: readonly Lane[]): void {
    if (this.forcedPass) return;
    let anyWaiting = false;
    for (const lane of lanes) anyWaiting ||= lane.waiting.length > 0;
    if (!anyWaiting) return;
    const now = monotonicNow();
    if (this.pacing.forced.isDue(now)) {
      this.forcedPass = true;
      this.hooks.schedulePump();
    } else {
      this.wakeForForcedPass = true;
      this.hooks.wakeAt(this.pacing.forced.dueAt);
    }
  }

  /** When the lane's not-ready works want their timed pass (infinity: none waits). */
  nextPassAt(lane: Lane, now: number): number {
    if (lane.waiting.length === 0) return Number.POSITIVE_INFINITY;
    return this.pacing.nextTimedPassAt(lane.nextDueAt, now);
  }

  /**
   * The checks, in the contract's order: isReady → isStale → skip, or `due`:
   * into the lane's ready queue to wait for room ("queue"), or, at dispatch,
   * started at once ("start"). Synchronous answers are acted on at once; a
   * promise is awaited with the work marked as being checked, and its answer
   * always queues.
   */
  check(record: WorkRecord, now: number, due: DueAction = "queue"): void {
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

  /**
   * Starts a ready work taken from its queue. One that waited there longer
   * than pollInterval is checked again first, so inputs that went bad (or an
   * output made meanwhile) still decide at the last moment.
   */
  startIfStillDue(record: WorkRecord, now: number): void {
    if (now - record.checkedAt <= this.pollInterval) {
      this.hooks.start(record, this.tasks.get(record.task)!);
      return;
    }
    record.place = Place.Incoming;
    // synchronous answers that still say ready and stale start it now; an async one puts it
    // back in its queue with a fresh check, for a later round
    this.check(record, now, "start");
  }

  private checkStaleness(record: WorkRecord, task: RegisteredTask, due: DueAction): void {
    const staleness = askCheck(task.isStale ?? this.isStale, record, true);
    if (staleness === true) {
      if (due === "start") this.hooks.start(record, task);
      else this.markReady(record, task.lane);
    } else if (staleness === false) this.hooks.skip(record);
    else
      this.awaitCheck(record, staleness, (stale) =>
        stale ? this.markReady(record, task.lane) : this.hooks.skip(record),
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
      this.hooks.schedulePump();
    });
  }

  private markReady(record: WorkRecord, lane: Lane): void {
    record.place = Place.Queued;
    // whole milliseconds, rounded down (so it is checked again a little early, never late): an
    // integer stays in the record, a fraction would be a boxed number per work
    record.checkedAt = Math.floor(monotonicNow());
    lane.enqueue(record);
  }

  private markNotReady(record: WorkRecord, lane: Lane, now: number): void {
    record.notReadyCount++;
    record.nextCheckAt = Math.floor(this.pacing.nextCheckAt(record.notReadyCount, now));
    if (record.place !== Place.Waiting) {
      record.place = Place.Waiting;
      lane.waiting.push(record);
    }
    lane.nextDueAt = Math.min(lane.nextDueAt, record.nextCheckAt);
  }

  /** Re-checks a lane's not-ready works: all when forced, else those whose back-off is over. */
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
}
