import fc from "fast-check";
import { CancelledError, Cue, type Work } from "runcue";
import { describe, expect, test } from "vitest";
import {
  expectBooksBalance,
  FinalEvents,
  mostStartsInWindow,
  propertyRuns,
  propertySeed,
  settlesWithin,
  watchUnhandledRejections,
} from "./bookkeeping.js";

const KINDS = [
  "resolve",
  "throwSync",
  "reject",
  "hang",
  "ignoresAbort",
  "flaky",
  "progress",
] as const;

interface Behaviour {
  kind: (typeof KINDS)[number];
  ms: number;
  failAttempts: number;
  notReadyChecks: number;
  readyThrows: boolean;
  stale: "yes" | "no" | "throws" | "asyncNo" | "asyncThrows";
  delay: number | undefined;
  useAt: boolean;
  priority: number | undefined;
  rank: number;
  cancelAfter: number | undefined;
  service: number;
  retrying: boolean;
}

const behaviour: fc.Arbitrary<Behaviour> = fc.record({
  kind: fc.constantFrom(...KINDS),
  ms: fc.integer({ min: 0, max: 15 }),
  failAttempts: fc.integer({ min: 0, max: 3 }),
  notReadyChecks: fc.integer({ min: 0, max: 3 }),
  readyThrows: fc.boolean(),
  stale: fc.constantFrom("yes", "no", "throws", "asyncNo", "asyncThrows"),
  delay: fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined }),
  useAt: fc.boolean(),
  priority: fc.option(fc.double({ min: -1, max: 2, noNaN: true }), { nil: undefined }),
  rank: fc.oneof(fc.double({ min: -1, max: 2, noNaN: true }), fc.constant(Number.NaN)),
  cancelAfter: fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined }),
  service: fc.integer({ min: 0, max: 2 }),
  retrying: fc.boolean(),
});

const serviceLimits = fc.record({
  concurrent: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
  rate: fc.option(
    fc.record({
      limit: fc.integer({ min: 1, max: 6 }),
      interval: fc.integer({ min: 20, max: 80 }),
    }),
    { nil: undefined },
  ),
});

const workload = fc.record({
  services: fc.tuple(serviceLimits, serviceLimits, serviceLimits),
  timeout: fc.option(fc.integer({ min: 20, max: 60 }), { nil: undefined }),
  pollInterval: fc.integer({ min: 1, max: 20 }),
  priorityCallback: fc.constantFrom("none", "params", "throws", "waitTime"),
  stopMidRun: fc.option(
    fc.record({
      after: fc.integer({ min: 0, max: 40 }),
      timeout: fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined }),
    }),
    { nil: undefined },
  ),
  works: fc.array(behaviour, { minLength: 1, maxLength: 30 }),
});

type Workload = typeof workload extends fc.Arbitrary<infer W> ? W : never;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What the handlers see, per service: how many run now, the most at once, when each started. */
interface Seen {
  running: number;
  most: number;
  starts: number[];
}

async function runWorkload(plan: Workload): Promise<void> {
  const rejections = watchUnhandledRejections();
  const cue = new Cue({ pollInterval: plan.pollInterval, abortGrace: 200, threads: 1 });
  try {
    const seen: Seen[] = plan.services.map(() => ({ running: 0, most: 0, starts: [] }));
    const firstStart = new Map<string, number>();
    plan.services.forEach((limits, index) => {
      cue.service(`s${index}`, {
        ...(limits.concurrent === undefined ? {} : { concurrent: limits.concurrent }),
        ...(limits.rate === undefined ? {} : { rate: limits.rate }),
      });
    });
    const run = (work: { id: string; params: unknown; attempt: number }, ctx: TaskCtx) => {
      const params = work.params as Behaviour;
      const mine = seen[params.service]!;
      mine.starts.push(performance.now());
      if (!firstStart.has(work.id)) firstStart.set(work.id, Date.now());
      mine.running++;
      mine.most = Math.max(mine.most, mine.running);
      const leave = () => {
        mine.running--;
      };
      if (params.kind === "throwSync") {
        leave();
        throw new Error(`sync throw in ${work.id}`);
      }
      return handle(params, work.attempt, ctx).finally(leave);
    };
    plan.services.forEach((_limits, index) => {
      const common = {
        uses: `s${index}`,
        run,
        ...(plan.timeout === undefined ? {} : { timeout: plan.timeout }),
      };
      cue.task(`t${index}`, common);
      cue.task(`t${index}-retry`, {
        ...common,
        retry: { attempts: 3, backoff: { initial: 2, factor: 2, max: 10, jitter: 0.5 } },
      });
    });
    const checks = new Map<string, number>();
    cue.isReady((work) => {
      const params = work.params as Behaviour;
      const count = checks.get(work.id) ?? 0;
      checks.set(work.id, count + 1);
      if (params.readyThrows && count === 0) throw new Error("isReady threw");
      return count >= params.notReadyChecks;
    });
    cue.isStale((work) => {
      switch ((work.params as Behaviour).stale) {
        case "yes":
          return true;
        case "no":
          return false;
        case "throws":
          throw new Error("isStale threw");
        case "asyncNo":
          return Promise.resolve(false);
        case "asyncThrows":
          return Promise.reject(new Error("isStale rejected"));
      }
    });
    if (plan.priorityCallback === "params")
      cue.priority(({ work }) => (work.params as Behaviour).rank);
    if (plan.priorityCallback === "throws")
      cue.priority(() => {
        throw new Error("priority threw");
      });
    if (plan.priorityCallback === "waitTime") cue.priority(({ waitTime }) => waitTime / 100);
    const events = new FinalEvents(cue);
    cue.start();

    const ids: string[] = [];
    const submittedAt = new Map<string, number>();
    const notBefore = new Map<string, number>();
    const results: Promise<unknown>[] = [];
    const actions: Promise<unknown>[] = [];
    for (const params of plan.works) {
      const options: { priority?: number; delay?: number; at?: number } = {};
      if (params.priority !== undefined) options.priority = params.priority;
      const now = Date.now();
      if (params.delay !== undefined) {
        if (params.useAt) options.at = now + params.delay;
        else options.delay = params.delay;
      }
      const task = `t${params.service}${params.retrying ? "-retry" : ""}`;
      const id = cue.submit(task, params, options);
      ids.push(id);
      submittedAt.set(id, now);
      notBefore.set(id, now + (params.delay ?? 0));
      results.push(
        cue.result(id).then(
          (value) => ({ id, ok: true, value }),
          (error: unknown) => ({ id, ok: false, error }),
        ),
      );
      if (params.cancelAfter !== undefined) {
        actions.push(sleep(params.cancelAfter).then(() => cue.cancel(id)));
      }
    }
    if (plan.stopMidRun) {
      const { after, timeout } = plan.stopMidRun;
      actions.push(
        sleep(after).then(async () => {
          await settlesWithin(
            cue.stop(timeout === undefined ? {} : { timeout }),
            5_000,
            "stop() in mid-run",
          );
          cue.start();
        }),
      );
    }
    await settlesWithin(Promise.all(actions), 10_000, "the cancels and stop/start");
    await settlesWithin(cue.idle(), 10_000, "idle()", () =>
      JSON.stringify({
        stats: cue.stats(),
        blocked: cue.debugBlocked(),
        running: cue.list({ state: "running" }),
      }),
    );
    const outcomes = (await settlesWithin(Promise.all(results), 5_000, "every result()")) as Array<{
      id: string;
      ok: boolean;
      value?: unknown;
      error?: unknown;
    }>;

    // a handler cancelled by stop({ timeout }) may still run: idle() does not wait for it
    await settlesWithin(
      (async () => {
        while (seen.some((mine) => mine.running > 0)) await sleep(5);
      })(),
      2_000,
      "every handler to return",
    );
    expectBooksBalance(cue, ids, events);
    for (const outcome of outcomes) {
      const work = cue.get(outcome.id) as Work;
      if (work.state === "completed") {
        expect(outcome.ok).toBe(true);
        expect(outcome.value).toEqual(work.skipped ? undefined : work.result);
      } else {
        expect(outcome.ok).toBe(false);
        expect(outcome.error).toBe(work.error);
        if (work.state === "cancelled") expect(outcome.error).toBeInstanceOf(CancelledError);
      }
    }
    plan.services.forEach((limits, index) => {
      const mine = seen[index]!;
      if (limits.concurrent !== undefined) expect(mine.most).toBeLessThanOrEqual(limits.concurrent);
      if (limits.rate !== undefined) {
        // the handler's own clock, exactly: the window is stamped after the handler's synchronous start
        expect(mostStartsInWindow(mine.starts, limits.rate.interval, 0)).toBeLessThanOrEqual(
          limits.rate.limit,
        );
      }
    });
    for (const [id, started] of firstStart) {
      // Date.now() has whole milliseconds: allow one
      expect(started, `start of ${id} before its delay`).toBeGreaterThanOrEqual(
        notBefore.get(id)! - 1,
      );
    }
    expect(rejections.count()).toBe(0);
  } finally {
    rejections.stop();
    await cue.stop({ timeout: 1_000 });
  }
}

type TaskCtx = { signal: AbortSignal; progress(value: unknown): void };

async function handle(params: Behaviour, attempt: number, ctx: TaskCtx): Promise<unknown> {
  switch (params.kind) {
    case "resolve":
      await sleep(params.ms);
      return params.ms;
    case "reject":
      await sleep(params.ms);
      throw new Error("rejected");
    case "hang":
      // until aborted (cancel, task timeout, stop timeout), at most 150 ms
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 150);
        ctx.signal.addEventListener("abort", () => {
          clearTimeout(timer);
          resolve();
        });
      });
      if (ctx.signal.aborted) throw ctx.signal.reason;
      return "woke";
    case "ignoresAbort":
      await sleep(params.ms);
      return "ignored the signal";
    case "flaky":
      await sleep(params.ms);
      if (attempt <= params.failAttempts) throw new Error(`attempt ${attempt} failed`);
      return attempt;
    case "progress":
      ctx.progress(1);
      await sleep(params.ms);
      ctx.progress(2);
      return "progressed";
    default:
      throw new Error(`unknown kind ${params.kind}`);
  }
}

describe("random workloads on the main thread", () => {
  test("every work reaches one final state with one final event; counts add up; limits hold as handlers see them; everything settles", async () => {
    await fc.assert(fc.asyncProperty(workload, runWorkload), {
      numRuns: propertyRuns(12),
      ...propertySeed(),
      endOnFailure: true,
    });
  });
});
