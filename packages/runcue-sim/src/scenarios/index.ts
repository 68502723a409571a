import { dynamic } from "./dynamic.js";
import { fanout } from "./fanout.js";
import { pipeline } from "./pipeline.js";
import type { Scenario } from "./scenario.js";
import { singleQueue } from "./single_queue.js";

export type { ItemCheck, Scenario, ScenarioContext, TaskChecks } from "./scenario.js";

/** The built-in scenarios by name, in the order `--list-scenarios` shows them. */
export const scenarios: ReadonlyMap<string, Scenario> = new Map(
  [singleQueue, pipeline, fanout, dynamic].map((scenario) => [scenario.name, scenario]),
);
