import { SimulatedError, type SimulatedResult, simulatedErrorMessage } from "./handlers.js";
import { attemptIndex, type SimulatedWork } from "./workload.js";

/**
 * Runs inside runcue's worker pool for `--cpu`: keeps a core busy for the attempt's latency, so
 * the simulation measures real parallelism instead of timers.
 */
export default function simulateOnCpu(work: {
  task: string;
  params: SimulatedWork;
  attempt: number;
}): SimulatedResult {
  const index = attemptIndex(work.params, work.attempt);
  const latency = work.params.latencies[index]!;
  const until = performance.now() + latency;
  while (performance.now() < until) {
    // busy on purpose: the point is to occupy a core for the latency
  }
  if (work.params.failures[index]) {
    throw new SimulatedError(simulatedErrorMessage(work.task, work.params.key, work.attempt));
  }
  return { item: work.params.key, attempt: work.attempt, latency };
}
