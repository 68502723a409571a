import { describe, expect, test } from "vitest";
import { fixture, startedCue, until } from "./helpers.js";

describe("a handler that ignores its abort holds its slot until the grace, then gives it back", () => {
  test("main thread: the next work of a concurrent-1 service starts after abortGrace, not before, not never", async () => {
    const cue = startedCue({ abortGrace: 300 });
    cue.service("one", { concurrent: 1 });
    const startedAt: Record<string, number> = {};
    cue.task("stubborn", {
      uses: "one",
      run: (work) => {
        startedAt[work.id] = performance.now();
        return new Promise(() => {}); // ignores its signal for ever
      },
    });
    cue.task("next", {
      uses: "one",
      run: async (work) => {
        startedAt[work.id] = performance.now();
        return "ran";
      },
    });
    const stubborn = cue.submit("stubborn");
    await until(() => cue.get(stubborn)?.state === "running", "the stubborn work to run");
    const next = cue.submit("next");
    const cancelledAt = performance.now();
    expect(await cue.cancel(stubborn)).toBe(true);
    expect(cue.get(stubborn)?.state).toBe("cancelled");
    await expect(cue.result(next)).resolves.toBe("ran");
    const waited = startedAt[next]! - cancelledAt;
    expect(waited).toBeGreaterThanOrEqual(300 - 5);
    expect(waited).toBeLessThan(5_000);
  });

  test("worker thread: a handler looping past its abort is terminated after the grace and its thread serves the next work", async () => {
    const cue = startedCue({ threads: 1, abortGrace: 300 });
    cue.task("loops", { worker: fixture("workers.mjs"), export: "loopsForever" });
    cue.task("echo", { worker: fixture("workers.mjs") });
    const loops = cue.submit("loops");
    await until(() => cue.get(loops)?.state === "running", "the loop to run");
    const cancelledAt = performance.now();
    await cue.cancel(loops);
    await expect(cue.result(cue.submit("echo", { n: 1 }))).resolves.toMatchObject({
      params: { n: 1 },
    });
    const waited = performance.now() - cancelledAt;
    expect(waited).toBeGreaterThanOrEqual(300 - 5);
    expect(waited).toBeLessThan(10_000);
  });
});
