/**
 * The results as Markdown tables, written to `results/RESULTS.md` beside the
 * JSON so the README (and the root README) can quote a run verbatim.
 */
import type { DispatchResults } from "./dispatch.ts";
import type { BenchmarkName } from "./options.ts";
import type { RateAccuracyResults } from "./rate-accuracy.ts";
import type { BenchmarkReport } from "./report.ts";
import type { ScaleResults } from "./scale.ts";
import type { ThreadScalingResults } from "./thread-scaling.ts";

type Reports = Partial<Record<BenchmarkName, BenchmarkReport<unknown, unknown>>>;

const mark = (met: boolean) => (met ? "✅" : "❌");
const thousands = (value: number) => Math.round(value).toLocaleString("en-US");
const times = (value: number, digits = 2) => `${value.toFixed(digits)}×`;
const mebibytes = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const shortCount = (count: number) =>
  count >= 1_000_000 ? `${count / 1_000_000}M` : count >= 1_000 ? `${count / 1_000}k` : `${count}`;

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

function threadScaling(report: BenchmarkReport<unknown, unknown>): string {
  const results = report.results as ThreadScalingResults;
  const config = report.config as { size: number; iter: number; grid: number; repeats: number };
  const rows = results.rows.map((row) => [
    `${row.threads}`,
    `${row.runcue.bestMs} ms`,
    `${row.piscina.bestMs} ms`,
    row.piscinaWithoutPrefetch === undefined ? "" : `${row.piscinaWithoutPrefetch.bestMs} ms`,
    `${times(row.runcueOverPiscina, 3)} (medians ${times(row.runcueOverPiscinaMedian, 3)})`,
    `${times(row.speedup.runcue)} / ${times(row.speedup.piscina)}`,
    `${(row.efficiency.runcue * 100).toFixed(0)}% / ${(row.efficiency.piscina * 100).toFixed(0)}%`,
  ]);
  return [
    `**Thread scaling**: ${config.size}² px, ${config.iter} iterations, ${results.tiles} tiles, best of ${config.repeats}; single-thread loop on the main thread: ${results.mainThread.bestMs} ms.`,
    "",
    table(
      [
        "threads",
        "runcue",
        "raw Piscina",
        "Piscina, no prefetch",
        "runcue time / Piscina time",
        "speed-up runcue / Piscina",
        "efficiency runcue / Piscina",
      ],
      rows,
    ),
  ].join("\n");
}

function dispatch(report: BenchmarkReport<unknown, unknown>): string {
  const results = report.results as DispatchResults;
  const config = report.config as { concurrency: number; threads: number; repeats: number };
  const rows = [
    ...results.mainThread.map((entry) => [
      `main thread, ${shortCount(entry.tasks)} no-ops, concurrency ${config.concurrency}`,
      `${thousands(entry.runcue.bestPerSecond)}/s`,
      `p-queue ${thousands(entry.baseline.bestPerSecond)}/s`,
      `${times(entry.ratio)} (medians ${times(entry.ratioOfMedians)})`,
    ]),
    ...results.workers.flatMap((entry) => [
      [
        `${config.threads} worker threads, ${shortCount(entry.tasks)} no-ops`,
        `${thousands(entry.runcue.bestPerSecond)}/s`,
        `Piscina fed every task at once ${thousands(entry.baseline.bestPerSecond)}/s`,
        `${times(entry.ratio)} (medians ${times(entry.ratioOfMedians)})`,
      ],
      [
        "",
        "",
        `Piscina, two in flight per thread ${thousands(entry.piscinaTwoPerThread?.bestPerSecond ?? Number.NaN)}/s (one per thread ${thousands(entry.piscinaWithoutPrefetch?.bestPerSecond ?? Number.NaN)}/s)`,
        times(entry.ratioToTwoPerThread ?? Number.NaN),
      ],
    ]),
  ];
  return [
    `**Dispatch overhead**: tasks per second from the first submit to the last result, best of ${config.repeats}.`,
    "",
    table(["tasks", "runcue", "reference", "runcue / reference"], rows),
  ].join("\n");
}

function scale(report: BenchmarkReport<unknown, unknown>): string {
  const results = report.results as ScaleResults;
  const rows = results.cases.map((entry) => {
    const growth = results.growth.find(
      (step) => step.mode === entry.mode && step.to === entry.works,
    );
    return [
      `${shortCount(entry.works)} ${entry.mode}`,
      `${thousands(entry.totalMs)} ms`,
      `${entry.bytesPerPendingWork} B`,
      mebibytes(entry.peakHeapBytes),
      growth === undefined ? "" : times(growth.perTenfold, 1),
    ];
  });
  const idleRows = results.idle.map((entry) => [
    `${shortCount(entry.works)} works ${entry.scenario === "service_full" ? "behind a full `concurrent: 1` service" : "not ready"}`,
    `${entry.pollInterval} ms`,
    `${entry.percentOfCore}%`,
    entry.readyChecksPerSecond === undefined
      ? ""
      : `${thousands(entry.readyChecksPerSecond)} isReady calls/s`,
  ]);
  return [
    "**Scale**: submit + first check (blocked) + run to idle, fastest of the repeats; memory is heap used after a forced GC.",
    "",
    table(
      ["works, mode", "total time", "heap per pending work", "peak heap", "time growth per 10×"],
      rows,
    ),
    ...overall(results),
    "",
    "**Idle CPU** of a started cue with nothing able to start, over a few seconds:",
    "",
    table(["waiting", "pollInterval", "CPU (% of a core)", ""], idleRows),
  ].join("\n");
}

/** The smallest-to-largest growth of each mode, when the run had more than two sizes. */
function overall(results: ScaleResults): string[] {
  const sizes = [...new Set(results.cases.map((entry) => entry.works))];
  if (sizes.length < 3) return [];
  const first = Math.min(...sizes);
  const last = Math.max(...sizes);
  const steps = results.growth.filter((step) => step.from === first && step.to === last);
  const parts = steps.map((step) => `${step.mode} ${times(step.perTenfold, 1)}`);
  return [
    "",
    `From ${shortCount(first)} to ${shortCount(last)}, time per 10×: ${parts.join(", ")}.`,
  ];
}

function rateAccuracy(report: BenchmarkReport<unknown, unknown>): string {
  const results = report.results as RateAccuracyResults;
  const config = report.config as { limit: number; intervalMs: number; durationMs: number };
  return [
    `**Rate accuracy**: a saturated service at ${config.limit} per ${config.intervalMs} ms for ${config.durationMs / 1000} s.`,
    "",
    table(
      [
        "starts",
        "allowed",
        "utilisation",
        `most starts in any ${config.intervalMs} ms window`,
        `closest span of ${config.limit + 1} starts`,
      ],
      [
        [
          `${results.starts}`,
          `${results.allowed}`,
          `${(results.utilisation * 100).toFixed(1)}%`,
          `${results.mostInAnyWindow} (limit ${config.limit})`,
          `${results.closestSpanMs} ms`,
        ],
      ],
    ),
  ].join("\n");
}

function targets(reports: Reports): string {
  const rows = Object.entries(reports).flatMap(([name, report]) =>
    (report?.targets ?? []).map((check) => [
      name,
      check.name,
      `${check.value}`,
      check.target,
      mark(check.met),
    ]),
  );
  return table(["benchmark", "figure", "measured", "target", "met"], rows);
}

export function renderResultsMarkdown(reports: Reports): string {
  const machine = Object.values(reports)[0]?.machine;
  const sections: string[] = [];
  if (machine !== undefined) {
    sections.push(
      `Machine: ${machine.cpuModel}, ${machine.cores} cores, ${(machine.totalMemoryBytes / 2 ** 30).toFixed(0)} GiB, Node ${machine.node}, ${machine.date.slice(0, 16).replace("T", " ")} UTC, shared with other work while measuring (load average ${machine.loadAverage?.[0] ?? "?"} at the end of the first benchmark). Command: \`pnpm bench\`.`,
    );
  }
  if (reports["thread-scaling"]) sections.push(threadScaling(reports["thread-scaling"]));
  if (reports.dispatch) sections.push(dispatch(reports.dispatch));
  if (reports.scale) sections.push(scale(reports.scale));
  if (reports["rate-accuracy"]) sections.push(rateAccuracy(reports["rate-accuracy"]));
  sections.push(`**Targets**:\n\n${targets(reports)}`);
  return `${sections.join("\n\n")}\n`;
}
