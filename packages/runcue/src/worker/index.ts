/**
 * What worker modules import: `transfer()` and the types of a handler's
 * arguments. This entry runs inside worker threads; it has no dependencies.
 *
 * @example
 * import { transfer, type WorkerContext } from "runcue/worker";
 * export default function tile(work: WorkerWork<{ x: number }>, ctx: WorkerContext) {
 *   ctx.progress(0.5);
 *   const pixels = new Uint8Array(256 * 256);
 *   return transfer({ pixels }, [pixels.buffer]);
 * }
 */

/** The work a worker handler runs. */
export interface WorkerWork<P = unknown> {
  /** The work's id on the main thread. */
  readonly id: string;
  /** The name of its task. */
  readonly task: string;
  /** Its params, validated on the main thread, structured-cloned to this thread. */
  readonly params: P;
  /** 1 for the first run, 2 for the first retry, ... */
  readonly attempt: number;
}

/** Main-thread functions as a worker sees them: every call returns a promise. */
export type MainFunctions<M> = {
  readonly [K in keyof M]: M[K] extends (...args: infer A) => infer R
    ? (...args: A) => Promise<Awaited<R>>
    : never;
};

/**
 * The second argument of a worker handler.
 * @typeParam M - the task's `expose` functions (`typeof exposed`), which type `ctx.main`.
 */
export interface WorkerContext<M = Record<string, (...args: never[]) => unknown>> {
  /** The functions the task exposes on the main thread (the `expose` task option), over comlink. */
  readonly main: MainFunctions<M>;
  /** Aborted on cancel, task timeout or stop timeout; the thread is terminated soon after if the handler goes on. */
  readonly signal: AbortSignal;
  /** Sends `value` to the main thread's `onProgress` listeners, in order, before the work's final event. */
  progress(value: unknown): void;
}

const TRANSFER = Symbol.for("runcue.transfer");

/** A result marked to be moved, not copied, to the main thread. */
export interface Transfer<T> {
  /** Marks the object as made by `transfer()`. */
  readonly [TRANSFER]: true;
  /** What the main thread receives. */
  readonly value: T;
  /** The buffers moved with it, detached in this thread after the return. */
  readonly transferList: readonly Transferable[];
}

type Transferable = import("node:worker_threads").TransferListItem;

/**
 * Marks a handler's result so the buffers in `transferList` are moved to the
 * main thread instead of copied: after the return they are detached here.
 * The main thread receives `value`.
 */
export function transfer<T>(value: T, transferList: readonly Transferable[]): T {
  const marked: Transfer<T> = { [TRANSFER]: true, value, transferList };
  // typed as T: to the handler's caller (the main thread) the result is the value itself
  return marked as unknown as T;
}
