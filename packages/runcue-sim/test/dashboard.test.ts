import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";

const source = fileURLToPath(new URL("../src/cli.ts", import.meta.url));

test("--dashboard serves the run's live page, then keeps serving until Ctrl-C", async () => {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      source,
      "--scenario",
      "fanout",
      "--count",
      "6",
      "--latency",
      "40",
      "--seed",
      "7",
      "--json",
      "--dashboard",
      "0",
    ],
    { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const stderrMatching = (pattern: RegExp) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(stderr);
        if (match) {
          child.stderr.off("data", onData);
          resolve(match);
        }
      };
      const onData = (chunk: Buffer) => {
        stderr += chunk.toString();
        check();
      };
      child.stderr.on("data", onData);
      exited.then((code) => reject(new Error(`exited with ${code} before ${pattern}: ${stderr}`)));
      check();
    });
  try {
    const [, url] = await stderrMatching(/dashboard: (http:\/\/127\.0\.0\.1:\d+\/)\n/);
    await stderrMatching(/still serving/);
    const summary = JSON.parse(stdout) as { completed: number; services: Record<string, unknown> };
    const state = (await (await fetch(`${url}api/state`)).json()) as {
      title: string;
      stats: { completed: number; pending: number; services: Record<string, unknown> };
      blocked: Record<string, number>;
    };
    expect(state.title).toBe("runcue-sim fanout × 6");
    expect(state.stats.completed).toBe(summary.completed);
    expect(state.stats.pending).toBe(0);
    expect(Object.keys(state.stats.services).sort()).toEqual(Object.keys(summary.services).sort());
    expect(state.blocked).toEqual({});
    child.kill("SIGINT");
    expect(await exited).toBe(0);
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
  }
});
