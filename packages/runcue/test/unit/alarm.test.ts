import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { Alarm } from "../../src/alarm.js";

describe("Alarm, on a clock the test drives", () => {
  let clock = 1_000;
  beforeEach(() => {
    clock = 1_000;
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
  });
  afterEach(() => vi.useRealTimers());

  const advance = (ms: number) => {
    clock += ms;
    vi.advanceTimersByTime(ms);
  };

  test("rings once at the time set, on the clock it was given", () => {
    const rang: number[] = [];
    const alarm = new Alarm(
      () => rang.push(clock),
      () => clock,
    );
    alarm.ringAt(1_050);
    expect(alarm.isSet).toBe(true);
    advance(49);
    expect(rang).toEqual([]);
    advance(1);
    expect(rang).toEqual([1_050]);
    expect(alarm.isSet).toBe(false);
    advance(1_000);
    expect(rang).toHaveLength(1);
  });

  test("can only be brought forward: a later time does not delay it", () => {
    const rang: number[] = [];
    const alarm = new Alarm(
      () => rang.push(clock),
      () => clock,
    );
    alarm.ringAt(1_100);
    alarm.ringAt(1_020);
    alarm.ringAt(1_500);
    advance(20);
    expect(rang).toEqual([1_020]);
    advance(1_000);
    expect(rang).toEqual([1_020]);
  });

  test("a time already past rings on the next timer turn; clear() stops it", () => {
    const rang: number[] = [];
    const alarm = new Alarm(
      () => rang.push(clock),
      () => clock,
    );
    alarm.ringAt(500);
    advance(0);
    expect(rang).toEqual([1_000]);
    alarm.ringAt(1_010);
    alarm.clear();
    advance(100);
    expect(rang).toEqual([1_000]);
    expect(alarm.isSet).toBe(false);
  });
});
