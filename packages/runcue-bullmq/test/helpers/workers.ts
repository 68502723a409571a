/**
 * `runcue-worker` processes for the tests: the built command (dist/cli.js),
 * as a user runs it, on the test Redis. Each resolves once the worker has
 * announced itself, and is stopped (SIGKILL if need be) in teardown.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";

export const CLI = fileURLToPath(new URL("../../dist/cli.js", import.meta.url));
export const FIXTURES = fileURLToPath(new URL("../fixtures/", import.meta.url));

export interface WorkerProcess {
  readonly child: ChildProcess;
  /** The id the worker announces (stats().pools.NAME.workers[].id). */
  readonly id: string;
  /** Everything it printed on stderr so far. */
  output(): string;
  /** Resolves with the exit code (or signal) once the process has ended. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal?: NodeJS.Signals): void;
}

export async function startWorker(options: {
  redis: string;
  queue: string;
  threads?: number;
  root?: string;
  cwd?: string;
  args?: string[];
}): Promise<WorkerProcess> {
  const args = [
    CLI,
    "--redis",
    options.redis,
    "--queue",
    options.queue,
    "--threads",
    String(options.threads ?? 1),
    ...(options.root === undefined ? [] : ["--root", options.root]),
    ...(options.args ?? []),
  ];
  const env = { ...process.env };
  delete env.INIT_CWD;
  const child = spawn(process.execPath, args, {
    cwd: options.cwd ?? FIXTURES,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = once(child, "exit").then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  const id = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /runcue-worker (\S+): \d+ threads? on queue/.exec(output);
      if (match) resolve(match[1]!);
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    void exited.then(({ code, signal }) =>
      reject(new Error(`runcue-worker exited (${code ?? signal}) before it was ready:\n${output}`)),
    );
  });
  return {
    child,
    id,
    output: () => output,
    exited,
    kill: (signal = "SIGTERM") => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
}

/** Stops workers that are still running: SIGKILL, then waits for their exit. */
export async function killAll(workers: WorkerProcess[]): Promise<void> {
  await Promise.all(
    workers.map(async (worker) => {
      worker.kill("SIGKILL");
      await worker.exited;
    }),
  );
}
