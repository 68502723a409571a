/**
 * Every error the library throws or fails work with, and every message it
 * writes, in one place so they read alike.
 */

/** Why a work was failed by a clock rather than by its handler. */
export type TimeoutKind = "pending" | "stall" | "task";

/**
 * A work ran out of time: it waited too long (`"pending"`), nothing made
 * progress for too long (`"stall"`), or one attempt ran too long (`"task"`).
 */
export class TimeoutError extends Error {
  /** Always `"TimeoutError"`. */
  override readonly name = "TimeoutError";
  /** Which limit ran out: `"pending"` (`pendingTimeout`), `"stall"` (`stallTimeout`) or `"task"` (the task's `timeout`). */
  readonly kind: TimeoutKind;

  constructor(kind: TimeoutKind, message: string) {
    super(message);
    this.kind = kind;
  }
}

/** The work was cancelled by `cancel()` or by `stop({ timeout })`. */
export class CancelledError extends Error {
  /** Always `"CancelledError"`. */
  override readonly name = "CancelledError";
}

const quote = (value: unknown): string => {
  if (typeof value === "string") return JSON.stringify(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
};

export const ACCEPTED_RATES =
  '"N/sec", "N/min", "N/hour", "N/5s", "N/15min", a bare "N/seconds" such as "20/1", or { limit, interval }';

const CLONEABLE_VALUES =
  "it must be structured-cloneable: plain objects, arrays, primitives, typed arrays, Map, Set, Date...";

type WorkName = { id: string; task: string };

export const messages = {
  needsName: (call: string) => `${call} needs a non-empty name`,
  needsFunction: (call: string, shape: string, got: unknown) =>
    `${call} needs a function ${shape}, got ${typeof got}`,
  abortedBeforeStart: () => "aborted before it started",
  nothingExposed: (name: string) =>
    `ctx.main.${name}: the task exposes no main-thread functions (see the "expose" task option)`,
  invalidRate: (input: unknown, service?: string) =>
    `Invalid rate ${quote(input)}${service === undefined ? "" : ` for service "${service}"`}: use ${ACCEPTED_RATES}` +
    " (units: s sec second m min minute h hr hour; limit a whole number from 1 to 1000000, interval positive and at most 2147483647 ms)",
  invalidOptions: (where: string, issues: string) => `Invalid ${where}: ${issues}`,
  unknownService: (task: string, service: string, known: string[]) =>
    `Task "${task}" uses unknown service "${service}": register it first with cue.service("${service}", ...)` +
    (known.length
      ? ` (registered: ${known.map((name) => `"${name}"`).join(", ")})`
      : " (no services registered)"),
  duplicateService: (name: string) => `Service "${name}" is already registered`,
  duplicateTask: (name: string) => `Task "${name}" is already registered`,
  taskNeedsOneHandler: (name: string) =>
    `Task "${name}" needs exactly one of "run" (an async function on the main thread) and "worker" (a module path or URL for the worker pool)`,
  unknownTask: (name: string, known: string[]) =>
    `Unknown task "${name}"` +
    (known.length
      ? ` (registered: ${known.map((task) => `"${task}"`).join(", ")})`
      : " (no tasks registered)"),
  asyncParamsSchema: (task: string, vendor: string) =>
    `Task "${task}": its params schema (${vendor}) validates asynchronously; runcue validates params synchronously at submit, so use a schema without async refinements or transforms`,
  invalidParams: (task: string, issues: string) => `Invalid params for task "${task}": ${issues}`,
  unclonableParams: (task: string, reason: string) =>
    `Params for worker task "${task}" cannot be sent to a worker thread (they must be structured-cloneable: plain objects, arrays, primitives, typed arrays, Map, Set, Date...): ${reason}`,
  unknownWork: (id: string) =>
    `Unknown work "${id}" (never submitted, or forgotten after "retain" finished records)`,
  pendingTimeout: (task: string, id: string, waited: number) =>
    `Pending timeout: work ${id} of task "${task}" waited ${waited} ms without starting`,
  stallTimeout: (task: string, id: string, since: number) =>
    `Stall timeout: no work made progress for ${since} ms; failing pending work ${id} of task "${task}"`,
  taskTimeout: (task: string, id: string, timeout: number) =>
    `Task timeout: work ${id} of task "${task}" ran longer than ${timeout} ms`,
  startDuringStop: () =>
    "cue.start() was called while a stop() is in progress: await cue.stop() first, then call start()",
  cancelled: (task: string, id: string) => `Work ${id} of task "${task}" was cancelled`,
  stoppedWhileRunning: (task: string, id: string, timeout: number) =>
    `Work ${id} of task "${task}" was cancelled: still running when stop() timed out after ${timeout} ms`,
  pendingWarning: (task: string, id: string, pendingFor: number) =>
    `runcue: work ${id} of task "${task}" has been pending for ${pendingFor} ms`,
  stallWarning: (sinceProgress: number, pendingCount: number) =>
    `runcue: no progress for ${sinceProgress} ms with ${pendingCount} work pending (see cue.debugBlocked())`,
  listenerThrew: (event: string, error: unknown) =>
    `runcue: an ${event} listener threw (ignored): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  nonErrorThrown: (value: unknown) => `Handler failed with a non-Error value: ${String(value)}`,
  notStarted: (stopping: boolean) =>
    stopping
      ? "the cue is stopping: await cue.stop(), then call cue.start()"
      : "the cue is not started: call cue.start()",
  unknownTaskBlocked: (task: string) => `task "${task}" is not registered`,
  delayedUntil: (notBefore: number, wait: number, attempt: number) =>
    `not before ${new Date(notBefore).toISOString()} (in ${wait} ms${attempt > 0 ? `, retry after attempt ${attempt}` : ""})`,
  notReady: (task: string, params: string, asked: number) =>
    `task "${task}" params ${params} not ready (asked ${asked} times)`,
  checkAwaited: (task: string, params: string) =>
    `task "${task}" params ${params}: isReady/isStale answer still awaited`,
  notCheckedYet: () => "not checked yet",
  aboutToStart: () => "about to start",
  serviceConcurrencyFull: (service: string, running: number, concurrent: number) =>
    `service "${service}" concurrency ${running}/${concurrent}`,
  serviceRateUsedUp: (
    service: string,
    used: number,
    limit: number,
    interval: number,
    wait: number,
  ) =>
    `service "${service}" rate used up: ${used}/${limit} starts in the last ${interval} ms, next start in ${wait} ms`,
  workerModuleMissing: (path: string) => `Worker module not found: ${path}`,
  workerExportMissing: (path: string, exportName: string, found: string[]) =>
    `Worker module ${path} has no function export "${exportName}"` +
    (found.length ? ` (exports: ${found.join(", ")})` : " (it exports nothing)"),
  workerImportFailed: (path: string, reason: string) =>
    `Worker module ${path} failed to load: ${reason}`,
  workerThreadDied: (task: string, id: string, reason: string) =>
    `Worker thread running work ${id} of task "${task}" died: ${reason}`,
  workerOutOfMemory: (task: string, id: string) =>
    `Worker thread running work ${id} of task "${task}" ran out of memory (see the "resourceLimits" option)`,
  exposeNeedsWorker: (task: string) =>
    `Task "${task}": "expose" is for worker tasks (a main-thread "run" handler can call the functions directly)`,
  taskNeedsDefinition: (task: string, got: unknown) =>
    `Task "${task}" needs a definition object with "run" or "worker", got ${got === null ? "null" : typeof got}`,
  poolNeedsWorker: (task: string) =>
    `Task "${task}": "pool" is for worker tasks (a "run" handler runs on the main thread)`,
  unknownPool: (task: string, pool: string, known: string[]) =>
    `Task "${task}" uses unknown pool "${pool}": pass it in the "pools" option of new Cue()` +
    ` (pools: ${known.map((name) => `"${name}"`).join(", ")})`,
  poolStartFailed: (pool: string, error: unknown) =>
    `runcue: pool "${pool}" failed to start: ${error instanceof Error ? error.message : String(error)}`,
  threadsBusy: (size: number, busy: number) => `all ${size} worker threads busy (${busy}/${size})`,
  poolBusy: (pool: string, description: string) => `pool "${pool}": ${description}`,
  workerPathInvalid: (task: string, value: unknown) =>
    `Task "${task}": "worker" must be a file: URL or an absolute path to a module, got ${quote(value)}`,
  // the thread runtime (worker/thread.ts)
  uncloneableProgress: (work: WorkName, reason: string) =>
    `ctx.progress() in work ${work.id} of task "${work.task}": the value cannot be sent to the main thread (${CLONEABLE_VALUES}): ${reason}`,
  uncloneableResult: (work: WorkName, reason: string) =>
    `Work ${work.id} of task "${work.task}" returned a result that cannot be sent to the main thread (${CLONEABLE_VALUES}): ${reason}`,
  badTransferList: (work: WorkName, reason: string) =>
    `Work ${work.id} of task "${work.task}" returned transfer() with a bad transfer list: ${reason}`,
  thrownByOwnCallback: (work: WorkName, reason: string) =>
    `Work ${work.id} of task "${work.task}" failed: an error was thrown outside its handler's call, by a timer or callback the handler left running: ${reason}`,
  thrownByUnknownCallback: (work: WorkName, reason: string) =>
    `Work ${work.id} of task "${work.task}" failed: an error was thrown in its thread outside any handler's call, by a callback whose work is unknown (perhaps left behind by an earlier work on this thread): ${reason}`,
  thrownAfterWorkEnded: (work: WorkName, reason: string) =>
    `runcue: a timer or callback left behind by work ${work.id} of task "${work.task}" threw after that work had ended (no work failed; the thread goes on): ${reason}`,
  thrownOutsideAnyWork: (reason: string) =>
    `runcue: an error was thrown in a worker thread outside any handler's call (no work failed; the thread goes on): ${reason}`,
} as const;

/** Throws a TypeError naming the call when `value` is not a function. */
export function assertFunction(value: unknown, call: string, shape: string): void {
  if (typeof value !== "function") throw new TypeError(messages.needsFunction(call, shape, value));
}
