import { parseRate } from "runcue";
import { describe, expect, test } from "vitest";
import { SlidingWindow } from "../src/rate.js";

describe("parseRate", () => {
  test.each([
    ["60/min", 60, 60_000],
    ["60/m", 60, 60_000],
    ["60/minute", 60, 60_000],
    ["5/s", 5, 1_000],
    ["5/sec", 5, 1_000],
    ["5/second", 5, 1_000],
    ["100/hour", 100, 3_600_000],
    ["100/h", 100, 3_600_000],
    ["100/hr", 100, 3_600_000],
    ["10/5s", 10, 5_000],
    ["100/15min", 100, 900_000],
    ["20/1", 20, 1_000],
    [" 3 / 2 sec ", 3, 2_000],
  ])("reads %s", (text, limit, interval) => {
    expect(parseRate(text)).toEqual({ limit, interval });
  });

  test("accepts { limit, interval }", () => {
    expect(parseRate({ limit: 3, interval: 250 })).toEqual({ limit: 3, interval: 250 });
  });

  test.each(["ten/min", "60/fortnight", "", "0/min", "5", "/min", "-1/s", "1.5/s"])(
    "rejects %j, quoting it and listing the accepted forms",
    (text) => {
      expect(() => parseRate(text)).toThrow(`Invalid rate ${JSON.stringify(text)}`);
      expect(() => parseRate(text)).toThrow(/"N\/sec", "N\/min", "N\/hour", "N\/5s"/);
    },
  );

  test("rejects a bad object", () => {
    expect(() => parseRate({ limit: 0, interval: 1000 })).toThrow(
      /Invalid rate \{"limit":0,"interval":1000\}/,
    );
  });
});

describe("SlidingWindow", () => {
  test("allows limit starts, then none until the oldest leaves the window", () => {
    const window = new SlidingWindow({ limit: 3, interval: 1000 });
    window.record(0);
    window.record(10);
    window.record(20);
    expect(window.available(500)).toBe(0);
    expect(window.nextStartAt(500)).toBe(1000);
    expect(window.available(999.9)).toBe(0);
    expect(window.available(1000)).toBe(1);
    expect(window.available(1020)).toBe(3);
  });

  test("never lets more than limit starts into any window, whatever the start pattern", () => {
    const limit = 5;
    const interval = 100;
    const window = new SlidingWindow({ limit, interval });
    const starts: number[] = [];
    let now = 0;
    let seed = 7;
    for (let step = 0; step < 5_000; step++) {
      seed = (seed * 16807) % 2147483647;
      now += (seed % 40) / 3;
      if (window.available(now) > 0) {
        window.record(now);
        starts.push(now);
      }
    }
    for (let index = limit; index < starts.length; index++) {
      expect(starts[index]! - starts[index - limit]!).toBeGreaterThanOrEqual(interval);
    }
    expect(starts.length).toBeGreaterThan(100);
  });
});
