/**
 * What the coordinator (`redisPool`) and `runcue-worker` processes say to
 * each other through Redis, beside BullMQ's own keys: the job data of one
 * attempt, its result, the heartbeat of a worker and the control channel.
 */
import type { Encoded } from "./codec.js";

/** Bumped when the job data changes shape; a worker refuses jobs of another version. */
export const PROTOCOL_VERSION = 1;

/** A worker announces itself this often (ms). */
export const HEARTBEAT_INTERVAL = 1000;
/** A worker whose last announcement is older than this (ms) is gone: Redis expires its key. */
export const HEARTBEAT_EXPIRY = 3000;

/** The data of one BullMQ job: one attempt of one work. */
export interface JobData {
  v: number;
  /** The module path relative to the coordinator's root (forward slashes), or absolute when outside it. */
  module: string;
  /** True when `module` is relative to the root. */
  relative: boolean;
  exportName: string;
  work: { id: string; task: string; attempt: number };
  /** The work's params, encoded (see codec.ts). */
  params: Encoded;
  /** Largest encoded result accepted, in bytes. */
  maxResultBytes: number;
  /** The coordinator's `abortGrace` (ms): how long an aborted handler may run before its thread is terminated. */
  abortGrace: number;
  /**
   * False when the coordinator does not wait for the handler's start (the
   * work's service has no rate): the worker then sends no start report,
   * sparing Redis one event per job. Absent (older coordinators): report.
   */
  reportStart?: boolean;
}

/**
 * What the processor returns; BullMQ stores it as the job's `returnvalue`.
 * A handler that threw is an outcome too (`ok: false`): BullMQ's own
 * "failed" is left to what happens around the handler (a stalled job, a
 * worker of another version).
 */
export type JobResult =
  | { ok: true; value: Encoded; progressCount: number }
  /** A large result: in its own key (`keysFor().result`), read and deleted by the coordinator. */
  | { ok: true; stored: true; progressCount: number }
  | { ok: false; error: Encoded; progressCount: number };

/**
 * Results up to this size (encoded, bytes) travel in the job's completed
 * event; larger ones in a key of their own, so the queue's event stream
 * (BullMQ keeps its last 10,000 events) stays small.
 */
export const INLINE_RESULT_BYTES = 64 * 1024;
/** A stored result nobody read (its coordinator stopped) is dropped after this (ms). */
export const STORED_RESULT_EXPIRY = 15 * 60_000;

/** A progress update, as `job.updateProgress` stores it. */
export interface JobProgress {
  runcue: Encoded;
  /** 1 for the first update of the job. */
  sequence: number;
}

/**
 * Sent (as a progress update, so it keeps its place before the job's
 * progress and outcome) when the handler is called in its thread: the
 * coordinator stamps the service's rate window then.
 */
export interface JobStarted {
  started: true;
}

/** What a worker writes in its heartbeat key. */
export interface WorkerAnnouncement {
  id: string;
  host: string;
  pid: number;
  /** Threads taking jobs: 0 while draining. */
  threads: number;
  busy: number;
  draining: boolean;
}

/** Messages on the control channel. */
export interface CancelMessage {
  type: "cancel";
  jobId: string;
  reason: string;
}

/** The names of runcue's own keys for a queue, beside BullMQ's. */
export function keysFor(prefix: string, queue: string) {
  const base = `${prefix}:${queue}:runcue`;
  return {
    /** The set of worker ids that have announced themselves. */
    workers: `${base}:workers`,
    /** One worker's announcement, expiring after HEARTBEAT_EXPIRY. */
    worker: (id: string) => `${base}:worker:${id}`,
    /** Pub/sub channel the workers listen on for cancels. */
    control: `${base}:control`,
    /** A large result of one job, until the coordinator reads it. */
    result: (jobId: string) => `${base}:result:${jobId}`,
  };
}

/**
 * The BullMQ job id of one attempt. Work ids (`w1`, `w2`...) repeat from one
 * coordinator run to the next, so the id starts with the pool's run id; a
 * retry is a new job. BullMQ refuses ids with ":" and integer ids.
 */
export function jobIdFor(run: string, workId: string, attempt: number): string {
  return `${run}.${workId}.${attempt}`.replaceAll(":", "_");
}
