import { describe, expect, test } from "vitest";
import { runSimulation, type SimulationSummary, Workload } from "../src/index.js";

const outcome = (summary: SimulationSummary) => ({
  submitted: summary.submitted,
  completed: summary.completed,
  failed: summary.failed,
  skipped: summary.skipped,
  retries: summary.retries,
  tasks: summary.tasks,
  starts: Object.values(summary.services).map((service) => service.starts),
});

const workloadOptions = {
  latency: 100,
  jitter: 0.5,
  outliers: 0.2,
  outlierMultiplier: 10,
  errorRate: 0.3,
  attempts: 3,
};

describe("seeds", () => {
  test("the same seed draws the same latencies and errors", () => {
    const first = new Workload({ ...workloadOptions, seed: "42" });
    const second = new Workload({ ...workloadOptions, seed: "42" });
    const other = new Workload({ ...workloadOptions, seed: "43" });
    const keys = Array.from({ length: 50 }, (_, index) => `extract/item-${index}`);

    expect(keys.map((key) => second.work(key))).toEqual(keys.map((key) => first.work(key)));
    expect(keys.map((key) => other.work(key))).not.toEqual(keys.map((key) => first.work(key)));
  });

  test("the same seed gives the same outcome, whatever order the work ran in", async () => {
    const options = {
      scenario: "single_queue",
      count: 30,
      latency: 8,
      jitter: 0.8,
      errorRate: 0.4,
      concurrent: 6,
      seed: "7",
    };
    const first = await runSimulation(options);
    const second = await runSimulation(options);
    const other = await runSimulation({ ...options, seed: "8" });

    expect(first.failed).toBeGreaterThan(0);
    expect(first.retries).toBeGreaterThan(0);
    expect(outcome(second)).toEqual(outcome(first));
    expect(outcome(other)).not.toEqual(outcome(first));
  });

  test("the same seed gives the same rebuild cycles in the dynamic scenario", async () => {
    const options = { scenario: "dynamic", count: 30, latency: 5, concurrent: 3, seed: "11" };
    const first = await runSimulation(options);
    const second = await runSimulation(options);

    expect(first.skipped).toBeGreaterThan(0);
    expect(outcome(second)).toEqual(outcome(first));
  });
});
