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

/** The running jobs by number, so an abort broadcast finds its job. */
const jobs = new Map<number, RunningJob>();
const { abortChannel: abortChannelName, abortedJobs } = workerData as ThreadSetup;

// listening from the thread's first moment; a job aborted before it arrived is in abortedJobs
const abortChannel = new BroadcastChannel(abortChannelName);
abortChannel.unref();
abortChannel.onmessage = (event) => {
  const { job, name, message } = (event as { data: AbortMessage }).data;
  const reason = new Error(message);
  reason.name = name;
  jobs.get(job)?.abort.abort(reason);
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

/** A job this thread runs, from its handler's call until its outcome is returned. */
class RunningJob {
  ended = false;
  /** Progress messages sent: the main thread holds the result until this many have arrived. */
  progressCount = 0;
  /** The job's abort signal, made only if its handler reads `ctx.signal`. */
  readonly abort = new LazyAbort();
  /** Ends an asynchronous job with an error raised outside the handler's call (see `onOutsideError`). */
  fail: (error: unknown) => void = () => {};
  /** The handler's second argument. */
  readonly ctx: JobContext;

  constructor(
    readonly job: number,
    readonly work: ThreadTask["work"],
  ) {
    this.ctx = new JobContext(this);
  }

  sendProgress(value: unknown): void {
    const message: ProgressMessage = { runcue: "progress", job: this.job, value };
    try {
      parentPort!.postMessage(message);
    } catch (error) {
      const reason =
        describeUncloneable(value) ?? (error instanceof Error ? error.message : String(error));
      throw new TypeError(messages.uncloneableProgress(this.work, reason), { cause: error });
    }
    this.progressCount++;
  }
}

/** `ctx` as handlers see it; `progress` is bound, so `{ progress }` may be taken apart. */
class JobContext {
  main: unknown = NO_MAIN;
  readonly progress: (value: unknown) => void;

  constructor(private readonly job: RunningJob) {
    this.progress = (value) => job.sendProgress(value);
  }

  get signal(): AbortSignal {
    return this.job.abort.signal;
  }
}

/** What goes back to Piscina: the outcome, or a wrapper that moves a `transfer()`'s list. */
type Returned = ThreadOutcome | Record<symbol, unknown>;

let lastHandler: { path: string; exportName: string; handler: Handler } | undefined;

function cachedHandler(task: ThreadTask): Handler | undefined {
  if (lastHandler?.path === task.path && lastHandler.exportName === task.exportName)
    return lastHandler.handler;
  const handler = handlers.get(`${task.exportName}\u0000${task.path}`);
  if (handler) lastHandler = { path: task.path, exportName: task.exportName, handler };
  return handler;
}

/**
 * Runs one job. A handler that returns a plain value is answered in the same
 * call, with no promise made; one that returns a promise is awaited, racing
 * errors from its own stray callbacks.
 */
export default function runInThread(task: ThreadTask): Returned | Promise<Returned> {
  const job = new RunningJob(task.job, task.work);
  jobs.set(task.job, job);
  if (Atomics.load(abortedJobs, task.job % abortedJobs.length) === task.job) {
    job.abort.abort(
      Object.assign(new Error(messages.abortedBeforeStart()), { name: "AbortError" }),
    );
  }
  const handler = task.mainPort ? undefined : cachedHandler(task);
  if (handler === undefined) return prepareAndRun(task, job);
  return callHandler(task, job, handler);
}

/** The first job of a module in this thread, or one whose task exposes main-thread functions. */
async function prepareAndRun(task: ThreadTask, job: RunningJob): Promise<Returned> {
  let handler: Handler;
  try {
    if (task.mainPort) {
      const { wrap, nodeEndpoint } = await loadComlink();
      job.ctx.main = wrap(nodeEndpoint(task.mainPort));
    }
    handler = cachedHandler(task) ?? (await loadHandler(task.path, task.exportName));
  } catch (error) {
    return end(task, job, { ok: false, error: serializeError(error), progressCount: 0 });
  }
  return callHandler(task, job, handler);
}

function callHandler(
  task: ThreadTask,
  job: RunningJob,
  handler: Handler,
): Returned | Promise<Returned> {
  running.add(job);
  if (task.reportStart) {
    // the module is loaded: the handler starts now, and its rate window is stamped by this
    const started: StartedMessage = { runcue: "started", job: task.job };
    parentPort!.postMessage(started);
  }
  let value: unknown;
  try {
    value = owners.run(job, handler, task.work, job.ctx);
  } catch (error) {
    return end(task, job, failed(job, error));
  }
  if (!isThenable(value)) return end(task, job, succeeded(job, value));
  return new Promise<unknown>((resolve, reject) => {
    job.fail = reject;
    value.then(resolve, reject);
  }).then(
    (result) => end(task, job, succeeded(job, result)),
    (error) => end(task, job, failed(job, error)),
  );
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === "object" || typeof value === "function") &&
    typeof (value as PromiseLike<unknown>).then === "function"
  );
}

function failed(job: RunningJob, error: unknown): ThreadOutcome {
  return { ok: false, error: serializeError(error), progressCount: job.progressCount };
}

/** The outcome of a returned value; a value that cannot cross fails, saying what is wrong. */
function succeeded(job: RunningJob, value: unknown): Returned {
  try {
    if (isTransfer(value)) {
      const unclonable = describeUncloneable(value.value);
      if (unclonable !== undefined)
        throw new TypeError(messages.uncloneableResult(job.work, unclonable));
      const badList = checkTransferList(value.transferList);
      if (badList !== undefined) throw new TypeError(messages.badTransferList(job.work, badList));
      const outcome: ThreadOutcome = {
        ok: true,
        value: value.value,
        progressCount: job.progressCount,
      };
      // Piscina moves the transferable list and hands the value to the main thread
      const movable = { [TRANSFERABLE]: value.transferList, [VALUE]: outcome };
      markMovable(movable);
      return movable;
    }
    // a result Piscina could not post would leave the work without an answer: say what is wrong instead
    const unclonable = describeUncloneable(value);
    if (unclonable !== undefined)
      throw new TypeError(messages.uncloneableResult(job.work, unclonable));
    return { ok: true, value, progressCount: job.progressCount };
  } catch (error) {
    return failed(job, error);
  }
}

function end(task: ThreadTask, job: RunningJob, returned: Returned): Returned {
  job.ended = true;
  running.delete(job);
  jobs.delete(task.job);
  task.mainPort?.close();
  return returned;
}
