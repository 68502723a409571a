import { describe, expect, test } from "vitest";
import { runSimulation, scenarios } from "../src/index.js";

const small = {
  count: 12,
  latency: 10,
  jitter: 0.5,
  outliers: 0.1,
  outlierMultiplier: 4,
  seed: "1",
};

describe("every scenario runs to the end within its limits", () => {
  for (const name of scenarios.keys()) {
    test(`${name}: every work finishes and no limit is exceeded`, async () => {
      const summary = await runSimulation({ ...small, scenario: name, concurrent: 2 });

      expect(summary.stopped_by).toBe("finished");
      expect(summary.submitted).toBe(scenarios.get(name)!.total(small.count));
      expect(summary.completed + summary.skipped).toBe(summary.submitted);
      expect(summary).toMatchObject({ failed: 0, cancelled: 0, pending: 0, violations: 0 });
      expect(summary.stalled).toBe(false);
      // the library's own books agree with what the simulator heard through events
      expect(summary.runcue_stats).toMatchObject({
        pending: 0,
        running: 0,
        completed: summary.completed,
        skipped: summary.skipped,
        failed: 0,
        cancelled: 0,
      });
      for (const service of Object.values(summary.services)) {
        expect(service.max_running).toBeLessThanOrEqual(2);
        expect(service.concurrency_violations).toBe(0);
      }
    });
  }

  test("the concurrency limit is reached, not just respected", async () => {
    const summary = await runSimulation({ ...small, scenario: "single_queue", concurrent: 3 });
    expect(summary.services.api!.max_running).toBe(3);
  });

  test("pipeline starts each stage only after the previous stage of that item completed", async () => {
    const log: string[] = [];
    await runSimulation(
      { ...small, scenario: "pipeline", count: 6, concurrent: 4 },
      {
        event: (entry) => {
          if (entry.event === "started" || entry.event === "completed") {
            log.push(`${entry.event} ${entry.task} ${entry.details.split(" ")[0]}`);
          }
        },
      },
    );
    for (let index = 0; index < 6; index++) {
      const item = `item-000${index}`;
      const at = (line: string) => log.indexOf(`${line} ${item}`);
      expect(at("completed extract")).toBeGreaterThanOrEqual(0);
      expect(at("completed extract")).toBeLessThan(at("started transform"));
      expect(at("completed transform")).toBeLessThan(at("started load"));
      expect(at("completed load")).toBeGreaterThan(at("started load"));
    }
  });

  test("dynamic rebuilds what was invalidated and skips what is up to date", async () => {
    const events: string[] = [];
    const summary = await runSimulation(
      { ...small, scenario: "dynamic", count: 20 },
      { event: (entry) => events.push(entry.event) },
    );
    const invalidated = events.filter((event) => event === "invalidated").length;

    expect(invalidated).toBe(4); // two cycles, a tenth of the targets each
    expect(summary.completed).toBeGreaterThan(20 + invalidated - 1);
    expect(summary.skipped).toBeGreaterThan(0);
    expect(summary.completed + summary.skipped).toBe(60);
  });
});
