import type { Workload } from "../workload.js";

/** A per-task check on the work's item name (readiness or staleness). */
export type ItemCheck = (item: string) => boolean;

/** A task's checks, by item name. */
export interface TaskChecks {
  isReady?: ItemCheck;
  isStale?: ItemCheck;
  /** What a not-ready item is waiting for, in the scenario's words (for stall reports). */
  waitingFor?: (item: string) => string;
}

/** What a scenario may do with the simulation it runs in. */
export interface ScenarioContext {
  /** `--count`: the scenario's size; each scenario says what it counts. */
  readonly count: number;
  /** The seeded workload, for scenario shapes (graph edges, what gets invalidated). */
  readonly workload: Workload;
  /** Registers `task` on `service`; its handler is the simulated work (timers or busy CPU). */
  defineTask(task: string, service: string, checks: TaskChecks): void;
  /** Submits the simulated work for `item`; `variant` gives a rebuild its own latencies. */
  submit(task: string, item: string, variant?: string): string;
  /** Called on the main thread for each completed work, before anything else hears of it. */
  onComplete(listener: (task: string, item: string) => void): void;
  /** Resolves once all `ids` have finished, however; with how many did not complete. */
  settled(ids: readonly string[]): Promise<{ unsuccessful: number }>;
  /** Adds a line to the event log (`-v`) for something the scenario did itself. */
  log(event: string, task: string, details: string): void;
}

export interface Scenario {
  name: string;
  /** One line for `--list-scenarios`. */
  description: string;
  /** What `--count` means here. */
  countMeans: string;
  /** Services the scenario's tasks use; `--concurrent` and `--rate-limit` apply to each. */
  services: readonly string[];
  /** How many works a full run submits for `count`. */
  total(count: number): number;
  /** Registers tasks and submits work; resolves once it has submitted everything it will. */
  run(context: ScenarioContext): Promise<void>;
}
