/**
 * The worker process's local threads: runcue's own thread pool (the one a
 * Cue runs worker tasks in), so a remote job runs exactly as a local one
 * does: module loading and TypeScript modules, `transfer()`, progress held
 * until all of it has arrived, `ctx.signal`, a thread terminated after the
 * abort grace and replaced.
 */
import { type Job, ThreadPool } from "runcue";

/** One job as the threads see it: runcue's executor `Job`. */
export type LocalJob = Job;

export class LocalThreads {
  private readonly pool: ThreadPool;

  constructor(threads: number) {
    this.pool = new ThreadPool({ threads, resourceLimits: undefined });
    this.attach(1000);
  }

  private attach(abortGrace: number): void {
    this.pool.attach({ name: "runcue-worker", abortGrace, wake: () => {} });
  }

  run(job: LocalJob): void {
    this.pool.run(job);
  }

  /**
   * Tells the handler through its `ctx.signal`, and terminates its thread if
   * it has not returned after `grace` ms: the coordinator's `abortGrace`,
   * which each job carries (one worker may serve coordinators with others).
   */
  abort(job: LocalJob, grace: number): void {
    this.attach(grace);
    this.pool.abort(job);
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
