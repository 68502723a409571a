import { isThenable } from "../thenable.js";
import type { Executor, ExecutorHost, Job } from "./types.js";

/**
 * Runs `run` handlers as async functions on the main thread. It has no slots
 * of its own: services are the only limit on I/O-bound work.
 */
export class MainThreadExecutor implements Executor {
  private abortGrace = 0;

  attach(host: ExecutorHost): void {
    this.abortGrace = host.abortGrace;
  }

  freeSlots(): number {
    return Number.POSITIVE_INFINITY;
  }

  describeBusy(): string {
    return "the main thread is never full";
  }

  abort(job: Job): void {
    // A handler that ignores its signal cannot be stopped on this thread; after the
    // grace we stop waiting for it, so its slot is not held for ever.
    const timer = setTimeout(() => job.reject(job.signal.reason), this.abortGrace);
    timer.unref();
  }

  run(job: Job): void {
    try {
      const value = job.task.run!(job.work as never, job);
      if (isThenable(value)) {
        value.then(
          (result) => job.resolve(result),
          (error: unknown) => job.reject(error),
        );
      } else {
        // settled a microtask later, like an async handler: the caller finishes starting first
        queueMicrotask(() => job.resolve(value));
      }
    } catch (error) {
      queueMicrotask(() => job.reject(error));
    }
  }

  async close(): Promise<void> {}
}
