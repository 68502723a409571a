import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, test } from "vitest";
import { gate, startedCue } from "./helpers.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/** Collects twice and lets finalisation run, so WeakRefs of freed objects are empty. */
async function collect(): Promise<void> {
  for (let round = 0; round < 3; round++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const ALL_CLOCKS = {
  pendingWarnAfter: 60_000,
  pendingTimeout: 60_000,
  stallWarnAfter: 60_000,
  stallTimeout: 60_000,
};

describe("finished works beyond retain are forgotten, whatever the options", () => {
  test("warnings and timeouts on: only retain finished results stay reachable", async () => {
    const cue = startedCue({ retain: 5, ...ALL_CLOCKS });
    cue.onPendingWarning(() => {});
    const results: WeakRef<object>[] = [];
    cue.task("t", {
      timeout: 60_000,
      run: async () => {
        const result = { payload: new Array(100).fill(1) };
        results.push(new WeakRef(result));
        return result;
      },
    });
    for (let index = 0; index < 50; index++) cue.submit("t");
    await cue.idle();
    await collect();
    expect(results).toHaveLength(50);
    expect(results.filter((ref) => ref.deref() !== undefined).length).toBeLessThanOrEqual(5);
    expect(cue.list({ limit: 1_000 })).toHaveLength(5);
  });

  test("after stop() nothing beyond retain is reachable either", async () => {
    const cue = startedCue({ retain: 2, ...ALL_CLOCKS });
    const results: WeakRef<object>[] = [];
    cue.task("t", {
      run: async () => {
        const result = { payload: new Array(100).fill(1) };
        results.push(new WeakRef(result));
        return result;
      },
    });
    for (let index = 0; index < 20; index++) cue.submit("t");
    await cue.idle();
    await cue.stop();
    await collect();
    expect(results.filter((ref) => ref.deref() !== undefined).length).toBeLessThanOrEqual(2);
  });

  test("cancelled work counts against retain at once", async () => {
    const cue = startedCue({ retain: 3 });
    cue.service("one", { concurrent: 1 });
    const hold = gate();
    cue.task("hold", { uses: "one", run: () => hold.promise });
    cue.task("t", { uses: "one", run: async () => 1 });
    cue.submit("hold");
    const ids = Array.from({ length: 10 }, () => cue.submit("t"));
    for (const id of ids) await cue.cancel(id);
    expect(cue.list({ state: "cancelled", limit: 100 })).toHaveLength(3);
    expect(cue.get(ids[0]!)).toBeUndefined();
    expect(cue.get(ids[9]!)?.state).toBe("cancelled");
    expect(cue.stats().cancelled).toBe(10);
    hold.open();
  });

  test.each(["not ready", "queued behind a full service"] as const)(
    "cancelled pending works (%s) are freed at once, not at the next scheduling pass",
    async (where) => {
      const cue = startedCue({ retain: 0, pollInterval: 60_000 });
      cue.service("one", { concurrent: 1 });
      const hold = gate();
      cue.task("hold", { uses: "one", run: () => hold.promise });
      cue.task("t", {
        uses: "one",
        isReady: () => where !== "not ready",
        run: async () => 1,
      });
      if (where === "queued behind a full service") cue.submit("hold");
      await new Promise((resolve) => setTimeout(resolve, 10));
      await collect();
      const before = process.memoryUsage().heapUsed;
      const ids: string[] = [];
      for (let index = 0; index < 20_000; index++)
        ids.push(cue.submit("t", { blob: `${"x".repeat(64)}${index}` }));
      await new Promise((resolve) => setTimeout(resolve, 50));
      await collect();
      const pending = process.memoryUsage().heapUsed - before;
      await Promise.all(ids.map((id) => cue.cancel(id)));
      ids.length = 0;
      await collect();
      const afterCancel = process.memoryUsage().heapUsed - before;
      expect(pending).toBeGreaterThan(2_000_000);
      expect(afterCancel).toBeLessThan(pending * 0.2);
      hold.open();
    },
  );
});
