import type { ResourceLimits } from "node:worker_threads";
import { z } from "zod";
import { messages } from "./errors.js";
import type { Rate } from "./rate.js";
import type { TaskContext, WorkInfo } from "./works.js";

const milliseconds = z.number().finite().nonnegative();
const positiveMilliseconds = z.number().finite().positive();

/** Options of `new Cue(options)`. Every time is in milliseconds. */
export interface CueOptions {
  /**
   * Warn once for each work that has been pending longer than this (through
   * `onPendingWarning`, or one line on stderr when nobody listens).
   * @default undefined (no warning)
   * @example new Cue({ pendingWarnAfter: 30_000 })
   */
  pendingWarnAfter?: number;
  /**
   * Fail work that has been pending longer than this with a `TimeoutError`
   * of kind `"pending"`. Delayed work counts from when it became due.
   * @default undefined (work may wait for ever)
   */
  pendingTimeout?: number;
  /**
   * Warn once per stall: no work started, completed, failed or was skipped
   * for this long while work is pending.
   * @default undefined (no warning)
   */
  stallWarnAfter?: number;
  /**
   * Fail ALL pending work with a `TimeoutError` of kind `"stall"` after no
   * progress for this long.
   * @default undefined (never)
   */
  stallTimeout?: number;
  /**
   * Re-check blocked work (not ready, rate used up) at least this often, so
   * that an artifact appearing from outside is noticed.
   * @default 50
   */
  pollInterval?: number;
  /**
   * Size of the worker pool that runs `worker` tasks.
   * @default os.availableParallelism()
   */
  threads?: number;
  /**
   * How many finished work records `get()` and `list()` remember; older ones
   * are forgotten first. Pending and running work is never forgotten.
   * @default 10_000
   */
  retain?: number;
  /**
   * How long a cancelled or timed-out handler has to return after its
   * `ctx.signal` fired before its worker thread is terminated (and, for a
   * main-thread handler, its service slot is given back).
   * @default 1_000
   */
  abortGrace?: number;
  /**
   * Memory limits of each worker thread; a thread that exceeds them fails
   * its attempt and is replaced.
   * @example new Cue({ resourceLimits: { maxOldGenerationSizeMb: 256 } })
   */
  resourceLimits?: ResourceLimits;
}

export const cueOptionsSchema = z
  .object({
    pendingWarnAfter: milliseconds.optional(),
    pendingTimeout: positiveMilliseconds.optional(),
    stallWarnAfter: milliseconds.optional(),
    stallTimeout: positiveMilliseconds.optional(),
    pollInterval: positiveMilliseconds.optional(),
    threads: z.number().int().positive().optional(),
    retain: z.number().int().nonnegative().optional(),
    abortGrace: milliseconds.optional(),
    resourceLimits: z
      .object({
        maxOldGenerationSizeMb: z.number().positive().optional(),
        maxYoungGenerationSizeMb: z.number().positive().optional(),
        codeRangeSizeMb: z.number().positive().optional(),
        stackSizeMb: z.number().positive().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/** Options of `cue.service(name, options)`. */
export interface ServiceOptions {
  /**
   * At most this many starts in any window of the interval (retries count).
   * @example "60/min", "10/5s", "100/hour", { limit: 10, interval: 1000 }
   */
  rate?: string | Rate;
  /**
   * At most this many works of the service running at once.
   * @example 5
   */
  concurrent?: number;
}

export const serviceOptionsSchema = z
  .object({
    rate: z
      .union([z.string(), z.object({ limit: z.number(), interval: z.number() }).strict()])
      .optional(),
    concurrent: z.number().int().positive().optional(),
  })
  .strict();

/** How a failed attempt is retried. */
export interface RetryOptions {
  /** How many attempts in all, the first run included. @default 1 */
  attempts: number;
  backoff?: BackoffOptions;
}

/** Delay before attempt n+1: `min(max, initial * factor^(n-1))`, then jittered. */
export interface BackoffOptions {
  /** Delay before the second attempt. @default 100 */
  initial?: number;
  /** Each further delay is this many times the previous. @default 2 */
  factor?: number;
  /** No delay is longer than this. @default 30_000 */
  max?: number;
  /** Fraction (0 to 1) of each delay drawn at random and taken off, to spread retries. @default 0 */
  jitter?: number;
}

export const retrySchema = z
  .object({
    attempts: z.number().int().positive(),
    backoff: z
      .object({
        initial: milliseconds.optional(),
        factor: z.number().finite().min(1).optional(),
        max: milliseconds.optional(),
        jitter: z.number().min(0).max(1).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/** A check of one work: `isReady` or `isStale`. */
export type WorkCheck<P = unknown> = (work: WorkInfo<P>) => boolean | Promise<boolean>;

/** What every task definition may say, whichever executor runs it. */
export interface TaskOptions<P = unknown> {
  /** The service whose limits this task counts against. @default none: no limits */
  uses?: string;
  /** A zod schema the params must satisfy at `submit`. */
  params?: z.ZodType<P>;
  /** Fail an attempt that runs longer than this with a `TimeoutError` of kind `"task"`. */
  timeout?: number;
  /** Retry failed attempts. */
  retry?: RetryOptions;
  /** Used instead of the global `cue.isReady` for this task. */
  isReady?: WorkCheck<P>;
  /** Used instead of the global `cue.isStale` for this task. */
  isStale?: WorkCheck<P>;
}

/** A task run by an async function on the main thread (I/O-bound work). */
export interface RunTaskDefinition<P = unknown, R = unknown> extends TaskOptions<P> {
  run: (work: WorkInfo<P>, ctx: TaskContext) => R | Promise<R>;
  worker?: undefined;
  export?: undefined;
  expose?: undefined;
}

/** Main-thread functions a worker handler may call as `ctx.main.name(...args)`. */
export type ExposedFunctions = Record<string, (...args: never[]) => unknown>;

/** A task run by a module in the worker pool (CPU-bound work). */
export interface WorkerTaskDefinition<P = unknown> extends TaskOptions<P> {
  /** The worker module: a `file:` URL or an absolute path. */
  worker: URL | string;
  /** The module's export to call. @default "default" */
  export?: string;
  /**
   * Main-thread functions the handler may call through `ctx.main` (over
   * comlink; each call returns a promise). Arguments and results must be
   * structured-cloneable.
   * @example { expose: { lookup: (key: string) => cache.get(key) } }
   */
  expose?: ExposedFunctions;
  run?: undefined;
}

export type TaskDefinition<P = unknown, R = unknown> =
  | RunTaskDefinition<P, R>
  | WorkerTaskDefinition<P>;

const isFunction = (value: unknown) => typeof value === "function";

export const taskDefinitionSchema = z
  .object({
    uses: z.string().optional(),
    params: z
      .custom<z.ZodType>((value) => value instanceof z.ZodType, "expected a zod schema")
      .optional(),
    timeout: positiveMilliseconds.optional(),
    retry: retrySchema.optional(),
    isReady: z.custom(isFunction, "expected a function").optional(),
    isStale: z.custom(isFunction, "expected a function").optional(),
    run: z.custom(isFunction, "expected a function").optional(),
    worker: z.union([z.instanceof(URL), z.string()]).optional(),
    export: z.string().min(1).optional(),
    expose: z.record(z.string(), z.custom(isFunction, "expected a function")).optional(),
  })
  .strict();

/** Options of `cue.submit(task, params, options)`. */
export interface SubmitOptions {
  /** 0 to 1, higher first; used when there is no `cue.priority` callback. @default 0.5 */
  priority?: number;
  /** Do not consider the work before this many ms from now. */
  delay?: number;
  /** Do not consider the work before this `Date.now()` timestamp. */
  at?: number;
}

export const submitOptionsSchema = z
  .object({
    priority: z.number().finite().optional(),
    delay: milliseconds.optional(),
    at: z.number().finite().optional(),
  })
  .strict();

/** Options of `cue.stop(options)`. */
export interface StopOptions {
  /** Cancel work still running after this long; `stop()` returns soon after. */
  timeout?: number;
}

export const stopOptionsSchema = z.object({ timeout: milliseconds.optional() }).strict();

/** Lists what is wrong as `option: problem` pairs. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length ? issue.path.join(".") : "(value)"}: ${issue.message}`)
    .join("; ");
}

/** Parses `value` or throws an Error that names `where` and each bad option. */
export function parseOptions<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success)
    throw new Error(messages.invalidOptions(where, describeIssues(parsed.error)));
  return parsed.data;
}
