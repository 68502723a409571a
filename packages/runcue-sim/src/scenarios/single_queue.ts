import type { Scenario } from "./scenario.js";

/** Independent calls to one rate-limited API: the plainest use of a service's limits. */
export const singleQueue: Scenario = {
  name: "single_queue",
  description: "Independent tasks, one service",
  countMeans: "works",
  services: ["api"],
  total: (count) => count,
  async run(context) {
    context.defineTask("call_api", "api", {});
    for (let index = 0; index < context.count; index++) {
      context.submit("call_api", `request-${String(index).padStart(4, "0")}`);
    }
  },
};
