import {
  BroadcastChannel,
  MessageChannel,
  type MessagePort,
  type ResourceLimits,
  Worker,
} from "node:worker_threads";
import * as Comlink from "comlink/dist/esm/comlink.mjs";
import nodeEndpoint from "comlink/dist/esm/node-adapter.mjs";
import { Piscina } from "piscina";
import { messages } from "../errors.js";
import {
  type AbortMessage,
  deserializeError,
  isProgressMessage,
  isStartedMessage,
  type ThreadOutcome,
  type ThreadSetup,
  type ThreadTask,
} from "../worker/protocol.js";
import { assertCloneable } from "./cloneable.js";
import type { ExecutorHost, Job, JobTask, Pool, PoolStats } from "./types.js";

/** How to build a {@link ThreadPool} outside a cue (runcue-worker does). */
export interface ThreadPoolOptions {
  /** How many threads, each running one job at a time. */
  threads: number;
  /** `worker_threads` resource limits for every thread, or `undefined` for Node's defaults. */
  resourceLimits: ResourceLimits | undefined;
}

let poolCount = 0;

const TSX_FLAG_VALUE = /(^|[\\/])tsx([\\/@]|$)/;
const FLAGS_WITH_VALUE = new Set([
  "--import",
  "--require",
  "-r",
  "--loader",
  "--experimental-loader",
]);

/**
 * The Node flags for pool threads: the program's own, less tsx's. Threads
 * would otherwise each boot tsx (about 0.15 s of CPU apiece) to run modules
 * that are mostly plain JavaScript; the thread runtime registers tsx itself
 * when it meets a `.ts` module. Undefined means "inherit as Node does", used
 * when there is nothing to remove or the trimmed list is not one a thread
 * accepts.
 */
function threadExecArgv(): string[] | undefined {
  const kept: string[] = [];
  const flags = process.execArgv;
  for (let index = 0; index < flags.length; index++) {
    const flag = flags[index]!;
    const [name, inlineValue] = flag.split(/=(.*)/s, 2) as [string, string | undefined];
    if (FLAGS_WITH_VALUE.has(name)) {
      const value = inlineValue ?? flags[index + 1] ?? "";
      if (inlineValue === undefined) index++;
      if (TSX_FLAG_VALUE.test(value)) continue;
      kept.push(flag);
      if (inlineValue === undefined) kept.push(value);
      continue;
    }
    kept.push(flag);
  }
  if (kept.length === flags.length) return undefined;
  try {
    // Node refuses some process-wide flags in an explicit list; a failed probe means inherit
    void new Worker("", { eval: true, execArgv: kept }).terminate();
    return kept;
  } catch {
    return undefined;
  }
}

/**
 * One job in the pool. It is also the signal handed to Piscina to terminate
 * its thread after the grace: Piscina only needs `aborted`, `reason` and one
 * listener, so no AbortController is made per job.
 */
class ThreadJob {
  aborted = false;
  reason: unknown = undefined;
  progressReceived = 0;
  /** The result, held back until every progress message before it has arrived. */
  private held: ThreadOutcome | undefined = undefined;
  private terminate: (() => void) | undefined = undefined;
  mainPort: MessagePort | undefined = undefined;

  constructor(
    readonly id: number,
    readonly job: Job,
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
    if (this.progressReceived >= outcome.progressCount) this.deliver(outcome);
    else this.held = outcome;
  }

  private deliver(outcome: ThreadOutcome): void {
    this.held = undefined;
    this.done(this);
    if (outcome.ok) this.job.resolve(outcome.value);
    else this.job.reject(deserializeError(outcome.error));
  }
}

/**
 * The local pool: runs `worker` tasks in a Piscina pool, one job a thread.
 * The scheduler hands it a job only when `freeSlots()` says a thread is free,
 * so Piscina's own queue stays empty and nothing is prefetched.
 */
export class ThreadPool implements Pool {
  /** Each thread says when it calls a handler (a "started" message): rate windows are stamped then. */
  readonly reportsHandlerStart = true;
  private pool: Piscina | undefined;
  private busy = 0;
  private nextJob = 1;
  private abortGrace = 0;
  /** Running jobs by their number, which the thread's messages name. */
  private readonly inFlight = new Map<number, ThreadJob>();
  private readonly abortChannelName = `runcue-abort-${process.pid}-${++poolCount}`;
  private abortChannel: BroadcastChannel | undefined;
  private readonly abortedJobs = new Int32Array(new SharedArrayBuffer(4 * 1024));
  private readonly setup: ThreadSetup = {
    abortChannel: this.abortChannelName,
    abortedJobs: this.abortedJobs,
  };

  constructor(private readonly options: ThreadPoolOptions) {}

  attach(host: ExecutorHost): void {
    this.abortGrace = host.abortGrace;
  }

  freeSlots(): number {
    return this.options.threads - this.busy;
  }

  stats(): PoolStats {
    return { size: this.options.threads, busy: this.busy };
  }

  describeBusy(): string {
    return messages.threadsBusy(this.options.threads, this.busy);
  }

  checkParams(params: unknown, task: JobTask): void {
    assertCloneable(task.name, params);
  }

  private getPool(): Piscina {
    if (!this.pool) {
      this.pool = new Piscina({
        filename: new URL("./thread-entry.cjs", import.meta.url).href,
        minThreads: this.options.threads,
        maxThreads: this.options.threads,
        concurrentTasksPerWorker: 1,
        idleTimeout: Number.POSITIVE_INFINITY,
        resourceLimits: this.options.resourceLimits,
        workerData: this.setup,
        execArgv: threadExecArgv(),
      });
      this.pool.on("message", (message: unknown) => {
        if (isProgressMessage(message)) this.onProgress(message.job, message.value);
        else if (isStartedMessage(message)) this.inFlight.get(message.job)?.job.handlerStarted?.();
      });
      // errors of a thread reach the task it ran; the pool's own 'error' event must not crash the process
      this.pool.on("error", () => {});
    }
    return this.pool;
  }

  run(job: Job): void {
    const entry = new ThreadJob(this.nextJob++, job, this.release);
    this.inFlight.set(entry.id, entry);
    this.busy++;
    const { task: definition } = job;
    const task: ThreadTask = {
      job: entry.id,
      path: definition.workerPath!,
      exportName: definition.exportName ?? "default",
      work: job.work as ThreadTask["work"],
      reportStart: job.reportStart !== false,
    };
    if (definition.expose) {
      // only tasks that expose functions pay for a channel of their own
      const { port1, port2 } = new MessageChannel();
      Comlink.expose(definition.expose, nodeEndpoint(port1 as never));
      task.mainPort = port2;
      entry.mainPort = port1;
    }
    this.getPool()
      .run(task, { signal: entry as never, transferList: task.mainPort ? [task.mainPort] : [] })
      .then(
        (outcome: ThreadOutcome) => entry.outcome(outcome),
        (error: unknown) => {
          this.release(entry);
          job.reject(this.describeThreadError(entry, error));
        },
      );
  }

  abort(job: Job): void {
    // a scan of at most `threads` entries, and aborts are rare: cheaper than a second map per job
    let entry: ThreadJob | undefined;
    for (const candidate of this.inFlight.values()) {
      if (candidate.job === job) entry = candidate;
    }
    if (!entry) return;
    this.broadcastAbort(entry.id, job.signal.reason);
    // a handler that does not return within the grace is stopped by terminating its thread
    const timer = setTimeout(() => entry.terminateThread(job.signal.reason), this.abortGrace);
    timer.unref();
  }

  private readonly release = (entry: ThreadJob): void => {
    if (!this.inFlight.delete(entry.id)) return;
    entry.mainPort?.close();
    this.busy--;
  };

  private onProgress(jobId: number, value: unknown): void {
    this.inFlight.get(jobId)?.progress(value);
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

  private describeThreadError(entry: ThreadJob, error: unknown): Error {
    if (entry.aborted) {
      return entry.reason instanceof Error ? entry.reason : new Error(String(entry.reason));
    }
    const { id, task } = entry.job.work;
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
