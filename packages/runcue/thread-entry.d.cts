/**
 * `runcue/thread-entry`: the CommonJS file runcue's Piscina pool loads in each worker thread. A
 * pool of another kind (`@runcue/bullmq`'s runcue-worker) gives it to its own Piscina as the
 * `filename`, so its threads run worker modules with the same runtime as runcue's local threads.
 * The task it takes is runcue's internal message, not a public format.
 */
declare function runTask(task: unknown): Promise<unknown>;
export = runTask;
