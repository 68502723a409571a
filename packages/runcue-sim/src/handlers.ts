import { setTimeout as sleep } from "node:timers/promises";
import { attemptIndex, type SimulatedWork } from "./workload.js";

/** What a simulated work returns. */
export interface SimulatedResult {
  item: string;
  attempt: number;
  latency: number;
}

/** The failure a simulated attempt throws when the workload says it fails. */
export class SimulatedError extends Error {
  override readonly name = "SimulatedError";
}

export function simulatedErrorMessage(task: string, item: string, attempt: number): string {
  return `Simulated error in ${task} ${item} (attempt ${attempt})`;
}

/**
 * The worker module for `--cpu`. The source file when running from TypeScript (tsx, vitest), the
 * compiled one beside this chunk in dist/ otherwise: tsup builds cpu.worker as an entry of its own.
 */
export const cpuWorkerUrl = new URL(
  import.meta.url.endsWith(".ts") ? "./cpu.worker.ts" : "./cpu.worker.js",
  import.meta.url,
);

/** The main-thread handler: waits the attempt's latency on a timer, then succeeds or fails. */
export async function simulateWithTimer(
  work: { task: string; params: unknown; attempt: number },
  context: { signal: AbortSignal },
): Promise<SimulatedResult> {
  const params = work.params as SimulatedWork;
  const index = attemptIndex(params, work.attempt);
  const latency = params.latencies[index]!;
  await sleep(latency, undefined, { signal: context.signal });
  if (params.failures[index]) {
    throw new SimulatedError(simulatedErrorMessage(work.task, params.key, work.attempt));
  }
  return { item: params.key, attempt: work.attempt, latency };
}
