#!/usr/bin/env node
/**
 * `runcue-worker`: runs a coordinator's worker tasks on this machine. Takes
 * jobs of one BullMQ queue on Redis, runs each in a local thread with
 * runcue's thread runtime, and announces its threads so the coordinator
 * hands out no more jobs than there are free threads. SIGTERM (or Ctrl-C)
 * drains: running jobs finish, no new one is taken, exit 0; a second one
 * aborts the running jobs.
 */
import { availableParallelism } from "node:os";
import { isAbsolute, resolve } from "node:path";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { defaultRoot } from "./options.js";

const exitCodes = { ok: 0, failed: 1, usage: 2 } as const;

declare const __VERSION__: string | undefined;

function version(): string {
  return typeof __VERSION__ === "string" ? __VERSION__ : "0.0.0-dev";
}

function threadCount(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > 1024) {
    throw new InvalidArgumentError("use a whole number from 1 to 1024.");
  }
  return value;
}

function redisUrl(text: string): string {
  if (!/^rediss?:\/\/[^/]/.test(text)) {
    throw new InvalidArgumentError(
      'use a URL such as "redis://127.0.0.1:6379" (or rediss:// for TLS).',
    );
  }
  return text;
}

function queueName(text: string): string {
  if (text === "" || text.includes(":")) {
    throw new InvalidArgumentError(
      'use a non-empty name without ":", the same as the coordinator\'s redisPool({ queue }).',
    );
  }
  return text;
}

function buildProgram(): Command {
  return new Command("runcue-worker")
    .description(
      "Run a runcue coordinator's worker tasks on this machine: take jobs from a BullMQ queue on Redis " +
        "and run them in local threads with the same worker modules.",
    )
    .version(version(), "--version", "print the version and exit")
    .addOption(
      new Option("--redis <url>", "the Redis server, e.g. redis://127.0.0.1:6379")
        .env("RUNCUE_REDIS")
        .argParser(redisUrl),
    )
    .addOption(
      new Option("--queue <name>", "the queue, as in the coordinator's redisPool({ queue })")
        .env("RUNCUE_QUEUE")
        .argParser(queueName),
    )
    .addOption(
      new Option("--threads <n>", "threads running jobs")
        .argParser(threadCount)
        .default(availableParallelism(), `all cores: ${availableParallelism()}`),
    )
    .addOption(
      new Option(
        "--root <dir>",
        "the folder worker modules are found under: the same checkout as the coordinator's redisPool({ root })",
      )
        .env("RUNCUE_WORKER_ROOT")
        .default(undefined, "the current folder"),
    )
    .addOption(new Option("--prefix <prefix>", "BullMQ's key prefix").default("bull"))
    .addHelpText(
      "after",
      [
        "",
        "Example:",
        "  runcue-worker --redis redis://127.0.0.1:6379 --queue render --threads 4",
        "",
        "SIGTERM or Ctrl-C: finish the running jobs, take no new one, exit 0. A second one aborts them.",
        "Exit codes: 0 stopped, 1 could not run, 2 bad flags.",
      ].join("\n"),
    )
    .showHelpAfterError("(run with --help for the flags)")
    .allowExcessArguments(false)
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
}

interface Flags {
  redis: string;
  queue: string;
  threads: number;
  root?: string;
  prefix: string;
}

export async function main(args: string[]): Promise<number> {
  const argv = args[0] === "--" ? args.slice(1) : args;
  const program = buildProgram();
  try {
    program.parse(argv, { from: "user" });
    // checked after parsing, so a mistyped flag is named before a missing one
    const { redis, queue } = program.opts<Partial<Flags>>();
    if (redis === undefined) program.error("error: required option '--redis <url>' not specified");
    if (queue === undefined) program.error("error: required option '--queue <name>' not specified");
  } catch (error) {
    if (error instanceof CommanderError)
      return error.exitCode === 0 ? exitCodes.ok : exitCodes.usage;
    throw error;
  }
  const flags = program.opts<Flags>();
  const root = flags.root === undefined ? defaultRoot() : resolve(defaultRoot(), flags.root);
  if (!isAbsolute(root)) throw new Error(`--root ${root} is not a folder`);
  // BullMQ, ioredis and Piscina load only once the flags are known good: --help answers at once
  const { RuncueWorker } = await import("./worker/runner.js");
  const worker = new RuncueWorker({
    redis: flags.redis,
    queue: flags.queue,
    threads: flags.threads,
    root,
    prefix: flags.prefix,
  });
  let signals = 0;
  const stopped = new Promise<void>((resolveStopped) => {
    const onSignal = (signal: NodeJS.Signals) => {
      signals++;
      if (signals === 1) {
        process.stderr.write(
          `runcue-worker ${worker.id}: ${signal}, finishing running jobs (send it again to abort them)\n`,
        );
        void worker.stop().then(resolveStopped);
      } else {
        process.stderr.write(
          `runcue-worker ${worker.id}: ${signal} again, aborting running jobs\n`,
        );
        void worker.stop({ abort: true });
      }
    };
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);
  });
  try {
    await worker.start();
  } catch (error) {
    process.stderr.write(
      `runcue-worker: could not start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    await worker.stop({ abort: true });
    return exitCodes.failed;
  }
  await stopped;
  process.stderr.write(`runcue-worker ${worker.id}: stopped\n`);
  return exitCodes.ok;
}

const code = await main(process.argv.slice(2));
// everything is closed or given up on: a Redis that never came back may leave BullMQ's reconnect
// timers behind, which must not keep a stopped worker alive
process.exit(code);
