import { assertFunction, messages } from "./errors.js";
import type { Work } from "./works.js";

/** Every event of a cue and the arguments its listeners get. */
export interface CueEvents {
  start: [work: Work];
  complete: [work: Work, result: unknown, duration: number];
  failure: [work: Work, error: Error];
  retry: [work: Work, error: Error, delay: number];
  skip: [work: Work];
  progress: [work: Work, value: unknown];
  pendingWarning: [work: Work, pendingFor: number];
  stallWarning: [sinceProgress: number, pendingCount: number];
}

export type EventName = keyof CueEvents;
export type Listener<E extends EventName> = (...args: CueEvents[E]) => void;

const LISTENER_NAMES: Record<EventName, string> = {
  start: "onStart",
  complete: "onComplete",
  failure: "onFailure",
  retry: "onRetry",
  skip: "onSkip",
  progress: "onProgress",
  pendingWarning: "onPendingWarning",
  stallWarning: "onStallWarning",
};

/**
 * Typed listener lists. Listeners run in registration order; one that throws
 * is reported on stderr and changes nothing else.
 */
export class Events {
  private readonly listeners: { [E in EventName]: Array<Listener<E>> } = {
    start: [],
    complete: [],
    failure: [],
    retry: [],
    skip: [],
    progress: [],
    pendingWarning: [],
    stallWarning: [],
  };

  on<E extends EventName>(event: E, listener: Listener<E>): () => void {
    assertFunction(listener, LISTENER_NAMES[event], "listener");
    // copy on write, so removing a listener while an event is being emitted is safe
    this.listeners[event] = [...this.listeners[event], listener] as never;
    return () => {
      this.listeners[event] = this.listeners[event].filter(
        (candidate) => candidate !== listener,
      ) as never;
    };
  }

  has(event: EventName): boolean {
    return this.listeners[event].length > 0;
  }

  emit<E extends EventName>(event: E, ...args: CueEvents[E]): void {
    for (const listener of this.listeners[event]) {
      try {
        (listener as (...values: CueEvents[E]) => void)(...args);
      } catch (error) {
        process.stderr.write(`${messages.listenerThrew(LISTENER_NAMES[event], error)}\n`);
      }
    }
  }
}
