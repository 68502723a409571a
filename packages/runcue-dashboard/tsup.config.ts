import { defineConfig } from "tsup";

export default defineConfig({
  // The page's files stay in public/ and are read from disk at run time, beside dist/.
  entry: { index: "src/index.ts" },
  format: ["esm"],
  target: "node20",
  platform: "node",
  dts: true,
  sourcemap: true,
  clean: true,
});
