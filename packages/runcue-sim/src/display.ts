/**
 * Everything the simulator prints: the live display on a terminal, plain progress lines
 * elsewhere, the event log (`-v`), stall reports, the final summary and the scenario list.
 */
import { createLogUpdate } from "log-update";
import pc from "picocolors";
import type {
  EventLogEntry,
  ServiceSnapshot,
  SimulationSummary,
  Snapshot,
  StallReport,
} from "./report.js";
import type { Scenario } from "./scenarios/index.js";

/** Where output goes; process.stdout / process.stderr in the CLI. */
export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

const eventMarks: Record<string, (text: string) => string> = {
  queued: (text) => pc.dim(`+ ${text}`),
  started: (text) => pc.cyan(`▶ ${text}`),
  completed: (text) => pc.green(`✓ ${text}`),
  failed: (text) => pc.red(`✗ ${text}`),
  retry: (text) => pc.yellow(`↻ ${text}`),
  skipped: (text) => pc.dim(`= ${text}`),
  invalidated: (text) => pc.magenta(`⟳ ${text}`),
  stall: (text) => pc.yellow(`⚠ ${text}`),
  aborted: (text) => pc.red(`! ${text}`),
};

function clockTime(time: number): string {
  const date = new Date(time);
  const pad = (value: number, width = 2) => String(value).padStart(width, "0");
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

export function formatEventHeader(): string {
  const header = `${"TIME".padEnd(14)}${"EVENT".padEnd(15)}${"TASK".padEnd(13)}${"WORK_ID".padEnd(10)}DETAILS`;
  return `${pc.bold(header)}\n${"-".repeat(80)}`;
}

/** One event log line: time, event, task, work id, details. */
export function formatEvent(entry: EventLogEntry): string {
  const name = entry.event.padEnd(12);
  const mark = eventMarks[entry.event] ?? ((text: string) => `  ${text}`);
  return `${clockTime(entry.time).padEnd(14)}${mark(name)} ${`[${entry.task}]`.padEnd(13)}${entry.workId.padEnd(10)}${entry.details}`;
}

/** What is blocked and why, grouped by task and reason, from `debugBlocked()`. */
export function formatStallReport(report: StallReport, verbose: boolean): string {
  const lines = [
    pc.yellow(
      `⚠ Stall: no progress for ${(report.since_progress_ms / 1000).toFixed(1)}s, ` +
        `${report.pending} pending, ${report.blocked.length} blocked:`,
    ),
  ];
  if (verbose) {
    for (const blocked of report.blocked) {
      const waiting = blocked.waiting_for ? ` (waiting for ${blocked.waiting_for})` : "";
      lines.push(
        `    ${blocked.work_id} ${blocked.task} ${blocked.item}: ${blocked.reason}${waiting} - ${blocked.details}`,
      );
    }
    return lines.join("\n");
  }
  const groups = new Map<string, StallReport["blocked"]>();
  for (const blocked of report.blocked) {
    const key = `${blocked.task}: ${blocked.reason}`;
    groups.set(key, [...(groups.get(key) ?? []), blocked]);
  }
  for (const [key, works] of groups) {
    const items = works
      .slice(0, 5)
      .map((work) => (work.waiting_for ? `${work.item} waits for ${work.waiting_for}` : work.item));
    const more = works.length > items.length ? `, +${works.length - items.length} more` : "";
    lines.push(`    ${key} × ${works.length} (${items.join(", ")}${more})`);
    lines.push(pc.dim(`      e.g. ${works[0]!.details}`));
  }
  return lines.join("\n");
}

function rateText(service: ServiceSnapshot): string {
  if (!service.rate) return `${service.recentStarts}/s`;
  const seconds = service.rate.interval / 1000;
  const unit = seconds === 1 ? "s" : `${seconds}s`;
  return `${service.recentStarts}/${service.rate.limit} per ${unit}`;
}

function progressBar(fraction: number, width: number): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return pc.green("█".repeat(filled)) + pc.dim("░".repeat(width - filled));
}

/** The live display's lines for one moment. */
export function formatLive(snapshot: Snapshot, title: string): string {
  const finished = snapshot.completed + snapshot.failed + snapshot.skipped;
  const fraction = snapshot.total > 0 ? finished / snapshot.total : 0;
  const seconds = snapshot.elapsed / 1000;
  const throughput = seconds > 0 ? snapshot.completed / seconds : 0;
  const lines = [
    `${pc.bold("runcue-sim")} ${title} ${pc.dim(`${seconds.toFixed(1)}s`)}`,
    `${progressBar(fraction, 30)} ${finished}/${snapshot.total} ${Math.floor(fraction * 100)}%  ` +
      `${throughput.toFixed(1)} done/s  ${snapshot.failed ? pc.red(`${snapshot.failed} failed`) : "0 failed"}`,
    pc.dim(
      `${"service".padEnd(10)}${"running".padStart(9)}${"done".padStart(8)}${"failed".padStart(8)}${"skipped".padStart(9)}  rate`,
    ),
  ];
  for (const service of snapshot.services) {
    const running = `${service.running}/${service.concurrent ?? "∞"}`;
    lines.push(
      `${service.name.padEnd(10)}${running.padStart(9)}${String(service.completed).padStart(8)}` +
        `${String(service.failed).padStart(8)}${String(service.skipped).padStart(9)}  ${rateText(service)}`,
    );
  }
  return lines.join("\n");
}

/** One plain progress line, for output that is not a terminal. */
export function formatProgressLine(snapshot: Snapshot): string {
  const finished = snapshot.completed + snapshot.failed + snapshot.skipped;
  const services = snapshot.services
    .map(
      (service) =>
        `${service.name} ${service.running}/${service.concurrent ?? "∞"} ${rateText(service)}`,
    )
    .join(", ");
  return (
    `[${(snapshot.elapsed / 1000).toFixed(1).padStart(6)}s] ${finished}/${snapshot.total} finished ` +
    `(${snapshot.completed} completed, ${snapshot.failed} failed, ${snapshot.skipped} skipped) | ${services}`
  );
}

/** Shows progress while a run goes on: redrawn in place on a terminal, a line a second otherwise. */
export class ProgressDisplay {
  private timer: NodeJS.Timeout | undefined;
  private readonly live: ReturnType<typeof createLogUpdate> | undefined;

  constructor(
    private readonly stream: OutputStream,
    mode: "live" | "plain",
    private readonly title: string,
  ) {
    this.live =
      mode === "live"
        ? createLogUpdate(stream as NodeJS.WritableStream, { defaultWidth: 100 })
        : undefined;
  }

  start(snapshot: () => Snapshot): void {
    const draw = () => {
      if (this.live) this.live(formatLive(snapshot(), this.title));
      else this.stream.write(`${formatProgressLine(snapshot())}\n`);
    };
    if (this.live) draw();
    this.timer = setInterval(draw, this.live ? 100 : 1000);
    this.timer.unref();
  }

  /** Prints `text` above the live area (it stays in the scrollback). */
  persist(text: string): void {
    if (this.live) this.live.persist(text);
    else this.stream.write(`${text}\n`);
  }

  stop(final?: Snapshot): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.live) {
      if (final) this.live(formatLive(final, this.title));
      this.live.done();
    }
  }
}

function durationText(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)}s` : `${Math.round(ms)}ms`;
}

/** The human summary printed at the end of a run without `--json`. */
export function formatSummary(summary: SimulationSummary): string {
  const finished =
    summary.pending === 0 && summary.cancelled === 0 && summary.failed === 0
      ? pc.green("all finished")
      : pc.yellow("not all completed");
  const violations =
    summary.violations === 0
      ? pc.green("0 violations")
      : pc.red(`${summary.violations} VIOLATIONS`);
  const lines = [
    pc.bold(
      `runcue-sim ${summary.scenario}: ${summary.count} × seed ${summary.seed}${summary.cpu ? " (cpu)" : ""}`,
    ),
    `  ${summary.submitted} works: ${summary.completed} completed, ${summary.skipped} skipped, ` +
      `${summary.failed} failed, ${summary.cancelled} cancelled, ${summary.pending} pending (${finished})`,
    `  wall ${durationText(summary.wall_ms)}, throughput ${summary.throughput}/s, ${summary.retries} retries` +
      (summary.latency_ms
        ? `, latency p50 ${summary.latency_ms.p50}ms p95 ${summary.latency_ms.p95}ms max ${summary.latency_ms.max}ms`
        : ""),
    `  limits checked by the simulator: ${violations}` +
      (summary.stopped_by === "finished" ? "" : `; stopped by ${summary.stopped_by}`) +
      (summary.stalled
        ? pc.yellow(`; stalled: ${summary.stall_failures} works failed by the stall timeout`)
        : ""),
    "",
    pc.dim(
      `  ${"service".padEnd(10)}${"limits".padEnd(18)}${"starts".padStart(7)}${"done".padStart(7)}` +
        `${"failed".padStart(7)}${"skipped".padStart(8)}${"retries".padStart(8)}${"peak".padStart(6)}  closest window`,
    ),
  ];
  for (const [name, service] of Object.entries(summary.services)) {
    const limits = [
      service.concurrent === undefined ? undefined : `${service.concurrent} at once`,
      service.rate,
    ]
      .filter(Boolean)
      .join(", ");
    const closest =
      service.closest_window_ms === undefined ? "-" : `${service.closest_window_ms.toFixed(1)}ms`;
    const bad = service.rate_violations + service.concurrency_violations;
    lines.push(
      `  ${name.padEnd(10)}${limits.padEnd(18)}${String(service.starts).padStart(7)}` +
        `${String(service.completed).padStart(7)}${String(service.failed).padStart(7)}` +
        `${String(service.skipped).padStart(8)}${String(service.retries).padStart(8)}` +
        `${String(service.max_running).padStart(6)}  ${closest}` +
        (bad
          ? pc.red(
              `  ${service.rate_violations} rate, ${service.concurrency_violations} concurrency violations`,
            )
          : ""),
    );
  }
  return lines.join("\n");
}

/** `--list-scenarios`. */
export function formatScenarioList(scenarios: Iterable<Scenario>): string {
  const lines = [pc.bold(`${"SCENARIO".padEnd(14)}${"DESCRIPTION".padEnd(42)}--count MEANS`)];
  for (const scenario of scenarios) {
    lines.push(
      `${scenario.name.padEnd(14)}${scenario.description.padEnd(42)}${scenario.countMeans}`,
    );
    lines.push(pc.dim(`${"".padEnd(14)}services: ${scenario.services.join(", ")}`));
  }
  return lines.join("\n");
}
