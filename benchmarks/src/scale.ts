/**
 * Scale: 10k, 100k and 1M submitted works in three modes, and idle CPU with
 * 100k works waiting.
 *
 * - `blocked`: `isReady` answers false until a flag flips, then `recheck()`
 *   releases them all and they run (no-op);
 * - `skipped`: `isStale` answers false, so every work is skipped;
 * - `run`: every work runs a no-op handler.
 *
 * Memory is heap used, measured after a forced garbage collection (run node
 * with `--expose-gc`), relative to the heap before the cue was created.
 */
import { Cue } from "runcue";
import type { BenchOptions } from "./options.ts";
import { type BenchmarkReport, log, makeReport, type TargetCheck, target } from "./report.ts";
import { collectGarbage, heapUsed, round, sleep } from "./stats.ts";

export const SCALE_MODES = ["blocked", "skipped", "run"] as const;
export type ScaleMode = (typeof SCALE_MODES)[number];

/** The contract's default `pollInterval`. */
const DEFAULT_POLL_INTERVAL = 50;
/** A longer `pollInterval` for a second not-ready idle measure. */
const LONG_POLL_INTERVAL = 1_000;

/** Concurrency of the service every scale work uses: the same as the dispatch benchmark's. */
const SERVICE_CONCURRENCY = 8;

interface ScaleCase {
  mode: ScaleMode;
  works: number;
  /** The submit loop alone. */
  submitMs: number;
  /** blocked only: from `start()` until `isReady` had been asked about every work once. */
  firstCheckMs?: number;
  /** From `start()` (blocked: from the release) until `idle()` resolved. */
  processMs: number;
  /** submitMs + firstCheckMs + processMs: what the growth ratios compare. */
  totalMs: number;
  /** totalMs of every repeat; the other figures come from the fastest. */
  totalsMs: number[];
  /** Heap held by the submitted, not yet started works, per work. */
  bytesPerPendingWork: number;
  /** blocked only: the same once every work has been found not ready. */
  bytesPerBlockedWork?: number;
  /** Highest heap used seen during the case, above the heap before it. */
  peakHeapBytes: number;
  /** `isReady` calls over the whole case (blocked only). */
  readyChecks?: number;
}

interface Growth {
  mode: ScaleMode;
  from: number;
  to: number;
  timeRatio: number;
  /** The time ratio scaled to a tenfold size step: 10 is linear; the target is ≤ 11 from 100k to 1M, else ≤ 12. */
  perTenfold: number;
}

interface IdleCase {
  scenario: "service_full" | "not_ready";
  works: number;
  /** The cue's `pollInterval`: not-ready work is re-checked at least this often. */
  pollInterval: number;
  measuredMs: number;
  cpuMs: number;
  /** CPU used over wall time: 100 is one core busy. */
  percentOfCore: number;
  /** not_ready only: `isReady` calls while measuring, per second. */
  readyChecksPerSecond?: number;
}

export interface ScaleResults {
  cases: ScaleCase[];
  growth: Growth[];
  idle: IdleCase[];
  gcExposed: boolean;
}

interface ScaleConfig {
  sizes: number[];
  modes: readonly ScaleMode[];
  serviceConcurrency: number;
  idleWorks: number;
  idleDurationMs: number;
  repeats: number;
}

/** Resolves once `condition` holds, looking after each turn of the event loop. */
async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Tracks the highest heap used, from a timer and from explicit samples. */
function peakTracker(baseline: number) {
  let peak = heapUsed();
  const timer = setInterval(() => {
    peak = Math.max(peak, heapUsed());
  }, 5);
  return {
    sample: () => {
      peak = Math.max(peak, heapUsed());
    },
    stop: () => {
      clearInterval(timer);
      return Math.max(0, Math.max(peak, heapUsed()) - baseline);
    },
  };
}

async function runScaleCase(mode: ScaleMode, works: number): Promise<Omit<ScaleCase, "totalsMs">> {
  collectGarbage();
  const baseline = heapUsed();
  const peak = peakTracker(baseline);
  let released = false;
  let readyChecks = 0;

  const cue = new Cue();
  cue.service("tiny", { concurrent: SERVICE_CONCURRENCY });
  cue.task("noop", { uses: "tiny", run: async () => undefined });
  if (mode === "blocked") {
    cue.isReady(() => {
      readyChecks++;
      return released;
    });
  }
  if (mode === "skipped") cue.isStale(() => false);
  let finished = 0;
  cue.onComplete(() => {
    finished++;
  });
  cue.onSkip(() => {
    finished++;
  });

  const submitStarted = performance.now();
  for (let index = 0; index < works; index++) cue.submit("noop", { index });
  const submitMs = performance.now() - submitStarted;
  peak.sample();
  collectGarbage();
  const bytesPerPendingWork = (heapUsed() - baseline) / works;

  let firstCheckMs: number | undefined;
  let bytesPerBlockedWork: number | undefined;
  const started = performance.now();
  cue.start();
  if (mode === "blocked") {
    await until(() => readyChecks >= works, 600_000);
    firstCheckMs = performance.now() - started;
    peak.sample();
    collectGarbage();
    bytesPerBlockedWork = (heapUsed() - baseline) / works;
  }
  const processStarted = performance.now();
  if (mode === "blocked") {
    released = true;
    cue.recheck();
  }
  await cue.idle();
  const processMs = performance.now() - processStarted;
  await cue.stop();
  const peakHeapBytes = peak.stop();
  if (finished !== works) {
    throw new Error(`scale ${mode} ${works}: ${finished} works finished, expected ${works}`);
  }
  const result: Omit<ScaleCase, "totalsMs"> = {
    mode,
    works,
    submitMs: round(submitMs, 1),
    processMs: round(processMs, 1),
    totalMs: round(submitMs + (firstCheckMs ?? 0) + processMs, 1),
    bytesPerPendingWork: Math.round(bytesPerPendingWork),
    peakHeapBytes,
  };
  if (firstCheckMs !== undefined) result.firstCheckMs = round(firstCheckMs, 1);
  if (bytesPerBlockedWork !== undefined)
    result.bytesPerBlockedWork = Math.round(bytesPerBlockedWork);
  if (mode === "blocked") result.readyChecks = readyChecks;
  return result;
}

function cpuMillisecondsSince(previous: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(previous);
  return (used.user + used.system) / 1000;
}

/**
 * An idle started cue with `works` works that cannot start: either all queued
 * behind a `concurrent: 1` service held by one long work, or all not ready.
 */
async function runIdleCase(
  scenario: IdleCase["scenario"],
  works: number,
  durationMs: number,
  pollInterval: number,
  settleMs: number,
): Promise<IdleCase> {
  let releaseHolder: () => void = () => {};
  const held = new Promise<void>((resolve) => {
    releaseHolder = resolve;
  });
  let readyChecks = 0;
  const cue = new Cue({ pollInterval });
  cue.service("knife", { concurrent: 1 });
  cue.task("hold", { uses: "knife", run: () => held });
  cue.task("noop", { uses: "knife", run: async () => undefined });
  let holderStarted = false;
  cue.onStart((work) => {
    if (work.task === "hold") holderStarted = true;
  });
  if (scenario === "not_ready") {
    cue.isReady(() => {
      readyChecks++;
      return false;
    });
  } else {
    cue.submit("hold");
  }
  for (let index = 0; index < works; index++) cue.submit("noop", { index });
  cue.start();
  if (scenario === "service_full") await until(() => holderStarted, 60_000);
  else await until(() => readyChecks >= works, 600_000);
  // Let the back-off of works that keep answering "not ready" grow to its cap before measuring.
  await sleep(settleMs);
  collectGarbage();

  const checksBefore = readyChecks;
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  await sleep(durationMs);
  const cpuMs = cpuMillisecondsSince(cpuBefore);
  const measuredMs = performance.now() - wallBefore;
  const checksDuring = readyChecks - checksBefore;

  const stopped = cue.stop();
  releaseHolder();
  await stopped;
  const result: IdleCase = {
    scenario,
    works,
    pollInterval,
    measuredMs: round(measuredMs, 1),
    cpuMs: round(cpuMs, 1),
    percentOfCore: round((cpuMs / measuredMs) * 100, 2),
  };
  if (scenario === "not_ready") {
    result.readyChecksPerSecond = Math.round((checksDuring / measuredMs) * 1000);
  }
  return result;
}

function growthBetween(mode: ScaleMode, from: ScaleCase, to: ScaleCase): Growth {
  const timeRatio = to.totalMs / from.totalMs;
  const tenfolds = Math.log10(to.works / from.works);
  return {
    mode,
    from: from.works,
    to: to.works,
    timeRatio: round(timeRatio, 2),
    perTenfold: round(timeRatio ** (1 / tenfolds), 2),
  };
}

/** Growth between consecutive sizes of each mode, then from the smallest to the largest. */
function growthOf(cases: readonly ScaleCase[]): Growth[] {
  const growth: Growth[] = [];
  for (const mode of SCALE_MODES) {
    const ofMode = cases.filter((entry) => entry.mode === mode).sort((a, b) => a.works - b.works);
    for (let index = 1; index < ofMode.length; index++) {
      growth.push(growthBetween(mode, ofMode[index - 1]!, ofMode[index]!));
    }
    if (ofMode.length > 2) growth.push(growthBetween(mode, ofMode[0]!, ofMode.at(-1)!));
  }
  return growth;
}

export async function runScale(
  options: BenchOptions,
): Promise<BenchmarkReport<ScaleConfig, ScaleResults>> {
  const gcExposed = collectGarbage();
  if (!gcExposed) log("scale: run node with --expose-gc for memory figures without garbage");

  // Warm-up so the 10k case does not pay for compiling the library.
  await runScaleCase("run", Math.min(5_000, options.scaleSizes[0] ?? 5_000));

  // Repeats outermost, so a burst of background load spoils one repeat of many cases, not all of one.
  const runs = new Map<string, Array<Omit<ScaleCase, "totalsMs">>>();
  for (let repeat = 0; repeat < options.scaleRepeats; repeat++) {
    for (const works of options.scaleSizes) {
      for (const mode of SCALE_MODES) {
        const entry = await runScaleCase(mode, works);
        const key = `${mode} ${works}`;
        runs.set(key, [...(runs.get(key) ?? []), entry]);
        log(
          `scale ${mode} ${works}: total ${entry.totalMs} ms, ${entry.bytesPerPendingWork} B/pending work, peak heap ${(entry.peakHeapBytes / 2 ** 20).toFixed(1)} MiB`,
        );
      }
    }
  }
  const cases: ScaleCase[] = [...runs.values()].map((entries) => {
    const fastest = entries.reduce((best, entry) => (entry.totalMs < best.totalMs ? entry : best));
    return { ...fastest, totalsMs: entries.map((entry) => entry.totalMs) };
  });
  const growth = growthOf(cases);

  // The default pollInterval, then a longer one: the contract re-checks not-ready work at least
  // every pollInterval, so its idle cost is set by that interval.
  const idle: IdleCase[] = [];
  const idleScenarios = [
    ["service_full", DEFAULT_POLL_INTERVAL],
    ["not_ready", DEFAULT_POLL_INTERVAL],
    ["not_ready", LONG_POLL_INTERVAL],
  ] as const;
  for (const [scenario, pollInterval] of idleScenarios) {
    const settleMs = options.smoke ? options.idleDuration : Math.max(1_000, 3 * pollInterval);
    const entry = await runIdleCase(
      scenario,
      options.idleWorks,
      options.idleDuration,
      pollInterval,
      settleMs,
    );
    idle.push(entry);
    log(
      `scale idle ${scenario} (pollInterval ${pollInterval}), ${entry.works} works: ${entry.percentOfCore}% of a core`,
    );
  }

  const targets: TargetCheck[] = [];
  const worstBytes = Math.max(...cases.map((entry) => entry.bytesPerPendingWork));
  targets.push(
    target("bytes per pending work (worst case)", "<= 300", worstBytes, worstBytes <= 300),
  );
  const blockedBytes = cases.flatMap((entry) => entry.bytesPerBlockedWork ?? []);
  if (blockedBytes.length > 0) {
    const worst = Math.max(...blockedBytes);
    targets.push(target("bytes per blocked work (worst case)", "<= 300", worst, worst <= 300));
  }
  for (const step of growth) {
    // the million-works goal: the last tenfold at most 1.1× of linear; wider steps keep 12×
    const limit = step.from === 100_000 && step.to === 1_000_000 ? 11 : 12;
    targets.push(
      target(
        `${step.mode}: time growth ${step.from} → ${step.to}, per tenfold`,
        `<= ${limit}×`,
        step.perTenfold,
        step.perTenfold <= limit,
      ),
    );
  }
  for (const entry of idle.filter((each) => each.pollInterval === DEFAULT_POLL_INTERVAL)) {
    targets.push(
      target(
        `idle CPU, ${entry.works} works ${entry.scenario}, pollInterval ${entry.pollInterval}`,
        "< 2% of a core",
        entry.percentOfCore,
        entry.percentOfCore < 2,
      ),
    );
  }
  return makeReport(
    "scale",
    options.smoke,
    {
      sizes: options.scaleSizes,
      modes: SCALE_MODES,
      serviceConcurrency: SERVICE_CONCURRENCY,
      idleWorks: options.idleWorks,
      idleDurationMs: options.idleDuration,
      repeats: options.scaleRepeats,
    },
    { cases, growth, idle, gcExposed },
    targets,
    [
      "Every work carries params { index }; memory figures include them.",
      "Growth compares the fastest totalMs of consecutive sizes of a mode; smaller sizes carry more fixed cost.",
      "Idle not_ready CPU is bounded below by the contract: every not-ready work is re-checked at least every pollInterval.",
    ],
  );
}
