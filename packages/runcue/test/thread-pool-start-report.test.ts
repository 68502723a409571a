import { fileURLToPath } from "node:url";
import { type Job, ThreadPool } from "runcue";
import { afterEach, describe, expect, test } from "vitest";
import { fixture } from "./helpers.js";

/** Runs one echo job on `pool`; `seen` gets "started" when the pool reports its start, "result" at its end. */
function runEcho(
  pool: ThreadPool,
  reportStart: boolean | undefined,
  seen: string[] = [],
): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const job: Job = {
      work: { id: "w1", task: "echo", params: { x: 1 }, attempt: 1 } as Job["work"],
      task: {
        name: "echo",
        workerPath: fileURLToPath(fixture("workers.mjs")),
        exportName: "default",
      },
      signal: new AbortController().signal,
      aborted: false,
      reportStart,
      progress: () => {},
      handlerStarted: () => seen.push("started"),
      resolve: () => {
        seen.push("result");
        resolve(seen);
      },
      reject,
    };
    pool.run(job);
  });
}

describe("ThreadPool reports a handler's start only to jobs that wait for it", () => {
  const pool = new ThreadPool({ threads: 1, resourceLimits: undefined });
  pool.attach({ name: "local", abortGrace: 1000, wake: () => {} });
  afterEach(async () => {
    await pool.close();
  });

  // the start report and the result share the thread's session port, so the report comes first
  test("a job that leaves reportStart unset (a host without a cue) or sets it hears its start, before its result", async () => {
    for (const reportStart of [undefined, true]) {
      const seen = await runEcho(pool, reportStart);
      expect(seen).toEqual(["started", "result"]);
    }
  });

  test("a job with reportStart false (its service has no rate) gets only its result", async () => {
    const seen = await runEcho(pool, false);
    // a later job's start report came back before its result: the first job's would have too
    const later = await runEcho(pool, true);
    expect(later).toEqual(["started", "result"]);
    expect(seen).toEqual(["result"]);
  });
});
