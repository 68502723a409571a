/**
 * `pnpm bench`: runs the benchmarks one after another and writes one JSON file
 * each (plus the thread-scaling SVG chart) into `benchmarks/results/`, or
 * `benchmarks/results/smoke/` with `--smoke`. Run under node with
 * `--expose-gc --import tsx` (the package script does), so memory is measured
 * after a real garbage collection and worker modules load as TypeScript.
 */
import { runCluster } from "./cluster.ts";
import { runDashboard } from "./dashboard.ts";
import { runDispatch } from "./dispatch.ts";
import { type BenchmarkName, type BenchOptions, parseOptions, USAGE } from "./options.ts";
import { runRateAccuracy } from "./rate-accuracy.ts";
import { type BenchmarkReport, log, type TargetCheck, toJson, writeResult } from "./report.ts";
import { runScale } from "./scale.ts";
import { renderResultsMarkdown } from "./table.ts";
import { runThreadScaling } from "./thread-scaling.ts";

type Runner = (options: BenchOptions) => Promise<BenchmarkReport<unknown, unknown>>;

const RUNNERS: Record<BenchmarkName, Runner> = {
  "thread-scaling": async (options) => {
    const { report, svg } = await runThreadScaling(options);
    log(`  wrote ${await writeResult(options.out, "thread-scaling.svg", svg)}`);
    return report;
  },
  dispatch: runDispatch,
  scale: runScale,
  "rate-accuracy": runRateAccuracy,
  dashboard: runDashboard,
  cluster: runCluster,
};

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (options === "help") {
    process.stdout.write(USAGE);
    return;
  }
  const startedAt = performance.now();
  const summary: Array<{ benchmark: string } & TargetCheck> = [];
  const reports: Partial<Record<BenchmarkName, BenchmarkReport<unknown, unknown>>> = {};
  for (const name of options.only) {
    const report = await RUNNERS[name](options);
    reports[name] = report;
    log(`  wrote ${await writeResult(options.out, `${name}.json`, toJson(report))}`);
    for (const check of report.targets) summary.push({ benchmark: name, ...check });
  }
  await writeResult(
    options.out,
    "summary.json",
    toJson({ smoke: options.smoke, targets: summary }),
  );
  log(`  wrote ${await writeResult(options.out, "RESULTS.md", renderResultsMarkdown(reports))}`);

  const lines = summary.map(
    (check) =>
      `${check.met ? "ok  " : "MISS"} ${check.benchmark}: ${check.name} = ${check.value} (target ${check.target})`,
  );
  if (options.smoke)
    lines.unshift("smoke run: tiny sizes, so these figures say nothing about speed");
  process.stdout.write(`${lines.join("\n")}\n`);
  log(
    `done in ${((performance.now() - startedAt) / 1000).toFixed(1)} s, results in ${options.out}`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
