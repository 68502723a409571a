export { Artifacts } from "./artifacts.js";
export {
  countConcurrencyViolations,
  countRateViolations,
  Metrics,
  type ServiceLimits,
  timingSlack,
} from "./metrics.js";
export {
  defaultOptions,
  resolveOptions,
  SimulationOptionError,
  type SimulationOptions,
} from "./options.js";
export type { ItemCheck, Scenario, ScenarioContext } from "./scenarios/index.js";
export { scenarios } from "./scenarios/index.js";
export {
  type BlockedWork,
  type EventLogEntry,
  type RunSimulationOptions,
  runSimulation,
  type ServiceSummary,
  type SimulationObserver,
  type SimulationSummary,
  type Snapshot,
  type StallReport,
} from "./simulation.js";
export {
  createRandom,
  hashText,
  type SimulatedWork,
  Workload,
  type WorkloadOptions,
} from "./workload.js";
