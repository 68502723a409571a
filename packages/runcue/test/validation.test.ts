import { Cue } from "runcue";
import { describe, expect, test } from "vitest";
import { z } from "zod";
import { fixture, newCue } from "./helpers.js";

describe("bad input is refused at the call that made it", () => {
  test.each([
    [{ pollInterval: 0 }, /pollInterval/],
    [{ pollInterval: "fast" }, /pollInterval/],
    [{ threads: 1.5 }, /threads/],
    [{ threads: 0 }, /threads/],
    [{ retain: -1 }, /retain/],
    [{ stallTimeout: -5 }, /stallTimeout/],
    [{ pendingTimeout: Number.NaN }, /pendingTimeout/],
    [{ pendingWarnAfter: -1 }, /pendingWarnAfter/],
    [{ pollIntervall: 10 }, /pollIntervall/],
  ])("new Cue(%j) throws naming the option", (options, name) => {
    expect(() => new Cue(options as never)).toThrow(name);
    expect(() => new Cue(options as never)).toThrow(/^Invalid Cue options/);
  });

  test("a service with a bad rate text quotes it and lists the accepted forms", () => {
    const cue = newCue();
    expect(() => cue.service("api", { rate: "ten/min" })).toThrow(
      'Invalid rate "ten/min" for service "api": use "N/sec", "N/min", "N/hour", "N/5s"',
    );
    expect(() => cue.service("api2", { rate: 5 as never })).toThrow(
      /Invalid rate 5 for service "api2"/,
    );
  });

  test("a service with bad concurrency names the option", () => {
    const cue = newCue();
    expect(() => cue.service("api", { concurrent: 0 })).toThrow(
      /options for service "api".*concurrent/,
    );
    expect(() => cue.service("api", { concurrency: 2 } as never)).toThrow(/concurrency/);
  });

  test("a service registered twice throws", () => {
    const cue = newCue();
    cue.service("api");
    expect(() => cue.service("api")).toThrow('Service "api" is already registered');
  });

  test("a task using an unknown service names the service", () => {
    const cue = newCue();
    cue.service("db");
    expect(() => cue.task("fetch", { uses: "openai", run: async () => 1 })).toThrow(
      'Task "fetch" uses unknown service "openai"',
    );
    expect(() => cue.task("fetch", { uses: "openai", run: async () => 1 })).toThrow(
      /registered: "db"/,
    );
  });

  test("a task registered twice throws", () => {
    const cue = newCue();
    cue.task("fetch", { run: async () => 1 });
    expect(() => cue.task("fetch", { run: async () => 2 })).toThrow(
      'Task "fetch" is already registered',
    );
  });

  test("a task needs exactly one of run and worker", () => {
    const cue = newCue();
    expect(() => cue.task("neither", {} as never)).toThrow(
      /Task "neither" needs exactly one of "run".*"worker"/,
    );
    expect(() =>
      cue.task("both", { run: async () => 1, worker: fixture("workers.mjs") } as never),
    ).toThrow(/Task "both" needs exactly one of/);
  });

  test("a worker given as a relative path is refused", () => {
    const cue = newCue();
    expect(() => cue.task("tile", { worker: "./tile.worker.js" })).toThrow(
      /"worker" must be a file: URL or an absolute path/,
    );
  });

  test("a task with a bad option names it", () => {
    const cue = newCue();
    expect(() => cue.task("t", { run: async () => 1, timeout: -1 })).toThrow(/task "t".*timeout/);
    expect(() => cue.task("t", { run: async () => 1, retry: { attempts: 0 } })).toThrow(
      /retry\.attempts/,
    );
    expect(() => cue.task("t", { run: async () => 1, params: { x: 1 } as never })).toThrow(
      /params: expected a Standard Schema/,
    );
  });

  test("submit of an unknown task names it and queues nothing", () => {
    const cue = newCue();
    cue.task("known", { run: async () => 1 });
    expect(() => cue.submit("unknown", {})).toThrow('Unknown task "unknown" (registered: "known")');
    expect(cue.stats().pending).toBe(0);
  });

  test("params failing the task's schema are refused with the issues listed", () => {
    const cue = newCue();
    const resize = cue.task("resize", {
      params: z.object({ width: z.number().int().positive(), path: z.string() }),
      run: async (work) => work.params.width,
    });
    expect(() => cue.submit(resize, { width: -3, path: 7 } as never)).toThrow(
      /Invalid params for task "resize"/,
    );
    expect(() => cue.submit(resize, { width: -3, path: 7 } as never)).toThrow(/width: .*path: /);
    expect(cue.stats().pending).toBe(0);
    expect(cue.list()).toEqual([]);
  });

  test("params a worker cannot receive are refused at submit", () => {
    const cue = newCue({ threads: 1 });
    const echo = cue.task("echo", { worker: fixture("workers.mjs") });
    expect(() => cue.submit(echo, { callback: () => 1 })).toThrow(
      /Params for worker task "echo" cannot be sent/,
    );
    expect(cue.stats().pending).toBe(0);
  });

  test("worker params are refused wherever the uncloneable value hides, and cloneable ones pass", () => {
    const cue = newCue({ threads: 1 });
    const echo = cue.task("echo", { worker: fixture("workers.mjs") });
    expect(() => cue.submit(echo, { nested: [{ ok: 1 }, { callback: () => 1 }] })).toThrow(
      /Params for worker task "echo" cannot be sent/,
    );
    expect(() => cue.submit(echo, { tag: Symbol("x") })).toThrow(/cannot be sent/);
    const id = cue.submit(echo, {
      when: new Date(0),
      bytes: new Uint8Array(2),
      lookup: new Map([[1, 2]]),
      big: 10n,
    });
    expect(cue.get(id)?.state).toBe("pending");
  });

  test("bad submit options name the option", () => {
    const cue = newCue();
    cue.task("t", { run: async () => 1 });
    expect(() => cue.submit("t", {}, { delay: -5 })).toThrow(/submit options for task "t".*delay/);
    expect(() => cue.submit("t", {}, { prio: 1 } as never)).toThrow(/prio/);
  });

  test("callbacks must be functions", () => {
    const cue = newCue();
    expect(() => cue.isReady(true as never)).toThrow(/cue.isReady\(\) needs a function/);
    expect(() => cue.onComplete("nope" as never, undefined as never)).toThrow(
      /onComplete needs a function/,
    );
  });

  test("bad stop options name the option", async () => {
    const cue = newCue();
    await expect(cue.stop({ timeout: -1 })).rejects.toThrow(/stop options.*timeout/);
  });
});
