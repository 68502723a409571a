import { availableParallelism } from "node:os";
import type { ResourceLimits } from "node:worker_threads";
import { z } from "zod";
import { messages } from "./errors.js";
import type { ExposedFunctions, Pool } from "./executors/types.js";
import { parseRate, type Rate } from "./rate.js";
import { isStandardSchema, type StandardSchemaV1 } from "./standard-schema.js";
import type { TaskContext, WorkInfo } from "./works.js";

/** The longest delay Node's timers accept (ms); longer ones fire at once. */
export const MAX_TIMER_DELAY = 2 ** 31 - 1;
/** The most threads a local pool may have. */
export const MAX_THREADS = 1024;

/** A time option: finite, not negative, at most what Node's timers accept. */
export const milliseconds = z.number().finite().nonnegative().max(MAX_TIMER_DELAY);
export const positiveMilliseconds = z.number().finite().positive().max(MAX_TIMER_DELAY);

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
   * The first re-check of a work that answered "not ready" comes after this;
   * the gap then grows while it keeps answering so, up to `maxPollInterval`.
   * @default 50
   */
  pollInterval?: number;
  /**
   * Not-ready work is re-checked at least this often, so that an artifact
   * appearing from outside is noticed within it. At least `pollInterval`.
   * @default Math.max(1000, pollInterval)
   */
  maxPollInterval?: number;
  /**
   * Size of the local worker pool that runs `worker` tasks (at most 1024).
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
  /**
   * More worker pools, by name, for the task option `pool` (the local thread
   * pool is `"local"`, the default).
   * @example new Cue({ pools: { farm: redisPool({ connection: "redis://127.0.0.1:6379", queue: "render" }) } })
   */
  pools?: Record<string, Pool>;
}

/** The name of the local thread pool in `stats().pools` and the task option `pool`. */
export const LOCAL_POOL = "local";

const isPool = (value: unknown): value is Pool => {
  if (typeof value !== "object" || value === null) return false;
  const pool = value as Record<string, unknown>;
  return ["freeSlots", "run", "abort", "stats", "describeBusy", "close"].every(
    (method) => typeof pool[method] === "function",
  );
};

export const cueOptionsSchema = z
  .object({
    pendingWarnAfter: milliseconds.optional(),
    pendingTimeout: positiveMilliseconds.optional(),
    stallWarnAfter: milliseconds.optional(),
    stallTimeout: positiveMilliseconds.optional(),
    pollInterval: positiveMilliseconds.default(50),
    maxPollInterval: positiveMilliseconds.optional(),
    threads: z
      .number()
      .int()
      .positive()
      .max(MAX_THREADS)
      .default(() => Math.min(MAX_THREADS, availableParallelism())),
    retain: z.number().int().nonnegative().default(10_000),
    abortGrace: milliseconds.default(1_000),
    resourceLimits: z
      .object({
        maxOldGenerationSizeMb: z.number().positive().optional(),
        maxYoungGenerationSizeMb: z.number().positive().optional(),
        codeRangeSizeMb: z.number().positive().optional(),
        stackSizeMb: z.number().positive().optional(),
      })
      .strict()
      .optional(),
    pools: z
      .record(
        z.string(),
        z.custom<Pool>(
          isPool,
          "expected a pool: an object with freeSlots, run, abort, stats, describeBusy and close",
        ),
      )
      .default({}),
  })
  .strict()
  .superRefine((options, ctx) => {
    if (options.maxPollInterval !== undefined && options.maxPollInterval < options.pollInterval) {
      ctx.addIssue({
        code: "custom",
        path: ["maxPollInterval"],
        message: `must be at least pollInterval (${options.pollInterval})`,
      });
    }
    if (Object.hasOwn(options.pools, LOCAL_POOL)) {
      ctx.addIssue({
        code: "custom",
        path: ["pools", LOCAL_POOL],
        message: `"${LOCAL_POOL}" is the name of the local thread pool; choose another`,
      });
    }
  })
  .transform((options) => ({
    ...options,
    maxPollInterval: options.maxPollInterval ?? Math.max(1_000, options.pollInterval),
  }));

/** The Cue's options with every default filled in. */
export type CueSettings = z.output<typeof cueOptionsSchema>;

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
    // its text and numbers are checked by parseRate, which names the service
    rate: z.unknown().optional(),
    concurrent: z.number().int().positive().optional(),
  })
  .strict();

/** A service's options, checked: the rate parsed. */
export interface ServiceSettings {
  rate: Rate | undefined;
  concurrent: number | undefined;
}

/** Checks a service's options; a bad rate throws the rate's own message, naming the service. */
export function parseServiceOptions(name: string, options: unknown): ServiceSettings {
  const { rate, concurrent } = parseOptions(
    serviceOptionsSchema,
    options,
    `options for service "${name}"`,
  );
  return {
    rate: rate === undefined ? undefined : parseRate(rate as string | Rate, name),
    concurrent,
  };
}

/** How a failed attempt is retried. */
export interface RetryOptions {
  /** How many attempts in all, the first run included. @default 1 */
  attempts: number;
  /** The delays between attempts. @default { initial: 100, factor: 2, max: 30_000 } */
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

const backoffSchema = z
  .object({
    initial: milliseconds.default(100),
    factor: z.number().finite().min(1).default(2),
    max: milliseconds.default(30_000),
    jitter: z.number().min(0).max(1).default(0),
  })
  .strict();

export const retrySchema = z
  .object({
    attempts: z.number().int().positive(),
    backoff: backoffSchema.default(() => backoffSchema.parse({})),
  })
  .strict();

/** A task's retry policy with every default filled in. */
export type RetrySettings = z.output<typeof retrySchema>;

const NO_RETRY: RetrySettings = retrySchema.parse({ attempts: 1 });

/** The delay before the attempt after `attempt` (1 for the first run). */
export function retryDelay(retry: RetrySettings, attempt: number): number {
  const { initial, factor, max, jitter } = retry.backoff;
  const base = Math.min(max, initial * factor ** (attempt - 1));
  return Math.round(base * (1 - jitter * Math.random()));
}

/** A check of one work: `isReady` or `isStale`. */
export type WorkCheck<P = unknown> = (work: WorkInfo<P>) => boolean | Promise<boolean>;

/** What every task definition may say, whichever executor runs it. */
export interface TaskOptions<P = unknown> {
  /** The service whose limits this task counts against. @default none: no limits */
  uses?: string;
  /**
   * Any Standard Schema (zod 3.24+ and 4, valibot, arktype...) the params must
   * satisfy at `submit`, synchronously; the handler gets its output, and the
   * params type is inferred from it.
   * @example params: z.object({ url: z.string().url() })
   */
  params?: StandardSchemaV1<unknown, P>;
  /** Fail an attempt that runs longer than this with a `TimeoutError` of kind `"task"`. */
  timeout?: number;
  /**
   * Worker tasks: the pool that runs them, a name from the `pools` option.
   * @default "local" (the local thread pool)
   */
  pool?: string;
  /** Retry failed attempts. */
  retry?: RetryOptions;
  /** Used instead of the global `cue.isReady` for this task. */
  isReady?: WorkCheck<P>;
  /** Used instead of the global `cue.isStale` for this task. */
  isStale?: WorkCheck<P>;
}

/** A task run by an async function on the main thread (I/O-bound work). */
export interface RunTaskDefinition<P = unknown, R = unknown> extends TaskOptions<P> {
  /**
   * The handler: its return value (or what its promise resolves to) is the work's result; a throw
   * or a rejection fails the attempt. `ctx.signal` is aborted on cancel, timeout or stop timeout.
   * @example run: async (work, ctx) => fetch(work.params.url, { signal: ctx.signal }).then((r) => r.text())
   */
  run: (work: WorkInfo<P>, ctx: TaskContext) => R | Promise<R>;
  /** Not with `run`: a task has one handler. */
  worker?: undefined;
  /** Only for worker tasks. */
  export?: undefined;
  /** Only for worker tasks. */
  expose?: undefined;
}

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
  /** Not with `worker`: a task has one handler. */
  run?: undefined;
}

/** What `cue.task()` takes: a main-thread task (`run`) or a worker task (`worker`). */
export type TaskDefinition<P = unknown, R = unknown> =
  | RunTaskDefinition<P, R>
  | WorkerTaskDefinition<P>;

const isFunction = (value: unknown) => typeof value === "function";

export const taskDefinitionSchema = z
  .object({
    uses: z.string().optional(),
    pool: z.string().min(1).optional(),
    params: z
      .custom<StandardSchemaV1>(
        isStandardSchema,
        "expected a Standard Schema (zod 3.24+ or 4, valibot, arktype...)",
      )
      .optional(),
    timeout: positiveMilliseconds.optional(),
    retry: retrySchema.default(NO_RETRY),
    isReady: z.custom(isFunction, "expected a function").optional(),
    isStale: z.custom(isFunction, "expected a function").optional(),
    run: z.custom(isFunction, "expected a function").optional(),
    worker: z.union([z.instanceof(URL), z.string()]).optional(),
    export: z.string().min(1).default("default"),
    expose: z.record(z.string(), z.custom(isFunction, "expected a function")).optional(),
  })
  .strict();

/** A task definition, checked, with its defaults filled in. */
export type TaskSettings = z.output<typeof taskDefinitionSchema>;

/**
 * Checks a task definition: its options, and the rules across them (exactly
 * one of `run` and `worker`; `expose` and `pool` only with `worker`).
 */
export function parseTaskDefinition(name: string, definition: unknown): TaskSettings {
  if (typeof definition !== "object" || definition === null) {
    throw new Error(messages.taskNeedsDefinition(name, definition));
  }
  const settings = parseOptions(taskDefinitionSchema, definition, `definition of task "${name}"`);
  if ((settings.run === undefined) === (settings.worker === undefined)) {
    throw new Error(messages.taskNeedsOneHandler(name));
  }
  if (settings.expose !== undefined && settings.worker === undefined) {
    throw new Error(messages.exposeNeedsWorker(name));
  }
  if (settings.pool !== undefined && settings.worker === undefined) {
    throw new Error(messages.poolNeedsWorker(name));
  }
  return settings;
}

/** A priority as the scheduler uses it: in [0, 1]; anything not a number is 0.5. */
export function clampPriority(value: unknown): number {
  if (typeof value !== "number" || Number.isNaN(value)) return 0.5;
  return Math.min(1, Math.max(0, value));
}

/** Lists what is wrong as `option: problem` pairs. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length ? issue.path.join(".") : "(value)"}: ${issue.message}`)
    .join("; ");
}

/** Parses `value` or throws an Error that names `where` and each bad option. */
export function parseOptions<T extends z.ZodType>(
  schema: T,
  value: unknown,
  where: string,
): z.output<T> {
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success)
    throw new Error(messages.invalidOptions(where, describeIssues(parsed.error)));
  return parsed.data;
}

// The documented interfaces and the schemas must agree: a compile error here means one changed alone.
type Agrees<Documented, Parsed> = [Documented] extends [Parsed]
  ? [keyof Parsed] extends [keyof Documented]
    ? [keyof Documented] extends [keyof Parsed]
      ? true
      : false
    : false
  : false;
const optionsAgree: [
  Agrees<CueOptions, z.input<typeof cueOptionsSchema>>,
  Agrees<ServiceOptions, z.input<typeof serviceOptionsSchema>>,
  Agrees<RetryOptions, z.input<typeof retrySchema>>,
  Agrees<TaskDefinition, z.input<typeof taskDefinitionSchema>>,
] = [true, true, true, true];
void optionsAgree;
