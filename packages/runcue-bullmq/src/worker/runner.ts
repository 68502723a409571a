/**
 * The `runcue-worker` process: takes the queue's jobs with a BullMQ Worker
 * (concurrency = threads), runs each in a local thread through runcue's own
 * thread runtime, announces its threads with a heartbeat, and listens for
 * cancels on the control channel. The event loop only moves messages, so
 * BullMQ's locks keep being renewed while threads compute.
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { hostname } from "node:os";
import { isAbsolute, relative, resolve } from "node:path";
import { type Job as BullJob, type ConnectionOptions, Worker } from "bullmq";
import { Redis, type RedisOptions } from "ioredis";
import { decode, encode, encodeError } from "../codec.js";
import { messages } from "../errors.js";
import {
  type CancelMessage,
  HEARTBEAT_EXPIRY,
  HEARTBEAT_INTERVAL,
  INLINE_RESULT_BYTES,
  type JobData,
  type JobProgress,
  type JobResult,
  type JobStarted,
  keysFor,
  PROTOCOL_VERSION,
  STORED_RESULT_EXPIRY,
  type WorkerAnnouncement,
} from "../protocol.js";
import { type LocalJob, LocalThreads } from "./threads.js";

export interface WorkerOptions {
  /** Redis URL. */
  redis: string;
  queue: string;
  threads: number;
  /** Folder that relative module paths are resolved against. */
  root: string;
  prefix: string;
  /** Printed lines go here (stderr by default). */
  log?: (line: string) => void;
}

/** How long a cancel for a job this worker has not started yet is remembered (ms). */
const EARLY_CANCEL_MEMORY = 60_000;

export class RuncueWorker {
  readonly id: string;
  private readonly host = hostname();
  private readonly keys: ReturnType<typeof keysFor>;
  private readonly connection: RedisOptions & { url: string };
  private worker: Worker<JobData, JobResult> | undefined;
  private threads: LocalThreads;
  private client: Redis | undefined;
  private subscriber: Redis | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private busy = 0;
  private draining = false;
  private closing: Promise<void> | undefined;
  private readonly running = new Map<string, LocalJob>();
  private readonly earlyCancels = new Map<string, number>();
  private readonly log: (line: string) => void;

  constructor(private readonly options: WorkerOptions) {
    this.id = `${this.host}-${process.pid}-${randomBytes(3).toString("hex")}`;
    this.keys = keysFor(options.prefix, options.queue);
    this.connection = { url: options.redis, maxRetriesPerRequest: null };
    this.threads = new LocalThreads(options.threads);
    this.log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
  }

  async start(): Promise<void> {
    this.client = new Redis(this.options.redis, { maxRetriesPerRequest: null });
    this.client.on("error", () => {});
    this.subscriber = new Redis(this.options.redis, { maxRetriesPerRequest: null });
    this.subscriber.on("error", () => {});
    this.subscriber.on("message", (_channel: string, text: string) => this.onControl(text));
    await this.subscriber.subscribe(this.keys.control);
    await this.announce();
    this.heartbeat = setInterval(() => void this.announce(), HEARTBEAT_INTERVAL);
    this.worker = new Worker<JobData, JobResult>(
      this.options.queue,
      (job, _token, signal) => this.process(job, signal),
      {
        connection: this.connection as ConnectionOptions,
        prefix: this.options.prefix,
        name: this.id,
        concurrency: this.options.threads,
        // runcue's retry decides: BullMQ never runs a job a second time on its own
        maxStalledCount: 0,
        stalledInterval: 5000,
        lockDuration: 10_000,
      },
    );
    // connection errors are retried by BullMQ; a job whose key vanished (Redis restarted) is the coordinator's to judge
    this.worker.on("error", () => {});
    await this.worker.waitUntilReady();
    this.log(
      `runcue-worker ${this.id}: ${this.options.threads} thread${this.options.threads === 1 ? "" : "s"} on queue "${this.options.queue}", modules from ${this.options.root}`,
    );
  }

  private announcement(): WorkerAnnouncement {
    return {
      id: this.id,
      host: this.host,
      pid: process.pid,
      threads: this.draining ? 0 : this.options.threads,
      busy: this.busy,
      draining: this.draining,
    };
  }

  private async announce(): Promise<void> {
    const client = this.client;
    if (!client) return;
    try {
      await client
        .multi()
        .set(this.keys.worker(this.id), JSON.stringify(this.announcement()), "PX", HEARTBEAT_EXPIRY)
        .sadd(this.keys.workers, this.id)
        .exec();
    } catch {
      // Redis away: the next beat tries again
    }
  }

  private onControl(text: string): void {
    let message: CancelMessage;
    try {
      message = JSON.parse(text) as CancelMessage;
    } catch {
      return;
    }
    if (message.type !== "cancel") return;
    if (this.worker?.cancelJob(message.jobId, message.reason)) return;
    // not started here (yet): remembered, in case this worker takes it in a moment
    const now = Date.now();
    this.earlyCancels.set(message.jobId, now);
    for (const [jobId, at] of this.earlyCancels) {
      if (now - at > EARLY_CANCEL_MEMORY) this.earlyCancels.delete(jobId);
    }
  }

  private modulePath(data: JobData): string {
    return data.relative ? resolve(this.options.root, data.module) : data.module;
  }

  private async process(
    job: BullJob<JobData, JobResult>,
    signal?: AbortSignal,
  ): Promise<JobResult> {
    const data = job.data;
    if (data.v !== PROTOCOL_VERSION)
      throw new Error(messages.protocolMismatch(data.v, PROTOCOL_VERSION));
    const jobId = job.id!;
    const workerPath = this.modulePath(data);
    // whoever can write to Redis names the module: only code under --root is ever loaded
    const inside = relative(this.options.root, workerPath);
    if (inside === "" || inside.startsWith("..") || isAbsolute(inside)) {
      const error = new Error(messages.moduleOutsideRoot(data.module, this.options.root));
      return { ok: false, error: encodeError(error), progressCount: 0 };
    }
    if (!existsSync(workerPath)) {
      const error = new Error(messages.moduleNotFound(data.module, this.options.root));
      return { ok: false, error: encodeError(error), progressCount: 0 };
    }
    this.busy++;
    let progressCount = 0;
    let progressWrites: Promise<void> = Promise.resolve();
    try {
      const outcome = await new Promise<{ ok: boolean; value: unknown }>((resolve) => {
        const controller = new AbortController();
        const local: LocalJob = {
          work: { ...data.work, params: decode(data.params) },
          task: {
            name: data.work.task,
            workerPath,
            exportName: data.exportName,
          },
          get signal() {
            return controller.signal;
          },
          get aborted() {
            return controller.signal.aborted;
          },
          reportStart: data.reportStart !== false,
          handlerStarted: () => {
            // not awaited: it leaves on the worker's connection before any progress or outcome of
            // the job, so it keeps its place without costing the job a round trip
            const started: JobStarted = { started: true };
            job.updateProgress(started).catch(() => {});
          },
          progress: (value: unknown) => {
            progressCount++;
            const update: JobProgress = { runcue: encode(value), sequence: progressCount };
            progressWrites = progressWrites.then(() => job.updateProgress(update)).catch(() => {});
          },
          resolve: (value: unknown) => resolve({ ok: true, value }),
          reject: (error: unknown) => resolve({ ok: false, value: error }),
        };
        this.running.set(jobId, local);
        const abort = (reason: unknown) => {
          if (controller.signal.aborted) return;
          controller.abort(abortReason(reason));
          this.threads.abort(local, data.abortGrace);
        };
        signal?.addEventListener("abort", () => abort(signal.reason), { once: true });
        this.threads.run(local);
        if (signal?.aborted) abort(signal.reason);
        else if (this.earlyCancels.delete(jobId)) abort("cancelled");
      });
      // the thread is done with it; what is left is Redis's part
      this.running.delete(jobId);
      // every progress update is in Redis before the result: the coordinator holds none back for long
      await progressWrites;
      if (!outcome.ok) return { ok: false, error: encodeError(outcome.value), progressCount };
      const value = encode(outcome.value);
      if (value.length > data.maxResultBytes) {
        const error = new Error(
          messages.resultTooLarge(data.work.task, data.work.id, value.length, data.maxResultBytes),
        );
        error.name = "ResultTooLargeError";
        return { ok: false, error: encodeError(error), progressCount };
      }
      if (value.length > INLINE_RESULT_BYTES && this.client) {
        await this.client.set(this.keys.result(jobId), value, "PX", STORED_RESULT_EXPIRY);
        return { ok: true, stored: true, progressCount };
      }
      return { ok: true, value, progressCount };
    } finally {
      this.running.delete(jobId);
      this.busy--;
    }
  }

  /**
   * Stops taking jobs and lets the running ones finish (`abort`: aborts them,
   * terminating their threads after their grace), then closes every
   * connection and thread.
   */
  stop({ abort = false } = {}): Promise<void> {
    if (abort) this.worker?.cancelAllJobs(messages.workerStopping(this.id));
    if (this.closing) return this.closing;
    this.draining = true;
    this.closing = (async () => {
      // Redis may be away: nothing below waits on it for long, so a worker always stops
      void within(this.announce(), REDIS_WAIT);
      const workerClosed = this.worker?.close();
      workerClosed?.catch(() => {});
      while (this.running.size > 0) await delay(50);
      // the last outcomes are on their way to Redis: give them a while, not for ever
      if (!(await within(workerClosed, OUTCOME_WAIT))) {
        await within(this.worker?.close(true), REDIS_WAIT);
      }
      clearInterval(this.heartbeat);
      await this.threads.close();
      await within(
        this.client?.multi().del(this.keys.worker(this.id)).srem(this.keys.workers, this.id).exec(),
        REDIS_WAIT,
      );
      for (const client of [this.client, this.subscriber]) {
        if (!(await within(client?.quit(), REDIS_WAIT))) client?.disconnect();
      }
    })();
    return this.closing;
  }
}

/** How long a stopping worker waits for one Redis command (ms). */
const REDIS_WAIT = 1000;
/** How long a stopping worker waits for its last outcomes to reach Redis (ms). */
const OUTCOME_WAIT = 5000;

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** True when `promise` settled within `ms`; a rejection counts as settled. */
async function within(promise: Promise<unknown> | undefined, ms: number): Promise<boolean> {
  if (!promise) return true;
  let timer: NodeJS.Timeout | undefined;
  const settled = promise.then(
    () => true,
    () => true,
  );
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([settled, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function abortReason(reason: unknown): Error {
  if (reason instanceof Error) return reason;
  const error = new Error(typeof reason === "string" ? reason : "aborted");
  error.name = "AbortError";
  return error;
}
