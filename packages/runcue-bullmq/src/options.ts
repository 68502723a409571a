/** The options of `redisPool()`: zod schema, types, and each default beside its TSDoc. */
import { isAbsolute } from "node:path";
import type { RedisOptions } from "ioredis";
import { z } from "zod";
import { messages } from "./errors.js";

/** Largest encoded result a remote job may return, by default: 4 MiB. */
export const DEFAULT_MAX_RESULT_BYTES = 4 * 1024 * 1024;

/** Where the coordinator and `runcue-worker` resolve worker modules from, when not told. */
export function defaultRoot(): string {
  // under `npm run`/`pnpm run`, INIT_CWD is where the user typed the command
  return process.env.INIT_CWD ?? process.cwd();
}

export interface RedisPoolOptions {
  /**
   * The Redis server: a URL (`redis://host:6379`, `rediss://` for TLS,
   * `redis://:password@host:6379/2` for a database), or ioredis options.
   *
   * @example "redis://127.0.0.1:6379"
   */
  connection: string | RedisOptions;
  /**
   * The BullMQ queue: `runcue-worker --queue` must name the same one. One
   * coordinator per queue: at start the pool empties the queue's waiting jobs
   * left by an earlier run.
   *
   * @example "render"
   */
  queue: string;
  /** BullMQ's key prefix. @default "bull" */
  prefix?: string;
  /**
   * The folder worker modules are sent relative to. A module inside it
   * travels as a relative path that each `runcue-worker` resolves against its
   * own `--root`, so the same checkout works on every machine; a module
   * outside it travels as an absolute path.
   *
   * @default the folder the program was started from (`INIT_CWD` under npm and pnpm scripts, else the current directory)
   */
  root?: string;
  /**
   * Largest result, in bytes once encoded, that a remote job may return;
   * a larger one fails the attempt with an error saying so, instead of
   * bloating Redis and its event stream. Large outputs belong in shared
   * storage, the result naming where.
   *
   * @default 4 MiB (4_194_304)
   */
  maxResultBytes?: number;
  /**
   * How often (ms) jobs in flight are checked against their state in Redis,
   * so a lost event, a worker that died or a Redis that lost its data cannot
   * leave a work running forever.
   *
   * @default 1000
   */
  reconcileInterval?: number;
}

export const redisPoolSchema = z
  .object({
    connection: z.union([
      z.string().regex(/^rediss?:\/\//, 'must be a URL starting with "redis://" or "rediss://"'),
      z.looseObject({}),
    ]),
    queue: z
      .string()
      .min(1, "must be a non-empty name")
      .regex(/^[^:]+$/, 'must not contain ":"'),
    prefix: z
      .string()
      .min(1)
      .regex(/^[^:]+$/, 'must not contain ":"')
      .default("bull"),
    root: z
      .string()
      .refine((value) => isAbsolute(value), "must be an absolute path")
      .optional(),
    maxResultBytes: z.number().int().positive().default(DEFAULT_MAX_RESULT_BYTES),
    reconcileInterval: z.number().int().min(50).max(60_000).default(1000),
  })
  .strict();

export type ParsedRedisPoolOptions = z.output<typeof redisPoolSchema> & { root: string };

export function parsePoolOptions(options: unknown): ParsedRedisPoolOptions {
  const parsed = redisPoolSchema.safeParse(options ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues
      .map((issue) => `${issue.path.length ? issue.path.join(".") : "(value)"}: ${issue.message}`)
      .join("; ");
    throw new Error(messages.invalidPoolOptions(issues));
  }
  return { ...parsed.data, root: parsed.data.root ?? defaultRoot() };
}
