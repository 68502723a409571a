import { describe, expect, test } from "vitest";
import { BurstLimit, CostSpacing, RecheckPacing } from "../../src/pacing.js";

describe("RecheckPacing (pure: every time is passed in)", () => {
  test("a not-ready work is first asked again after pollInterval, then twice as long each time, up to maxPollInterval less a pass's spacing", () => {
    const pacing = new RecheckPacing(50, 1_000);
    const gaps = [1, 2, 3, 4, 5, 6, 30, 10_000].map(
      (count) => pacing.nextCheckAt(count, 1_000) - 1_000,
    );
    expect(gaps).toEqual([50, 100, 200, 400, 800, 990, 990, 990]);
  });

  test("with maxPollInterval equal to pollInterval the gap stays below pollInterval", () => {
    const pacing = new RecheckPacing(50, 50);
    expect([1, 2, 9].map((count) => pacing.nextCheckAt(count, 0))).toEqual([40, 40, 40]);
  });

  test("timed passes are spaced by 20% of pollInterval and never in the past", () => {
    const pacing = new RecheckPacing(50);
    expect(pacing.nextTimedPassAt(900, 1_000)).toBe(1_001);
    pacing.timedPassRan(1_000);
    expect(pacing.nextTimedPassAt(1_002, 1_001)).toBe(1_010);
    expect(pacing.nextTimedPassAt(1_030, 1_001)).toBe(1_030);
  });
});

describe("CostSpacing", () => {
  test("is due at once, then spaced by its cost times the factor, at most maxGap", () => {
    const spacing = new CostSpacing(10, 50);
    expect(spacing.isDue(0)).toBe(true);
    spacing.ran(100, 102);
    expect(spacing.dueAt).toBe(120);
    expect(spacing.isDue(119)).toBe(false);
    expect(spacing.isDue(120)).toBe(true);
    spacing.ran(200, 300);
    expect(spacing.dueAt).toBe(250);
  });
});

describe("BurstLimit", () => {
  test("a run of starts is cut after its limit and goes on after the turn", () => {
    const burst = new BurstLimit(10);
    expect(burst.check(100)).toBe("begin");
    expect(burst.check(105)).toBe("go");
    expect(burst.check(110)).toBe("go");
    expect(burst.check(111)).toBe("cut");
    expect(burst.check(112)).toBe("cut");
    expect(burst.turnEnded()).toBe(true);
    expect(burst.check(113)).toBe("begin");
    expect(burst.turnEnded()).toBe(false);
  });
});
