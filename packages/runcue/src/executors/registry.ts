import type { ResourceLimits } from "node:worker_threads";
import { messages } from "../errors.js";
import { LOCAL_POOL, type TaskSettings } from "../options.js";
import { MainThreadExecutor } from "./main.js";
import { ThreadPool } from "./thread-pool.js";
import type { Executor, JobTask, Pool, PoolStats } from "./types.js";
import { resolveWorkerPath } from "./worker-path.js";

/** What the registry needs from the cue's options. */
export interface ExecutorSettings {
  threads: number;
  resourceLimits?: ResourceLimits | undefined;
  abortGrace: number;
  pools: Record<string, Pool>;
}

/** A task bound to the executor that runs it. */
export interface BoundTask {
  readonly executor: Executor;
  /** The executor's name: `"main"`, `"local"` or a key of `pools`. */
  readonly executorName: string;
  readonly job: JobTask;
}

/**
 * Every executor of one cue, by name: the main thread, the local thread pool
 * (`"local"`) and the pools of the `pools` option. The one place that knows
 * which executors exist; everything else talks to `Executor`.
 */
export class ExecutorRegistry {
  private readonly main = new MainThreadExecutor();
  private readonly pools = new Map<string, Pool>();

  constructor(settings: ExecutorSettings, wake: () => void) {
    const local = new ThreadPool({
      threads: settings.threads,
      resourceLimits: settings.resourceLimits,
    });
    this.pools.set(LOCAL_POOL, local);
    for (const [name, pool] of Object.entries(settings.pools)) this.pools.set(name, pool);
    const attach = (name: string, executor: Executor) =>
      executor.attach?.({ name, abortGrace: settings.abortGrace, wake });
    attach("main", this.main);
    for (const [name, pool] of this.pools) attach(name, pool);
  }

  /**
   * The executor of a checked task definition: the main thread for `run`,
   * else its pool. Throws for an unknown pool or a task the pool refuses.
   */
  bind(name: string, settings: TaskSettings): BoundTask {
    if (settings.worker === undefined) {
      const job: JobTask = { name, run: settings.run as JobTask["run"], exportName: "default" };
      return { executor: this.main, executorName: "main", job };
    }
    const poolName = settings.pool ?? LOCAL_POOL;
    const pool = this.pools.get(poolName);
    if (!pool) throw new Error(messages.unknownPool(name, poolName, [...this.pools.keys()]));
    const job: JobTask = {
      name,
      workerPath: resolveWorkerPath(name, settings.worker),
      exportName: settings.export,
      expose: settings.expose as JobTask["expose"],
    };
    pool.checkTask?.(job);
    return { executor: pool, executorName: poolName, job };
  }

  /** The cue started: pools that connect somewhere do it now, without being awaited. */
  start(): void {
    for (const [name, pool] of this.pools) {
      if (!pool.start) continue;
      const report = (error: unknown) =>
        process.stderr.write(`${messages.poolStartFailed(name, error)}\n`);
      try {
        const started = pool.start();
        if (started instanceof Promise) started.catch(report);
      } catch (error) {
        report(error);
      }
    }
  }

  /** Closes every executor; awaited by `stop()`. */
  async close(): Promise<void> {
    await Promise.all([this.main.close(), ...[...this.pools.values()].map((pool) => pool.close())]);
  }

  /** Each pool's size and use, by name (a null-prototype object). */
  stats(): Record<string, PoolStats> {
    const stats: Record<string, PoolStats> = Object.create(null);
    for (const [name, pool] of this.pools) stats[name] = pool.stats();
    return stats;
  }

  /** The local thread pool's size and use (`stats().threads`). */
  localStats(): PoolStats {
    return this.pools.get(LOCAL_POOL)!.stats();
  }
}
