import { describe, expect, test } from "vitest";
import { runSimulation, type StallReport } from "../src/index.js";

describe("stalls", () => {
  test("a pipeline whose extracts all fail reports the blocked works and why", async () => {
    const reports: StallReport[] = [];
    const summary = await runSimulation(
      {
        scenario: "pipeline",
        count: 3,
        latency: 5,
        errorRate: 1,
        stallTimeout: 0.6,
        seed: "1",
      },
      { stall: (report) => reports.push(report) },
    );

    expect(reports).toHaveLength(1);
    const blocked = reports[0]!.blocked;
    expect(blocked).toHaveLength(6);
    expect(blocked.every((work) => work.reason === "not_ready")).toBe(true);
    expect(
      blocked.filter((work) => work.task === "transform").map((work) => work.waiting_for),
    ).toEqual(["extracted/item-0000", "extracted/item-0001", "extracted/item-0002"]);
    expect(blocked.filter((work) => work.task === "load")).toHaveLength(3);
    expect(blocked[0]!.details).toContain("transform");

    expect(summary.stalled).toBe(true);
    expect(summary.stall_failures).toBe(6);
    expect(summary).toMatchObject({ completed: 0, failed: 9, pending: 0, violations: 0 });
    expect(summary.tasks.extract).toMatchObject({ failed: 3 });
    expect(summary.stalls).toEqual(reports);
  });

  test("--duration ends a run early, cancelling running work and leaving the rest pending", async () => {
    const summary = await runSimulation({
      scenario: "single_queue",
      count: 40,
      latency: 200,
      jitter: 0,
      outliers: 0,
      concurrent: 2,
      duration: 0.5,
      seed: "1",
    });

    expect(summary.stopped_by).toBe("duration");
    expect(summary.completed).toBeGreaterThanOrEqual(2);
    expect(summary.cancelled).toBe(2);
    expect(summary.completed + summary.cancelled + summary.pending).toBe(40);
    expect(summary.wall_ms).toBeLessThan(3000);
    expect(summary.runcue_stats).toMatchObject({
      pending: summary.pending,
      cancelled: summary.cancelled,
      completed: summary.completed,
    });
  });
});
