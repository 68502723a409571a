import type { MessagePort, TransferListItem } from "node:worker_threads";
import { messages } from "../errors.js";

/**
 * The messages between the pool executor (main thread) and the thread
 * runtime. Each pool thread runs one long Piscina task, a session, that
 * serves jobs over a MessagePort of its own: jobs and aborts go in; progress,
 * start reports and outcomes come back, in the order the thread sent them.
 */

/** What Piscina hands the thread runtime: the session's port. */
export interface SessionTask {
  session: MessagePort;
}

/** One attempt, sent on a session's port. */
export interface ThreadTask {
  job: number;
  path: string;
  exportName: string;
  work: { id: string; task: string; params: unknown; attempt: number };
  /** Send a `started` message as the handler is called (only rate-limited works need it). */
  reportStart: boolean;
  /** The comlink end for `ctx.main`, when the task exposes main-thread functions. */
  mainPort?: MessagePort;
}

/** Aborts a running job: its handler's `ctx.signal` fires with this error. */
export interface AbortMessage {
  abort: number;
  name: string;
  message: string;
}

/** Ends the session: the thread is idle and its Piscina task returns. */
export const END_SESSION = "end";

export type ToThread = ThreadTask | AbortMessage | typeof END_SESSION;

/** What every thread of a pool gets once, as its `workerData`. */
export interface ThreadSetup {
  /**
   * Aborted job ids, slot `job % length`: an abort announced before the job
   * reached its thread is found here when the job begins.
   */
  abortedJobs: Int32Array;
}

/** What a thread sends back about a job. */
export type FromThread =
  | { kind: "done"; job: number; value: unknown }
  | { kind: "failed"; job: number; error: SerializedError }
  | { kind: "progress"; job: number; value: unknown }
  /** The handler is being called: its service's rate window is stamped now. */
  | { kind: "started"; job: number };

export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  /** Own enumerable properties such as `code`, when they can be cloned. */
  properties?: Record<string, unknown>;
}

export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) {
    return { name: "Error", message: messages.nonErrorThrown(error) };
  }
  const serialized: SerializedError = { name: error.name, message: error.message };
  if (error.stack !== undefined) serialized.stack = error.stack;
  const properties: Record<string, unknown> = {};
  let hasProperties = false;
  for (const [key, value] of Object.entries(error)) {
    try {
      properties[key] = structuredClone(value);
      hasProperties = true;
    } catch {
      // a property that cannot cross threads is left behind
    }
  }
  if (hasProperties) serialized.properties = properties;
  return serialized;
}

export function deserializeError(serialized: SerializedError): Error {
  const error = new Error(serialized.message);
  Object.defineProperty(error, "name", {
    value: serialized.name,
    enumerable: false,
    configurable: true,
    writable: true,
  });
  if (serialized.stack !== undefined) error.stack = serialized.stack;
  if (serialized.properties) Object.assign(error, serialized.properties);
  return error;
}

/** What `transfer()` of runcue/worker makes (the symbol is shared through the global registry). */
export interface MarkedTransfer {
  value: unknown;
  transferList: readonly TransferListItem[];
}

/** True for a value made by `transfer()`; for the thread runtime only, not a public export. */
export function isTransfer(value: unknown): value is MarkedTransfer {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<symbol, unknown>)[Symbol.for("runcue.transfer")] === true
  );
}
