/**
 * The coordinator's side: a runcue pool whose threads are those of the
 * `runcue-worker` processes on a BullMQ queue. runcue decides what runs and
 * when; this pool only carries each attempt to a free remote thread and its
 * outcome back.
 *
 * Capacity: the pool's size is the sum of the live workers' threads (read
 * from their heartbeats), and `freeSlots()` is that size less the jobs in
 * flight, so a job enters Redis only when a remote thread is free and
 * BullMQ's wait list never holds more jobs than there are free threads.
 */
import { randomBytes } from "node:crypto";
import { isAbsolute, relative, sep } from "node:path";
import { type ConnectionOptions, Queue, QueueEvents } from "bullmq";
import { Redis, type RedisOptions } from "ioredis";
import type { ExecutorHost, Job, JobTask, Pool, PoolStats } from "runcue";
import { decode, decodeError, encode } from "./codec.js";
import { messages } from "./errors.js";
import { Membership } from "./membership.js";
import { type ParsedRedisPoolOptions, parsePoolOptions, type RedisPoolOptions } from "./options.js";
import {
  type CancelMessage,
  HEARTBEAT_EXPIRY,
  HEARTBEAT_INTERVAL,
  type JobData,
  type JobProgress,
  type JobResult,
  type JobStarted,
  jobIdFor,
  keysFor,
  PROTOCOL_VERSION,
} from "./protocol.js";

/** How often the live workers are read (ms). */
const MEMBERSHIP_INTERVAL = HEARTBEAT_INTERVAL / 2;
/** After an abort, how long past `abortGrace` the worker has to report before the job is settled anyway (ms). */
const ABORT_REPORT_MARGIN = 2000;
/** Passes in a row a job must be missing from Redis, its outcome not arrived, before its attempt fails. */
const MISSING_PASSES = 3;
/** Waits between tries to add a job while Redis is away (ms). */
const ADD_RETRY_DELAY = 500;

type Phase = "adding" | "queued" | "settled";

/** One attempt in flight: from `run()` until it is settled. */
class RemoteJob {
  phase: Phase = "adding";
  /** Highest progress sequence delivered. */
  progressDelivered = 0;
  /** A result that arrived before all its progress (through reconciliation). */
  held: JobResult | undefined = undefined;
  heldSince = 0;
  /** Reconcile passes in a row that found no job in Redis. */
  missingPasses = 0;
  /** Its large result is being read from its own key. */
  fetching = false;
  abortTimer: NodeJS.Timeout | undefined = undefined;

  constructor(
    readonly id: string,
    readonly job: Job,
  ) {}
}

export class RedisPool implements Pool {
  /**
   * The worker reports when each handler is called, so a service's rate
   * window is stamped as the handlers see their starts, not when the job
   * entered Redis.
   */
  readonly reportsHandlerStart = true;
  private readonly options: ParsedRedisPoolOptions;
  private readonly keys: ReturnType<typeof keysFor>;
  private readonly where: string;
  private host: ExecutorHost | undefined;
  private abortGrace = 1000;
  private run_ = randomBytes(4).toString("hex");
  private queue: Queue | undefined;
  private events: QueueEvents | undefined;
  private client: Redis | undefined;
  private connected = false;
  private starting: Promise<void> | undefined;
  private membershipTimer: NodeJS.Timeout | undefined;
  private reconcileTimer: NodeJS.Timeout | undefined;
  private reconciling = false;
  /** `performance.now()` when the live workers last could not be read (Redis away). */
  private unsteadySince = 0;
  private readonly membership: Membership;
  private readonly inFlight = new Map<string, RemoteJob>();
  private readonly byJob = new Map<Job, RemoteJob>();

  constructor(options: RedisPoolOptions) {
    this.options = parsePoolOptions(options);
    this.keys = keysFor(this.options.prefix, this.options.queue);
    this.membership = new Membership(this.keys);
    this.where =
      typeof this.options.connection === "string"
        ? this.options.connection.replace(/\/\/[^@/]*@/, "//")
        : `${(this.options.connection as RedisOptions).host ?? "127.0.0.1"}:${(this.options.connection as RedisOptions).port ?? 6379}`;
  }

  private connectionOptions(): RedisOptions & { url?: string } {
    // commands wait for a Redis that went away instead of failing: nothing is lost while it restarts
    const connection = this.options.connection;
    return typeof connection === "string"
      ? { url: connection, maxRetriesPerRequest: null }
      : { ...(connection as RedisOptions), maxRetriesPerRequest: null };
  }

  attach(host: ExecutorHost): void {
    if (this.host) throw new Error(messages.poolAttachedTwice());
    this.host = host;
    this.abortGrace = host.abortGrace;
  }

  start(): Promise<void> {
    this.starting ??= this.connect().catch((error: unknown) => {
      this.starting = undefined;
      throw error;
    });
    return this.starting;
  }

  private async connect(): Promise<void> {
    const connection = this.connectionOptions();
    const { url, ...rest } = connection;
    this.client = url ? new Redis(url, rest) : new Redis(rest);
    this.client.on("error", () => {});
    // (re)connected: the workers' heartbeat keys may have expired meanwhile
    this.client.on("ready", () => {
      this.unsteadySince = performance.now();
    });
    this.queue = new Queue(this.options.queue, {
      connection: connection as ConnectionOptions,
      prefix: this.options.prefix,
    });
    this.queue.on("error", () => {});
    this.events = new QueueEvents(this.options.queue, {
      connection: connection as ConnectionOptions,
      prefix: this.options.prefix,
    });
    this.events.on("error", () => {});
    this.events.on("progress", ({ jobId, data }) =>
      this.onProgress(jobId, data as unknown as JobProgress | JobStarted),
    );
    this.events.on("completed", ({ jobId, returnvalue }) =>
      this.onCompleted(jobId, returnvalue as unknown as JobResult),
    );
    this.events.on("failed", ({ jobId, failedReason }) => this.onFailed(jobId, failedReason));
    const queue = this.queue;
    await Promise.all([queue.waitUntilReady(), this.events.waitUntilReady()]);
    // jobs a previous run left waiting would take threads this run counts as free
    await queue.drain();
    await this.refreshMembership();
    // closed while connecting: close() has taken the connections away
    if (this.queue !== queue) return;
    this.connected = true;
    this.membershipTimer = setInterval(() => void this.refreshMembership(), MEMBERSHIP_INTERVAL);
    this.membershipTimer.unref();
    this.reconcileTimer = setInterval(() => void this.reconcile(), this.options.reconcileInterval);
    this.reconcileTimer.unref();
    this.host?.wake();
  }

  freeSlots(): number {
    if (!this.connected) return 0;
    return Math.max(0, this.membership.size - this.inFlight.size);
  }

  stats(): PoolStats {
    const workers = [...this.membership.live.values()].map(({ id, host, threads, busy }) => ({
      id,
      host,
      threads,
      busy,
    }));
    return { size: this.membership.size, busy: this.inFlight.size, workers };
  }

  describeBusy(): string {
    if (!this.connected) return messages.connecting(this.where);
    if (this.membership.live.size === 0) return messages.noWorkers(this.options.queue);
    return messages.allBusy(this.membership.size, this.inFlight.size, this.membership.live.size);
  }

  checkTask(task: JobTask): void {
    if (task.workerPath === undefined) throw new Error(messages.noWorkerModule(task.name));
    if (task.expose !== undefined)
      throw new Error(messages.exposeNotRemote(task.name, this.host?.name ?? "this pool"));
  }

  checkParams(params: unknown, task: JobTask): void {
    try {
      encode(params);
    } catch (error) {
      throw new Error(
        messages.paramsCannotCross(
          task.name,
          error instanceof Error ? error.message : String(error),
        ),
      );
    }
  }

  private modulePath(path: string): { module: string; relative: boolean } {
    const inside = relative(this.options.root, path);
    if (inside === "" || inside.startsWith("..") || isAbsolute(inside))
      return { module: path, relative: false };
    return { module: inside.split(sep).join("/"), relative: true };
  }

  run(job: Job): void {
    const id = jobIdFor(this.run_, job.work.id, job.work.attempt);
    const entry = new RemoteJob(id, job);
    this.inFlight.set(id, entry);
    this.byJob.set(job, entry);
    let data: JobData;
    try {
      data = {
        v: PROTOCOL_VERSION,
        ...this.modulePath(job.task.workerPath!),
        exportName: job.task.exportName,
        work: { id: job.work.id, task: job.work.task, attempt: job.work.attempt },
        params: encode(job.work.params),
        maxResultBytes: this.options.maxResultBytes,
        abortGrace: this.abortGrace,
        reportStart: job.reportStart !== false,
      };
    } catch (error) {
      this.settle(entry, false, error);
      return;
    }
    void this.add(entry, data);
  }

  private async add(entry: RemoteJob, data: JobData): Promise<void> {
    // BullMQ's attempts, backoff, priorities and limiter stay unused: runcue decides all of that
    for (;;) {
      const queue = this.queue;
      if (entry.phase === "settled" || !queue) return;
      try {
        await queue.add(data.work.task, data, {
          jobId: entry.id,
          attempts: 1,
          // removed in the same step that finishes it: its outcome travels on the event stream
          removeOnComplete: true,
          removeOnFail: true,
        });
        break;
      } catch {
        // Redis away (or closing): the same job id makes a second add harmless
        await new Promise((resolve) => setTimeout(resolve, ADD_RETRY_DELAY).unref());
      }
    }
    if ((entry.phase as Phase) === "settled") {
      // aborted while it was being added: take it back before a worker does
      void this.queue?.remove(entry.id).catch(() => {});
      return;
    }
    entry.phase = "queued";
    if (entry.job.aborted) void this.withdraw(entry);
  }

  abort(job: Job): void {
    const entry = this.byJob.get(job);
    if (!entry || entry.phase === "settled") return;
    const message: CancelMessage = {
      type: "cancel",
      jobId: entry.id,
      reason: reasonText(job.signal.reason),
    };
    void this.client?.publish(this.keys.control, JSON.stringify(message)).catch(() => {});
    if (entry.phase === "queued") void this.withdraw(entry);
    // the worker terminates the thread after abortGrace; a worker that never reports is not waited for
    entry.abortTimer = setTimeout(
      () => this.settle(entry, false, job.signal.reason),
      this.abortGrace + ABORT_REPORT_MARGIN,
    );
    entry.abortTimer.unref();
  }

  /** Removes an aborted job that no worker has taken yet; a taken (locked) one is left to its worker. */
  private async withdraw(entry: RemoteJob): Promise<void> {
    try {
      const removed = await this.queue?.remove(entry.id);
      if (removed === 1) this.settle(entry, false, entry.job.signal.reason);
    } catch {
      // taken by a worker meanwhile: the cancel reaches it
    }
  }

  private onProgress(jobId: string, progress: JobProgress | JobStarted): void {
    const entry = this.inFlight.get(jobId);
    if (!entry || typeof progress !== "object" || progress === null) return;
    if ("started" in progress) {
      entry.job.handlerStarted?.();
      return;
    }
    if (typeof progress.sequence !== "number") return;
    if (progress.sequence <= entry.progressDelivered) return;
    entry.progressDelivered = progress.sequence;
    try {
      entry.job.progress(decode(progress.runcue));
    } catch {
      // a value that cannot be decoded here is dropped; the work goes on
    }
    if (entry.held && entry.progressDelivered >= entry.held.progressCount)
      this.finish(entry, entry.held);
  }

  private onCompleted(jobId: string, result: JobResult): void {
    const entry = this.inFlight.get(jobId);
    if (!entry) {
      this.forget(jobId);
      return;
    }
    this.finish(entry, result);
  }

  private onFailed(jobId: string, reason: string): void {
    const entry = this.inFlight.get(jobId);
    if (!entry) {
      this.forget(jobId);
      return;
    }
    const { work } = entry.job;
    this.settle(entry, false, new Error(messages.remoteFailure(work.task, work.id, reason)));
  }

  /** Removes a finished job of this run that nothing waits for any more (settled by an abort or a lost worker). */
  private forget(jobId: string): void {
    if (!jobId.startsWith(`${this.run_}.`)) return;
    void this.queue?.remove(jobId).catch(() => {});
    void this.client?.del(this.keys.result(jobId)).catch(() => {});
  }

  private finish(entry: RemoteJob, result: JobResult, force = false): void {
    if (entry.phase === "settled") return;
    if (!force && entry.progressDelivered < result.progressCount) {
      // progress still on its way: the result waits for it (at most one reconcile pass)
      if (!entry.held) entry.heldSince = performance.now();
      entry.held = result;
      return;
    }
    if ("stored" in result) {
      void this.fetchStored(entry);
      return;
    }
    let value: unknown;
    try {
      value = result.ok ? decode(result.value) : decodeError(result.error);
    } catch (error) {
      this.settle(entry, false, error);
      return;
    }
    this.settle(entry, result.ok, value);
  }

  /** A large result waits in a key of its own: read it and delete it in one step. */
  private async fetchStored(entry: RemoteJob): Promise<void> {
    if (entry.fetching) return;
    entry.fetching = true;
    let encoded: string | null;
    try {
      encoded = (await this.client?.getdel(this.keys.result(entry.id))) ?? null;
    } catch (error) {
      this.settle(entry, false, error);
      return;
    }
    const { work } = entry.job;
    if (encoded === null) {
      this.settle(
        entry,
        false,
        new Error(messages.storedResultMissing(work.task, work.id, entry.id)),
      );
      return;
    }
    try {
      this.settle(entry, true, decode(encoded));
    } catch (error) {
      this.settle(entry, false, error);
    }
  }

  private settle(entry: RemoteJob, succeeded: boolean, value: unknown): void {
    if (entry.phase === "settled") return;
    const wasQueued = entry.phase === "queued" && entry.job.aborted;
    entry.phase = "settled";
    clearTimeout(entry.abortTimer);
    this.inFlight.delete(entry.id);
    this.byJob.delete(entry.job);
    // an aborted job may still be in Redis (a worker that never reported): take it away
    if (wasQueued) void this.queue?.remove(entry.id).catch(() => {});
    const { job } = entry;
    if (job.aborted) job.reject(job.signal.reason);
    else if (succeeded) job.resolve(value);
    else job.reject(value);
  }

  private async refreshMembership(): Promise<void> {
    const client = this.client;
    if (!client) return;
    let gone: string[];
    const before = this.freeSlots();
    if (client.status !== "ready") {
      this.unsteadySince = performance.now();
      return;
    }
    try {
      gone = await this.membership.refresh(client);
    } catch {
      this.unsteadySince = performance.now();
      return;
    }
    if (gone.length) void this.reconcile();
    if (this.freeSlots() > before) this.host?.wake();
  }

  /**
   * Checks every queued job against its state in Redis: QueueEvents can
   * drop events, a worker can die holding a job, and a Redis restarted
   * without persistence forgets jobs. Each ends here with one outcome.
   */
  private async reconcile(): Promise<void> {
    const client = this.client;
    if (this.reconciling || !client || client.status !== "ready") return;
    const entries = [...this.inFlight.values()].filter((entry) => entry.phase === "queued");
    if (entries.length === 0) return;
    this.reconciling = true;
    try {
      const pipeline = client.pipeline();
      for (const entry of entries) {
        pipeline.hmget(
          `${this.options.prefix}:${this.options.queue}:${entry.id}`,
          "data",
          "returnvalue",
          "failedReason",
          "finishedOn",
          // BullMQ's field for the name of the worker that took the job (processedBy)
          "pb",
        );
      }
      const replies = (await pipeline.exec()) ?? [];
      const now = performance.now();
      // after Redis was away, live workers need a heartbeat or two to announce themselves again
      const membershipFresh =
        now - this.unsteadySince > HEARTBEAT_EXPIRY + HEARTBEAT_INTERVAL &&
        now - this.membership.refreshedAt < 3 * MEMBERSHIP_INTERVAL;
      entries.forEach((entry, index) => {
        if (entry.phase !== "queued" || entry.fetching) return;
        if (entry.held && now - entry.heldSince >= this.options.reconcileInterval) {
          // its progress was lost on the way: the result does not wait for it any longer
          this.finish(entry, entry.held, true);
          return;
        }
        const [error, fields] = replies[index] ?? [];
        if (error || !Array.isArray(fields)) return;
        const [data, returnvalue, failedReason, finishedOn, processedBy] = fields as (
          | string
          | null
        )[];
        const { work } = entry.job;
        if (data == null) {
          // finished and removed, its event maybe still on the way: judged lost only after two more passes
          if (++entry.missingPasses < MISSING_PASSES) return;
          this.settle(entry, false, new Error(messages.jobVanished(work.task, work.id, entry.id)));
          return;
        }
        entry.missingPasses = 0;
        if (finishedOn != null && returnvalue != null) {
          this.finish(entry, JSON.parse(returnvalue) as JobResult, entry.held !== undefined);
          return;
        }
        if (finishedOn != null) {
          this.settle(
            entry,
            false,
            new Error(messages.remoteFailure(work.task, work.id, failedReason ?? "unknown")),
          );
          return;
        }
        if (processedBy != null && membershipFresh && !this.membership.live.has(processedBy)) {
          const worker = this.membership.describe(processedBy);
          this.settle(
            entry,
            false,
            new Error(messages.workerLost(worker.id, worker.host, work.task, work.id)),
          );
        }
      });
    } catch {
      // Redis away: the next pass tries again
    } finally {
      this.reconciling = false;
    }
  }

  async close(): Promise<void> {
    clearInterval(this.membershipTimer);
    clearInterval(this.reconcileTimer);
    this.membershipTimer = undefined;
    this.reconcileTimer = undefined;
    // not awaited: a Redis that never answered must not hold stop() up; closing its connections ends it
    this.starting?.catch(() => {});
    this.starting = undefined;
    this.connected = false;
    for (const entry of [...this.inFlight.values()]) {
      const message: CancelMessage = {
        type: "cancel",
        jobId: entry.id,
        reason: messages.coordinatorStopped(),
      };
      await this.client?.publish(this.keys.control, JSON.stringify(message)).catch(() => {});
      const { work } = entry.job;
      this.settle(entry, false, new Error(messages.poolClosed(work.task, work.id)));
    }
    const queue = this.queue;
    const events = this.events;
    const client = this.client;
    this.queue = undefined;
    this.events = undefined;
    this.client = undefined;
    await Promise.allSettled([
      closeWithin(
        () => queue?.close(),
        () => queue?.disconnect(),
      ),
      closeWithin(
        () => events?.close(),
        () => events?.disconnect(),
      ),
      closeWithin(
        async () => void (await client?.quit()),
        () => client?.disconnect(),
      ),
    ]);
    this.membership.live.clear();
    this.run_ = randomBytes(4).toString("hex");
  }
}

/** A graceful close, or a hard one if Redis does not answer within a second. */
async function closeWithin(
  close: () => Promise<void> | undefined,
  disconnect: () => unknown,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      void disconnect();
      resolve();
    }, 1000);
  });
  try {
    await Promise.race([close()?.catch(() => {}), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function reasonText(reason: unknown): string {
  return reason instanceof Error
    ? `${reason.name}: ${reason.message}`
    : String(reason ?? "aborted");
}
