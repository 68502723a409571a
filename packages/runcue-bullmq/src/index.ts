/**
 * `@runcue/bullmq`: runcue's worker tasks on many machines, through BullMQ on
 * Redis. The coordinator keeps every decision; BullMQ carries the jobs.
 *
 * @example
 * import { Cue } from "runcue";
 * import { redisPool } from "@runcue/bullmq";
 *
 * const cue = new Cue({
 *   pools: { farm: redisPool({ connection: "redis://127.0.0.1:6379", queue: "render" }) },
 * });
 * cue.task("tile", { uses: "cpu", worker: new URL("./tile.worker.js", import.meta.url), pool: "farm" });
 * // on each machine: runcue-worker --redis redis://127.0.0.1:6379 --queue render --threads 4
 */

import type { RedisPoolOptions } from "./options.js";
import { RedisPool } from "./redis-pool.js";

export { DEFAULT_MAX_RESULT_BYTES, type RedisPoolOptions } from "./options.js";
export type { RedisPool } from "./redis-pool.js";
export { RuncueWorker, type WorkerOptions } from "./worker/runner.js";

/**
 * A pool of remote threads for the Cue's `pools` option: the threads of every
 * `runcue-worker` on `queue`. Connects when the cue starts; `stop()` closes
 * every connection.
 */
export function redisPool(options: RedisPoolOptions): RedisPool {
  return new RedisPool(options);
}
