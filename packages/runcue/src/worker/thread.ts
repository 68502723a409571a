/**
 * The code that runs inside each worker thread (imported by entry.ts, the file
 * Piscina loads): it loads the user's worker module (once per thread), calls
 * the export with `(work, ctx)`, and sends progress, errors and transferred
 * results back.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { type MessagePort, type TransferListItem, workerData } from "node:worker_threads";
import { messages } from "../errors.js";
import { LazyAbort } from "../lazy-abort.js";
import { isThenable } from "../thenable.js";
import {
  END_SESSION,
  type FromThread,
  isTransfer,
  type SessionTask,
  serializeError,
  type ThreadSetup,
  type ThreadTask,
  type ToThread,
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

/** The running jobs by number, so an abort message finds its job. */
const jobs = new Map<number, RunningJob>();
const { abortedJobs } = workerData as ThreadSetup;

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

/** A job this thread runs, from its handler's call until its outcome is sent. */
class RunningJob {
  ended = false;
  /** The job's abort signal, made only if its handler reads `ctx.signal`. */
  readonly abort = new LazyAbort();
  /** Ends an asynchronous job with an error raised outside the handler's call (see `onOutsideError`). */
  fail: (error: unknown) => void = () => {};
  /** The handler's second argument. */
  readonly ctx: JobContext;

  constructor(
    readonly task: ThreadTask,
    readonly port: MessagePort,
  ) {
    this.ctx = new JobContext(this);
  }

  get work(): ThreadTask["work"] {
    return this.task.work;
  }

  sendProgress(value: unknown): void {
    const message: FromThread = { kind: "progress", job: this.task.job, value };
    try {
      this.port.postMessage(message);
    } catch (error) {
      const reason =
        describeUncloneable(value) ?? (error instanceof Error ? error.message : String(error));
      throw new TypeError(messages.uncloneableProgress(this.work, reason), { cause: error });
    }
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

let lastHandler: { path: string; exportName: string; handler: Handler } | undefined;

function cachedHandler(task: ThreadTask): Handler | undefined {
  if (lastHandler?.path === task.path && lastHandler.exportName === task.exportName)
    return lastHandler.handler;
  const handler = handlers.get(`${task.exportName}\u0000${task.path}`);
  if (handler) lastHandler = { path: task.path, exportName: task.exportName, handler };
  return handler;
}

/**
 * The Piscina task of a pool thread: serves the jobs sent on the session's
 * port, one at a time, until the pool ends the session. Going through
 * Piscina once per session rather than once per job is what makes a tiny
 * job cheap; Piscina still owns the thread (start, limits, termination,
 * replacement).
 */
export default function serveSession({ session }: SessionTask): Promise<void> {
  return new Promise((resolve) => {
    session.on("close", () => resolve());
    session.on("message", (message: ToThread) => {
      if (message === END_SESSION) {
        session.close();
        resolve();
      } else if ("abort" in message) {
        const reason = new Error(message.message);
        reason.name = message.name;
        jobs.get(message.abort)?.abort.abort(reason);
      } else {
        runJob(message, session);
      }
    });
  });
}

/**
 * Runs one job. A handler that returns a plain value is answered in the same
 * call, with no promise made; one that returns a promise is awaited, racing
 * errors from its own stray callbacks.
 */
function runJob(task: ThreadTask, port: MessagePort): void {
  const job = new RunningJob(task, port);
  jobs.set(task.job, job);
  if (Atomics.load(abortedJobs, task.job % abortedJobs.length) === task.job) {
    job.abort.abort(
      Object.assign(new Error(messages.abortedBeforeStart()), { name: "AbortError" }),
    );
  }
  const handler = task.mainPort ? undefined : cachedHandler(task);
  if (handler === undefined) void prepareAndRun(job);
  else callHandler(job, handler);
}

/** The first job of a module in this thread, or one whose task exposes main-thread functions. */
async function prepareAndRun(job: RunningJob): Promise<void> {
  const { task } = job;
  let handler: Handler;
  try {
    if (task.mainPort) {
      const { wrap, nodeEndpoint } = await loadComlink();
      job.ctx.main = wrap(nodeEndpoint(task.mainPort));
    }
    handler = cachedHandler(task) ?? (await loadHandler(task.path, task.exportName));
  } catch (error) {
    fail(job, error);
    return;
  }
  callHandler(job, handler);
}

function callHandler(job: RunningJob, handler: Handler): void {
  running.add(job);
  if (job.task.reportStart) {
    // the module is loaded: the handler starts now, and its rate window is stamped by this
    const started: FromThread = { kind: "started", job: job.task.job };
    job.port.postMessage(started);
  }
  let value: unknown;
  try {
    value = owners.run(job, handler, job.work, job.ctx);
  } catch (error) {
    fail(job, error);
    return;
  }
  if (!isThenable(value)) {
    succeed(job, value);
    return;
  }
  new Promise<unknown>((resolve, reject) => {
    job.fail = reject;
    value.then(resolve, reject);
  }).then(
    (result) => succeed(job, result),
    (error) => fail(job, error),
  );
}

function fail(job: RunningJob, error: unknown): void {
  end(job);
  const message: FromThread = { kind: "failed", job: job.task.job, error: serializeError(error) };
  job.port.postMessage(message);
}

/** Sends a returned value; one that cannot cross fails the job, saying what is wrong. */
function succeed(job: RunningJob, returned: unknown): void {
  let value = returned;
  let transferList: readonly TransferListItem[] | undefined;
  if (isTransfer(returned)) {
    value = returned.value;
    const badList = checkTransferList(returned.transferList);
    if (badList !== undefined) {
      fail(job, new TypeError(messages.badTransferList(job.work, badList)));
      return;
    }
    transferList = returned.transferList;
  }
  // a result that cannot be posted would leave the work without an answer: say what is wrong instead
  const unclonable = describeUncloneable(value);
  if (unclonable !== undefined) {
    fail(job, new TypeError(messages.uncloneableResult(job.work, unclonable)));
    return;
  }
  end(job);
  const message: FromThread = { kind: "done", job: job.task.job, value };
  try {
    job.port.postMessage(message, transferList);
  } catch (error) {
    fail(job, error);
  }
}

function end(job: RunningJob): void {
  job.ended = true;
  running.delete(job);
  jobs.delete(job.task.job);
  job.task.mainPort?.close();
}
