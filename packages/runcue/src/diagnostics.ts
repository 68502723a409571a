/**
 * The messages every cue publishes on `node:diagnostics_channel` (channel names in `workChannels`,
 * published by observe.ts). Only types: a subscriber casts what it receives.
 */
import type { Cue } from "./cue.js";
import type { Work } from "./works.js";

/** Published on `runcue:work:start` when an attempt starts. */
export interface WorkStartMessage {
  /** The cue the work belongs to (work ids are unique within a cue). */
  cue: Cue;
  /** The work as `cue.get()` would return it now: state `"running"`, `attempt` counting from 1. */
  work: Work;
  /** Milliseconds the attempt waited: from when it could first run (submitted, its `delay`/`at`, or its retry's backoff) to its start. */
  waitTime: number;
}

/** Published on `runcue:work:finish` when a work completes. */
export interface WorkFinishMessage {
  /** The cue the work belongs to. */
  cue: Cue;
  /** The work in its final state, `"completed"`, with its `result`. */
  work: Work;
  /** What the handler returned. */
  result: unknown;
  /** Milliseconds the last attempt waited before it started (see {@link WorkStartMessage.waitTime}). */
  waitTime: number;
  /** Milliseconds the last attempt ran, as `onComplete`'s duration. */
  runTime: number;
}

/** Published on `runcue:work:failure` when an attempt fails, or a work fails without running. */
export interface WorkFailureMessage {
  /** The cue the work belongs to. */
  cue: Cue;
  /** The work: `"pending"` when it will run again, else in its final state (`"failed"` or `"cancelled"`). */
  work: Work;
  /** What the attempt threw, a `TimeoutError`, or a `CancelledError`. */
  error: Error;
  /** Milliseconds the attempt waited before it started, or the work waited in all when it never ran. */
  waitTime: number;
  /** Milliseconds the attempt ran; `undefined` when the work failed without running. */
  runTime: number | undefined;
  /** True when the task's `retry` runs the work again (`onRetry` fires); false for a final failure or a cancel. */
  willRetry: boolean;
}
