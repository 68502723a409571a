import { execFile, execFileSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { stripVTControlCharacters } from "node:util";
import { beforeAll, describe, expect, test } from "vitest";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const cli = fileURLToPath(new URL("../dist/cli.js", import.meta.url));

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile())
      newest = Math.max(newest, statSync(`${entry.parentPath}/${entry.name}`).mtimeMs);
  }
  return newest;
}

/**
 * Runs the built `runcue-sim` as a user would; resolves with its exit code and output as
 * text, without colours (a CI machine may have them forced on through CI or FORCE_COLOR).
 */
function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { cwd: packageDir }, (error, stdout, stderr) => {
      const code = error ? ((error as { code?: number }).code ?? 1) : 0;
      resolve({
        code: typeof code === "number" ? code : 1,
        stdout: stripVTControlCharacters(stdout),
        stderr: stripVTControlCharacters(stderr),
      });
    });
  });
}

beforeAll(() => {
  // The tests run the command users get, dist/cli.js; build it when the sources are newer.
  let built = 0;
  try {
    built = statSync(cli).mtimeMs;
  } catch {}
  if (built < newestSource(`${packageDir}/src`)) {
    execFileSync(`${packageDir}/node_modules/.bin/tsup`, [], { cwd: packageDir, stdio: "ignore" });
  }
}, 60_000);

describe("the runcue-sim command", () => {
  test("--json prints one summary with the contract's keys and exits 0", async () => {
    const { code, stdout } = await runCli([
      "--scenario",
      "pipeline",
      "--count",
      "5",
      "--latency",
      "5",
      "--seed",
      "1",
      "--json",
    ]);

    expect(code).toBe(0);
    const summary = JSON.parse(stdout);
    for (const key of [
      "completed",
      "failed",
      "skipped",
      "cancelled",
      "pending",
      "violations",
      "wall_ms",
      "throughput",
      "services",
    ]) {
      expect(summary).toHaveProperty(key);
    }
    expect(summary).toMatchObject({ completed: 15, failed: 0, pending: 0, violations: 0 });
    expect(Object.keys(summary.services)).toEqual(["source", "compute", "sink"]);
  });

  test("--cpu runs the simulated work in the worker pool from the built package", async () => {
    const { code, stdout } = await runCli([
      "--scenario",
      "fanout",
      "--count",
      "4",
      "--latency",
      "20",
      "--cpu",
      "--json",
    ]);

    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ cpu: true, completed: 6, failed: 0, violations: 0 });
  });

  test("a stalled run prints the event log, what is blocked and why, and exits 3", async () => {
    const { code, stdout, stderr } = await runCli([
      "--scenario",
      "pipeline",
      "--count",
      "2",
      "--latency",
      "5",
      "--error-rate",
      "1",
      "--stall-timeout",
      "0.5",
      "-v",
    ]);

    expect(code).toBe(3);
    expect(stdout).toMatch(/TIME\s+EVENT\s+TASK\s+WORK_ID\s+DETAILS/);
    expect(stdout).toMatch(/✗ failed\s+\[extract\]/);
    expect(stderr).toContain("Stall: no progress");
    expect(stderr).toMatch(/transform item-0000: not_ready \(waiting for extracted\/item-0000\)/);
    expect(stdout).toContain("stalled: 4 works failed by the stall timeout");
  });

  test("--list-scenarios describes each scenario; bad flags exit 2 saying what is wrong", async () => {
    const list = await runCli(["--list-scenarios"]);
    expect(list.code).toBe(0);
    for (const name of ["single_queue", "pipeline", "fanout", "dynamic"]) {
      expect(list.stdout).toContain(name);
    }

    // `pnpm sim -- --flag` hands the `--` on; it must not end the options
    const afterDashes = await runCli(["--", "--list-scenarios"]);
    expect(afterDashes.stdout).toEqual(list.stdout);

    const badCount = await runCli(["--count", "many"]);
    expect(badCount.code).toBe(2);
    expect(badCount.stderr).toContain('--count needs a whole number, got "many"');

    const badRate = await runCli(["--rate-limit", "ten/min"]);
    expect(badRate.code).toBe(2);
    expect(badRate.stderr).toContain("--rate-limit");
  });
});
