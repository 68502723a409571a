import { defineConfig } from "tsup";

export default defineConfig({
  // cpu.worker is loaded by runcue's pool from a file URL beside cli.js, so it must be an entry of
  // its own in dist/ rather than bundled into the CLI.
  entry: { cli: "src/cli.ts", index: "src/index.ts", "cpu.worker": "src/cpu.worker.ts" },
  format: ["esm"],
  target: "node20",
  platform: "node",
  dts: { entry: { index: "src/index.ts" } },
  sourcemap: true,
  clean: true,
  splitting: true,
});
