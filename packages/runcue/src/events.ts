import { assertFunction, messages } from "./errors.js";
import { Observer } from "./observe.js";
import type { Work, WorkRecord } from "./works.js";

/** Every event of a cue and the arguments its listeners get. */
export interface CueEvents {
  /** `onStart`: an attempt of the work starts (each retry too). */
  start: [work: Work];
  /** `onComplete`: the work ran and returned `result`; `duration` is its last attempt's run time in ms. */
  complete: [work: Work, result: unknown, duration: number];
  /** `onFailure`: the work failed for good (its last attempt, or a pending or stall timeout). */
  failure: [work: Work, error: Error];
  /** `onRetry`: an attempt failed with `error`; the next starts no sooner than `delay` ms from now. */
  retry: [work: Work, error: Error, delay: number];
  /** `onSkip`: `isStale` found the work's output valid: completed without running. */
  skip: [work: Work];
  /** `onProgress`: the handler called `ctx.progress(value)`; in order, before the work's final event. */
  progress: [work: Work, value: unknown];
  /** `onPendingWarning`: the work has been pending `pendingFor` ms, longer than `pendingWarnAfter` (once per work). */
  pendingWarning: [work: Work, pendingFor: number];
  /** `onStallWarning`: no work started, finished or was skipped for `sinceProgress` ms, longer than `stallWarnAfter`, with `pendingCount` works pending (once per stall). */
  stallWarning: [sinceProgress: number, pendingCount: number];
}

/** The name of an event: `"start"`, `"complete"`, ... (see {@link CueEvents}). */
export type EventName = keyof CueEvents;
/** The events about one work, which may be listened to per task. */
export type WorkEventName = Exclude<EventName, "stallWarning">;
/** A listener of event `E` of all works, called with that event's arguments (see {@link CueEvents}). */
export type Listener<E extends EventName> = (...args: CueEvents[E]) => void;
/** A work event's arguments after the work. */
type Rest<E extends WorkEventName> = CueEvents[E] extends [Work, ...infer R] ? R : never;

/** Each event's `cue.on...` method, for messages. */
export const LISTENER_NAMES: Record<EventName, string> = {
  start: "onStart",
  complete: "onComplete",
  failure: "onFailure",
  retry: "onRetry",
  skip: "onSkip",
  progress: "onProgress",
  pendingWarning: "onPendingWarning",
  stallWarning: "onStallWarning",
};

/** How many arguments each work event's listeners get. */
const EVENT_ARITY: Record<WorkEventName, number> = {
  start: 1,
  complete: 3,
  failure: 2,
  retry: 3,
  skip: 1,
  progress: 2,
  pendingWarning: 2,
};

/** A listener, of one task's works when `task` is set. */
interface Entry {
  readonly listener: (...args: never[]) => void;
  readonly task: string | undefined;
}

/**
 * Typed listener lists, for all works or for one task's. Listeners run in
 * registration order; one that throws is reported on stderr and changes
 * nothing else.
 */
export class Events {
  /** The diagnostics channels and per-task timings: told of every attempt, listeners or not. */
  readonly observer: Observer;

  /** `cue` is the Cue that emits: named in diagnostics messages. */
  constructor(cue: object) {
    this.observer = new Observer(cue);
  }

  private readonly entries: { [E in EventName]: readonly Entry[] } = {
    start: [],
    complete: [],
    failure: [],
    retry: [],
    skip: [],
    progress: [],
    pendingWarning: [],
    stallWarning: [],
  };

  /** Adds a listener, of one task's works when `task` is given; returns its remover. */
  on<E extends EventName>(event: E, listener: Listener<E>, task?: string): () => void {
    assertFunction(listener, LISTENER_NAMES[event], "listener");
    const entry: Entry = { listener: listener as unknown as Entry["listener"], task };
    // copy on write, so removing a listener while an event is being emitted is safe
    this.entries[event] = [...this.entries[event], entry];
    return () => {
      this.entries[event] = this.entries[event].filter((candidate) => candidate !== entry);
    };
  }

  /** Emits an event that is about no single work. */
  emit<E extends EventName>(event: E, ...args: CueEvents[E]): void {
    for (const entry of this.entries[event]) this.call(event, entry, args);
  }

  /**
   * Emits an event of `record` to the listeners of every work and to those of
   * its task. The snapshot is made only when someone listens; false when nobody did.
   */
  emitWork<E extends WorkEventName>(event: E, record: WorkRecord, ...rest: Rest<E>): boolean;
  // fixed arity inside: a rest array per event is an allocation per work even with nobody listening
  emitWork(event: WorkEventName, record: WorkRecord, second?: unknown, third?: unknown): boolean {
    const entries = this.entries[event];
    if (entries.length === 0) return false;
    let args: unknown[] | undefined;
    for (const entry of entries) {
      if (entry.task !== undefined && entry.task !== record.task) continue;
      if (args === undefined) {
        args = [record.snapshot(), second, third];
        args.length = EVENT_ARITY[event];
      }
      this.call(event, entry, args as CueEvents[typeof event]);
    }
    return args !== undefined;
  }

  has(event: EventName): boolean {
    return this.entries[event].length > 0;
  }

  private call<E extends EventName>(event: E, entry: Entry, args: CueEvents[E]): void {
    try {
      (entry.listener as unknown as (...values: CueEvents[E]) => void)(...args);
    } catch (error) {
      process.stderr.write(`${messages.listenerThrew(LISTENER_NAMES[event], error)}\n`);
    }
  }
}
