import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { describeMachine, type MachineInfo } from "./machine.ts";

/** A target from the issues, checked against what was measured. */
export interface TargetCheck {
  name: string;
  /** The target as written in the issue, e.g. ">= 0.8× raw Piscina". */
  target: string;
  value: number;
  met: boolean;
}

/** The shape shared by every result file. */
export interface BenchmarkReport<Config, Results> {
  benchmark: string;
  smoke: boolean;
  machine: MachineInfo;
  config: Config;
  results: Results;
  targets: TargetCheck[];
  notes: string[];
}

export function makeReport<Config, Results>(
  benchmark: string,
  smoke: boolean,
  config: Config,
  results: Results,
  targets: TargetCheck[],
  notes: string[] = [],
): BenchmarkReport<Config, Results> {
  return { benchmark, smoke, machine: describeMachine(), config, results, targets, notes };
}

export function target(
  name: string,
  description: string,
  value: number,
  met: boolean,
): TargetCheck {
  return { name, target: description, value, met };
}

/** Writes `<out>/<name>` (creating the folder) and returns the full path. */
export async function writeResult(out: string, name: string, content: string): Promise<string> {
  await mkdir(out, { recursive: true });
  const file = path.join(out, name);
  await writeFile(file, content);
  return file;
}

export function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Progress lines go to stderr so stdout stays free for a summary. */
export function log(line: string): void {
  process.stderr.write(`${line}\n`);
}
