import { TimeoutError, type Work } from "runcue";
import { describe, expect, test } from "vitest";
import { fixture, startedCue } from "./helpers.js";

/** A small seeded generator, so a failure can be replayed. */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

describe("every submitted work reaches exactly one final state, with exactly one final event", () => {
  test.each([1, 2, 3])("under a random mixed workload (seed %i)", async (seed) => {
    const next = random(seed);
    const cue = startedCue({ threads: 2, pollInterval: 5, pendingTimeout: 3_000, abortGrace: 50 });
    cue.service("api", { rate: "200/s", concurrent: 4 });
    cue.service("disk", { concurrent: 2 });
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    cue.task("io", {
      uses: "api",
      timeout: 40,
      retry: { attempts: 2, backoff: { initial: 1 } },
      run: async (work, ctx) => {
        const { ms, fail } = work.params as { ms: number; fail: boolean };
        ctx.progress(1);
        await sleep(ms);
        if (fail) throw new Error("io failed");
        return ms;
      },
    });
    cue.task("maybe", {
      uses: "disk",
      isReady: (work) => (work.params as { ready: boolean }).ready || next() < 0.5,
      isStale: async (work) => (work.params as { stale: boolean }).stale,
      run: async () => "built",
    });
    cue.task("cpu", {
      uses: "disk",
      worker: fixture("workers.mjs"),
      export: "flaky",
      retry: { attempts: 2 },
    });
    const finals = new Map<string, string[]>();
    const record = (kind: string) => (work: Work) => {
      const list = finals.get(work.id) ?? [];
      list.push(kind);
      finals.set(work.id, list);
    };
    cue.onComplete(record("complete"));
    cue.onFailure(record("failure"));
    cue.onSkip(record("skip"));
    const ids: string[] = [];
    const cancelled = new Set<string>();
    for (let index = 0; index < 300; index++) {
      const roll = next();
      let id: string;
      if (roll < 0.5) {
        id = cue.submit(
          "io",
          { ms: Math.floor(next() * 60), fail: next() < 0.2 },
          { priority: next() },
        );
      } else if (roll < 0.8) {
        id = cue.submit(
          "maybe",
          { ready: next() < 0.8, stale: next() < 0.5 },
          { delay: next() < 0.2 ? 20 : 0 },
        );
      } else {
        id = cue.submit("cpu", { succeedOn: next() < 0.5 ? 1 : 3 });
      }
      ids.push(id);
      if (next() < 0.1) {
        await sleep(1);
        if (await cue.cancel(id)) cancelled.add(id);
      }
    }
    await cue.idle();
    const states = new Map(ids.map((id) => [id, cue.get(id)!.state]));
    for (const id of ids) {
      const state = states.get(id)!;
      expect(["completed", "failed", "cancelled"]).toContain(state);
      const events = finals.get(id) ?? [];
      if (state === "cancelled") {
        expect(events).toEqual([]);
        expect(cancelled.has(id)).toBe(true);
        await expect(cue.result(id)).rejects.toThrow(/cancelled/);
      } else {
        expect(events).toHaveLength(1);
        const expected =
          state === "failed" ? "failure" : cue.get(id)!.skipped ? "skip" : "complete";
        expect(events[0]).toBe(expected);
      }
    }
    const stats = cue.stats();
    expect(stats.pending + stats.running).toBe(0);
    expect(stats.completed + stats.skipped + stats.failed + stats.cancelled).toBe(ids.length);
    // a pending timeout, if any fired, is one of the final failures: nothing is lost
    const timeouts = ids.filter((id) => cue.get(id)!.error instanceof TimeoutError).length;
    expect(timeouts).toBeLessThanOrEqual(stats.failed);
  });
});
