import { describe, expect, test } from "vitest";
import { SlidingWindow } from "../../src/rate.js";

describe("SlidingWindow reservations (pure: every time is passed in)", () => {
  test("a reserved start fills the window until it is stamped, and is then counted from its stamp", () => {
    const window = new SlidingWindow({ limit: 2, interval: 100 });
    window.reserve();
    expect(window.available(0)).toBe(1);
    expect(window.used(0)).toBe(1);
    window.reserve();
    expect(window.available(0)).toBe(0);
    // only reservations: no stamp says when room comes back
    expect(window.nextStartAt(500)).toBe(Number.POSITIVE_INFINITY);
    window.confirm(300);
    expect(window.used(300)).toBe(2);
    // the stamped start leaves at 400; the other is still reserved
    expect(window.nextStartAt(300)).toBe(400);
    expect(window.available(399)).toBe(0);
    expect(window.available(400)).toBe(1);
    window.confirm(410);
    expect(window.used(410)).toBe(1);
    expect(window.available(410)).toBe(1);
    expect(window.nextStartAt(410)).toBe(410);
  });

  test("with stamps and reservations together, the next start waits for the stamp that must leave", () => {
    const window = new SlidingWindow({ limit: 3, interval: 100 });
    window.record(0);
    window.record(10);
    window.reserve();
    expect(window.available(20)).toBe(0);
    // one of the two stamps must leave: the oldest, at 0 + 100
    expect(window.nextStartAt(20)).toBe(100);
    window.reserve();
    expect(window.available(100)).toBe(0);
    // the one at 0 left; the one at 10 must too
    expect(window.nextStartAt(100)).toBe(110);
    window.confirm(120);
    window.confirm(130);
    expect(window.used(130)).toBe(2);
    expect(window.nextStartAt(130)).toBe(130);
  });

  test("a confirm without a reservation records a start; the count never goes below zero", () => {
    const window = new SlidingWindow({ limit: 1, interval: 50 });
    window.confirm(5);
    expect(window.used(5)).toBe(1);
    expect(window.available(54)).toBe(0);
    expect(window.available(55)).toBe(1);
    window.reserve();
    expect(window.used(60)).toBe(1);
  });
});
