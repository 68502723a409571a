import type { MessagePort, TransferListItem } from "node:worker_threads";
import { messages } from "../errors.js";

/**
 * The messages between the pool executor (main thread) and the thread
 * runtime. Results travel on Piscina's channel; progress on the thread's
 * parentPort; aborts on a BroadcastChannel every thread of the pool hears.
 */

/** What Piscina hands the thread runtime for one attempt. */
export interface ThreadTask {
  job: number;
  path: string;
  exportName: string;
  work: { id: string; task: string; params: unknown; attempt: number };
  /** Post a {@link StartedMessage} as the handler is called (only rate-limited works need it). */
  reportStart: boolean;
  /** The comlink end for `ctx.main`, when the task exposes main-thread functions. */
  mainPort?: MessagePort;
}

/** What every thread of a pool gets once, as its `workerData`. */
export interface ThreadSetup {
  abortChannel: string;
  /**
   * Aborted job ids, slot `job % length`: an abort announced before the job
   * reached its thread is found here when the job begins.
   */
  abortedJobs: Int32Array;
}

/** What the thread runtime returns. `progressCount` lets the main thread deliver progress first. */
export type ThreadOutcome =
  | { ok: true; value: unknown; progressCount: number }
  | { ok: false; error: SerializedError; progressCount: number };

export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  /** Own enumerable properties such as `code`, when they can be cloned. */
  properties?: Record<string, unknown>;
}

export interface ProgressMessage {
  runcue: "progress";
  job: number;
  value: unknown;
}

export interface AbortMessage {
  job: number;
  name: string;
  message: string;
}

/** Sent as a handler is called, so its service's rate window is stamped then. */
export interface StartedMessage {
  runcue: "started";
  job: number;
}

export function isStartedMessage(message: unknown): message is StartedMessage {
  return (
    typeof message === "object" &&
    message !== null &&
    (message as StartedMessage).runcue === "started"
  );
}

export function isProgressMessage(message: unknown): message is ProgressMessage {
  return (
    typeof message === "object" &&
    message !== null &&
    (message as ProgressMessage).runcue === "progress"
  );
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
