import { defineConfig } from "tsup";

export default defineConfig([
  {
    entry: { index: "src/index.ts", worker: "src/worker/index.ts", thread: "src/worker/thread.ts" },
    format: ["esm"],
    target: "node20",
    platform: "node",
    dts: { entry: { index: "src/index.ts", worker: "src/worker/index.ts" } },
    sourcemap: true,
    splitting: true,
  },
  {
    // the file Piscina loads in each thread: CommonJS, see src/worker/entry.ts for why
    entry: { "thread-entry": "src/worker/entry.ts" },
    format: ["cjs"],
    outExtension: () => ({ js: ".cjs" }),
    target: "node20",
    platform: "node",
    sourcemap: true,
  },
]);
