export type { BlockedReason, BlockedWork } from "./blocked.js";
export { Cue, type ListFilter } from "./cue.js";
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
export {
  type DurationStats,
  type TaskTimingStats,
  type WorkFailureMessage,
  type WorkFinishMessage,
  type WorkStartMessage,
  workChannels,
} from "./observe.js";
export type {
  BackoffOptions,
  CueOptions,
  RetryOptions,
  RunTaskDefinition,
  ServiceOptions,
  StopOptions,
  SubmitOptions,
  TaskDefinition,
  TaskOptions,
  WaitOptions,
  WorkCheck,
  WorkerTaskDefinition,
} from "./options.js";
export { parseRate, type Rate } from "./rate.js";
export type { CueStats, RateStats, ServiceStats } from "./stats.js";
export type { TaskName } from "./tasks.js";
export type { StateCounts, TaskContext, Work, WorkId, WorkInfo, WorkState } from "./works.js";
