import { defineConfig } from "tsup";

const node = { target: "node20", platform: "node", sourcemap: true } as const;

export default defineConfig([
  {
    ...node,
    // thread.ts is imported by path from the thread entry, so it must be a file of its own in dist/
    entry: { index: "src/index.ts", worker: "src/worker/index.ts", thread: "src/worker/thread.ts" },
    format: ["esm"],
    dts: { entry: { index: "src/index.ts", worker: "src/worker/index.ts" } },
    splitting: true,
  },
  {
    ...node,
    // the file Piscina loads in each thread: CommonJS, see src/worker/entry.ts for why
    entry: { "thread-entry": "src/worker/entry.ts" },
    format: ["cjs"],
    outExtension: () => ({ js: ".cjs" }),
  },
]);
