import type { Executor, JobTask } from "./executors/types.js";
import type { Lane } from "./lane.js";
import type { RetrySettings, WorkCheck } from "./options.js";
import type { Service } from "./services.js";
import type { StandardSchemaV1 } from "./standard-schema.js";

declare const taskTypes: unique symbol;

/**
 * A task's name as `cue.task()` returns it: a plain string that also carries
 * the task's params and result types, so `submit`, `result` and
 * `onComplete(task, ...)` know them.
 */
export type TaskName<P = unknown, R = unknown> = string & {
  /** Types only: never present at run time. */
  readonly [taskTypes]?: [P, R];
};

/** A task as the scheduler keeps it, after validation. */
export interface RegisteredTask {
  readonly name: string;
  /** What its executor needs to run it. */
  readonly job: JobTask;
  readonly executor: Executor;
  readonly service: Service | undefined;
  /** Its service × executor lane. */
  readonly lane: Lane;
  readonly timeout: number | undefined;
  readonly retry: RetrySettings;
  readonly isReady: WorkCheck | undefined;
  readonly isStale: WorkCheck | undefined;
  /** The schema `submit` checks params against. */
  readonly params: StandardSchemaV1 | undefined;
}
