import { describe, expect, test } from "vitest";
import { runSimulation } from "../src/index.js";

describe("--cpu", () => {
  test("simulated work runs as busy CPU in the worker pool, within the limits", async () => {
    const summary = await runSimulation({
      scenario: "pipeline",
      count: 4,
      latency: 20,
      cpu: true,
      threads: 2,
      seed: "1",
    });

    expect(summary.cpu).toBe(true);
    expect(summary).toMatchObject({ completed: 12, failed: 0, pending: 0, violations: 0 });
    for (const service of Object.values(summary.services)) {
      // two threads: never more than two run at once, whatever the concurrency limit
      expect(service.max_running).toBeLessThanOrEqual(2);
    }
  });

  test("simulated errors thrown in a thread are retried and counted like main-thread ones", async () => {
    const options = { scenario: "single_queue", count: 8, latency: 5, errorRate: 0.5, seed: "3" };
    const onCpu = await runSimulation({ ...options, cpu: true, threads: 2 });
    const onTimers = await runSimulation(options);

    expect(onCpu.retries).toBeGreaterThan(0);
    expect({ failed: onCpu.failed, retries: onCpu.retries }).toEqual({
      failed: onTimers.failed,
      retries: onTimers.retries,
    });
  });
});
