import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import type { TimeoutError } from "../../src/errors.js";
import { Watch, type WatchActions } from "../../src/watch.js";
import { WorkRecord } from "../../src/works.js";

describe("Watch, on a wall clock the test drives", () => {
  let clock = 0;
  beforeEach(() => {
    clock = 10_000;
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
  });
  afterEach(() => vi.useRealTimers());
  const advance = (ms: number) => {
    for (let step = 0; step < ms; step++) {
      clock++;
      vi.advanceTimersByTime(1);
    }
  };

  function watched(settings: Partial<ConstructorParameters<typeof Watch>[0]>) {
    const pending: WorkRecord[] = [];
    const log: string[] = [];
    const actions: WatchActions = {
      pendingCount: () => pending.filter((work) => work.state === "pending").length,
      pendingWorks: () => pending.filter((work) => work.state === "pending"),
      warnPending: (work, pendingFor) => log.push(`warn ${work.id} ${pendingFor}`),
      warnStall: (since, count) => log.push(`stall ${since} ${count}`),
      fail: (work, error: TimeoutError) => {
        work.state = "failed";
        log.push(`fail ${work.id} ${error.kind}`);
      },
    };
    const watch = new Watch(
      {
        pendingWarnAfter: undefined,
        pendingTimeout: undefined,
        stallWarnAfter: undefined,
        stallTimeout: undefined,
        ...settings,
      },
      actions,
      () => clock,
    );
    const add = (seq: number) => {
      const work = new WorkRecord("t", {}, seq, 0.5, clock);
      work.pendingSince = clock;
      pending.push(work);
      watch.add(work);
      return work;
    };
    return { watch, add, log };
  }

  test("warns once per work pending longer than pendingWarnAfter, at that time", () => {
    const { watch, add, log } = watched({ pendingWarnAfter: 100 });
    watch.start();
    add(1);
    advance(50);
    add(2);
    advance(49);
    expect(log).toEqual([]);
    advance(1);
    expect(log).toEqual(["warn w1 100"]);
    advance(200);
    expect(log).toEqual(["warn w1 100", "warn w2 100"]);
    watch.stop();
  });

  test("pendingTimeout fails only works still pending, each at its own time", () => {
    const { watch, add, log } = watched({ pendingTimeout: 100 });
    watch.start();
    const first = add(1);
    advance(10);
    first.state = "running";
    add(2);
    advance(110);
    expect(log).toEqual(["fail w2 pending"]);
    add(3);
    advance(50);
    add(4);
    advance(50);
    expect(log).toEqual(["fail w2 pending", "fail w3 pending"]);
    advance(50);
    expect(log).toEqual(["fail w2 pending", "fail w3 pending", "fail w4 pending"]);
    watch.stop();
  });

  test("a stall timeout fails every pending work after no progress that long", () => {
    const { watch, add, log } = watched({ stallTimeout: 300 });
    watch.start();
    add(1);
    advance(200);
    watch.progressMade();
    add(2);
    advance(299);
    expect(log).toEqual([]);
    advance(1);
    expect(log).toEqual(["fail w1 stall", "fail w2 stall"]);
    watch.stop();
  });

  test("a stall warning comes once per stall, after stallWarnAfter without progress", () => {
    const { watch, add, log } = watched({ stallWarnAfter: 100 });
    watch.start();
    add(1);
    advance(100);
    expect(log).toEqual(["stall 100 1"]);
    advance(500);
    expect(log).toEqual(["stall 100 1"]);
    watch.stop();
  });
});
