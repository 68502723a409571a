import type { Attempt, AttemptHooks } from "./attempt.js";
import { CancelledError, messages, TimeoutError } from "./errors.js";
import type { Events } from "./events.js";
import { retryDelay } from "./options.js";
import type { RegisteredTask } from "./tasks.js";
import type { Watch } from "./watch.js";
import { Place, type WorkRecord, type WorkStore } from "./works.js";

/** What finishing needs from the scheduler. */
export interface FinisherHooks {
  /** A failed attempt will run again after its delay: place the work again. */
  retry(record: WorkRecord): void;
  /** A work reached its final state while others are pending: blocked work may move. */
  unblocked(): void;
  /** A slot came free: decide what runs, synchronously. */
  pump(): void;
  /** A pending work ended where it waited (`place`): its entry there can go. */
  departed(record: WorkRecord, place: Place): void;
}

const monotonicNow = () => performance.now();

function toError(value: unknown): Error {
  if (value instanceof Error) return value;
  return new Error(typeof value === "string" ? value : messages.nonErrorThrown(value));
}

/**
 * How works end: completed, skipped, failed (or retried after a delay),
 * cancelled, timed out; the attempts in flight and their task timeouts; and
 * whoever waits for the cue to be idle or for running work to drain.
 */
export class Finisher {
  private readonly running = new Set<Attempt>();
  private idleWaiters: Array<() => void> = [];
  private drainWaiters: Array<() => void> = [];

  constructor(
    private readonly store: WorkStore,
    private readonly events: Events,
    private readonly watch: Watch,
    private readonly tasks: ReadonlyMap<string, RegisteredTask>,
    private readonly hooks: FinisherHooks,
  ) {}

  /** What every attempt reports to. */
  readonly attemptHooks: AttemptHooks = {
    progress: (attempt, value) => {
      this.events.emitWork("progress", attempt.record, value);
    },
    started: (attempt) => {
      const service = this.tasks.get(attempt.record.task)!.service;
      if (service?.rate === undefined) return;
      service.confirmStart(monotonicNow());
      // the window's next opening is known only now
      this.hooks.pump();
    },
    settled: (attempt, decidedHere, succeeded, value) =>
      this.settle(attempt, decidedHere, succeeded, value),
  };

  /** An attempt started: it is in flight until its executor settles it. */
  track(attempt: Attempt, timeout: number | undefined): void {
    this.running.add(attempt);
    attempt.record.execution = attempt;
    if (timeout !== undefined) {
      attempt.timer = setTimeout(() => this.timeOut(attempt, timeout), timeout);
    }
  }

  private settle(attempt: Attempt, decidedHere: boolean, succeeded: boolean, value: unknown): void {
    this.running.delete(attempt);
    clearTimeout(attempt.timer);
    const { record } = attempt;
    attempt.service?.release();
    if (record.execution === attempt) record.execution = undefined;
    if (decidedHere) {
      const duration = monotonicNow() - attempt.startedAt;
      if (succeeded) this.complete(record, value, duration);
      else this.failAttempt(record, toError(value), duration);
    }
    if (this.running.size === 0 && this.drainWaiters.length > 0) {
      const waiters = this.drainWaiters;
      this.drainWaiters = [];
      for (const resolve of waiters) resolve();
    }
    // slot refilled synchronously: no tick between a finish and the next start
    this.hooks.pump();
  }

  private timeOut(attempt: Attempt, timeout: number): void {
    if (!attempt.decide()) return;
    const { record } = attempt;
    const error = new TimeoutError("task", messages.taskTimeout(record.task, record.id, timeout));
    attempt.abort(error);
    this.failAttempt(record, error, monotonicNow() - attempt.startedAt);
    this.hooks.pump();
  }

  private complete(record: WorkRecord, result: unknown, duration: number): void {
    if (!this.store.finish(record, "completed", Date.now(), { result })) return;
    this.watch.progressMade();
    this.events.emitWork("complete", record, result, duration);
    this.events.observer.finished(record, result, duration);
    this.afterFinish();
  }

  /** `isStale` said the output is valid: completed without running. */
  skip(record: WorkRecord): void {
    if (!this.store.finish(record, "completed", Date.now(), { skipped: true })) return;
    this.watch.leave(record);
    this.watch.progressMade();
    this.events.emitWork("skip", record);
    this.afterFinish();
  }

  /** An attempt that ran `runTime` ms ended without a result: retried, or the work fails. */
  private failAttempt(record: WorkRecord, error: Error, runTime: number): void {
    const { retry } = this.tasks.get(record.task)!;
    this.watch.progressMade();
    if (record.attempt < retry.attempts) {
      const delay = retryDelay(retry, record.attempt);
      this.store.markRetrying(record);
      // before notBefore moves on: the message's waitTime is this attempt's
      this.events.observer.failed(record, error, runTime, true);
      record.execution = undefined;
      record.notBefore = Date.now() + delay;
      this.events.emitWork("retry", record, error, delay);
      this.hooks.retry(record);
      return;
    }
    this.fail(record, error, runTime);
  }

  /**
   * Fails the work for good: its last attempt ran `runTime` ms, or it never ran
   * (a pending or stall timeout, `runTime` undefined).
   */
  fail(record: WorkRecord, error: Error, runTime?: number): void {
    const place = record.place;
    if (!this.store.finish(record, "failed", Date.now(), { error })) return;
    this.watch.leave(record);
    if (place !== Place.None) this.hooks.departed(record, place);
    this.events.emitWork("failure", record, error);
    this.events.observer.failed(record, error, runTime, false);
    this.afterFinish();
  }

  /** Cancels a pending or running work; false when it is final already. */
  cancel(record: WorkRecord): boolean {
    if (record.isFinal) return false;
    const error = new CancelledError(messages.cancelled(record.task, record.id));
    const place = record.state === "pending" ? record.place : Place.None;
    const attempt = record.execution;
    const endsAttempt = attempt?.decide() === true;
    if (endsAttempt) {
      // decided: its task timeout has nothing left to decide, and must not hold the process
      clearTimeout(attempt!.timer);
      attempt!.abort(error);
    }
    this.store.finish(record, "cancelled", Date.now(), { error });
    this.watch.leave(record);
    if (place !== Place.None) this.hooks.departed(record, place);
    // a running work's attempt ends here; a pending one never started, so tracers have nothing to end
    if (endsAttempt) {
      this.events.observer.failed(record, error, Date.now() - record.startedAt!, false);
    }
    this.afterFinish();
    return true;
  }

  /** `stop({ timeout })` gave up waiting: every running work is aborted and cancelled. */
  cancelRunning(timeout: number): void {
    for (const attempt of this.running) {
      if (!attempt.decide()) continue;
      // the process may exit once stop() returns, even if this handler never does
      clearTimeout(attempt.timer);
      const { record } = attempt;
      const error = new CancelledError(
        messages.stoppedWhileRunning(record.task, record.id, timeout),
      );
      attempt.abort(error);
      this.store.finish(record, "cancelled", Date.now(), { error });
      this.events.observer.failed(record, error, monotonicNow() - attempt.startedAt, false);
      this.afterFinish();
    }
  }

  /** After any work reaches a final state: idle waiters, and a re-check of blocked work. */
  private afterFinish(): void {
    const { pending, running } = this.store.counts;
    if (pending === 0 && running === 0 && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
    if (pending > 0) this.hooks.unblocked();
  }

  /** Resolves once nothing is pending or running. */
  idle(): Promise<void> {
    const { pending, running } = this.store.counts;
    if (pending === 0 && running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** How many attempts are in flight (their executors have not settled them). */
  get inFlight(): number {
    return this.running.size;
  }

  /** Resolves once no attempt is in flight. */
  drained(): Promise<void> {
    if (this.running.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }
}
