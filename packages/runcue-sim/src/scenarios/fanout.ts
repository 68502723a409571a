import { Artifacts } from "../artifacts.js";
import type { Scenario } from "./scenario.js";

/**
 * One split, `count` chunks processed in parallel, one aggregate. The chunks wait for the split's
 * artifact; the aggregate waits for every chunk's.
 */
export const fanout: Scenario = {
  name: "fanout",
  description: "Split → parallel process → aggregate",
  countMeans: "chunks (plus one split and one aggregate)",
  services: ["storage", "workers"],
  total: (count) => count + 2,
  async run(context) {
    const artifacts = new Artifacts();
    const chunks = Array.from(
      { length: context.count },
      (_, index) => `chunk-${String(index).padStart(4, "0")}`,
    );
    let processedCount = 0;

    context.defineTask("split", "storage", {
      isStale: () => !artifacts.has("split"),
    });
    context.defineTask("process", "workers", {
      isReady: () => artifacts.has("split"),
      waitingFor: () => "split",
      isStale: (chunk) => !artifacts.has(`processed/${chunk}`),
    });
    context.defineTask("aggregate", "storage", {
      isReady: () => processedCount === chunks.length,
      waitingFor: () => `processed chunks (${processedCount}/${chunks.length} there)`,
      isStale: () => !artifacts.has("aggregate"),
    });
    context.onComplete((task, item) => {
      if (task === "split") artifacts.put("split");
      if (task === "process" && !artifacts.has(`processed/${item}`)) {
        artifacts.put(`processed/${item}`, ["split"]);
        processedCount++;
      }
      if (task === "aggregate") artifacts.put("aggregate");
    });

    // The aggregate goes in first: readiness, not submission order, makes it wait.
    context.submit("aggregate", "batch");
    for (const chunk of chunks) context.submit("process", chunk);
    context.submit("split", "batch");
  },
};
