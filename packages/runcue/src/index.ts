export type { BlockedReason, BlockedWork } from "./blocked.js";
export type { StopOptions, SubmitOptions, WaitOptions } from "./call-options.js";
export { Cue, type ListFilter } from "./cue.js";
export type {
  WorkFailureMessage,
  WorkFinishMessage,
  WorkStartMessage,
} from "./diagnostics.js";
export { CancelledError, TimeoutError, type TimeoutKind } from "./errors.js";
export type { CueEvents, EventName, Listener } from "./events.js";
export { ThreadPool, type ThreadPoolOptions } from "./executors/thread-pool.js";
export type {
  Executor,
  ExecutorHost,
  ExposedFunctions,
  Job,
  JobTask,
  Pool,
  PoolStats,
  PoolWorkerStats,
} from "./executors/types.js";
export type { PriorityContext, PriorityFunction } from "./lane.js";
export { type DurationStats, type TaskTimingStats, workChannels } from "./observe.js";
export type {
  BackoffOptions,
  CueOptions,
  RetryOptions,
  RunTaskDefinition,
  ServiceOptions,
  TaskDefinition,
  TaskOptions,
  WorkCheck,
  WorkerTaskDefinition,
} from "./options.js";
export { parseRate, type Rate } from "./rate.js";
export type {
  InferOutput,
  StandardFailure,
  StandardIssue,
  StandardPathSegment,
  StandardResult,
  StandardSchemaProps,
  StandardSchemaV1,
  StandardSuccess,
  StandardTypes,
} from "./standard-schema.js";
export type { CueStats, RateStats, ServiceStats } from "./stats.js";
export type { TaskName } from "./tasks.js";
export type { StateCounts, TaskContext, Work, WorkId, WorkInfo, WorkState } from "./works.js";
