/**
 * Every public method, fed what a careless or hostile caller might pass. Each
 * row gets a clear error at the call (naming the option, task or value and
 * what is accepted) or a documented behaviour.
 */
import { Cue, parseRate } from "runcue";
import { describe, expect, test } from "vitest";
import { fixture, newCue, startedCue } from "./helpers.js";

const TIME_OPTIONS = [
  "pendingWarnAfter",
  "pendingTimeout",
  "stallWarnAfter",
  "stallTimeout",
  "pollInterval",
  "maxPollInterval",
  "abortGrace",
] as const;
const BAD_TIMES: Array<[string, unknown]> = [
  ["NaN", Number.NaN],
  ["Infinity", Number.POSITIVE_INFINITY],
  ["negative", -1],
  ["above 2^31-1", 2 ** 31],
  ["a string", "100"],
];

describe("new Cue(options)", () => {
  test.each(
    TIME_OPTIONS.flatMap((option) => BAD_TIMES.map(([label, value]) => [option, label, value])),
  )("%s %s throws naming the option", (option, _label, value) => {
    expect(() => new Cue({ [option as string]: value })).toThrow(new RegExp(`${option}`));
  });

  test.each([
    ["threads 0", { threads: 0 }, /threads/],
    ["threads 1.5", { threads: 1.5 }, /threads/],
    ["threads 1e9", { threads: 1e9 }, /threads/],
    ["retain -1", { retain: -1 }, /retain/],
    ["retain NaN", { retain: Number.NaN }, /retain/],
    ["an unknown option", { pollIntervall: 10 }, /pollIntervall/],
    ["resourceLimits a number", { resourceLimits: 5 }, /resourceLimits/],
  ])("%s throws naming it", (_label, options, message) => {
    expect(() => new Cue(options as never)).toThrow(message);
  });

  test.each([
    ["null", null],
    ["a number", 5],
    ["a string", "fast"],
    ["an array", []],
  ])("options that are %s throw saying what options are", (_label, options) => {
    expect(() => new Cue(options as never)).toThrow(/Cue options/);
  });

  test("the largest time Node's timers take is accepted", () => {
    expect(() => new Cue({ pendingTimeout: 2 ** 31 - 1, pollInterval: 2 ** 31 - 1 })).not.toThrow();
  });
});

describe("cue.service(name, options)", () => {
  test.each([
    ["an empty name", ""],
    ["a number", 42],
    ["undefined", undefined],
    ["null", null],
  ])("%s as the name throws", (_label, name) => {
    expect(() => newCue().service(name as never)).toThrow(
      /cue\.service\(\) needs a non-empty name/,
    );
  });

  test.each([
    ["an unknown unit", "5/constructor"],
    ["no number", "ten/min"],
    ["a zero limit", "0/s"],
    ["a limit above 10^6", "99999999999/s"],
    ["a negative limit", "-1/s"],
    ["an empty string", ""],
    ["an object with a huge limit", { limit: 2 ** 31, interval: 1000 }],
    ["an object with NaN interval", { limit: 1, interval: Number.NaN }],
    ["an object with extra keys", { limit: 1, interval: 1000, burst: 2 }],
  ])(
    "a rate with %s throws quoting it, naming the service, listing the accepted forms",
    (_label, rate) => {
      expect(() => newCue().service("api", { rate: rate as never })).toThrow(
        /Invalid rate .* for service "api": use "N\/sec"/,
      );
    },
  );

  test.each([
    ["0", 0],
    ["1.5", 1.5],
    ["NaN", Number.NaN],
    ["negative", -2],
    ["a string", "2"],
  ])("concurrent %s throws naming it", (_label, concurrent) => {
    expect(() => newCue().service("api", { concurrent: concurrent as never })).toThrow(
      /service "api".*concurrent/,
    );
  });

  test("registering a name twice throws naming it", () => {
    const cue = newCue().service("api");
    expect(() => cue.service("api")).toThrow('Service "api" is already registered');
  });

  test.each(["__proto__", "constructor", "toString", "名前 🚀", " "])(
    "%j is a name like any other",
    (name) => {
      const cue = newCue().service(name, { concurrent: 1 });
      expect(() => cue.task("t", { uses: name, run: async () => 1 })).not.toThrow();
    },
  );
});

describe("cue.task(name, definition)", () => {
  test.each([
    ["null", null],
    ["undefined", undefined],
    ["a function", async () => 1],
    ["a string", "run"],
  ])(
    "a definition that is %s throws naming the task and what a definition needs",
    (_label, definition) => {
      expect(() => newCue().task("t", definition as never)).toThrow(/[Tt]ask "t"/);
    },
  );

  const run = async (): Promise<number> => 1;
  test.each<[string, Record<string, unknown>, RegExp]>([
    ["neither run nor worker", {}, /exactly one of "run".*and "worker"/],
    ["both run and worker", { run, worker: "/abs.mjs" }, /exactly one of/],
    ["run not a function", { run: 42 }, /run/],
    [
      "a relative worker path",
      { worker: "./tile.worker.js" },
      /"worker" must be a file: URL or an absolute path/,
    ],
    [
      "an http worker URL",
      { worker: new URL("https://example.com/w.js") },
      /"worker" must be a file: URL/,
    ],
    ["an unknown service", { uses: "nope", run }, /unknown service "nope"/],
    ["an unknown option", { run, retires: 3 }, /retires/],
    ["retry attempts 0", { run, retry: { attempts: 0 } }, /attempts/],
    ["retry jitter 2", { run, retry: { attempts: 2, backoff: { jitter: 2 } } }, /jitter/],
    ["timeout NaN", { run, timeout: Number.NaN }, /timeout/],
    ["timeout above 2^31-1", { run, timeout: 3e9 }, /timeout/],
    ["isReady not a function", { run, isReady: true }, /isReady/],
    ["params not a schema", { run, params: { x: "number" } }, /params/],
  ])("%s throws naming the task", (_label, definition, message) => {
    expect(() => newCue().task("t", definition as never)).toThrow(message);
  });

  test.each([
    ["an empty name", ""],
    ["a number", 7],
  ])("%s as the name throws", (_label, name) => {
    expect(() => newCue().task(name as never, { run: async () => 1 })).toThrow(
      /cue\.task\(\) needs a non-empty name/,
    );
  });

  test("registering a name twice throws naming it", () => {
    const cue = newCue();
    cue.task("t", { run: async () => 1 });
    expect(() => cue.task("t", { run: async () => 1 })).toThrow('Task "t" is already registered');
  });

  test.each(["__proto__", "constructor", "hasOwnProperty", "名前 🚀"])(
    "%j is a task name like any other",
    async (name) => {
      const cue = startedCue();
      cue.task(name, { run: async () => "ran" });
      await expect(cue.result(cue.submit(name))).resolves.toBe("ran");
      expect(cue.list({ task: name })).toHaveLength(1);
    },
  );
});

describe("global checks and listeners", () => {
  test.each([
    ["isReady", (cue: Cue, value: unknown) => cue.isReady(value as never)],
    ["isStale", (cue: Cue, value: unknown) => cue.isStale(value as never)],
    ["priority", (cue: Cue, value: unknown) => cue.priority(value as never)],
  ])("cue.%s() with something else than a function throws a TypeError naming it", (name, call) => {
    for (const value of [undefined, null, 1, "() => true", {}]) {
      expect(() => call(newCue(), value)).toThrow(
        new RegExp(`cue\\.${name}\\(\\) needs a function`),
      );
    }
  });

  test.each([
    "onStart",
    "onComplete",
    "onFailure",
    "onRetry",
    "onSkip",
    "onProgress",
    "onPendingWarning",
    "onStallWarning",
  ] as const)(
    "cue.%s() with something else than a function throws a TypeError naming it",
    (name) => {
      const cue = newCue();
      for (const value of [undefined, null, 1, "listener"]) {
        expect(() => (cue[name] as (listener: unknown) => unknown)(value)).toThrow(
          new RegExp(`${name}`),
        );
      }
    },
  );
});

describe("cue.submit(task, params, options)", () => {
  test.each([
    ["an unknown task", "nope", /Unknown task "nope" \(registered: "t"\)/],
    ["a number as the task", 42, /Unknown task "42"/],
    ["undefined as the task", undefined, /Unknown task "undefined"/],
  ])("%s throws naming it and the registered tasks", (_label, task, message) => {
    const cue = newCue();
    cue.task("t", { run: async () => 1 });
    expect(() => cue.submit(task as never)).toThrow(message);
    expect(cue.stats().pending).toBe(0);
  });

  test.each([
    ["priority NaN", { priority: Number.NaN }, /priority/],
    ["priority a string", { priority: "high" }, /priority/],
    ["delay negative", { delay: -5 }, /delay/],
    ["delay NaN", { delay: Number.NaN }, /delay/],
    ["delay Infinity", { delay: Number.POSITIVE_INFINITY }, /delay/],
    ["at a Date", { at: new Date() }, /at/],
    ["an unknown option", { dealy: 5 }, /dealy/],
    ["options null", null, /submit options/],
  ])("%s throws naming the option, and nothing is queued", (_label, options, message) => {
    const cue = newCue();
    cue.task("t", { run: async () => 1 });
    expect(() => cue.submit("t", {}, options as never)).toThrow(message);
    expect(cue.stats().pending).toBe(0);
  });

  test.each([
    ["a function", { callback: () => 1 }],
    ["a symbol", { tag: Symbol("tag") }],
    ["a WeakMap", { cache: new WeakMap() }],
    ["a Promise", { later: Promise.resolve(1) }],
  ])("worker params holding %s throw naming the task, and nothing is queued", (_label, params) => {
    const cue = newCue({ threads: 1 });
    cue.task("w", { worker: fixture("workers.mjs") });
    expect(() => cue.submit("w", params)).toThrow(
      /Params for worker task "w" cannot be sent to a worker thread/,
    );
    expect(cue.stats().pending).toBe(0);
  });

  test("worker params with a cycle or a class instance cross (as structured clone does it)", async () => {
    const cue = startedCue({ threads: 1 });
    cue.task("w", { worker: fixture("workers.mjs") });
    const cyclic: Record<string, unknown> = { name: "loop" };
    cyclic.self = cyclic;
    class Point {
      constructor(
        readonly x: number,
        readonly y: number,
      ) {}
    }
    const [first, second] = [cue.submit("w", cyclic), cue.submit("w", { at: new Point(1, 2) })];
    const echoed = (await cue.result(first)) as { params: Record<string, unknown> };
    expect(echoed.params.self).toBe(echoed.params);
    await expect(cue.result(second)).resolves.toMatchObject({ params: { at: { x: 1, y: 2 } } });
  });

  test("__proto__ and constructor as params keys reach the handler as plain keys", async () => {
    const cue = startedCue();
    cue.task("t", { run: async (work) => work.params });
    const params = JSON.parse('{"__proto__": {"polluted": true}, "constructor": "mine"}');
    const result = (await cue.result(cue.submit("t", params))) as Record<string, unknown>;
    expect(Object.hasOwn(result, "__proto__")).toBe(true);
    expect(result.constructor).toBe("mine");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test("submit after stop() queues the work; start() runs it", async () => {
    const cue = startedCue();
    cue.task("t", { run: async () => "ran" });
    await cue.stop();
    const id = cue.submit("t");
    expect(cue.get(id)?.state).toBe("pending");
    cue.start();
    await expect(cue.result(id)).resolves.toBe("ran");
  });
});

describe("reading works back", () => {
  test.each([
    ["an unknown id", "w999"],
    ["a number", 1],
    ["undefined", undefined],
    ["an object", {}],
  ])("get() of %s is undefined", (_label, id) => {
    expect(newCue().get(id as never)).toBeUndefined();
  });

  test.each([
    ["an unknown id", "w999"],
    ["undefined", undefined],
  ])("cancel() of %s resolves false", async (_label, id) => {
    await expect(newCue().cancel(id as never)).resolves.toBe(false);
  });

  test("result() of an unknown id rejects naming it", async () => {
    await expect(newCue().result("w999" as never)).rejects.toThrow(/Unknown work "w999"/);
  });

  test.each([
    ["null", null, /list/],
    ["a number", 5, /list/],
    ["limit NaN", { limit: Number.NaN }, /limit/],
    ["limit -1", { limit: -1 }, /limit/],
    ["limit a string", { limit: "10" }, /limit/],
    ["an unknown state", { state: "bogus" }, /state.*"bogus".*pending/],
    ["an unknown key", { status: "pending" }, /status/],
  ])(
    "list() with %s throws naming what is wrong and what is accepted",
    (_label, filter, message) => {
      expect(() => newCue().list(filter as never)).toThrow(message);
    },
  );

  test("list({ limit: 0 }) is empty; list({ task: unknown }) is empty", () => {
    const cue = newCue();
    cue.task("t", { run: async () => 1 });
    cue.submit("t");
    expect(cue.list({ limit: 0 })).toEqual([]);
    expect(cue.list({ task: "nope" })).toEqual([]);
  });
});

describe("start and stop", () => {
  test.each([
    ["timeout negative", { timeout: -1 }],
    ["timeout NaN", { timeout: Number.NaN }],
    ["timeout above 2^31-1", { timeout: 3e9 }],
    ["an unknown option", { timeuot: 5 }],
  ])("stop() with %s rejects naming the option", async (_label, options) => {
    await expect(newCue().stop(options as never)).rejects.toThrow(/stop options/);
  });

  test("start() twice is harmless; stop() twice resolves both times", async () => {
    const cue = newCue();
    cue.start();
    cue.start();
    await cue.stop();
    await cue.stop();
  });
});

describe("parseRate(text)", () => {
  test.each([
    ["5/constructor"],
    ["5/__proto__"],
    ["99999999999/s"],
    ["1e3/s"],
    ["5/0s"],
    ["/s"],
    ["5 / min / 2"],
    ["NaN/s"],
  ])("%j throws quoting it and listing the accepted forms", (text) => {
    expect(() => parseRate(text)).toThrow(/Invalid rate .*use "N\/sec"/);
  });

  test.each([[null], [undefined], [42], [{}]])("%j throws the same way", (text) => {
    expect(() => parseRate(text as never)).toThrow(/Invalid rate/);
  });

  test.each([
    ["20/1", { limit: 20, interval: 1_000 }],
    ["10/5s", { limit: 10, interval: 5_000 }],
    ["100/15min", { limit: 100, interval: 900_000 }],
    ["7/hr", { limit: 7, interval: 3_600_000 }],
  ])("%j parses", (text, rate) => {
    expect(parseRate(text)).toEqual(rate);
  });
});
