import { Cue, parseRate } from "runcue";
import { describe, expect, test } from "vitest";
import { newCue } from "./helpers.js";

describe("option limits of the second round", () => {
  test.each([
    ["pollInterval", { pollInterval: 3e9 }],
    ["maxPollInterval", { maxPollInterval: 2 ** 31 }],
    ["abortGrace", { abortGrace: Number.POSITIVE_INFINITY }],
    ["pendingTimeout", { pendingTimeout: 3e9 }],
    ["pendingWarnAfter", { pendingWarnAfter: 3e9 }],
    ["stallTimeout", { stallTimeout: 3e9 }],
    ["stallWarnAfter", { stallWarnAfter: 3e9 }],
    ["threads", { threads: 1025 }],
  ])("new Cue refuses %s beyond its limit, naming it", (name, options) => {
    expect(() => new Cue(options)).toThrow(new RegExp(`^Invalid Cue options: ${name}`));
  });

  test("the largest timer delay Node accepts is accepted", () => {
    expect(() => new Cue({ pendingTimeout: 2 ** 31 - 1, threads: 1024 })).not.toThrow();
  });

  test("maxPollInterval may not be below pollInterval", () => {
    expect(() => new Cue({ pollInterval: 500, maxPollInterval: 100 })).toThrow(
      "Invalid Cue options: maxPollInterval: must be at least pollInterval (500)",
    );
  });

  test("a task timeout, a backoff and a stop timeout above 2^31-1 ms are refused, naming them", async () => {
    const cue = newCue();
    expect(() => cue.task("t", { run: async () => 1, timeout: 3e9 })).toThrow(/timeout/);
    expect(() =>
      cue.task("u", { run: async () => 1, retry: { attempts: 2, backoff: { max: 3e9 } } }),
    ).toThrow(/retry\.backoff\.max/);
    await expect(cue.stop({ timeout: 3e9 })).rejects.toThrow(/stop options: timeout/);
  });

  test("delay may lie any time ahead", () => {
    const cue = newCue();
    cue.task("t", { run: async () => 1 });
    const id = cue.submit("t", {}, { delay: 30 * 24 * 3_600_000 });
    expect(cue.debugBlocked()).toEqual([
      expect.objectContaining({ work: expect.objectContaining({ id }), reason: "delayed" }),
    ]);
  });
});

describe("rates are checked in one place", () => {
  test.each(["5/constructor", "5/__proto__", "5/toString", "5/hasOwnProperty"])(
    "parseRate(%j) throws with the accepted forms",
    (text) => {
      expect(() => parseRate(text)).toThrow(`Invalid rate "${text}": use "N/sec"`);
    },
  );

  test("a rate's limit above 10^6 throws naming the service", () => {
    const cue = newCue();
    expect(() => cue.service("api", { rate: "99999999999/s" })).toThrow(
      'Invalid rate "99999999999/s" for service "api"',
    );
    expect(() => cue.service("api", { rate: { limit: 2 ** 31, interval: 1000 } })).toThrow(
      /Invalid rate .* for service "api"/,
    );
    expect(parseRate("1000000/s")).toEqual({ limit: 1_000_000, interval: 1000 });
  });
});

describe("stats()", () => {
  test("services is a null-prototype object: a service named __proto__ appears", () => {
    const cue = newCue({ threads: 2 });
    cue.service("__proto__", { concurrent: 1 });
    cue.service("constructor");
    const { services, pools } = cue.stats();
    expect(Object.getPrototypeOf(services)).toBeNull();
    expect(Object.keys(services)).toEqual(["__proto__", "constructor"]);
    expect(Object.getOwnPropertyDescriptor(services, "__proto__")?.value).toEqual({
      running: 0,
      concurrent: 1,
    });
    expect(pools.local).toEqual({ size: 2, busy: 0 });
  });

  test("a rated service reports its window: starts used and ms until the next start", async () => {
    const cue = newCue();
    cue.service("api", { rate: "2/10s" });
    cue.task("t", { uses: "api", run: async () => 1 });
    cue.start();
    await Promise.all([cue.result(cue.submit("t")), cue.result(cue.submit("t"))]);
    const { rate } = cue.stats().services.api!;
    expect(rate).toMatchObject({ limit: 2, interval: 10_000, used: 2 });
    expect(rate!.nextStartIn).toBeGreaterThan(9_000);
    expect(rate!.nextStartIn).toBeLessThanOrEqual(10_000);
  });
});
