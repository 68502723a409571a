/** Test helper: runs the example's CLI as a child process, as a user would. */
import { execFile } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const packageDir = dirname(dirname(fileURLToPath(import.meta.url)));
const mainPath = join(packageDir, "src", "main.ts");
/** What `pnpm mandelbrot` runs: builds `dist/` when it is missing or stale, then runs `dist/main.js`. */
const startPath = join(packageDir, "scripts", "start.mjs");

export interface Summary {
  size: number;
  iter: number;
  grid: number;
  threads: number;
  tiles: { total: number; rendered: number; skipped: number };
  rendered: string[];
  skipped: string[];
  png: string;
  /** False when the image was already up to date. */
  stitched: boolean;
  gif: string | null;
  timeMs: { total: number; render: number; tiles: number };
}

export interface CliOutput {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `main.ts` with `args` under tsx (or, with `bundled`, the built
 * `dist/main.js` as `pnpm mandelbrot` does); resolves with its exit code and output.
 */
export async function runCli(args: string[], bundled = false): Promise<CliOutput> {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      bundled ? [startPath, ...args] : ["--import", "tsx", mainPath, ...args],
      { cwd: packageDir, env: { ...process.env, INIT_CWD: packageDir } },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failure.code ?? 1, stdout: failure.stdout ?? "", stderr: failure.stderr ?? "" };
  }
}

/** Runs a render into `out` with `--json` and returns the parsed summary. */
export async function render(out: string, args: string[], bundled = false): Promise<Summary> {
  const result = await runCli(["--out", out, "--json", ...args], bundled);
  if (result.code !== 0) throw new Error(`CLI exited with ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as Summary;
}

/** A fresh temporary output folder; `remove` deletes it. */
export async function temporaryOut(): Promise<{ out: string; remove: () => Promise<void> }> {
  const out = await mkdtemp(join(tmpdir(), "runcue-mandelbrot-"));
  return { out, remove: () => rm(out, { recursive: true, force: true }) };
}

/** Names of the tile artifacts in `<out>/tiles/`, sorted. */
export async function tileFiles(out: string): Promise<string[]> {
  return (await readdir(join(out, "tiles"))).filter((name) => name.endsWith(".bin")).sort();
}
