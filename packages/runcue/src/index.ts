export { Cue, type CueStats, type ListFilter, type ServiceStats, type TaskName } from "./cue.js";
export { CancelledError, TimeoutError, type TimeoutKind } from "./errors.js";
export type { CueEvents } from "./events.js";
export type {
  Executor,
  ExecutorHost,
  Job,
  JobTask,
  Pool,
  PoolStats,
  PoolWorkerStats,
} from "./executors/types.js";
export type {
  BackoffOptions,
  CueOptions,
  ExposedFunctions,
  RetryOptions,
  RunTaskDefinition,
  ServiceOptions,
  StopOptions,
  SubmitOptions,
  TaskDefinition,
  TaskOptions,
  WorkCheck,
  WorkerTaskDefinition,
} from "./options.js";
export { parseRate, type Rate } from "./rate.js";
export type { BlockedReason, BlockedWork, PriorityContext, PriorityFunction } from "./scheduler.js";
export type { StateCounts, TaskContext, Work, WorkId, WorkInfo, WorkState } from "./works.js";
