import { describe, expect, test } from "vitest";
import { gate, startedCue, until } from "./helpers.js";

describe("readiness and staleness", () => {
  test("work waits while not ready and runs once an artifact appears from outside (poll)", async () => {
    const cue = startedCue({ pollInterval: 20 });
    const artifacts = new Set<string>();
    cue.isReady((work) => artifacts.has((work.params as { input: string }).input));
    cue.task("use", { run: async () => "used" });
    const id = cue.submit("use", { input: "a.txt" });
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(cue.get(id)?.state).toBe("pending");
    artifacts.add("a.txt");
    await expect(cue.result(id)).resolves.toBe("used");
  });

  test("a finishing work triggers a re-check of blocked work (pipeline by artifacts)", async () => {
    const cue = startedCue({ pollInterval: 60_000 });
    const files = new Map<string, string>();
    cue.isReady((work) => {
      const { needs } = work.params as { needs?: string };
      return needs === undefined || files.has(needs);
    });
    cue.task("extract", { run: async () => files.set("text", "hello") });
    cue.task("summarize", { run: async () => files.get("text")!.toUpperCase() });
    const summary = cue.submit("summarize", { needs: "text" });
    cue.submit("extract", {});
    await expect(cue.result(summary)).resolves.toBe("HELLO");
  });

  test("recheck() asks again now", async () => {
    const cue = startedCue({ pollInterval: 60_000 });
    let ready = false;
    cue.task("t", { run: async () => 1, isReady: () => ready });
    const id = cue.submit("t");
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(cue.get(id)?.state).toBe("pending");
    ready = true;
    cue.recheck();
    await expect(cue.result(id)).resolves.toBe(1);
  });

  test("not stale: the work is skipped at once, even behind a full service; onSkip fires, no slot used", async () => {
    const cue = startedCue();
    cue.service("one", { concurrent: 1 });
    const release = gate();
    cue.task("hold", { uses: "one", run: () => release.promise });
    cue.task("build", { uses: "one", run: async () => "built", isStale: () => false });
    const skipped: string[] = [];
    cue.onSkip((work) => skipped.push(work.id));
    const started: string[] = [];
    cue.onStart((work) => started.push(work.task));
    const hold = cue.submit("hold");
    const id = cue.submit("build");
    await expect(cue.result(id)).resolves.toBeUndefined();
    expect(cue.get(hold)?.state).toBe("running");
    expect(cue.get(id)).toMatchObject({ state: "completed", skipped: true });
    expect(cue.get(id)).not.toHaveProperty("result");
    expect(skipped).toEqual([id]);
    expect(started).toEqual(["hold"]);
    expect(cue.stats().services.one!.running).toBe(1);
    release.open();
  });

  test("order of checks: isReady first, then isStale", async () => {
    const cue = startedCue();
    const calls: string[] = [];
    let ready = false;
    cue.task("t", {
      run: async () => calls.push("run"),
      isReady: () => {
        calls.push("ready?");
        return ready;
      },
      isStale: () => {
        calls.push("stale?");
        return true;
      },
    });
    const id = cue.submit("t");
    await new Promise((resolve) => setTimeout(resolve, 5));
    ready = true;
    cue.recheck();
    await cue.result(id);
    expect(calls.filter((call) => call !== "ready?")).toEqual(["stale?", "run"]);
    expect(calls.indexOf("stale?")).toBeGreaterThan(0);
  });

  test("isReady that throws or rejects means not ready; isStale that throws or rejects means stale", async () => {
    const cue = startedCue({ pollInterval: 10 });
    let attempts = 0;
    cue.task("sync", {
      run: async () => "ran",
      isReady: () => {
        attempts++;
        if (attempts < 3) throw new Error("cannot tell yet");
        return true;
      },
      isStale: () => {
        throw new Error("cannot tell");
      },
    });
    let asyncAttempts = 0;
    cue.task("async", {
      run: async () => "ran too",
      isReady: async () => {
        asyncAttempts++;
        if (asyncAttempts < 3) throw new Error("cannot tell yet");
        return true;
      },
      isStale: () => Promise.reject(new Error("cannot tell")),
    });
    await expect(cue.result(cue.submit("sync"))).resolves.toBe("ran");
    await expect(cue.result(cue.submit("async"))).resolves.toBe("ran too");
    expect(attempts).toBeGreaterThanOrEqual(3);
    expect(asyncAttempts).toBeGreaterThanOrEqual(3);
  });

  test("per-task checks replace the global ones for that task", async () => {
    const cue = startedCue();
    cue.isStale(() => false);
    cue.task("global", { run: async () => "g" });
    cue.task("own", { run: async () => "o", isStale: () => true });
    const global = cue.submit("global");
    const own = cue.submit("own");
    await cue.idle();
    expect(cue.get(global)?.skipped).toBe(true);
    expect(cue.get(own)).toMatchObject({ skipped: false, result: "o" });
  });

  test("a later isReady call replaces the earlier one", async () => {
    const cue = startedCue();
    cue.isReady(() => false);
    cue.isReady(() => true);
    cue.task("t", { run: async () => 1 });
    await expect(cue.result(cue.submit("t"))).resolves.toBe(1);
  });

  test("async checks never overcommit a service", async () => {
    const cue = startedCue();
    cue.service("one", { concurrent: 1 });
    let running = 0;
    let most = 0;
    cue.task("t", {
      uses: "one",
      isReady: async () => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        return true;
      },
      isStale: async () => true,
      run: async () => {
        running++;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, 2));
        running--;
      },
    });
    for (let index = 0; index < 10; index++) cue.submit("t");
    await cue.idle();
    expect(most).toBe(1);
    expect(cue.stats().completed).toBe(10);
  });

  test("a slice gone stale makes the pie wait while slicing runs again (apple pie)", async () => {
    const cue = startedCue({ pollInterval: 10 });
    cue.service("knife", { concurrent: 1 });
    cue.service("oven", { concurrent: 2 });
    const maxAge = 30;
    let slicedAt: number | undefined = Date.now() - 1_000; // stale from an earlier day
    const slicesValid = () => slicedAt !== undefined && Date.now() - slicedAt < maxAge;
    const order: string[] = [];
    cue.task("slice_apples", {
      uses: "knife",
      isStale: () => !slicesValid(),
      run: async () => {
        order.push("slice");
        slicedAt = Date.now();
      },
    });
    cue.task("make_pie", {
      uses: "oven",
      isReady: () => slicesValid(),
      run: async () => {
        order.push("bake");
      },
    });
    const pie = cue.submit("make_pie");
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(cue.get(pie)?.state).toBe("pending");
    cue.submit("slice_apples");
    await cue.result(pie);
    expect(order).toEqual(["slice", "bake"]);
  });

  test("work that waited in its queue longer than pollInterval is checked again before it starts", async () => {
    const cue = startedCue({ pollInterval: 20 });
    cue.service("oven", { concurrent: 1 });
    const release = gate();
    let inputValid = true;
    const started: string[] = [];
    cue.onStart((work) => started.push(work.task));
    cue.task("hold", { uses: "oven", run: () => release.promise });
    cue.task("bake", { uses: "oven", run: async () => "baked", isReady: () => inputValid });
    cue.submit("hold");
    const bake = cue.submit("bake");
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(cue.debugBlocked()[0]?.reason).toBe("service_full");
    inputValid = false;
    release.open();
    await until(() => cue.debugBlocked()[0]?.reason === "not_ready", "bake to be found not ready");
    expect(started).toEqual(["hold"]);
    inputValid = true;
    await expect(cue.result(bake)).resolves.toBe("baked");
  });
});
