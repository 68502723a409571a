/**
 * Before/after: this tree's runcue against another build of it (an older
 * commit's `packages/runcue/dist/index.js`), interleaved in one process with
 * the raw baselines, so a change is judged under the same load as what it
 * changed. Worker no-ops (2 threads) against raw Piscina with four tasks in
 * flight and fed at once; main-thread no-ops (`concurrent: 8`) against p-queue.
 *
 * git worktree add --detach ../before <commit> && (cd ../before && pnpm install && pnpm build)
 * pnpm --filter @runcue/benchmarks run bench:before-after --against ../before/packages/runcue/dist/index.js
 *   [--workers N] [--works N] [--repeats N]
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import PQueue from "p-queue";
import { Piscina } from "piscina";
import { Cue } from "runcue";
import { median } from "./stats.ts";

const NOOP_WORKER = new URL("./workers/noop.ts", import.meta.url);
const THREADS = 2;

type CueClass = typeof Cue;
type Runner = [name: string, run: () => Promise<unknown>];

const { values } = parseArgs({
  options: {
    against: { type: "string" },
    workers: { type: "string", default: "20000" },
    works: { type: "string", default: "100000" },
    repeats: { type: "string", default: "7" },
  },
});
if (values.against === undefined) {
  process.stderr.write(
    "bench:before-after: --against <path to another build's runcue dist/index.js> is required\n",
  );
  process.exit(2);
}
const workerTasks = Number(values.workers);
const mainWorks = Number(values.works);
const repeats = Number(values.repeats);
const { Cue: CueBefore } = (await import(pathToFileURL(resolve(values.against)).href)) as {
  Cue: CueClass;
};

function workerCue(CueOf: CueClass) {
  const cue = new CueOf({ threads: THREADS });
  cue.service("free");
  cue.task("noop", { uses: "free", worker: NOOP_WORKER });
  cue.start();
  return cue;
}

async function mainThreadRun(CueOf: CueClass): Promise<void> {
  const cue = new CueOf();
  cue.service("tiny", { concurrent: 8 });
  cue.task("noop", { uses: "tiny", run: async () => undefined });
  cue.start();
  for (let index = 0; index < mainWorks; index++) cue.submit("noop");
  await cue.idle();
  await cue.stop();
}

/** Times every runner `repeats` times, rotating which goes first; prints rates per second. */
async function compare(title: string, count: number, runners: Runner[]) {
  for (const [, run] of runners) await run();
  const times = new Map<string, number[]>(runners.map(([name]) => [name, []]));
  for (let repeat = 0; repeat < repeats; repeat++) {
    for (let offset = 0; offset < runners.length; offset++) {
      const [name, run] = runners[(repeat + offset) % runners.length]!;
      const startedAt = performance.now();
      await run();
      times.get(name)!.push(performance.now() - startedAt);
    }
  }
  console.log(`${title}: ${count} each, ${repeats} interleaved repeats`);
  const rate = (name: string, pick: (times: number[]) => number) =>
    (count / pick(times.get(name)!)) * 1000;
  for (const [name] of runners) {
    const best = rate(name, (list) => Math.min(...list));
    console.log(
      `  ${name.padEnd(20)} median ${Math.round(rate(name, median))}/s, best ${Math.round(best)}/s`,
    );
  }
  return (a: string, b: string) => (rate(a, median) / rate(b, median)).toFixed(2);
}

const before = workerCue(CueBefore);
const after = workerCue(Cue);
const pool = new Piscina({
  filename: NOOP_WORKER.href,
  minThreads: THREADS,
  maxThreads: THREADS,
  idleTimeout: 60_000,
});
const submitAll = (cue: Cue) => async () => {
  for (let index = 0; index < workerTasks; index++) cue.submit("noop");
  await cue.idle();
};
const piscinaInFlight = async () => {
  let sent = 0;
  const feed = async () => {
    while (sent < workerTasks) {
      sent++;
      await pool.run(null);
    }
  };
  await Promise.all(Array.from({ length: 2 * THREADS }, feed));
};
const piscinaAtOnce = () => Promise.all(Array.from({ length: workerTasks }, () => pool.run(null)));

const workers = await compare(`worker no-ops, ${THREADS} threads`, workerTasks, [
  ["runcue before", submitAll(before)],
  ["runcue after", submitAll(after)],
  ["Piscina 4 in flight", piscinaInFlight],
  ["Piscina fed at once", piscinaAtOnce],
]);
const main = await compare("main-thread no-ops, concurrent: 8", mainWorks, [
  ["runcue before", () => mainThreadRun(CueBefore)],
  ["runcue after", () => mainThreadRun(Cue)],
  [
    "p-queue",
    async () => {
      const queue = new PQueue({ concurrency: 8 });
      const noop = async () => undefined;
      for (let index = 0; index < mainWorks; index++) void queue.add(noop);
      await queue.onIdle();
    },
  ],
]);
console.log(
  `medians: workers over Piscina 4 in flight ${workers("runcue before", "Piscina 4 in flight")}× before, ${workers("runcue after", "Piscina 4 in flight")}× after; over Piscina fed at once ${workers("runcue before", "Piscina fed at once")}× before, ${workers("runcue after", "Piscina fed at once")}× after`,
);
console.log(
  `medians: main thread over p-queue ${main("runcue before", "p-queue")}× before, ${main("runcue after", "p-queue")}× after`,
);
await before.stop();
await after.stop();
await pool.destroy();
