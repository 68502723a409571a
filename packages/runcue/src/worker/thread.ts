/**
 * The code that runs inside each worker thread (imported by entry.ts, the file
 * Piscina loads): it loads the user's worker module (once per thread), calls
 * the export with `(work, ctx)`, and sends progress, errors and transferred
 * results back.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { BroadcastChannel, parentPort, workerData } from "node:worker_threads";
import { messages } from "../errors.js";
import { LazyAbort } from "../lazy-abort.js";
import {
  type AbortMessage,
  isTransfer,
  type ProgressMessage,
  type StartedMessage,
  serializeError,
  type ThreadOutcome,
  type ThreadSetup,
  type ThreadTask,
} from "./protocol.js";
import { describeUncloneable } from "./uncloneable.js";

type Handler = (
  work: ThreadTask["work"],
  ctx: { signal: AbortSignal; progress(value: unknown): void },
) => unknown;

/** `ctx.main` of a task that exposes nothing: any call explains what is missing. */
const NO_MAIN = new Proxy(
  {},
  {
    get: (_target, name) => () => Promise.reject(new Error(messages.nothingExposed(String(name)))),
  },
);

/**
 * Piscina's worker has loaded its `common.js` in this thread already; taking
 * `markMovable` from it spares every thread loading Piscina's whole pool
 * module (about 20 ms of start-up each) just to mark a result as movable.
 */
const require = createRequire(import.meta.url);
const { markMovable } = require(join(dirname(require.resolve("piscina")), "common.js")) as {
  markMovable(value: object): void;
};
const TRANSFERABLE = Symbol.for("Piscina.transferable");
const VALUE = Symbol.for("Piscina.valueOf");

/** comlink is loaded only by threads that run a task exposing main-thread functions. */
let comlink:
  | Promise<{ wrap: (endpoint: unknown) => unknown; nodeEndpoint: (port: unknown) => unknown }>
  | undefined;
const loadComlink = () =>
  (comlink ??= Promise.all([
    import("comlink/dist/esm/comlink.mjs"),
    import("comlink/dist/esm/node-adapter.mjs"),
  ]).then(([{ wrap }, { default: nodeEndpoint }]) => ({
    wrap: wrap as (endpoint: unknown) => unknown,
    nodeEndpoint,
  })));

const modules = new Map<string, Promise<Record<string, unknown>>>();
const handlers = new Map<string, Handler>();
let tsxRegistered = false;

/** Each running job's signal, made only if its handler reads `ctx.signal`. */
const jobs = new Map<number, LazyAbort>();
const { abortChannel: abortChannelName, abortedJobs } = workerData as ThreadSetup;

// listening from the thread's first moment; a job aborted before it arrived is in abortedJobs
const abortChannel = new BroadcastChannel(abortChannelName);
abortChannel.unref();
abortChannel.onmessage = (event) => {
  const { job, name, message } = (event as { data: AbortMessage }).data;
  const reason = new Error(message);
  reason.name = name;
  jobs.get(job)?.abort(reason);
};

const TYPESCRIPT = /\.[cm]?tsx?$/;

/**
 * Worker threads do not inherit tsx's hooks on Node 20, and a failed import
 * is cached, so a TypeScript module gets tsx registered before its first
 * import (harmless when the hooks are already there).
 */
async function registerTypeScript(path: string): Promise<void> {
  if (tsxRegistered) return;
  tsxRegistered = true;
  try {
    const { register } = (await import("tsx/esm/api")) as { register: () => unknown };
    register();
  } catch {
    throw new Error(
      messages.workerImportFailed(path, "it is TypeScript and tsx is not installed (npm i -D tsx)"),
    );
  }
}

async function importModule(path: string): Promise<Record<string, unknown>> {
  if (TYPESCRIPT.test(path)) await registerTypeScript(path);
  try {
    return (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "ERR_MODULE_NOT_FOUND" && !existsSync(path)) {
      throw new Error(messages.workerModuleMissing(path));
    }
    throw new Error(
      messages.workerImportFailed(path, error instanceof Error ? error.message : String(error)),
      { cause: error },
    );
  }
}

async function loadHandler(path: string, exportName: string): Promise<Handler> {
  let loading = modules.get(path);
  if (!loading) {
    loading = importModule(path);
    modules.set(path, loading);
    // a failed import is retried by the next work, which may come after the file is fixed
    loading.catch(() => modules.delete(path));
  }
  const module = await loading;
  const handler = module[exportName];
  if (typeof handler !== "function") {
    const found = Object.keys(module).filter((key) => typeof module[key] === "function");
    throw new Error(messages.workerExportMissing(path, exportName, found));
  }
  handlers.set(`${exportName}\u0000${path}`, handler as Handler);
  return handler as Handler;
}

/** A job this thread runs, from its handler's call until its outcome is returned. */
interface RunningJob {
  readonly work: ThreadTask["work"];
  ended: boolean;
  /** Ends the job with an error raised outside the handler's call (see `onOutsideError`). */
  fail(error: unknown): void;
}

/**
 * Which job's handler created the running callback. A timer a handler leaves
 * behind carries its job with it, so an error it throws later is laid at its
 * own work's door, never at the work the thread happens to run by then.
 */
const owners = new AsyncLocalStorage<RunningJob>();
const running = new Set<RunningJob>();

const describe = (error: unknown): string =>
  error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);

/**
 * An error thrown (or a rejection left unhandled) outside any handler's call.
 * Node would end the thread, failing whatever work it runs then, which may be
 * an innocent one. Instead: the work whose handler left the callback fails if
 * it still runs; one that has ended fails nothing and the error is printed;
 * an error whose origin is unknown fails the running work, saying so.
 */
function onOutsideError(error: unknown): void {
  const owner = owners.getStore();
  if (owner !== undefined && !owner.ended) {
    owner.fail(wrapOutsideError(error, messages.thrownByOwnCallback(owner.work, describe(error))));
    return;
  }
  if (owner === undefined && running.size > 0) {
    for (const job of running) {
      job.fail(
        wrapOutsideError(error, messages.thrownByUnknownCallback(job.work, describe(error))),
      );
    }
    return;
  }
  process.stderr.write(
    `${owner ? messages.thrownAfterWorkEnded(owner.work, describe(error)) : messages.thrownOutsideAnyWork(describe(error))}\n`,
  );
}

function wrapOutsideError(error: unknown, message: string): Error {
  const wrapped = new Error(message, { cause: error });
  if (error instanceof Error) wrapped.name = error.name;
  return wrapped;
}

process.on("uncaughtException", onOutsideError);
process.on("unhandledRejection", onOutsideError);

/**
 * Refuses transfer lists Piscina could not post: its failed post would leave
 * the job without an answer. Undefined when the list is fine.
 */
function checkTransferList(list: readonly unknown[]): string | undefined {
  const seen = new Set<unknown>();
  for (const item of list) {
    if (seen.has(item)) return "an item appears twice";
    seen.add(item);
    if (item instanceof ArrayBuffer) {
      if (item.byteLength === 0 && isDetached(item))
        return "an ArrayBuffer in it was already moved (detached)";
      continue;
    }
    if (typeof item === "object" && item !== null && item.constructor?.name === "MessagePort")
      continue;
    return `it holds ${describeKind(item)}, not an ArrayBuffer or MessagePort (list typedArray.buffer, not the typed array)`;
  }
  return undefined;
}

function isDetached(buffer: ArrayBuffer): boolean {
  try {
    structuredClone(buffer);
    return false;
  } catch {
    return true;
  }
}

function describeKind(value: unknown): string {
  if (typeof value !== "object" || value === null) return `a ${typeof value}`;
  return `an instance of ${(value.constructor as { name?: string } | undefined)?.name ?? "Object"}`;
}

export default async function runInThread(task: ThreadTask): Promise<unknown> {
  const jobSignal = new LazyAbort();
  jobs.set(task.job, jobSignal);
  if (Atomics.load(abortedJobs, task.job % abortedJobs.length) === task.job) {
    jobSignal.abort(
      Object.assign(new Error(messages.abortedBeforeStart()), { name: "AbortError" }),
    );
  }
  let progressCount = 0;
  const ctx = {
    get signal() {
      return jobSignal.signal;
    },
    progress(value: unknown) {
      const message: ProgressMessage = { runcue: "progress", job: task.job, value };
      try {
        parentPort!.postMessage(message);
      } catch (error) {
        const reason =
          describeUncloneable(value) ?? (error instanceof Error ? error.message : String(error));
        throw new TypeError(messages.uncloneableProgress(task.work, reason), {
          cause: error,
        });
      }
      // counted only once sent: the main thread holds the result until this many have arrived
      progressCount++;
    },
    main: NO_MAIN as unknown,
  };
  const job: RunningJob = { work: task.work, ended: false, fail: () => {} };
  let outcome: ThreadOutcome;
  try {
    if (task.mainPort) {
      const { wrap, nodeEndpoint } = await loadComlink();
      ctx.main = wrap(nodeEndpoint(task.mainPort));
    }
    const handler =
      handlers.get(`${task.exportName}\u0000${task.path}`) ??
      (await loadHandler(task.path, task.exportName));
    running.add(job);
    if (task.reportStart) {
      // the module is loaded: the handler starts now, and its rate window is stamped by this
      const started: StartedMessage = { runcue: "started", job: task.job };
      parentPort!.postMessage(started);
    }
    const value = await new Promise<unknown>((resolve, reject) => {
      job.fail = reject;
      Promise.resolve(owners.run(job, handler, task.work, ctx)).then(resolve, reject);
    });
    if (isTransfer(value)) {
      const unclonable = describeUncloneable(value.value);
      if (unclonable !== undefined)
        throw new TypeError(messages.uncloneableResult(task.work, unclonable));
      const badList = checkTransferList(value.transferList);
      if (badList !== undefined) throw new TypeError(messages.badTransferList(task.work, badList));
      outcome = { ok: true, value: value.value, progressCount };
      // Piscina moves the transferable list and hands the value to the main thread
      const movable = { [TRANSFERABLE]: value.transferList, [VALUE]: outcome };
      markMovable(movable);
      return movable;
    }
    // a result Piscina could not post would leave the work without an answer: say what is wrong instead
    const unclonable = describeUncloneable(value);
    if (unclonable !== undefined)
      throw new TypeError(messages.uncloneableResult(task.work, unclonable));
    outcome = { ok: true, value, progressCount };
  } catch (error) {
    outcome = { ok: false, error: serializeError(error), progressCount };
  } finally {
    job.ended = true;
    running.delete(job);
    jobs.delete(task.job);
    task.mainPort?.close();
  }
  return outcome;
}
