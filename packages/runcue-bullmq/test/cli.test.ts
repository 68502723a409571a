/** The `runcue-worker` command line, and a coordinator that exits on its own after stop(). */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Cue } from "runcue";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { redisPool } from "../src/index.js";
import { JOBS } from "./helpers/cluster.js";
import { type RedisServer, startRedis } from "./helpers/redis-server.js";
import { CLI, FIXTURES, killAll, startWorker, type WorkerProcess } from "./helpers/workers.js";

async function run(args: string[], cwd = FIXTURES) {
  const child = spawn(process.execPath, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
  const [code] = (await once(child, "exit")) as [number | null];
  return { code, stdout, stderr };
}

describe("runcue-worker flags", () => {
  test("--help prints the flags and exits 0", async () => {
    const { code, stdout } = await run([CLI, "--help"]);
    expect(code).toBe(0);
    for (const flag of ["--redis", "--queue", "--threads", "--root", "--version"]) {
      expect(stdout).toContain(flag);
    }
  });

  test("--version prints the package version and exits 0", async () => {
    const { code, stdout } = await run([CLI, "--version"]);
    expect(code).toBe(0);
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  test("a missing --redis exits 2 naming the flag", async () => {
    const { code, stderr } = await run([CLI, "--queue", "render"]);
    expect(code).toBe(2);
    expect(stderr).toContain("--redis");
  });

  test("an unknown flag exits 2 naming it, before any missing one", async () => {
    const { code, stderr } = await run([CLI, "--no-such-flag"]);
    expect(code).toBe(2);
    expect(stderr).toContain("--no-such-flag");
  });

  test("a missing --queue exits 2 naming the flag", async () => {
    const { code, stderr } = await run([CLI, "--redis", "redis://127.0.0.1:6379"]);
    expect(code).toBe(2);
    expect(stderr).toContain("--queue");
  });

  test("a bad --threads exits 2 naming the flag and what is accepted", async () => {
    const { code, stderr } = await run([
      CLI,
      "--redis",
      "redis://127.0.0.1:1",
      "--queue",
      "q",
      "--threads",
      "0",
    ]);
    expect(code).toBe(2);
    expect(stderr).toContain("--threads");
    expect(stderr).toContain("1 to 1024");
  });

  test("a --redis that is not a URL exits 2 naming the flag", async () => {
    const { code, stderr } = await run([CLI, "--redis", "localhost", "--queue", "q"]);
    expect(code).toBe(2);
    expect(stderr).toContain("--redis");
  });
});

describe("processes ending on their own", () => {
  let redis: RedisServer;
  let workers: WorkerProcess[] = [];
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await killAll(workers);
    await redis?.stop();
  });

  test("after stop() the coordinator's process exits by itself: every Redis connection is closed", async () => {
    const queue = "exits";
    workers = [await startWorker({ redis: redis.url, queue, threads: 1, root: FIXTURES })];
    const coordinator = fileURLToPath(new URL("./fixtures/coordinator.mjs", import.meta.url));
    const startedAt = Date.now();
    const { code, stdout, stderr } = await run([coordinator, redis.url, queue]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ done: 3 });
    expect(Date.now() - startedAt).toBeLessThan(20_000);
  });

  test("a worker started in another folder finds the modules through --root", async () => {
    const queue = "elsewhere";
    const worker = await startWorker({
      redis: redis.url,
      queue,
      threads: 1,
      root: FIXTURES,
      cwd: "/",
    });
    workers.push(worker);
    const coordinator = fileURLToPath(new URL("./fixtures/coordinator.mjs", import.meta.url));
    const { code, stdout } = await run([coordinator, redis.url, queue]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ done: 3 });
  });

  test("a worker loads no module outside its --root: the attempt fails saying so", async () => {
    const queue = "outside";
    // a folder of its own: the checkout itself may lie under the system's temp folder
    const elsewhere = mkdtempSync(join(tmpdir(), "runcue-root-"));
    workers.push(await startWorker({ redis: redis.url, queue, threads: 1, root: elsewhere }));
    const cue = new Cue({
      pools: { farm: redisPool({ connection: redis.url, queue, root: elsewhere }) },
    });
    cue.service("cpu");
    const echo = cue.task("echo", { uses: "cpu", worker: JOBS, export: "echo", pool: "farm" });
    cue.start();
    const error = (await cue.result(cue.submit(echo, {})).catch((reason) => reason)) as Error;
    expect(error.message).toContain(`worker module ${JOBS} is outside --root ${elsewhere}`);
    await cue.stop();
    rmSync(elsewhere, { recursive: true, force: true });
  });
});
