/**
 * Idle CPU with 100,000 not-ready works at the default options (issue 11,
 * defect 16): once the polling back-off has reached `maxPollInterval`, the
 * cue may spend at most 2% of a core re-checking them, and an input that
 * appears from outside (no `recheck()`) is still noticed within
 * `maxPollInterval`.
 *
 * `pnpm --filter @runcue/benchmarks run bench:idle [--works N] [--settle MS] [--measure MS] [--out DIR]`
 */
import { Cue } from "runcue";
import { log, makeReport, target, toJson, writeResult } from "./report.ts";
import { round, sleep } from "./stats.ts";

/** The contract's default maxPollInterval with the default pollInterval of 50 ms. */
const DEFAULT_MAX_POLL_INTERVAL = 1_000;

export interface IdleCpuResults {
  works: number;
  settleMs: number;
  measureMs: number;
  /** CPU (user + system) over the measured time, in percent of one core. */
  percentOfCore: number;
  isReadyCallsPerSecond: number;
  /** From the input appearing (a flag flipped, no recheck()) to the first check that saw it. */
  noticedAfterMs: number;
  /** ...and to the first start (after a pass over every work). */
  firstStartAfterMs: number;
}

export async function runIdleCpu(works = 100_000, settleMs = 5_000, measureMs = 10_000) {
  const cue = new Cue();
  let inputReady = false;
  let checks = 0;
  let firstStartAt = 0;
  let noticedAt = 0;
  cue.task("waits", { run: () => 1 });
  cue.isReady(() => {
    checks++;
    if (inputReady) noticedAt ||= performance.now();
    return inputReady;
  });
  cue.onStart(() => {
    firstStartAt ||= performance.now();
  });
  cue.start();
  for (let index = 0; index < works; index++) cue.submit("waits");
  // let the back-off grow to its cap before measuring
  await sleep(settleMs);
  const checksBefore = checks;
  const cpuBefore = process.cpuUsage();
  const measuredFrom = performance.now();
  await sleep(measureMs);
  const cpu = process.cpuUsage(cpuBefore);
  const elapsed = performance.now() - measuredFrom;
  const percentOfCore = round(((cpu.user + cpu.system) / 1000 / elapsed) * 100, 2);
  const isReadyCallsPerSecond = round(((checks - checksBefore) / elapsed) * 1000, 0);
  const appearedAt = performance.now();
  inputReady = true;
  await cue.idle();
  const noticedAfterMs = round(noticedAt - appearedAt, 0);
  const firstStartAfterMs = round(firstStartAt - appearedAt, 0);
  await cue.stop();
  const results: IdleCpuResults = {
    works,
    settleMs,
    measureMs,
    percentOfCore,
    isReadyCallsPerSecond,
    noticedAfterMs,
    firstStartAfterMs,
  };
  return makeReport("idle-cpu", works < 100_000, { works, options: "defaults" }, results, [
    target(
      `idle CPU with ${works} not-ready works, default options (% of a core)`,
      "<= 2%",
      percentOfCore,
      percentOfCore <= 2,
    ),
    target(
      "an input appearing from outside is noticed within maxPollInterval (ms)",
      `<= ${DEFAULT_MAX_POLL_INTERVAL} ms`,
      noticedAfterMs,
      noticedAfterMs <= DEFAULT_MAX_POLL_INTERVAL,
    ),
  ]);
}

function flag(name: string, fallback: string): string {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1]! : fallback;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const report = await runIdleCpu(
    Number(flag("--works", "100000")),
    Number(flag("--settle", "5000")),
    Number(flag("--measure", "10000")),
  );
  const file = await writeResult(flag("--out", "results"), "idle-cpu.json", toJson(report));
  log(`  wrote ${file}`);
  const { percentOfCore, isReadyCallsPerSecond, noticedAfterMs, firstStartAfterMs, works } =
    report.results;
  process.stdout.write(
    `idle-cpu: ${works} not-ready works at default options: ${percentOfCore}% of a core (${isReadyCallsPerSecond} isReady calls/s); an input appearing was noticed after ${noticedAfterMs} ms (first start after ${firstStartAfterMs} ms)\n`,
  );
}
