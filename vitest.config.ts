import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: [
      "packages/*/test/**/*.test.ts",
      "test/**/*.test.ts",
      "examples/*/test/**/*.test.ts",
      "benchmarks/test/**/*.test.ts",
    ],
    testTimeout: 60_000,
    // the JSON report lets .ci/run print a plain "N passed, N failed" line
    reporters: ["default", "json"],
    outputFile: { json: ".tmp/vitest-report.json" },
    hookTimeout: 60_000,
    typecheck: {
      enabled: true,
      include: ["packages/runcue/test/**/*.test-d.ts"],
      tsconfig: "packages/runcue/tsconfig.json",
    },
  },
});
