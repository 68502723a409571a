import { Artifacts } from "../artifacts.js";
import type { Random } from "../workload.js";
import type { Scenario } from "./scenario.js";

/** Rebuild cycles after the first full build. */
const rebuildCycles = 2;

interface Target {
  name: string;
  task: "fetch" | "build";
  inputs: string[];
}

/** A seeded graph: the first sixth are fetched sources, the rest built from 1–3 recent targets. */
function buildGraph(count: number, random: Random): Target[] {
  const sources = Math.max(1, Math.ceil(count / 6));
  const targets: Target[] = [];
  for (let index = 0; index < count; index++) {
    const name = `t${String(index).padStart(4, "0")}`;
    if (index < sources) {
      targets.push({ name, task: "fetch", inputs: [] });
      continue;
    }
    const inputs = new Set<string>();
    const wanted = 1 + Math.floor(random() * 3);
    const earliest = Math.max(0, index - 8);
    while (inputs.size < Math.min(wanted, index - earliest)) {
      inputs.add(targets[earliest + Math.floor(random() * (index - earliest))]!.name);
    }
    targets.push({ name, task: "build", inputs: [...inputs] });
  }
  return targets;
}

function shuffled<T>(items: readonly T[], random: Random): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [copy[index], copy[other]] = [copy[other]!, copy[index]!];
  }
  return copy;
}

/**
 * Make-style targets with dependencies. A target is valid when its artifact exists, its inputs are
 * valid and it was made from their current versions; it is ready when its inputs are valid and
 * stale when it is not valid itself. After the first build, each cycle invalidates some
 * artifacts and resubmits every target, like re-running `make`: the invalidated targets and
 * everything downstream of them rebuild in dependency order, the rest are skipped as up to date.
 */
export const dynamic: Scenario = {
  name: "dynamic",
  description: "Complex dependencies with rebuild cycles",
  countMeans: `targets (each submitted ${rebuildCycles + 1} times)`,
  services: ["remote", "local"],
  total: (count) => count * (rebuildCycles + 1),
  async run(context) {
    const artifacts = new Artifacts();
    const targets = buildGraph(context.count, context.workload.random("dynamic/graph"));
    const byName = new Map(targets.map((target) => [target.name, target]));
    let cacheGeneration = -1;
    const validity = new Map<string, boolean>();

    // Readiness checks run often; the answers hold until the next artifact write or delete.
    const isValid = (name: string): boolean => {
      if (cacheGeneration !== artifacts.generation) {
        validity.clear();
        cacheGeneration = artifacts.generation;
      }
      const cached = validity.get(name);
      if (cached !== undefined) return cached;
      const artifact = artifacts.get(name);
      const target = byName.get(name)!;
      const valid =
        artifact !== undefined &&
        target.inputs.every(
          (input) => isValid(input) && artifact.inputs.get(input) === artifacts.get(input)?.version,
        );
      validity.set(name, valid);
      return valid;
    };
    const isReady = (name: string) => byName.get(name)!.inputs.every(isValid);
    const isStale = (name: string) => !isValid(name);

    const waitingFor = (name: string) =>
      byName
        .get(name)!
        .inputs.filter((input) => !isValid(input))
        .join(", ");
    context.defineTask("fetch", "remote", { isReady, isStale, waitingFor });
    context.defineTask("build", "local", { isReady, isStale, waitingFor });
    context.onComplete((_task, name) => artifacts.put(name, byName.get(name)!.inputs));

    const random = context.workload.random("dynamic/cycles");
    const perCycle = Math.max(1, Math.round(targets.length / 10));
    for (let cycle = 0; cycle <= rebuildCycles; cycle++) {
      if (cycle > 0) {
        for (const target of shuffled(targets, random).slice(0, perCycle)) {
          artifacts.delete(target.name);
          context.log("invalidated", target.task, `${target.name} (cycle ${cycle})`);
        }
      }
      const ids = shuffled(targets, random).map((target) =>
        context.submit(target.task, target.name, `cycle-${cycle}`),
      );
      if (cycle === rebuildCycles) break;
      const { unsuccessful } = await context.settled(ids);
      if (unsuccessful > 0) {
        context.log("aborted", "-", `cycle ${cycle}: ${unsuccessful} works did not complete`);
        break;
      }
    }
  },
};
