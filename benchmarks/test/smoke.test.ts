/**
 * The benchmarks are not tests, but they must not rot: this runs `pnpm bench
 * --smoke` (tiny sizes) as a child process, exactly as a user would, and checks
 * that every benchmark wrote sane JSON and the chart. It checks shapes and
 * sanity, never speed: timing targets are for full runs on a quiet machine.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url));
const run = promisify(execFile);

let out: string;
let stdout: string;

async function readJson(name: string) {
  return JSON.parse(await readFile(path.join(out, name), "utf8"));
}

function expectPositiveNumber(value: unknown): void {
  expect(typeof value).toBe("number");
  expect(Number.isFinite(value)).toBe(true);
  expect(value as number).toBeGreaterThan(0);
}

beforeAll(async () => {
  out = await mkdtemp(path.join(os.tmpdir(), "runcue-bench-smoke-"));
  ({ stdout } = await run(
    process.execPath,
    ["--expose-gc", "--import", "tsx", "src/main.ts", "--smoke", "--out", out],
    // every benchmark at tiny sizes, the cluster one with a Redis and two worker processes to start
    { cwd: PACKAGE_DIR, timeout: 110_000 },
  ));
}, 120_000);

afterAll(async () => {
  if (out !== undefined) await rm(out, { recursive: true, force: true });
});

describe("pnpm bench --smoke", () => {
  it("prints one line per target and writes a summary of them", async () => {
    const summary = await readJson("summary.json");
    expect(summary.smoke).toBe(true);
    expect(summary.targets.length).toBeGreaterThan(0);
    // One line per target, after a first line saying the figures are from a smoke run.
    expect(stdout.trim().split("\n")).toHaveLength(summary.targets.length + 1);
    for (const check of summary.targets) {
      expect(typeof check.met).toBe("boolean");
      expect(Number.isFinite(check.value)).toBe(true);
    }
  });

  it("measures thread scaling for runcue, raw Piscina (with and without prefetch) and the main thread, and draws it", async () => {
    const report = await readJson("thread-scaling.json");
    expect(report.machine.cores).toBeGreaterThan(0);
    expectPositiveNumber(report.results.mainThread.bestMs);
    expect(report.results.rows.map((row: { threads: number }) => row.threads)).toEqual([1, 2]);
    for (const row of report.results.rows) {
      expectPositiveNumber(row.runcue.bestMs);
      expectPositiveNumber(row.piscina.bestMs);
      expectPositiveNumber(row.piscinaWithoutPrefetch.bestMs);
      expectPositiveNumber(row.speedup.runcue);
      expectPositiveNumber(row.runcueOverPiscina);
    }
    expect(report.results.rows[0].speedup).toEqual({ runcue: 1, piscina: 1 });

    const svg = await readFile(path.join(out, "thread-scaling.svg"), "utf8");
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
    expect(svg.match(/<polyline/g)).toHaveLength(2);
  });

  it("compares dispatch rates with p-queue and raw Piscina", async () => {
    const report = await readJson("dispatch.json");
    for (const comparison of [...report.results.mainThread, ...report.results.workers]) {
      expectPositiveNumber(comparison.runcue.bestPerSecond);
      expectPositiveNumber(comparison.baseline.bestPerSecond);
      expectPositiveNumber(comparison.ratio);
    }
    expect(report.results.mainThread).toHaveLength(report.config.sizes.length);
    expect(report.results.workers).toHaveLength(report.config.sizes.length);
    for (const comparison of report.results.workers) {
      expectPositiveNumber(comparison.piscinaWithoutPrefetch.bestPerSecond);
    }
  });

  it("runs every scale case to the end and measures idle CPU", async () => {
    const report = await readJson("scale.json");
    expect(report.results.gcExposed).toBe(true);
    expect(report.results.cases).toHaveLength(report.config.sizes.length * 3);
    for (const entry of report.results.cases) {
      expectPositiveNumber(entry.totalMs);
      // Tiny sizes make memory figures noise, even negative: only their presence is checked.
      expect(Number.isFinite(entry.bytesPerPendingWork)).toBe(true);
    }
    // Consecutive sizes, plus smallest to largest when there are more than two sizes.
    const steps = report.config.sizes.length - 1 + (report.config.sizes.length > 2 ? 1 : 0);
    expect(report.results.growth).toHaveLength(steps * 3);
    expect(report.results.idle.map((entry: { scenario: string }) => entry.scenario)).toEqual([
      "service_full",
      "not_ready",
      "not_ready",
    ]);
    for (const entry of report.results.idle) expectPositiveNumber(entry.measuredMs);
  });

  it("measures the dashboard's cost without it, served, and with a page open", async () => {
    const report = await readJson("dashboard.json");
    expect(report.results.workloads).toHaveLength(3);
    for (const workload of report.results.workloads) {
      for (const arm of ["none", "served", "page"])
        expectPositiveNumber(workload.timings[arm].bestMs);
      expect(Number.isFinite(workload.lossWithPage)).toBe(true);
    }
    // with no page open the dashboard reads stats() and nothing else
    expect(report.results.noPageCalls).toMatchObject({
      debugBlocked: 0,
      list: 0,
      get: 0,
      listeners: 0,
    });
    expectPositiveNumber(report.results.atScale.debugBlockedMs);
  });

  it("keeps a saturated rate-limited service busy, never above its limit, and counts starts per window", async () => {
    const report = await readJson("rate-accuracy.json");
    const { results, config } = report;
    expect(results.starts).toBeGreaterThan(0);
    expect(results.mostInAnyWindow).toBeGreaterThanOrEqual(1);
    // the guarantee itself, on the monotonic clock the limiter uses
    expect(results.mostInAnyWindow).toBeLessThanOrEqual(config.limit);
    expect(results.closestSpanMs).toBeGreaterThanOrEqual(config.intervalMs - 1);
    expect(results.startsPerInterval).toHaveLength(
      Math.ceil(config.durationMs / config.intervalMs),
    );
    expectPositiveNumber(results.utilisation);
  });

  it("compares the remote pool with BullMQ alone and with local threads", async () => {
    const report = await readJson("cluster.json");
    const { tinyJobs, tiles } = report.results;
    expectPositiveNumber(tinyJobs.gated.medianPerSecond);
    expectPositiveNumber(tinyJobs.free.medianPerSecond);
    expectPositiveNumber(tinyJobs.ratio);
    expect(tiles).toHaveLength(report.config.tileIterations.length);
    for (const entry of tiles) {
      expectPositiveNumber(entry.remote.bestMs);
      expectPositiveNumber(entry.local.bestMs);
      expectPositiveNumber(entry.ratio);
    }
  });
});
