import { Artifacts } from "../artifacts.js";
import type { Scenario } from "./scenario.js";

/**
 * extract → transform → load per item. All three works of an item are submitted at once; each
 * stage becomes ready only when the previous stage's artifact exists, so the chain is ordered by
 * readiness, not by the order of submission.
 */
export const pipeline: Scenario = {
  name: "pipeline",
  description: "Extract → Transform → Load chain",
  countMeans: "items (3 works each)",
  services: ["source", "compute", "sink"],
  total: (count) => count * 3,
  async run(context) {
    const artifacts = new Artifacts();
    const output = { extract: "extracted", transform: "transformed", load: "loaded" } as const;
    const input = { transform: "extracted", load: "transformed" } as const;
    const name = (kind: string, item: string) => `${kind}/${item}`;

    context.defineTask("extract", "source", {
      isStale: (item) => !artifacts.has(name(output.extract, item)),
    });
    context.defineTask("transform", "compute", {
      isReady: (item) => artifacts.has(name(input.transform, item)),
      waitingFor: (item) => name(input.transform, item),
      isStale: (item) => !artifacts.has(name(output.transform, item)),
    });
    context.defineTask("load", "sink", {
      isReady: (item) => artifacts.has(name(input.load, item)),
      waitingFor: (item) => name(input.load, item),
      isStale: (item) => !artifacts.has(name(output.load, item)),
    });
    context.onComplete((task, item) => {
      if (task in output) artifacts.put(name(output[task as keyof typeof output], item));
    });

    for (let index = 0; index < context.count; index++) {
      const item = `item-${String(index).padStart(4, "0")}`;
      context.submit("extract", item);
      context.submit("transform", item);
      context.submit("load", item);
    }
  },
};
