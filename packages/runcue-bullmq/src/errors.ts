/**
 * Every message of @runcue/bullmq in one place, so they read alike (as in
 * runcue's own errors.ts).
 */

const kib = (bytes: number) => `${Math.ceil(bytes / 1024)} KiB`;

export const messages = {
  invalidPoolOptions: (issues: string) => `Invalid redisPool() options: ${issues}`,
  exposeNotRemote: (task: string, pool: string) =>
    `Task "${task}" exposes main-thread functions ("expose"), which cannot reach a remote pool: ` +
    `run it in the local pool (drop "pool: "${pool}"") or pass what it needs in its params`,
  noWorkerModule: (task: string) =>
    `Task "${task}" has no worker module: only worker tasks run in a remote pool`,
  paramsCannotCross: (task: string, reason: string) =>
    `Params of task "${task}" cannot be sent to a remote worker: ${reason} ` +
    "(plain data, typed arrays, Buffers, ArrayBuffers, Maps, Sets, Dates and BigInts cross; functions, symbols and class instances' methods do not)",
  resultTooLarge: (task: string, workId: string, bytes: number, limit: number) =>
    `Result of task "${task}" (work ${workId}) is ${kib(bytes)} encoded, over the remote pool's maxResultBytes of ${kib(limit)}: ` +
    "write large outputs to shared storage and return their location, or raise maxResultBytes",
  workerLost: (worker: string, host: string, task: string, workId: string) =>
    `runcue-worker ${worker} on ${host} stopped answering while it ran task "${task}" (work ${workId}): ` +
    "the process died or lost Redis; the attempt is failed so the task's retry decides",
  jobVanished: (task: string, workId: string, jobId: string) =>
    `The BullMQ job ${jobId} of task "${task}" (work ${workId}) is no longer in Redis and its outcome never arrived ` +
    "(Redis restarted without persistence, its event was lost, or the job was removed from outside): the attempt is failed so the task's retry decides",
  storedResultMissing: (task: string, workId: string, jobId: string) =>
    `The result of task "${task}" (work ${workId}, BullMQ job ${jobId}) was no longer in Redis when the coordinator came for it ` +
    "(Redis restarted without persistence, or it expired): the attempt is failed so the task's retry decides",
  remoteFailure: (task: string, workId: string, reason: string) =>
    `Task "${task}" (work ${workId}) failed in BullMQ: ${reason}`,
  protocolMismatch: (got: unknown, expected: number) =>
    `job data of protocol version ${String(got)}, this runcue-worker speaks version ${expected}: run the same @runcue/bullmq version on the coordinator and every worker`,
  moduleNotFound: (module: string, root: string) =>
    `worker module ${module} was not found under --root ${root}: start runcue-worker in the same checkout as the coordinator, or pass --root`,
  coordinatorStopped: () => "the coordinator stopped",
  poolClosed: (task: string, workId: string) =>
    `Task "${task}" (work ${workId}) was still running remotely when its redisPool() closed`,
  workerStopping: (worker: string) =>
    `runcue-worker ${worker} is stopping (a second SIGTERM): the running job was aborted`,
  moduleOutsideRoot: (module: string, root: string) =>
    `worker module ${module} is outside --root ${root}: a runcue-worker loads only modules under its root ` +
    "(start it with --root at a folder that holds the module, the same checkout as the coordinator's root)",
  poolAttachedTwice: () => "A redisPool() belongs to one Cue: make one pool per Cue",
  connecting: (where: string) => `connecting to Redis at ${where}`,
  noWorkers: (queue: string) =>
    `no runcue-worker connected to queue "${queue}" (start one: runcue-worker --redis URL --queue ${queue})`,
  allBusy: (size: number, busy: number, workers: number) =>
    `all ${size} remote threads busy (${busy}/${size}) on ${workers} worker${workers === 1 ? "" : "s"}`,
} as const;
