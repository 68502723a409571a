/**
 * `pnpm mandelbrot --redis URL --queue NAME`: the tiles render in two
 * runcue-worker processes and the PNG is byte for byte the local one, also
 * when a worker is killed mid-render.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  type RedisServer,
  startRedis,
} from "../../../packages/runcue-bullmq/test/helpers/redis-server.ts";
import {
  killAll,
  startWorker,
  type WorkerProcess,
} from "../../../packages/runcue-bullmq/test/helpers/workers.ts";
import { render, temporaryOut } from "./run-cli.ts";

const repositoryRoot = fileURLToPath(new URL("../../..", import.meta.url));

describe("a render through runcue-worker processes", () => {
  let redis: RedisServer;
  let workers: WorkerProcess[] = [];
  const folders: (() => Promise<void>)[] = [];

  async function outFolder() {
    const { out, remove } = await temporaryOut();
    folders.push(remove);
    return out;
  }

  async function startWorkers(queue: string) {
    workers = await Promise.all(
      [1, 2].map(() => startWorker({ redis: redis.url, queue, threads: 1, root: repositoryRoot })),
    );
  }

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await killAll(workers);
    await redis?.stop();
    await Promise.all(folders.map((remove) => remove()));
  });

  test("writes the same PNG bytes as the local render", async () => {
    await startWorkers("same-bytes");
    const args = ["--size", "192", "--grid", "4", "--iter", "300"];
    const [localOut, remoteOut] = [await outFolder(), await outFolder()];
    const local = await render(localOut, [...args, "--threads", "2"]);
    const remote = await render(remoteOut, [
      ...args,
      "--redis",
      redis.url,
      "--queue",
      "same-bytes",
    ]);
    expect(remote.tiles).toEqual(local.tiles);
    expect(remote.tiles.rendered).toBe(16);
    const [localPng, remotePng] = await Promise.all([
      readFile(join(localOut, "mandelbrot.png")),
      readFile(join(remoteOut, "mandelbrot.png")),
    ]);
    expect(remotePng.equals(localPng)).toBe(true);
    await killAll(workers);
  });

  test("a worker killed mid-render changes nothing in the output: its tile is rendered again", async () => {
    await startWorkers("killed");
    const args = ["--size", "256", "--grid", "4", "--iter", "6000", "--zoom", "-0.745,0.113,0.02"];
    const [localOut, remoteOut] = [await outFolder(), await outFolder()];
    const local = await render(localOut, [...args, "--threads", "2"]);
    let finished = false;
    const rendering = render(remoteOut, [...args, "--redis", redis.url, "--queue", "killed"]);
    rendering.then(
      () => (finished = true),
      () => (finished = true),
    );
    // once the first tile is written, the other worker is in the middle of one: kill it
    const tiles = join(remoteOut, "tiles");
    while (!finished) {
      const names = await readdir(tiles).catch(() => [] as string[]);
      if (names.some((name) => name.endsWith(".bin"))) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const [victim] = workers;
    victim!.kill("SIGKILL");
    await victim!.exited;
    const remote = await rendering;
    expect(remote.tiles).toEqual(local.tiles);
    const [localPng, remotePng] = await Promise.all([
      readFile(join(localOut, "mandelbrot.png")),
      readFile(join(remoteOut, "mandelbrot.png")),
    ]);
    expect(remotePng.equals(localPng)).toBe(true);
  });
});
