/**
 * The code that runs inside each worker thread (imported by entry.ts, the file
 * Piscina loads): it loads the user's worker module (once per thread), calls
 * the export with `(work, ctx)`, and sends progress, errors and transferred
 * results back.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { BroadcastChannel, parentPort, workerData } from "node:worker_threads";
import { messages } from "../errors.js";
import { LazyAbort } from "../lazy-abort.js";
import { isTransfer } from "./index.js";
import {
  type AbortMessage,
  type ProgressMessage,
  serializeError,
  type ThreadOutcome,
  type ThreadSetup,
  type ThreadTask,
} from "./protocol.js";

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
      progressCount++;
      const message: ProgressMessage = { runcue: "progress", job: task.job, value };
      parentPort!.postMessage(message);
    },
    main: NO_MAIN as unknown,
  };
  let outcome: ThreadOutcome;
  try {
    if (task.mainPort) {
      const { wrap, nodeEndpoint } = await loadComlink();
      ctx.main = wrap(nodeEndpoint(task.mainPort));
    }
    const handler =
      handlers.get(`${task.exportName}\u0000${task.path}`) ??
      (await loadHandler(task.path, task.exportName));
    const value = await handler(task.work, ctx);
    if (isTransfer(value)) {
      outcome = { ok: true, value: value.value, progressCount };
      // Piscina moves the transferable list and hands the value to the main thread
      const movable = { [TRANSFERABLE]: value.transferList, [VALUE]: outcome };
      markMovable(movable);
      return movable;
    }
    outcome = { ok: true, value, progressCount };
  } catch (error) {
    outcome = { ok: false, error: serializeError(error), progressCount };
  } finally {
    jobs.delete(task.job);
    task.mainPort?.close();
  }
  return outcome;
}
