import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";

// docs/DESIGN.md: one concern a file, data flowing one way. These keep it so.
const SOURCE = fileURLToPath(new URL("../src", import.meta.url));
const MAX_LINES = 450;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith(".ts") ? [path] : [];
  });
}

/** Each file's relative imports (type-only ones too), as files under src. */
function importGraph(files: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    const imports = [...text.matchAll(/(?:import|export)[^'"]*?from\s+["'](\.[^"']+)["']/g)]
      .map((match) => resolve(dirname(file), match[1]!.replace(/\.js$/, ".ts")))
      .filter((path) => files.includes(path));
    graph.set(file, imports);
  }
  return graph;
}

function findCycles(graph: Map<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, "visiting");
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === "visiting") cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, "done");
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return cycles.map((cycle) => cycle.map((file) => relative(SOURCE, file)));
}

describe("the core's layout", () => {
  const files = sourceFiles(SOURCE);

  test(`no source file is over ${MAX_LINES} lines`, () => {
    const long = files
      .map((file) => ({
        file: relative(SOURCE, file),
        lines: readFileSync(file, "utf8").split("\n").length,
      }))
      .filter(({ lines }) => lines > MAX_LINES);
    expect(long).toEqual([]);
  });

  test("no two files import each other, directly or around a loop", () => {
    expect(findCycles(importGraph(files))).toEqual([]);
  });

  test("the check finds a cycle when there is one", () => {
    const graph = new Map([
      ["a", ["b"]],
      ["b", ["c"]],
      ["c", ["a"]],
    ]);
    expect(findCycles(graph)).toHaveLength(1);
  });

  test("only executors/ knows the executors: nothing else imports main.ts or thread-pool.ts", () => {
    const graph = importGraph(files);
    const importers = [...graph]
      .filter(([, imports]) =>
        imports.some((path) => /executors[\\/](main|thread-pool)\.ts$/.test(path)),
      )
      .map(([file]) => relative(SOURCE, file).replaceAll("\\", "/"))
      .filter((file) => !file.startsWith("executors/") && file !== "index.ts");
    expect(importers).toEqual([]);
  });
});
