/** Test helper: runs the example's CLI as a child process, as a user would. */
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const packageDir = dirname(dirname(fileURLToPath(import.meta.url)));
const mainPath = join(packageDir, "src", "main.ts");

export interface Step {
  step: string;
  built: number;
  skipped: number;
}

export interface Summary {
  input: string;
  width: number;
  height: number;
  levels: Array<{ level: number; width: number; height: number; tiles: number }>;
  steps: Step[];
  built: number;
  skipped: number;
  pyramid: string;
  thumbnails: string;
}

/** Runs a build with `--json` and returns the parsed summary; throws on a non-zero exit. */
export async function build(args: string[]): Promise<Summary> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--import", "tsx", mainPath, "--json", ...args],
    { cwd: packageDir, env: { ...process.env, INIT_CWD: packageDir } },
  );
  return JSON.parse(stdout) as Summary;
}

/** A fresh temporary folder; `remove` deletes it. */
export async function temporaryDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "runcue-image-tiles-"));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export function stepNamed(summary: Summary, name: string): Step | undefined {
  return summary.steps.find((step) => step.step === name);
}
