import { describe, expect, test } from "vitest";
import { gate, heldQueue, startedCue } from "./helpers.js";

describe("priority", () => {
  test("without a callback work runs in submission order", async () => {
    const { cue, release, order } = heldQueue();
    cue.start();
    cue.submit("hold");
    for (const name of ["a", "b", "c", "d", "e"]) cue.submit("job", { name });
    release.open();
    await cue.idle();
    expect(order).toEqual(["a", "b", "c", "d", "e"]);
  });

  test("submit's priority option: higher first, equal keeps submission order", async () => {
    const { cue, release, order } = heldQueue();
    cue.start();
    cue.submit("hold");
    cue.submit("job", { name: "low" }, { priority: 0.1 });
    cue.submit("job", { name: "mid1" });
    cue.submit("job", { name: "high" }, { priority: 0.9 });
    cue.submit("job", { name: "mid2" }, { priority: 0.5 });
    cue.submit("job", { name: "clamped" }, { priority: 7 });
    release.open();
    await cue.idle();
    expect(order).toEqual(["clamped", "high", "mid1", "mid2", "low"]);
  });

  test("the callback is consulted when work is chosen, with waitTime and queueDepth", async () => {
    // pollInterval bounds how long a ranking may stand; waiting past it makes a fresh one certain
    const { cue, release, order } = heldQueue({ pollInterval: 10 });
    const seen: Array<{ name: string; waitTime: number; queueDepth: number }> = [];
    cue.priority(({ work, waitTime, queueDepth }) => {
      const { name } = work.params as { name?: string };
      if (name) seen.push({ name, waitTime, queueDepth });
      return name === "urgent" ? 1 : name === "never mind" ? -3 : 0.5;
    });
    cue.start();
    cue.submit("hold");
    cue.submit("job", { name: "first" });
    cue.submit("job", { name: "never mind" });
    cue.submit("job", { name: "urgent" });
    await new Promise((resolve) => setTimeout(resolve, 40));
    release.open();
    await cue.idle();
    expect(order).toEqual(["urgent", "first", "never mind"]);
    const late = seen.filter((entry) => entry.waitTime >= 30);
    expect(late.length).toBeGreaterThan(0);
    expect(Math.max(...seen.map((entry) => entry.queueDepth))).toBeGreaterThanOrEqual(3);
  });

  test("a callback that throws counts as 0.5", async () => {
    const { cue, release, order } = heldQueue();
    cue.priority(({ work }) => {
      const { name } = work.params as { name?: string };
      if (name === "boom") throw new Error("bug in priority");
      return name === "low" ? 0.2 : 0.8;
    });
    cue.start();
    cue.submit("hold");
    cue.submit("job", { name: "low" });
    cue.submit("job", { name: "boom" });
    cue.submit("job", { name: "high" });
    release.open();
    await cue.idle();
    expect(order).toEqual(["high", "boom", "low"]);
  });

  test("services that compete for nothing run side by side, each from its own queue", async () => {
    const cue = startedCue();
    cue.service("a", { concurrent: 1 });
    cue.service("b", { concurrent: 1 });
    const both = gate();
    let running = 0;
    const run = async () => {
      running++;
      await both.promise;
    };
    cue.task("ta", { uses: "a", run });
    cue.task("tb", { uses: "b", run });
    cue.submit("ta");
    cue.submit("tb");
    await new Promise((resolve) => setImmediate(resolve));
    expect(running).toBe(2);
    both.open();
    await cue.idle();
  });

  test("a big queue is not ranked again in full at every finish", async () => {
    const cue = startedCue();
    cue.service("s", { concurrent: 8 });
    cue.task("t", { uses: "s", run: async () => {} });
    let calls = 0;
    cue.priority(({ work, waitTime }) => {
      calls++;
      return ((work.params as { n: number }).n % 10) / 10 + Math.min(waitTime, 1000) / 10_000;
    });
    const works = 5_000;
    for (let n = 0; n < works; n++) cue.submit("t", { n });
    await cue.idle();
    expect(cue.stats().completed).toBe(works);
    // ranking everything at every finish would be about works²/8 calls (over 3 million here)
    expect(calls).toBeLessThan(20 * works);
  });
});
