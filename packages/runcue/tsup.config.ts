import { defineConfig } from "tsup";

export default defineConfig({
  // thread.ts is the Piscina entry loaded by file path, so it must be a file of its own in dist/
  entry: { index: "src/index.ts", worker: "src/worker/index.ts", thread: "src/worker/thread.ts" },
  format: ["esm"],
  target: "node20",
  platform: "node",
  dts: { entry: { index: "src/index.ts", worker: "src/worker/index.ts" } },
  sourcemap: true,
  clean: true,
  splitting: true,
});
