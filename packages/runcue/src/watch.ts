import { Alarm } from "./alarm.js";
import { messages, TimeoutError } from "./errors.js";
import type { CueSettings } from "./options.js";
import type { WorkRecord } from "./works.js";

/** The clocks of pending and stall warnings and timeouts (ms; undefined is off). */
export type WatchSettings = Pick<
  CueSettings,
  "pendingWarnAfter" | "pendingTimeout" | "stallWarnAfter" | "stallTimeout"
>;

/** What the watch needs from the scheduler. */
export interface WatchActions {
  pendingCount(): number;
  /** Every pending work, for a stall timeout. */
  pendingWorks(): Iterable<WorkRecord>;
  warnPending(record: WorkRecord, pendingFor: number): void;
  warnStall(sinceProgress: number, pendingCount: number): void;
  fail(record: WorkRecord, error: TimeoutError): void;
}

/**
 * Pending and stall warnings and timeouts, on one alarm. Pending works are
 * kept in the order they became due, so each check looks only at the oldest
 * ones; nothing is kept when no pending option is set. A work leaves the list
 * the moment it stops being pending (it starts, or ends without running), so
 * the watch never holds a finished work: `retain` alone decides how many the
 * cue keeps. With nothing pending the alarm is off, so an idle cue holds no
 * timer.
 */
export class Watch {
  /** Pending works in the order they became due; a hole where one has left. */
  private order: Array<WorkRecord | undefined> = [];
  /** The `pendingSince` of each entry: a retried work comes again with a later one. */
  private since: number[] = [];
  /** The absolute slot of `order[0]` (slots stay valid across compaction). */
  private base = 0;
  private holes = 0;
  private timeoutHead = 0;
  private warnHead = 0;
  private lastProgressAt: number;
  private stallWarned = false;
  private running = false;
  private readonly alarm: Alarm;

  constructor(
    private readonly settings: WatchSettings,
    private readonly actions: WatchActions,
    /** The wall clock (`Date.now`), passed in so tests can drive it. */
    private readonly now: () => number = Date.now,
  ) {
    this.lastProgressAt = now();
    this.alarm = new Alarm(() => this.check(), now);
  }

  private get enabled(): boolean {
    const { pendingWarnAfter, pendingTimeout, stallWarnAfter, stallTimeout } = this.settings;
    return (
      pendingWarnAfter !== undefined ||
      pendingTimeout !== undefined ||
      stallWarnAfter !== undefined ||
      stallTimeout !== undefined
    );
  }

  start(): void {
    this.running = true;
    this.progressMade();
    this.arm();
  }

  stop(): void {
    this.running = false;
    this.alarm.clear();
  }

  /** Any work started, completed, failed or was skipped. */
  progressMade(): void {
    this.lastProgressAt = this.now();
    if (!this.stallWarned) return;
    // a stall that ends and comes back is a new stall: its warning is armed again
    this.stallWarned = false;
    this.arm();
  }

  /** A work became pending and due. */
  add(record: WorkRecord): void {
    const { pendingWarnAfter, pendingTimeout } = this.settings;
    if (pendingWarnAfter !== undefined || pendingTimeout !== undefined) {
      if (record.watchSlot >= 0) this.leave(record);
      record.watchSlot = this.base + this.order.length;
      this.order.push(record);
      this.since.push(record.pendingSince);
    }
    if (this.enabled && !this.alarm.isSet) this.arm();
  }

  /** The work is no longer pending (it started, or ended without running). */
  leave(record: WorkRecord): void {
    if (record.watchSlot >= 0) {
      const index = record.watchSlot - this.base;
      if (this.order[index] === record) {
        this.order[index] = undefined;
        this.holes++;
      }
      record.watchSlot = -1;
      if (this.holes > 64 && this.holes * 2 > this.order.length) this.dropHoles();
    }
    if (this.actions.pendingCount() === 0) this.alarm.clear();
  }

  /** Compacts the list, so finished works leave no trace and slots stay dense. */
  private dropHoles(): void {
    const order: Array<WorkRecord | undefined> = [];
    const since: number[] = [];
    const base = this.base + this.order.length;
    let warnHead = -1;
    let timeoutHead = -1;
    for (let index = 0; index < this.order.length; index++) {
      const record = this.order[index];
      if (record === undefined) continue;
      if (warnHead < 0 && index >= this.warnHead) warnHead = order.length;
      if (timeoutHead < 0 && index >= this.timeoutHead) timeoutHead = order.length;
      record.watchSlot = base + order.length;
      order.push(record);
      since.push(this.since[index]!);
    }
    this.order = order;
    this.since = since;
    this.base = base;
    this.holes = 0;
    this.warnHead = warnHead < 0 ? order.length : warnHead;
    this.timeoutHead = timeoutHead < 0 ? order.length : timeoutHead;
  }

  private arm(): void {
    const { pendingWarnAfter, pendingTimeout, stallWarnAfter, stallTimeout } = this.settings;
    if (!this.running) return;
    if (this.actions.pendingCount() === 0) {
      // nothing pending: nothing to warn about or time out, and no timer held
      this.alarm.clear();
      return;
    }
    let at = Number.POSITIVE_INFINITY;
    if (this.actions.pendingCount() > 0) {
      if (stallTimeout !== undefined) at = Math.min(at, this.lastProgressAt + stallTimeout);
      if (stallWarnAfter !== undefined && !this.stallWarned) {
        at = Math.min(at, this.lastProgressAt + stallWarnAfter);
      }
    }
    if (pendingWarnAfter !== undefined) {
      const index = this.oldestLive(true);
      if (index < this.order.length) at = Math.min(at, this.since[index]! + pendingWarnAfter);
    }
    if (pendingTimeout !== undefined) {
      const index = this.oldestLive(false);
      if (index < this.order.length) at = Math.min(at, this.since[index]! + pendingTimeout);
    }
    if (at !== Number.POSITIVE_INFINITY) this.alarm.ringAt(at);
  }

  /** The first entry still in its work's current pending period (and, for warnings, not warned). */
  private oldestLive(forWarning: boolean): number {
    let index = forWarning ? this.warnHead : this.timeoutHead;
    while (index < this.order.length) {
      const record = this.order[index];
      const current =
        record !== undefined &&
        record.state === "pending" &&
        record.pendingSince === this.since[index];
      if (current && !(forWarning && record.warnedPending)) break;
      index++;
    }
    if (forWarning) this.warnHead = index;
    else this.timeoutHead = index;
    this.compact();
    return forWarning ? this.warnHead : this.timeoutHead;
  }

  private compact(): void {
    const consumed = Math.min(
      this.settings.pendingWarnAfter === undefined ? Number.POSITIVE_INFINITY : this.warnHead,
      this.settings.pendingTimeout === undefined ? Number.POSITIVE_INFINITY : this.timeoutHead,
    );
    if (Number.isFinite(consumed) && consumed > 1024 && consumed * 2 > this.order.length) {
      for (const record of this.order.slice(0, consumed)) {
        if (record === undefined) this.holes--;
        else if (record.watchSlot - this.base < consumed) record.watchSlot = -1;
      }
      this.order.splice(0, consumed);
      this.since.splice(0, consumed);
      this.base += consumed;
      this.warnHead -= consumed;
      this.timeoutHead -= consumed;
    }
  }

  /**
   * Visits, oldest first, the works pending for at least `limit` ms that are
   * not yet warned (`forWarning`) or not yet failed. `act` must take each out
   * of that set, or the walk would not move on.
   */
  private forEachPendingLongerThan(
    limit: number,
    forWarning: boolean,
    now: number,
    act: (record: WorkRecord, pendingFor: number) => void,
  ): void {
    for (;;) {
      const index = this.oldestLive(forWarning);
      if (index >= this.order.length) return;
      const since = this.since[index]!;
      if (since + limit > now) return;
      act(this.order[index]!, now - since);
    }
  }

  private check(): void {
    const now = this.now();
    const { pendingWarnAfter, pendingTimeout, stallWarnAfter, stallTimeout } = this.settings;
    if (pendingWarnAfter !== undefined) {
      this.forEachPendingLongerThan(pendingWarnAfter, true, now, (record, pendingFor) => {
        record.warnedPending = true;
        this.actions.warnPending(record, pendingFor);
      });
    }
    if (pendingTimeout !== undefined) {
      this.forEachPendingLongerThan(pendingTimeout, false, now, (record, pendingFor) => {
        const message = messages.pendingTimeout(record.task, record.id, pendingFor);
        this.actions.fail(record, new TimeoutError("pending", message));
      });
    }
    const sinceProgress = now - this.lastProgressAt;
    const pendingCount = this.actions.pendingCount();
    if (
      pendingCount > 0 &&
      stallWarnAfter !== undefined &&
      !this.stallWarned &&
      sinceProgress >= stallWarnAfter
    ) {
      this.stallWarned = true;
      this.actions.warnStall(sinceProgress, pendingCount);
    }
    if (pendingCount > 0 && stallTimeout !== undefined && sinceProgress >= stallTimeout) {
      for (const record of [...this.actions.pendingWorks()]) {
        const message = messages.stallTimeout(record.task, record.id, sinceProgress);
        this.actions.fail(record, new TimeoutError("stall", message));
      }
    }
    this.arm();
  }
}
