/** redisPool() on its own: option checks, and a Redis that is not there. */
import { Cue } from "runcue";
import { describe, expect, test } from "vitest";
import { redisPool } from "../src/index.js";
import { JOBS } from "./helpers/cluster.js";

describe("redisPool() options", () => {
  test("a connection that is not a redis:// URL is refused, naming the option", () => {
    expect(() => redisPool({ connection: "localhost:6379", queue: "render" })).toThrow(
      /Invalid redisPool\(\) options: connection: .*redis:\/\//,
    );
  });

  test("a queue name with a colon is refused, naming the option", () => {
    expect(() => redisPool({ connection: "redis://127.0.0.1:6379", queue: "a:b" })).toThrow(
      /queue: must not contain ":"/,
    );
  });

  test("unknown options and a relative root are refused", () => {
    expect(() =>
      redisPool({ connection: "redis://127.0.0.1:6379", queue: "q", threads: 4 } as never),
    ).toThrow(/Invalid redisPool\(\) options: .*threads/);
    expect(() =>
      redisPool({ connection: "redis://127.0.0.1:6379", queue: "q", root: "src" }),
    ).toThrow(/root: must be an absolute path/);
  });

  test("a pool belongs to one cue", () => {
    const pool = redisPool({ connection: "redis://127.0.0.1:6379", queue: "q" });
    new Cue({ pools: { farm: pool } });
    expect(() => new Cue({ pools: { farm: pool } })).toThrow(/belongs to one Cue/);
  });
});

describe("a Redis that does not answer", () => {
  test("work waits, blocked on the pool connecting, and stop() still returns", async () => {
    // port 1 on the loopback: nothing listens there
    const cue = new Cue({
      pools: { farm: redisPool({ connection: "redis://127.0.0.1:1", queue: "nowhere" }) },
    });
    cue.service("cpu");
    const echo = cue.task("echo", { uses: "cpu", worker: JOBS, export: "echo", pool: "farm" });
    cue.start();
    const id = cue.submit(echo, {});
    await new Promise((resolve) => setTimeout(resolve, 200));
    const [blocked] = cue.debugBlocked();
    expect(blocked).toMatchObject({ reason: "threads_busy" });
    expect(blocked!.details).toContain('pool "farm"');
    expect(blocked!.details).toContain("connecting to Redis at redis://127.0.0.1:1");
    expect(cue.stats().pools.farm).toMatchObject({ size: 0, busy: 0, workers: [] });
    const stopping = Date.now();
    await cue.stop();
    expect(Date.now() - stopping).toBeLessThan(5000);
    expect(cue.get(id)?.state).toBe("pending");
  });
});
