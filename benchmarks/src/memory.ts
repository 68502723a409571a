/**
 * Memory under a long run (issue 11, defect 2): 1,000,000 tiny works with
 * `retain: 100` and every warning and timeout option on (pending and stall
 * warnings and timeouts of an hour, a task timeout of an hour). After every
 * 100,000 finished works the heap is measured after a forced garbage
 * collection; it must stay flat, since no option may make the cue hold more
 * than `retain` finished works.
 *
 * `pnpm --filter @runcue/benchmarks run bench:memory [--works N] [--out DIR]`
 */
import { Cue } from "runcue";
import { log, makeReport, target, toJson, writeResult } from "./report.ts";
import { collectGarbage, heapUsed, round } from "./stats.ts";

const HOUR = 3_600_000;
const MB = 1024 * 1024;

export interface MemoryResults {
  works: number;
  step: number;
  /** Heap used after GC, in MB, before the cue and after each step of finished works. */
  heapMb: number[];
  /** Last step's heap minus the first step's, in MB. */
  growthMb: number;
  wallMs: number;
}

export async function runMemory(works = 1_000_000, step = 100_000) {
  if (!collectGarbage()) throw new Error("run node with --expose-gc");
  const heapMb = [round(heapUsed() / MB, 1)];
  const cue = new Cue({
    retain: 100,
    pendingWarnAfter: HOUR,
    pendingTimeout: HOUR,
    stallWarnAfter: HOUR,
    stallTimeout: HOUR,
  });
  cue.task("tiny", { timeout: HOUR, run: () => 1 });
  // listeners, so no warning is printed (none should come)
  cue.onPendingWarning(() => {});
  cue.onStallWarning(() => {});
  cue.start();
  const startedAt = performance.now();
  for (let done = 0; done < works; done += step) {
    for (let index = 0; index < step; index++) cue.submit("tiny");
    await cue.idle();
    collectGarbage();
    heapMb.push(round(heapUsed() / MB, 1));
    log(`  memory: ${done + step} works finished, heap after GC ${heapMb.at(-1)} MB`);
  }
  const wallMs = round(performance.now() - startedAt, 0);
  await cue.stop();
  const results: MemoryResults = {
    works,
    step,
    heapMb,
    growthMb: round(heapMb.at(-1)! - heapMb[1]!, 1),
    wallMs,
  };
  return makeReport(
    "memory",
    works < 1_000_000,
    {
      retain: 100,
      options: "pendingWarnAfter, pendingTimeout, stallWarnAfter, stallTimeout, task timeout: 1 h",
    },
    results,
    [
      target(
        "heap growth after GC from the first to the last 100k works (MB)",
        "<= 5 MB (flat)",
        results.growthMb,
        results.growthMb <= 5,
      ),
    ],
  );
}

function flag(name: string, fallback: string): string {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1]! : fallback;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const works = Number(flag("--works", "1000000"));
  const report = await runMemory(works, Math.min(100_000, works / 10));
  const file = await writeResult(flag("--out", "results"), "memory.json", toJson(report));
  log(`  wrote ${file}`);
  process.stdout.write(
    `memory: ${works} works, retain 100, every warning/timeout on: heap after GC ${report.results.heapMb.join(" ")} MB; growth ${report.results.growthMb} MB (${report.targets[0]!.met ? "flat" : "NOT flat"})\n`,
  );
}
