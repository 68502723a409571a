import { describe, expect, test } from "vitest";
import { fixture, gate, newCue, startedCue, until } from "./helpers.js";

describe("delayed work and debugBlocked", () => {
  test("delay: the work is not considered before then", async () => {
    const cue = startedCue();
    cue.task("t", { run: async () => Date.now() });
    const submitted = Date.now();
    const id = cue.submit("t", {}, { delay: 60 });
    expect(cue.debugBlocked()).toEqual([
      expect.objectContaining({
        reason: "delayed",
        details: expect.stringMatching(/^not before .* \(in \d+ ms\)$/),
      }),
    ]);
    const ranAt = await cue.result(id);
    expect(ranAt).toBeGreaterThanOrEqual(submitted + 60);
  });

  test("at: a timestamp", async () => {
    const cue = startedCue();
    cue.task("t", { run: async () => Date.now() });
    const at = Date.now() + 50;
    await expect(cue.result(cue.submit("t", {}, { at }))).resolves.toBeGreaterThanOrEqual(at);
  });

  test("debugBlocked says why each pending work waits", async () => {
    const cue = newCue({ threads: 1 });
    cue.service("one", { concurrent: 1 });
    cue.service("slow", { rate: "1/min" });
    const release = gate();
    cue.task("hold", { uses: "one", run: () => release.promise });
    cue.task("behind", { uses: "one", run: async () => 1 });
    cue.task("limited", { uses: "slow", run: async () => 1 });
    cue.task("blocked", { run: async () => 1, isReady: () => false });
    cue.task("cpu", { worker: fixture("workers.mjs"), export: "waitsForAbort" });
    cue.task("cpu2", { worker: fixture("workers.mjs") });
    cue.submit("hold");
    cue.submit("behind");
    cue.submit("limited");
    cue.submit("limited");
    cue.submit("blocked", { file: "in.txt" });
    cue.submit("cpu");
    cue.submit("cpu2");
    cue.submit("behind", {}, { delay: 10_000 });
    expect(new Set(cue.debugBlocked().map((entry) => entry.reason))).toEqual(
      new Set(["not_started", "delayed"]),
    );
    cue.start();
    await until(
      () => cue.stats().running === 2 && cue.stats().completed === 1,
      "hold and cpu running, one limited done",
    );
    await until(
      () => cue.debugBlocked().some((entry) => entry.reason === "not_ready"),
      "a readiness check",
    );
    const blocked = Object.fromEntries(
      cue.debugBlocked().map((entry) => [`${entry.work.task}:${entry.reason}`, entry.details]),
    );
    expect(blocked["behind:service_full"]).toBe('service "one" concurrency 1/1');
    expect(blocked["limited:service_full"]).toMatch(
      /^service "slow" rate used up: 1\/1 starts in the last 60000 ms, next start in \d+ ms$/,
    );
    expect(blocked["blocked:not_ready"]).toMatch(
      /^task "blocked" params \{"file":"in.txt"\} not ready/,
    );
    expect(blocked["cpu2:threads_busy"]).toBe('pool "local": all 1 worker threads busy (1/1)');
    expect(blocked["behind:delayed"]).toMatch(/^not before/);
    release.open();
    await cue.stop({ timeout: 100 });
  });
});
