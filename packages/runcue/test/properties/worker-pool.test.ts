import fc from "fast-check";
import { CancelledError, Cue, type Work } from "runcue";
import { describe, expect, test } from "vitest";
import { fixture } from "../helpers.js";
import {
  expectBooksBalance,
  FinalEvents,
  mostStartsInWindow,
  propertyRuns,
  propertySeed,
  settlesWithin,
  watchUnhandledRejections,
} from "./bookkeeping.js";

const worker = fixture("property.worker.mjs");
const KINDS = ["resolve", "spin", "throw", "hang", "flaky", "progress", "exit"] as const;
const SERVICES = 2;
const MAX_WORKS = 16;

const behaviour = fc.record({
  kind: fc.constantFrom(...KINDS),
  ms: fc.integer({ min: 0, max: 15 }),
  failAttempts: fc.integer({ min: 0, max: 2 }),
  notReady: fc.boolean(),
  stale: fc.boolean(),
  delay: fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined }),
  priority: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
  cancelAfter: fc.option(fc.integer({ min: 0, max: 60 }), { nil: undefined }),
  service: fc.integer({ min: 0, max: SERVICES - 1 }),
  retrying: fc.boolean(),
});

const serviceLimits = fc.record({
  concurrent: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
  rate: fc.option(
    fc.record({
      limit: fc.integer({ min: 1, max: 4 }),
      interval: fc.integer({ min: 20, max: 60 }),
    }),
    { nil: undefined },
  ),
});

const workload = fc.record({
  threads: fc.integer({ min: 1, max: 3 }),
  services: fc.tuple(serviceLimits, serviceLimits),
  timeout: fc.option(fc.integer({ min: 30, max: 80 }), { nil: undefined }),
  withPriority: fc.boolean(),
  stopMidRun: fc.option(
    fc.record({
      after: fc.integer({ min: 0, max: 60 }),
      timeout: fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined }),
    }),
    { nil: undefined },
  ),
  works: fc.array(behaviour, { minLength: 1, maxLength: MAX_WORKS }),
});

type Workload = typeof workload extends fc.Arbitrary<infer W> ? W : never;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function runWorkload(plan: Workload): Promise<void> {
  const rejections = watchUnhandledRejections();
  const cue = new Cue({ threads: plan.threads, pollInterval: 5, abortGrace: 2_000 });
  try {
    // [pool running, pool most, then per service: running, most, starts]
    const counters = new SharedArrayBuffer(4 * (2 + 3 * SERVICES));
    const starts = plan.services.map(() => new SharedArrayBuffer(8 * MAX_WORKS * 3));
    const onStart: number[][] = plan.services.map(() => []);
    plan.services.forEach((limits, index) => {
      cue.service(`s${index}`, {
        ...(limits.concurrent === undefined ? {} : { concurrent: limits.concurrent }),
        ...(limits.rate === undefined ? {} : { rate: limits.rate }),
      });
      const common = {
        uses: `s${index}`,
        worker,
        ...(plan.timeout === undefined ? {} : { timeout: plan.timeout }),
      };
      cue.task(`t${index}`, common);
      cue.task(`t${index}-retry`, { ...common, retry: { attempts: 3, backoff: { initial: 1 } } });
    });
    const checked = new Set<string>();
    cue.isReady((work) => {
      // not ready at the first check only: the poll brings it back
      const first = !checked.has(work.id);
      checked.add(work.id);
      return !((work.params as { notReady: boolean }).notReady && first);
    });
    cue.isStale((work) => (work.params as { stale: boolean }).stale || work.attempt > 0);
    if (plan.withPriority)
      cue.priority(({ work }) => (work.params as { priority?: number }).priority ?? 0.5);
    cue.onStart((work) =>
      onStart[(work.params as { service: number }).service]!.push(performance.now()),
    );
    const events = new FinalEvents(cue);
    cue.start();

    const ids: string[] = [];
    const results: Promise<{ id: string; ok: boolean; value?: unknown; error?: unknown }>[] = [];
    const actions: Promise<unknown>[] = [];
    for (const behave of plan.works) {
      const task = `t${behave.service}${behave.retrying ? "-retry" : ""}`;
      const options = {
        ...(behave.delay === undefined ? {} : { delay: behave.delay }),
        ...(behave.priority === undefined ? {} : { priority: behave.priority }),
      };
      const id = cue.submit(task, { ...behave, counters, starts }, options);
      ids.push(id);
      results.push(
        cue.result(id).then(
          (value) => ({ id, ok: true, value }),
          (error: unknown) => ({ id, ok: false, error }),
        ),
      );
      if (behave.cancelAfter !== undefined)
        actions.push(sleep(behave.cancelAfter).then(() => cue.cancel(id)));
    }
    if (plan.stopMidRun) {
      const { after, timeout } = plan.stopMidRun;
      actions.push(
        sleep(after).then(async () => {
          await settlesWithin(cue.stop(timeout === undefined ? {} : { timeout }), 10_000, "stop()");
          cue.start();
        }),
      );
    }
    await settlesWithin(Promise.all(actions), 15_000, "the cancels and stop/start");
    await settlesWithin(cue.idle(), 15_000, "idle()", () =>
      JSON.stringify({ stats: cue.stats(), blocked: cue.debugBlocked() }),
    );
    const outcomes = await settlesWithin(Promise.all(results), 5_000, "every result()");

    expectBooksBalance(cue, ids, events);
    for (const outcome of outcomes) {
      const work = cue.get(outcome.id) as Work;
      expect(outcome.ok).toBe(work.state === "completed");
      if (work.state === "cancelled") expect(outcome.error).toBeInstanceOf(CancelledError);
    }
    const shared = new Int32Array(counters);
    // threads terminated by stop({ timeout }) never lower their counts: judge limits without them
    if (plan.stopMidRun?.timeout === undefined) {
      expect(shared[1], "handlers running at once in the pool").toBeLessThanOrEqual(plan.threads);
      plan.services.forEach((limits, index) => {
        if (limits.concurrent !== undefined)
          expect(shared[2 + index * 3 + 1], `handlers of s${index} at once`).toBeLessThanOrEqual(
            limits.concurrent,
          );
      });
    }
    plan.services.forEach((limits, index) => {
      if (limits.rate === undefined) return;
      expect(mostStartsInWindow(onStart[index]!, limits.rate.interval, 1)).toBeLessThanOrEqual(
        limits.rate.limit,
      );
      // as the handlers saw it, on timeOrigin + now (threads' origins differ by a few ms: 5 ms)
      const count = shared[2 + index * 3 + 2]!;
      const handlerStarts = [...new Float64Array(starts[index]!)].slice(0, count);
      expect(
        mostStartsInWindow(handlerStarts, limits.rate.interval, 5),
        `handler starts of s${index} in any ${limits.rate.interval} ms`,
      ).toBeLessThanOrEqual(limits.rate.limit);
    });
    expect(rejections.count()).toBe(0);
  } finally {
    rejections.stop();
    await cue.stop({ timeout: 1_000 });
  }
}

describe("random workloads in the worker pool", () => {
  test("every work reaches one final state with one final event; counts add up; limits hold; everything settles", async () => {
    await fc.assert(fc.asyncProperty(workload, runWorkload), {
      numRuns: propertyRuns(6),
      ...propertySeed(),
      endOnFailure: true,
    });
  });
});
