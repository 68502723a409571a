import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type Cluster, JOBS, startCluster, waitFor } from "./helpers/cluster.js";

describe("a cue with a redisPool of two runcue-worker processes", () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster({ workers: 2, threads: 1 });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  test("runs worker tasks on the remote threads and reports them in stats().pools", async () => {
    const cue = cluster.cue();
    cue.service("cpu");
    const echo = cue.task("echo", { uses: "cpu", worker: JOBS, export: "echo", pool: "farm" });
    cue.start();
    await waitFor("both workers", () => cue.stats().pools.farm?.size === 2);
    const ids = Array.from({ length: 10 }, (_, index) => cue.submit(echo, { index }));
    const results = (await Promise.all(ids.map((id) => cue.result(id)))) as {
      params: { index: number };
      pid: number;
    }[];
    expect(results.map((result) => result.params.index)).toEqual([...Array(10).keys()]);
    const farm = cue.stats().pools.farm!;
    expect(farm.size).toBe(2);
    expect(farm.workers!.map((worker) => worker.id).sort()).toEqual(
      cluster.workers.map((worker) => worker.id).sort(),
    );
    expect(farm.workers!.every((worker) => worker.threads === 1 && worker.host)).toBe(true);
    await cue.stop();
  });
});
