import { describe, expect, test } from "vitest";
import { runSimulation, timingSlack } from "../src/index.js";

describe("rate limits", () => {
  test("a rate-limited run takes at least the time its rate implies", async () => {
    // 10 starts at 4 per second: starts 1-4 at once, 5-8 a second later, 9-10 two seconds later
    const summary = await runSimulation({
      scenario: "single_queue",
      count: 10,
      latency: 5,
      rateLimit: "4/1",
      concurrent: 10,
      seed: "1",
    });

    expect(summary.wall_ms).toBeGreaterThanOrEqual(2000);
    expect(summary.wall_ms).toBeLessThan(6000);
    expect(summary.completed).toBe(10);
    expect(summary.violations, JSON.stringify(summary.services)).toBe(0);
    expect(summary.services.api!.closest_window_ms).toBeGreaterThanOrEqual(1000 - timingSlack);
  });

  test("a rate shared by a pipeline's stages holds for each service", async () => {
    const summary = await runSimulation({
      scenario: "pipeline",
      count: 6,
      latency: 5,
      rateLimit: "3/1",
      concurrent: 6,
      seed: "2",
    });

    // each service sees 6 starts at 3 per second: at least one second
    expect(summary.wall_ms).toBeGreaterThanOrEqual(1000);
    expect(summary.completed).toBe(18);
    expect(summary.violations, JSON.stringify(summary.services)).toBe(0);
  });
});
