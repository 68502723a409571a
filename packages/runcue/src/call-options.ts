/**
 * The options of the calls about works: `submit`, `result`/`idle`, `list`
 * and `stop`. The Cue's own options and the task and service definitions are
 * in options.ts.
 */
import { z } from "zod";
import { clampPriority, milliseconds } from "./options.js";
import type { WorkState } from "./works.js";

/** Options of `cue.submit(task, params, options)`. */
export interface SubmitOptions {
  /** 0 to 1, higher first; used when there is no `cue.priority` callback. @default 0.5 */
  priority?: number;
  /** Do not consider the work before this many ms from now. */
  delay?: number;
  /** Do not consider the work before this `Date.now()` timestamp. */
  at?: number;
  /**
   * Aborting it cancels the work, as `cue.cancel(id)` does; an already-aborted
   * signal cancels it at once.
   * @example cue.submit("fetch", { url }, { signal: AbortSignal.timeout(60_000) })
   */
  signal?: AbortSignal;
}

const abortSignal = z.custom<AbortSignal>(
  (value) => value instanceof AbortSignal,
  "expected an AbortSignal",
);

export const submitOptionsSchema = z
  .object({
    priority: z.number().finite().transform(clampPriority).default(0.5),
    // delay and at may lie any time ahead: the scheduler's alarm waits in steps
    delay: z.number().finite().nonnegative().optional(),
    at: z.number().finite().optional(),
    signal: abortSignal.optional(),
  })
  .strict();

/** Options of `cue.result(id, options)` and `cue.idle(options)`. */
export interface WaitOptions {
  /**
   * Stops the waiting, not the work: the promise rejects with the signal's
   * reason and the work goes on. A wait that has nothing to wait for (the work
   * is final, the cue idle) resolves even with an aborted signal.
   */
  signal?: AbortSignal;
}

export const waitOptionsSchema = z.object({ signal: abortSignal.optional() }).strict();

/** Filter of `cue.list()`. */
export interface ListFilter {
  /** Only works in this state. */
  state?: WorkState;
  /** Only works of this task. */
  task?: string;
  /** At most this many works, oldest first. @default 100 */
  limit?: number;
}

export const WORK_STATES = ["pending", "running", "completed", "failed", "cancelled"] as const;

export const listFilterSchema = z
  .object({
    state: z
      .enum(WORK_STATES, {
        error: (issue) =>
          `got ${JSON.stringify(issue.input)}, expected one of ${WORK_STATES.map((state) => `"${state}"`).join(", ")}`,
      })
      .optional(),
    task: z.string().optional(),
    limit: z.number().int().nonnegative().default(100),
  })
  .strict();

/** Options of `cue.stop(options)`. */
export interface StopOptions {
  /** Cancel work still running after this long; `stop()` returns soon after. */
  timeout?: number;
}

export const stopOptionsSchema = z.object({ timeout: milliseconds.optional() }).strict();
