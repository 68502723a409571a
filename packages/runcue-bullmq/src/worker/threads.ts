/**
 * The worker process's local threads: a Piscina pool loading runcue's own
 * thread runtime (`runcue/thread-entry`), so a remote job runs exactly as a
 * local one does: module loading and TypeScript modules, `transfer()`,
 * `ctx.progress` and `ctx.signal`. This file speaks the messages of
 * runcue's `worker/protocol.ts` on the process's side of the threads.
 */
import { BroadcastChannel } from "node:worker_threads";
import { Piscina } from "piscina";

/** One job as the threads see it (the shape of runcue's executor `Job`). */
export interface LocalJob {
  readonly work: { id: string; task: string; params: unknown; attempt: number };
  readonly task: { name: string; workerPath: string; exportName: string };
  readonly signal: AbortSignal;
  readonly aborted: boolean;
  progress(value: unknown): void;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** runcue's `ThreadTask`. */
interface ThreadTask {
  job: number;
  path: string;
  exportName: string;
  work: LocalJob["work"];
}

/** runcue's `ThreadOutcome`. */
type ThreadOutcome =
  | { ok: true; value: unknown; progressCount: number }
  | {
      ok: false;
      error: {
        name: string;
        message: string;
        stack?: string;
        properties?: Record<string, unknown>;
      };
      progressCount: number;
    };

const threadEntry = import.meta.resolve("runcue/thread-entry");
let poolCount = 0;

/** A running job: also the abort signal Piscina is given, to terminate its thread after the grace. */
class ThreadJob {
  aborted = false;
  reason: unknown = undefined;
  progressReceived = 0;
  private held: ThreadOutcome | undefined = undefined;
  private terminate: (() => void) | undefined = undefined;

  constructor(
    readonly id: number,
    readonly job: LocalJob,
    private readonly done: (entry: ThreadJob) => void,
  ) {}

  addEventListener(_type: "abort", listener: () => void): void {
    this.terminate = listener;
  }

  removeEventListener(): void {
    this.terminate = undefined;
  }

  terminateThread(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.terminate?.();
  }

  progress(value: unknown): void {
    this.progressReceived++;
    this.job.progress(value);
    if (this.held && this.progressReceived >= this.held.progressCount) this.deliver(this.held);
  }

  outcome(outcome: ThreadOutcome): void {
    // progress travels on another channel: the result waits until all of it has arrived
    if (this.progressReceived >= outcome.progressCount) this.deliver(outcome);
    else this.held = outcome;
  }

  private deliver(outcome: ThreadOutcome): void {
    this.held = undefined;
    this.done(this);
    if (outcome.ok) {
      this.job.resolve(outcome.value);
      return;
    }
    const { name, message, stack, properties } = outcome.error;
    const error = new Error(message);
    Object.defineProperty(error, "name", { value: name, configurable: true, writable: true });
    if (stack !== undefined) error.stack = stack;
    if (properties) Object.assign(error, properties);
    this.job.reject(error);
  }
}

export class LocalThreads {
  private pool: Piscina | undefined;
  private nextJob = 1;
  private readonly inFlight = new Map<number, ThreadJob>();
  private readonly byJob = new Map<LocalJob, ThreadJob>();
  private readonly abortChannelName = `runcue-worker-abort-${process.pid}-${++poolCount}`;
  private abortChannel: BroadcastChannel | undefined;
  private readonly abortedJobs = new Int32Array(new SharedArrayBuffer(4 * 1024));

  constructor(private readonly threads: number) {}

  private getPool(): Piscina {
    if (!this.pool) {
      this.pool = new Piscina({
        filename: threadEntry,
        minThreads: this.threads,
        maxThreads: this.threads,
        concurrentTasksPerWorker: 1,
        idleTimeout: Number.POSITIVE_INFINITY,
        workerData: { abortChannel: this.abortChannelName, abortedJobs: this.abortedJobs },
      });
      this.pool.on("message", (message: { runcue?: string; job: number; value: unknown }) => {
        if (message?.runcue === "progress") this.inFlight.get(message.job)?.progress(message.value);
      });
      // a thread's error reaches the job it ran; the pool's own event must not end the process
      this.pool.on("error", () => {});
    }
    return this.pool;
  }

  run(job: LocalJob): void {
    const entry = new ThreadJob(this.nextJob++, job, this.release);
    this.inFlight.set(entry.id, entry);
    this.byJob.set(job, entry);
    const task: ThreadTask = {
      job: entry.id,
      path: job.task.workerPath,
      exportName: job.task.exportName,
      work: job.work,
    };
    this.getPool()
      .run(task, { signal: entry as never })
      .then(
        (outcome: ThreadOutcome) => entry.outcome(outcome),
        (error: unknown) => {
          this.release(entry);
          if (entry.aborted) {
            job.reject(entry.reason);
            return;
          }
          const reason = error instanceof Error ? error.message : String(error);
          job.reject(
            new Error(
              `Worker thread running work ${job.work.id} of task "${job.task.name}" died: ${reason}`,
              {
                cause: error,
              },
            ),
          );
        },
      );
  }

  /** Tells the handler through its `ctx.signal`, and terminates its thread if it has not returned after `grace` ms. */
  abort(job: LocalJob, grace: number): void {
    const entry = this.byJob.get(job);
    if (!entry) return;
    const reason = job.signal.reason instanceof Error ? job.signal.reason : new Error("aborted");
    // flag first, then broadcast: a thread that checks the flag before listening misses neither
    Atomics.store(this.abortedJobs, entry.id % this.abortedJobs.length, entry.id);
    if (!this.abortChannel) {
      this.abortChannel = new BroadcastChannel(this.abortChannelName);
      this.abortChannel.unref();
    }
    this.abortChannel.postMessage({ job: entry.id, name: reason.name, message: reason.message });
    setTimeout(() => entry.terminateThread(reason), grace).unref();
  }

  private readonly release = (entry: ThreadJob): void => {
    if (!this.inFlight.delete(entry.id)) return;
    this.byJob.delete(entry.job);
  };

  async close(): Promise<void> {
    this.abortChannel?.close();
    this.abortChannel = undefined;
    const pool = this.pool;
    this.pool = undefined;
    if (pool) await pool.destroy();
  }
}
