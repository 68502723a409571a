import { describe, expect, test } from "vitest";
import { startedCue } from "./helpers.js";

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe("service limits", () => {
  test("concurrency: never more than concurrent works of a service run at once", async () => {
    const cue = startedCue();
    cue.service("knife", { concurrent: 1 });
    cue.service("oven", { concurrent: 3 });
    const running = { knife: 0, oven: 0 };
    const most = { knife: 0, oven: 0 };
    const body = (service: "knife" | "oven") => async () => {
      running[service]++;
      most[service] = Math.max(most[service], running[service]);
      await tick();
      running[service]--;
    };
    cue.task("slice", { uses: "knife", run: body("knife") });
    cue.task("bake", { uses: "oven", run: body("oven") });
    for (let index = 0; index < 20; index++) {
      cue.submit("slice");
      cue.submit("bake");
    }
    await cue.idle();
    expect(most).toEqual({ knife: 1, oven: 3 });
  });

  test("a freed slot is refilled at once, without waiting for a poll", async () => {
    const cue = startedCue({ pollInterval: 60_000 });
    cue.service("one", { concurrent: 1 });
    cue.task("t", { uses: "one", run: async () => 1 });
    const started = Date.now();
    for (let index = 0; index < 200; index++) cue.submit("t");
    await cue.idle();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(cue.stats().completed).toBe(200);
  });

  test("rate: at most N starts in ANY window of the interval, retries counted", async () => {
    const cue = startedCue();
    cue.service("api", { rate: { limit: 5, interval: 200 } });
    const starts: number[] = [];
    cue.onStart(() => starts.push(performance.now()));
    cue.task("call", {
      uses: "api",
      retry: { attempts: 2, backoff: { initial: 0 } },
      run: async (work) => {
        if (work.attempt === 1 && Number(work.id.slice(1)) % 3 === 0) throw new Error("flaky");
        return 1;
      },
    });
    for (let index = 0; index < 18; index++) cue.submit("call");
    await cue.idle();
    expect(starts.length).toBe(24);
    for (let index = 5; index < starts.length; index++) {
      // the library measures with the same monotonic clock; allow for timer rounding only
      expect(starts[index]! - starts[index - 5]!).toBeGreaterThanOrEqual(199);
    }
    // and the window is used: 24 starts at 5 per 200 ms take at least 4 windows
    expect(starts.at(-1)! - starts[0]!).toBeGreaterThanOrEqual(4 * 200 - 5);
  });

  test("rate and concurrency together: both hold as the handlers see them, and the rate paces the run", async () => {
    const cue = startedCue();
    cue.service("api", { rate: { limit: 3, interval: 150 }, concurrent: 2 });
    let running = 0;
    let most = 0;
    const starts: number[] = [];
    cue.task("call", {
      uses: "api",
      run: async () => {
        starts.push(performance.now());
        running++;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, 20));
        running--;
      },
    });
    for (let index = 0; index < 9; index++) cue.submit("call");
    await cue.idle();
    expect(starts).toHaveLength(9);
    expect(most).toBe(2);
    for (let index = 3; index < starts.length; index++) {
      expect(starts[index]! - starts[index - 3]!).toBeGreaterThanOrEqual(150 - 1);
    }
    // 9 starts at 3 per 150 ms need at least two more windows after the first
    expect(starts.at(-1)! - starts[0]!).toBeGreaterThanOrEqual(2 * 150 - 1);
    expect(cue.stats().services.api!.rate).toMatchObject({ limit: 3, interval: 150 });
    expect(cue.stats().services.api!.rate!.used).toBeLessThanOrEqual(3);
  });

  test("rate holds as seen from onStart, even when the thread stalls while a start is announced", async () => {
    const cue = startedCue();
    cue.service("api", { rate: { limit: 4, interval: 100 } });
    cue.task("call", { uses: "api", run: async () => 1 });
    const seen: number[] = [];
    cue.onStart(() => {
      seen.push(performance.now());
      // a pause like a GC between the decision to start and the announcement
      if (seen.length % 3 === 1) {
        const until = performance.now() + 8;
        while (performance.now() < until) {}
      }
    });
    for (let index = 0; index < 20; index++) cue.submit("call");
    await cue.idle();
    for (let index = 4; index < seen.length; index++) {
      expect(seen[index]! - seen[index - 4]!).toBeGreaterThanOrEqual(100);
    }
  });
});
