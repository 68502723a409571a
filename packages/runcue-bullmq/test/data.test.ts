/**
 * What crosses Redis: params and results keep their types and bytes, a
 * result over the size limit fails clearly, and params that cannot cross
 * are refused at submit.
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { decode, encode } from "../src/codec.js";
import { type Cluster, JOBS, startCluster } from "./helpers/cluster.js";

describe("the codec", () => {
  test("keeps typed arrays, Buffers, ArrayBuffers, Maps, Dates and BigInts as they were", () => {
    const value = {
      u8: new Uint8Array([0, 1, 255]),
      f32: new Float32Array([1.5, -2]),
      buffer: Buffer.from("héllo"),
      raw: new Uint16Array([1, 2]).buffer,
      map: new Map([["a", 1]]),
      date: new Date(1_700_000_000_000),
      big: 2n ** 70n,
    };
    const back = decode(encode(value)) as typeof value;
    expect(back.u8).toBeInstanceOf(Uint8Array);
    expect([...back.u8]).toEqual([0, 1, 255]);
    expect(back.f32).toBeInstanceOf(Float32Array);
    expect(Buffer.isBuffer(back.buffer)).toBe(true);
    expect(back.buffer.toString()).toBe("héllo");
    expect(back.raw).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint16Array(back.raw)]).toEqual([1, 2]);
    expect(back.map.get("a")).toBe(1);
    expect(back.date.getTime()).toBe(1_700_000_000_000);
    expect(back.big).toBe(2n ** 70n);
  });

  test("takes about 4/3 of the bytes, not the 4-5x of a JSON array of numbers", () => {
    const bytes = new Uint8Array(30_000).fill(200);
    expect(encode(bytes).length).toBeLessThan(30_000 * 1.4);
    expect(JSON.stringify(Array.from(bytes)).length).toBeGreaterThan(30_000 * 3.9);
  });
});

describe("data across the cluster", () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster({ workers: 1, threads: 2 });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  /** Runs `task` with `params` in the local pool and in the remote one; returns both results. */
  async function localAndRemote(exportName: string, params: Record<string, unknown>) {
    const cue = cluster.cue();
    cue.service("cpu");
    const local = cue.task(`${exportName}-local`, {
      uses: "cpu",
      worker: JOBS,
      export: exportName,
    });
    const remote = cue.task(`${exportName}-remote`, {
      uses: "cpu",
      worker: JOBS,
      export: exportName,
      pool: "farm",
    });
    cue.start();
    const results = await Promise.all([
      cue.result(cue.submit(local, params)),
      cue.result(cue.submit(remote, params)),
    ]);
    await cue.stop();
    return results;
  }

  test("params arrive with the same types and bytes as in a local thread", async () => {
    const params = {
      buffer: Buffer.from([1, 2, 3]),
      bytes: new Uint8Array([4, 5]),
      floats: new Float64Array([Math.E]),
      raw: new Uint8Array([9, 8]).buffer,
      when: new Date(0),
      big: 12n,
    };
    const [local, remote] = (await localAndRemote("echo", params)) as {
      params: typeof params;
      types: Record<string, string>;
      pid: number;
    }[];
    expect(remote!.types).toEqual(local!.types);
    expect(remote!.types).toMatchObject({
      bytes: "Uint8Array",
      floats: "Float64Array",
      raw: "ArrayBuffer",
      when: "Date",
      big: "BigInt",
    });
    expect(remote!.params).toEqual(local!.params);
    expect([...remote!.params.buffer]).toEqual([1, 2, 3]);
    expect(remote!.params.floats[0]).toBe(Math.E);
    expect([...new Uint8Array(remote!.params.raw)]).toEqual([9, 8]);
    expect(remote!.pid).not.toBe(local!.pid);
  });

  test("results moved with transfer() arrive with the same types and bytes as from a local thread", async () => {
    const [local, remote] = (await localAndRemote("bytes", { length: 1000 })) as {
      u8: Uint8Array;
      f64: Float64Array;
      buffer: Uint8Array;
      raw: ArrayBuffer;
    }[];
    expect(remote).toEqual(local);
    expect(remote!.u8).toBeInstanceOf(Uint8Array);
    expect(remote!.u8.length).toBe(1000);
    expect(remote!.u8[500]).toBe(500 % 251);
    expect(remote!.f64).toBeInstanceOf(Float64Array);
    expect([...remote!.f64]).toEqual([Math.PI, -0, Number.MAX_VALUE]);
    expect(Buffer.from(remote!.buffer).toString()).toBe("runcue across machines");
    expect(new DataView(remote!.raw).getUint32(0)).toBe(0xdeadbeef);
  });

  test("a handler's error keeps its name, message and own fields", async () => {
    const cue = cluster.cue();
    cue.service("cpu");
    const fails = cue.task("fails", { uses: "cpu", worker: JOBS, export: "fails", pool: "farm" });
    cue.start();
    const error = (await cue
      .result(cue.submit(fails, { value: 42 }))
      .catch((reason) => reason)) as Error & {
      code: string;
      detail: unknown;
    };
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("RangeError");
    expect(error.message).toBe("bad input 42");
    expect(error.code).toBe("E_BAD");
    expect(error.detail).toEqual({ value: 42 });
    await cue.stop();
  });

  test("a large result travels beside the event stream, and is deleted once read", async () => {
    const cue = cluster.cue();
    cue.service("cpu");
    const big = cue.task("big", { uses: "cpu", worker: JOBS, export: "big", pool: "farm" });
    cue.start();
    const result = (await cue.result(cue.submit(big, { size: 300_000 }))) as Uint8Array;
    expect(result).toHaveLength(300_000);
    expect(result.every((byte) => byte === 7)).toBe(true);
    const redis = new Redis(cluster.redis.url);
    expect(await redis.keys("*runcue:result:*")).toEqual([]);
    const events = (await redis.xrevrange(
      `bull:${cluster.queue}:events`,
      "+",
      "-",
      "COUNT",
      100,
    )) as [string, string[]][];
    const largest = Math.max(...events.map(([, fields]) => fields.join("").length));
    expect(largest).toBeLessThan(64 * 1024);
    redis.disconnect();
    await cue.stop();
  });

  test("a result over maxResultBytes fails with an error that says so and what to do", async () => {
    const cue = cluster.cue({ maxResultBytes: 64 * 1024 });
    cue.service("cpu");
    const big = cue.task("big", { uses: "cpu", worker: JOBS, export: "big", pool: "farm" });
    cue.start();
    expect(await cue.result(cue.submit(big, { size: 1000 }))).toHaveLength(1000);
    const error = (await cue
      .result(cue.submit(big, { size: 200_000 }))
      .catch((reason) => reason)) as Error;
    expect(error.message).toMatch(
      /Result of task "big" .* is 261 KiB encoded, over the remote pool's maxResultBytes of 64 KiB/,
    );
    expect(error.message).toContain("shared storage");
    await cue.stop();
  });

  test("params that cannot cross are refused at submit, naming the task, and nothing is queued", () => {
    const cue = cluster.cue();
    cue.service("cpu");
    const echo = cue.task("echo", { uses: "cpu", worker: JOBS, export: "echo", pool: "farm" });
    expect(() => cue.submit(echo, { callback: () => 1 })).toThrow(
      /Params of task "echo" cannot be sent to a remote worker: .*could not be cloned/,
    );
    expect(cue.stats().pending).toBe(0);
  });

  test("a task exposing main-thread functions is refused for a remote pool at cue.task()", () => {
    const cue = cluster.cue();
    cue.service("cpu");
    expect(() =>
      cue.task("calls", {
        uses: "cpu",
        worker: JOBS,
        export: "echo",
        pool: "farm",
        expose: { now: () => Date.now() },
      }),
    ).toThrow(/Task "calls" exposes main-thread functions/);
  });
});
