import { MessageChannel, type MessagePort, type ResourceLimits, Worker } from "node:worker_threads";
import * as Comlink from "comlink/dist/esm/comlink.mjs";
import nodeEndpoint from "comlink/dist/esm/node-adapter.mjs";
import { Piscina } from "piscina";
import { messages } from "../errors.js";
import {
  type AbortMessage,
  deserializeError,
  END_SESSION,
  type FromThread,
  type SessionTask,
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
 * One pool thread's session: a long Piscina task that runs the jobs sent on
 * its port, one at a time (see worker/thread.ts). It is also the signal
 * handed to Piscina for that task: aborting it terminates the thread, which
 * is how a handler that outlives its abort grace is stopped. Piscina only
 * needs `aborted`, `reason` and one listener, so no AbortController is made.
 */
class Session {
  aborted = false;
  reason: unknown = undefined;
  /** The job running in the thread, if any. */
  job: Job | undefined = undefined;
  jobId = 0;
  /** The comlink channel of the running job, when its task exposes functions. */
  mainPort: MessagePort | undefined = undefined;
  private terminate: (() => void) | undefined = undefined;

  constructor(readonly port: MessagePort) {}

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
}

/**
 * The local pool: runs `worker` tasks in a Piscina pool, one job a thread.
 * The scheduler hands it a job only when `freeSlots()` says a thread is free,
 * and the job goes straight to an idle thread's session: nothing waits in a
 * queue, so nothing is prefetched.
 */
export class ThreadPool implements Pool {
  /** Each thread says when it calls a handler (a "started" message): rate windows are stamped then. */
  readonly reportsHandlerStart = true;
  private pool: Piscina | undefined;
  private busy = 0;
  private nextJob = 1;
  private abortGrace = 0;
  /** Open sessions, one per thread at most; the idle ones also in `idle`. */
  private readonly sessions = new Set<Session>();
  private idle: Session[] = [];
  private endCheckQueued = false;
  private readonly abortedJobs = new Int32Array(new SharedArrayBuffer(4 * 1024));
  private readonly setup: ThreadSetup = { abortedJobs: this.abortedJobs };

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
      // errors of a thread reach its session; the pool's own 'error' event must not crash the process
      this.pool.on("error", () => {});
    }
    return this.pool;
  }

  /**
   * Opens a session: Piscina gives it a thread of its own as soon as one is
   * free (at most `threads` are open), and a job may be sent at once, the port
   * keeps it until the thread listens.
   */
  private openSession(): Session {
    const { port1, port2 } = new MessageChannel();
    const session = new Session(port1);
    port1.on("message", (message: FromThread) => this.onMessage(session, message));
    // Piscina keeps the process alive while the session's task runs; the port need not
    port1.unref();
    this.sessions.add(session);
    const task: SessionTask = { session: port2 };
    this.getPool()
      .run(task, { signal: session as never, transferList: [port2] })
      .then(
        () => this.sessionEnded(session, undefined),
        (error: unknown) => this.sessionEnded(session, error),
      );
    return session;
  }

  run(job: Job): void {
    const session = this.idle.pop() ?? this.openSession();
    const id = this.nextJob++;
    session.job = job;
    session.jobId = id;
    this.busy++;
    const { task: definition } = job;
    const task: ThreadTask = {
      job: id,
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
      session.mainPort = port1;
      session.port.postMessage(task, [port2]);
    } else {
      session.port.postMessage(task);
    }
  }

  private onMessage(session: Session, message: FromThread): void {
    const job = session.job;
    if (job === undefined || message.job !== session.jobId) return;
    switch (message.kind) {
      case "progress":
        job.progress(message.value);
        return;
      case "started":
        job.handlerStarted?.();
        return;
      case "done":
        this.release(session);
        job.resolve(message.value);
        return;
      case "failed":
        this.release(session);
        job.reject(deserializeError(message.error));
        return;
    }
  }

  abort(job: Job): void {
    let session: Session | undefined;
    for (const candidate of this.sessions) {
      if (candidate.job === job) session = candidate;
    }
    if (!session) return;
    const reason = job.signal.reason;
    // flag first, then the message: a job that has not begun finds the flag when it does
    Atomics.store(this.abortedJobs, session.jobId % this.abortedJobs.length, session.jobId);
    const error = reason instanceof Error ? reason : new Error(String(reason));
    const message: AbortMessage = {
      abort: session.jobId,
      name: error.name,
      message: error.message,
    };
    session.port.postMessage(message);
    // a handler that does not return within the grace is stopped by terminating its thread
    const timer = setTimeout(() => {
      if (session.job === job) session.terminateThread(reason);
    }, this.abortGrace);
    timer.unref();
  }

  /** The session's job ended: the thread is idle again. */
  private release(session: Session): void {
    session.job = undefined;
    session.mainPort?.close();
    session.mainPort = undefined;
    this.busy--;
    if (this.sessions.has(session)) this.idle.push(session);
    if (this.busy === 0 && !this.endCheckQueued) {
      this.endCheckQueued = true;
      setImmediate(this.endIdleSessions);
    }
  }

  /**
   * Ends every session once the pool has been idle for a turn, so idle threads
   * do not keep the process alive (as Piscina's idle threads do not). A pool
   * that is refilled at once, within the same turn, keeps them.
   */
  private readonly endIdleSessions = (): void => {
    this.endCheckQueued = false;
    if (this.busy > 0) return;
    for (const session of this.idle) {
      this.sessions.delete(session);
      // the port closes when Piscina reports the session's end (sessionEnded)
      session.port.postMessage(END_SESSION);
    }
    this.idle = [];
  };

  /** Piscina settled the session's task: ended by us, or its thread was terminated or died. */
  private sessionEnded(session: Session, error: unknown): void {
    this.sessions.delete(session);
    this.idle = this.idle.filter((candidate) => candidate !== session);
    session.port.close();
    const job = session.job;
    if (job === undefined) return;
    this.release(session);
    job.reject(this.describeThreadError(session, job, error));
  }

  private describeThreadError(session: Session, job: Job, error: unknown): Error {
    if (session.aborted) {
      return session.reason instanceof Error ? session.reason : new Error(String(session.reason));
    }
    const { id, task } = job.work;
    const code = (error as { code?: string } | null)?.code;
    if (code === "ERR_WORKER_OUT_OF_MEMORY")
      return new Error(messages.workerOutOfMemory(task, id), { cause: error });
    const reason = error instanceof Error ? error.message : String(error ?? "it ended");
    return new Error(messages.workerThreadDied(task, id, reason), { cause: error });
  }

  async close(): Promise<void> {
    // the sessions end with their threads; a later run() opens new ones in a new Piscina pool
    this.sessions.clear();
    this.idle = [];
    const pool = this.pool;
    this.pool = undefined;
    if (pool) await pool.destroy();
  }
}
