import { BroadcastChannel, MessageChannel, type ResourceLimits } from "node:worker_threads";
import * as Comlink from "comlink/dist/esm/comlink.mjs";
import nodeEndpoint from "comlink/dist/esm/node-adapter.mjs";
import { Piscina } from "piscina";
import { messages } from "../errors.js";
import {
  type AbortMessage,
  deserializeError,
  isProgressMessage,
  type ThreadOutcome,
  type ThreadSetup,
  type ThreadTask,
} from "../worker/protocol.js";
import type { Executor, Job } from "./types.js";

export interface PoolOptions {
  threads: number;
  resourceLimits: ResourceLimits | undefined;
  abortGrace: number;
}

/** One attempt in flight in the pool. */
interface InFlight {
  job: Job;
  progressReceived: number;
  /** Set when the result is in but progress messages are still on their way. */
  deliverWhenCaughtUp: { expected: number; deliver: () => void } | undefined;
}

let poolCount = 0;

/**
 * The signal handed to Piscina to terminate a thread after the grace. Piscina
 * only needs `aborted`, `reason` and one listener, so this costs less than an
 * AbortController per job.
 */
class TerminationSignal {
  aborted = false;
  reason: unknown = undefined;
  private listener: (() => void) | undefined = undefined;

  addEventListener(_type: "abort", listener: () => void): void {
    this.listener = listener;
  }

  removeEventListener(): void {
    this.listener = undefined;
  }

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.listener?.();
  }
}

/**
 * Runs `worker` tasks in a Piscina pool, one job a thread. The scheduler
 * hands it a job only when `freeSlots()` says a thread is free, so Piscina's
 * own queue stays empty and nothing is prefetched.
 */
export class PoolExecutor implements Executor {
  readonly kind = "pool";
  private pool: Piscina | undefined;
  private busy = 0;
  private nextJob = 1;
  private readonly inFlight = new Map<number, InFlight>();
  private readonly abortChannelName = `runcue-abort-${process.pid}-${++poolCount}`;
  private abortChannel: BroadcastChannel | undefined;
  private readonly abortedJobs = new Int32Array(new SharedArrayBuffer(4 * 1024));
  private readonly setup: ThreadSetup = {
    abortChannel: this.abortChannelName,
    abortedJobs: this.abortedJobs,
  };

  constructor(private readonly options: PoolOptions) {}

  freeSlots(): number {
    return this.options.threads - this.busy;
  }

  usage(): { size: number; busy: number } {
    return { size: this.options.threads, busy: this.busy };
  }

  private getPool(): Piscina {
    if (!this.pool) {
      this.pool = new Piscina({
        filename: new URL("./thread.js", import.meta.url).href,
        minThreads: this.options.threads,
        maxThreads: this.options.threads,
        concurrentTasksPerWorker: 1,
        idleTimeout: Number.POSITIVE_INFINITY,
        resourceLimits: this.options.resourceLimits,
        workerData: this.setup,
      });
      this.pool.on("message", (message: unknown) => {
        if (isProgressMessage(message)) this.onProgress(message.job, message.value);
      });
      // errors of a thread reach the task it ran; the pool's own 'error' event must not crash the process
      this.pool.on("error", () => {});
    }
    return this.pool;
  }

  run(job: Job): void {
    const id = this.nextJob++;
    const entry: InFlight = { job, progressReceived: 0, deliverWhenCaughtUp: undefined };
    this.inFlight.set(id, entry);
    this.busy++;
    const hardAbort = new TerminationSignal();
    job.onAbort = () => {
      this.broadcastAbort(id, job.signal.reason);
      // a handler that does not return within the grace is stopped by terminating its thread
      const timer = setTimeout(() => hardAbort.abort(job.signal.reason), this.options.abortGrace);
      timer.unref();
    };
    const task: ThreadTask = {
      job: id,
      path: job.task.workerPath!,
      exportName: job.task.exportName ?? "default",
      work: job.work as ThreadTask["work"],
    };
    let closeMain: (() => void) | undefined;
    if (job.task.expose) {
      // only tasks that expose functions pay for a channel of their own
      const { port1, port2 } = new MessageChannel();
      Comlink.expose(job.task.expose, nodeEndpoint(port1 as never));
      task.mainPort = port2;
      closeMain = () => port1.close();
    }
    const done = () => {
      closeMain?.();
      this.inFlight.delete(id);
      this.busy--;
    };
    this.getPool()
      .run(task, { signal: hardAbort as never, transferList: task.mainPort ? [task.mainPort] : [] })
      .then(
        (outcome: ThreadOutcome) => {
          const deliver = () => {
            done();
            if (outcome.ok) job.settle(true, outcome.value);
            else job.settle(false, deserializeError(outcome.error));
          };
          if (entry.progressReceived >= outcome.progressCount) deliver();
          else entry.deliverWhenCaughtUp = { expected: outcome.progressCount, deliver };
        },
        (error: unknown) => {
          done();
          job.settle(false, this.describeThreadError(job, error, hardAbort));
        },
      );
  }

  private onProgress(jobId: number, value: unknown): void {
    const entry = this.inFlight.get(jobId);
    if (!entry) return;
    entry.progressReceived++;
    entry.job.progress(value);
    const pending = entry.deliverWhenCaughtUp;
    if (pending && entry.progressReceived >= pending.expected) pending.deliver();
  }

  private broadcastAbort(job: number, reason: unknown): void {
    // flag first, then broadcast: a thread that checks the flag before listening misses neither
    Atomics.store(this.abortedJobs, job % this.abortedJobs.length, job);
    if (!this.abortChannel) {
      this.abortChannel = new BroadcastChannel(this.abortChannelName);
      this.abortChannel.unref();
    }
    const error = reason instanceof Error ? reason : new Error(String(reason));
    const message: AbortMessage = { job, name: error.name, message: error.message };
    this.abortChannel.postMessage(message);
  }

  private describeThreadError(job: Job, error: unknown, hardAbort: TerminationSignal): Error {
    if (hardAbort.aborted)
      return hardAbort.reason instanceof Error
        ? hardAbort.reason
        : new Error(String(hardAbort.reason));
    const { id, task } = job.work;
    const code = (error as { code?: string } | null)?.code;
    if (code === "ERR_WORKER_OUT_OF_MEMORY")
      return new Error(messages.workerOutOfMemory(task, id), { cause: error });
    const reason = error instanceof Error ? error.message : String(error);
    return new Error(messages.workerThreadDied(task, id, reason), { cause: error });
  }

  async close(): Promise<void> {
    this.abortChannel?.close();
    this.abortChannel = undefined;
    const pool = this.pool;
    this.pool = undefined;
    if (pool) await pool.destroy();
  }
}
