import { messages } from "./errors.js";
import type { RegisteredTask } from "./tasks.js";
import { Place, type Work, type WorkRecord } from "./works.js";

/** Why a pending work has not started, from `debugBlocked()`. */
export type BlockedReason =
  | "unknown_task"
  | "not_ready"
  | "service_full"
  | "threads_busy"
  | "delayed"
  | "not_started"
  | "queued";

/**
 * One pending work and why it has not started, from `cue.debugBlocked()`.
 * @example
 * ```ts
 * for (const { work, reason, details } of cue.debugBlocked()) console.log(work.id, reason, details);
 * // w7 service_full service "openai": concurrency 5/5
 * ```
 */
export interface BlockedWork {
  /** The work, as `cue.get()` gives it. */
  work: Work;
  /** Why it waits; the first of the checks it has not passed. */
  reason: BlockedReason;
  /** The same in words, naming the task, service or pool (e.g. `concurrency 1/1`). */
  details: string;
}

/** What the description of a blocked work needs to know about the cue. */
export interface BlockedContext {
  readonly tasks: ReadonlyMap<string, RegisteredTask>;
  /** Started and not stopping. */
  readonly isRunning: boolean;
  readonly isStopping: boolean;
  /** Monotonic time, for rate windows. */
  readonly now: number;
}

function describeParams(params: unknown): string {
  try {
    const text = JSON.stringify(params);
    return text.length > 200 ? `${text.slice(0, 200)}…` : text;
  } catch {
    return String(params);
  }
}

/**
 * Why a pending work has not started. Each part describes itself: a service
 * says why it is full, an executor why it has no free slot.
 */
export function describeBlocked(record: WorkRecord, cue: BlockedContext): BlockedWork {
  const work = record.snapshot();
  const blocked = (reason: BlockedReason, details: string): BlockedWork => ({
    work,
    reason,
    details,
  });
  const task = cue.tasks.get(record.task);
  if (!task) return blocked("unknown_task", messages.unknownTaskBlocked(record.task));
  if (record.place === Place.Delayed) {
    const wait = Math.max(0, record.notBefore - Date.now());
    return blocked("delayed", messages.delayedUntil(record.notBefore, wait, record.attempt));
  }
  if (record.place === Place.Waiting) {
    const params = describeParams(record.params);
    return blocked("not_ready", messages.notReady(record.task, params, record.notReadyCount));
  }
  if (record.place === Place.Checking) {
    return blocked("not_ready", messages.checkAwaited(record.task, describeParams(record.params)));
  }
  if (!cue.isRunning) return blocked("not_started", messages.notStarted(cue.isStopping));
  if (task.service && task.service.capacity(cue.now) <= 0) {
    return blocked("service_full", task.service.describeFull(cue.now));
  }
  if (record.place === Place.Incoming) return blocked("queued", messages.notCheckedYet());
  const { executor, executorName } = task.lane;
  if (executor.freeSlots() <= 0) {
    return blocked("threads_busy", messages.poolBusy(executorName, executor.describeBusy()));
  }
  return blocked("queued", messages.aboutToStart());
}
