#!/usr/bin/env node
import { createRequire } from "node:module";
import type { Dashboard } from "@runcue/dashboard";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { DASHBOARD_PORT, keepServing, serveRunDashboard } from "./dashboard.js";
import {
  formatEvent,
  formatEventHeader,
  formatScenarioList,
  formatStallReport,
  formatSummary,
  type OutputStream,
  ProgressDisplay,
} from "./display.js";
import { defaultOptions, SimulationOptionError } from "./options.js";
import { scenarios } from "./scenarios/index.js";
import { runSimulation, type Snapshot } from "./simulation.js";

// `--version`: this package's version and the runcue it runs on (package.json is one folder up
// from both src/cli.ts and dist/cli.js).
const require = createRequire(import.meta.url);
const version = `${require("../package.json").version} (runcue ${require("runcue/package.json").version})`;

/** Exit codes: a normal run is 0 whatever its simulated errors. */
export const exitCodes = { ok: 0, violations: 1, usage: 2, stalled: 3, interrupted: 130 } as const;

const number = (flag: string, accepted: string) => (value: string) => {
  const parsed = Number(value);
  if (value.trim() === "" || !Number.isFinite(parsed)) {
    throw new InvalidArgumentError(`${flag} needs ${accepted}, got "${value}".`);
  }
  return parsed;
};

function buildProgram(): Command {
  return new Command()
    .name("runcue-sim")
    .description(
      "Simulate work under runcue's rate limits, concurrency limits and readiness checks, and check\n" +
        "independently that no limit was exceeded.",
    )
    .addOption(
      new Option("--scenario <name>", "scenario to run")
        .choices([...scenarios.keys()])
        .default(defaultOptions.scenario),
    )
    .option(
      "--count <n>",
      "scenario size (see --list-scenarios)",
      number("--count", "a whole number"),
      defaultOptions.count,
    )
    .option(
      "--latency <ms>",
      "base latency of an attempt in ms",
      number("--latency", "milliseconds"),
      defaultOptions.latency,
    )
    .option(
      "--jitter <f>",
      "latency spread as a fraction (0.2 = ±20%)",
      number("--jitter", "a fraction"),
      defaultOptions.jitter,
    )
    .option(
      "--outliers <f>",
      "fraction of attempts that are slow outliers",
      number("--outliers", "a fraction"),
      defaultOptions.outliers,
    )
    .option(
      "--outlier-mult <f>",
      "how many times slower an outlier is",
      number("--outlier-mult", "a factor"),
      defaultOptions.outlierMultiplier,
    )
    .option(
      "--concurrent <m>",
      "concurrency limit of every service",
      number("--concurrent", "a whole number"),
      defaultOptions.concurrent,
    )
    .option(
      "--rate-limit <N/S>",
      'rate limit of every service: N starts per S seconds ("10/1"), or "60/min", "10/5s"',
    )
    .option(
      "--error-rate <f>",
      "fraction of attempts that fail (3 attempts per work)",
      number("--error-rate", "a fraction"),
      defaultOptions.errorRate,
    )
    .option("--seed <s>", "workload seed; the same seed gives the same run (default: random)")
    .option("--duration <s>", "stop after this many seconds", number("--duration", "seconds"))
    .option(
      "--stall-timeout <s>",
      "fail pending work after this many seconds without progress (default: from the workload, at least 10)",
      number("--stall-timeout", "seconds"),
    )
    .option("--cpu", "run the simulated work as busy CPU in runcue's worker pool", false)
    .option("-v, --verbose", "print the event log (time, event, task, work id, details)", false)
    .option("--json", "print one JSON summary at the end instead of the text summary", false)
    .option("--list-scenarios", "describe the scenarios and exit", false)
    .option(
      "--dashboard [port]",
      `serve runcue's live dashboard of the run (port ${DASHBOARD_PORT}; 0 picks a free one), until Ctrl-C`,
      (value: string) => {
        const port = Number(value);
        if (value.trim() === "" || !Number.isInteger(port) || port < 0 || port > 65_535) {
          throw new InvalidArgumentError(
            `--dashboard needs a port from 0 to 65535, got "${value}".`,
          );
        }
        return port;
      },
    )
    .addHelpText(
      "after",
      [
        "",
        "Examples:",
        "  runcue-sim --scenario single_queue --count 100 --rate-limit 20/1",
        "  runcue-sim --scenario pipeline --count 50 --latency 200 --error-rate 0.1",
        "  runcue-sim --scenario dynamic --count 10 -v",
        "  runcue-sim --scenario fanout --count 16 --cpu --json",
        "",
        "Exit codes: 0 normal run, 1 a limit was exceeded, 2 bad flags, 3 the run stalled, 130 interrupted.",
      ].join("\n"),
    )
    .version(version, "--version", "print the version and exit")
    .showHelpAfterError("(run with --help for the flags)")
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
}

interface CliFlags {
  scenario: string;
  count: number;
  latency: number;
  jitter: number;
  outliers: number;
  outlierMult: number;
  concurrent: number;
  rateLimit?: string;
  errorRate: number;
  seed?: string;
  duration?: number;
  stallTimeout?: number;
  cpu: boolean;
  verbose: boolean;
  json: boolean;
  listScenarios: boolean;
  /** A port, or true for `--dashboard` without one. */
  dashboard?: number | true;
}

/** Runs the CLI on `args` (without node and the script) and returns the exit code. */
export async function main(args: string[]): Promise<number> {
  // `pnpm sim -- --flag` passes the `--` through; it is not meant as "end of options" here.
  const argv = args[0] === "--" ? args.slice(1) : args;
  const program = buildProgram();
  try {
    program.parse(argv, { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? exitCodes.ok : exitCodes.usage;
    }
    throw error;
  }
  const flags = program.opts<CliFlags>();
  const stdout: OutputStream = process.stdout;
  const stderr: OutputStream = process.stderr;

  if (flags.listScenarios) {
    stdout.write(`${formatScenarioList(scenarios.values())}\n`);
    return exitCodes.ok;
  }

  // A terminal that reports no size (some pseudo-terminals) cannot be redrawn in place.
  const isTerminal = Boolean(stderr.isTTY) && (process.stderr.rows ?? 0) > 0;
  const displayMode = isTerminal ? "live" : flags.json ? undefined : "plain";
  const title = `${flags.scenario} × ${flags.count}`;
  const display = displayMode ? new ProgressDisplay(stderr, displayMode, title) : undefined;
  // The event log goes to stdout, except with --json, whose stdout holds the summary alone.
  const logStream = flags.json ? stderr : stdout;
  const printLine = (text: string, stream: OutputStream) => {
    if (display && displayMode === "live" && stream.isTTY) display.persist(text);
    else stream.write(`${text}\n`);
  };

  const interrupt = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts > 1) process.exit(exitCodes.interrupted);
    interrupt.abort();
  };
  process.on("SIGINT", onSigint);

  let snapshot: (() => Snapshot) | undefined;
  let dashboard: Promise<Dashboard | Error> | undefined;
  try {
    if (flags.verbose) printLine(formatEventHeader(), logStream);
    const summary = await runSimulation(
      {
        scenario: flags.scenario,
        count: flags.count,
        latency: flags.latency,
        jitter: flags.jitter,
        outliers: flags.outliers,
        outlierMultiplier: flags.outlierMult,
        concurrent: flags.concurrent,
        rateLimit: flags.rateLimit,
        errorRate: flags.errorRate,
        seed: flags.seed,
        duration: flags.duration,
        stallTimeout: flags.stallTimeout,
        cpu: flags.cpu,
        signal: interrupt.signal,
      },
      {
        begin(run) {
          snapshot = run.snapshot;
          if (flags.dashboard !== undefined) {
            const port = flags.dashboard === true ? DASHBOARD_PORT : flags.dashboard;
            dashboard = serveRunDashboard(run.cue, port, title, (url) =>
              printLine(`dashboard: ${url}`, stderr),
            );
          }
          display?.start(run.snapshot);
        },
        ...(flags.verbose ? { event: (entry) => printLine(formatEvent(entry), logStream) } : {}),
        stall(report) {
          printLine(formatStallReport(report, flags.verbose), stderr);
        },
      },
    );
    display?.stop(snapshot?.());
    if (flags.json) stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    else stdout.write(`${formatSummary(summary)}\n`);
    if (summary.violations > 0) return exitCodes.violations;
    if (summary.stalled) return exitCodes.stalled;
    if (summary.stopped_by === "interrupt") return exitCodes.interrupted;
    return exitCodes.ok;
  } catch (error) {
    display?.stop();
    if (error instanceof SimulationOptionError) {
      stderr.write(`error: ${error.message}\n`);
      return exitCodes.usage;
    }
    throw error;
  } finally {
    process.off("SIGINT", onSigint);
    if (dashboard) await keepServing(dashboard, stderr);
  }
}

process.exitCode = await main(process.argv.slice(2));
