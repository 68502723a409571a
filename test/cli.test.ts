/**
 * Every command of the repository behaves the same way on its command line: `--version` prints
 * its version and runcue's, a usage error exits 2 naming the flag with a hint to `--help`, and
 * NO_COLOR turns colours off even where FORCE_COLOR (or CI) would turn them on.
 */
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const tsx = createRequire(import.meta.url).resolve("tsx/cli");
const runcueVersion = createRequire(import.meta.url)("runcue/package.json").version as string;

interface Command {
  name: string;
  /** node arguments that start it, from the repository root */
  start: string[];
  /** a known flag with a value it refuses */
  badValue: [flag: string, value: string];
  /** what `--version` prints, when not "<version> (runcue <version>)" */
  version?: RegExp;
  /** flags it needs to get as far as checking the others */
  required?: string[];
}

const example = (name: string, flag: string, value: string): Command => ({
  name,
  start: [tsx, `examples/${name}/src/main.ts`],
  badValue: [flag, value],
});

const commands: Command[] = [
  { name: "runcue-sim", start: ["packages/runcue-sim/dist/cli.js"], badValue: ["--count", "many"] },
  example("mandelbrot", "--size", "0"),
  example("image-tiles", "--threads", "0"),
  example("pdf-batch", "--pages", "0"),
  example("apple-pie", "--pies", "0"),
  example("orders", "--orders", "some"),
  {
    name: "runcue-worker",
    start: ["packages/runcue-bullmq/dist/cli.js"],
    badValue: ["--threads", "0"],
    version: /^\d+\.\d+\.\d+$/,
    required: ["--redis", "redis://127.0.0.1:1", "--queue", "cli-test"],
  },
];

const ESCAPE = "\u001b";

function run(
  command: Command,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...command.start, ...args],
      { cwd: root, env: { ...process.env, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (error as { code?: unknown }).code : 0;
        resolve({ code: typeof code === "number" ? code : -1, stdout, stderr });
      },
    );
  });
}

describe.each(commands)("$name", (command) => {
  test("--version prints its version (and runcue's), and exits 0", async () => {
    const { code, stdout } = await run(command, ["--version"]);
    expect(code).toBe(0);
    expect(stdout.trim()).toMatch(
      command.version ??
        new RegExp(`^\\d+\\.\\d+\\.\\d+ \\(runcue ${runcueVersion.replaceAll(".", "\\.")}\\)$`),
    );
  });

  test("an unknown flag exits 2, naming the flag, with a hint to --help and no colours under NO_COLOR", async () => {
    const { code, stdout, stderr } = await run(
      command,
      [...(command.required ?? []), "--no-such-flag"],
      {
        FORCE_COLOR: "1",
        NO_COLOR: "1",
      },
    );
    expect(code).toBe(2);
    expect(stderr).toContain("--no-such-flag");
    expect(stderr).toContain("--help");
    expect(stdout + stderr).not.toContain(ESCAPE);
  });

  test("a value a flag refuses exits 2, naming the flag and the value", async () => {
    const [flag, value] = command.badValue;
    const { code, stderr } = await run(command, [...(command.required ?? []), flag, value]);
    expect(code).toBe(2);
    expect(stderr).toContain(flag);
    expect(stderr).toContain(value);
    expect(stderr).toContain("--help");
  });
});

describe("runcue-sim colours", () => {
  const sim = commands[0]!;
  const args = ["--scenario", "single_queue", "--count", "3", "--latency", "1", "-v"];

  test("FORCE_COLOR colours the event log; NO_COLOR wins over it", async () => {
    const forced = await run(sim, args, { FORCE_COLOR: "1", NO_COLOR: "" });
    expect(forced.code).toBe(0);
    expect(forced.stdout + forced.stderr).toContain(ESCAPE);

    const plain = await run(sim, args, { FORCE_COLOR: "1", NO_COLOR: "1" });
    expect(plain.code).toBe(0);
    expect(plain.stdout + plain.stderr).not.toContain(ESCAPE);
  });
});

describe("the root scripts (pnpm mandelbrot, pnpm sim, ...)", () => {
  // `pnpm --filter <package> run` turns any failure into exit 1; the root scripts use
  // `pnpm -C <folder> run`, which passes the command's own exit code on.
  function pnpm(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile("pnpm", args, { cwd: root, timeout: 60_000 }, (error, stdout, stderr) => {
        const code = error ? (error as { code?: unknown }).code : 0;
        resolve({ code: typeof code === "number" ? code : -1, stdout, stderr });
      });
    });
  }

  test.each([
    ["mandelbrot", "--size", "0"],
    ["sim", "--count", "many"],
    ["apple-pie", "--pies", "0"],
  ])("pnpm %s with a bad flag exits 2, as the command does", async (script, flag, value) => {
    const { code, stderr } = await pnpm([script, flag, value]);
    expect(code).toBe(2);
    expect(stderr).toContain(flag);
  });

  test("pnpm mandelbrot --version prints the versions", async () => {
    const { code, stdout } = await pnpm(["mandelbrot", "--version"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/\d+\.\d+\.\d+ \(runcue \d+\.\d+\.\d+\)/);
  });
});
