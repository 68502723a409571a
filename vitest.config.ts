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
    // `pnpm test:coverage`: tests import the built package; dist/ is measured and mapped back to src/
    // through its source maps (code inside worker threads is not measured)
    coverage: {
      provider: "v8",
      include: ["packages/runcue/dist/**/*.js", "packages/runcue/src/**/*.ts"],
      exclude: ["**/*.d.ts"],
      reporter: ["text-summary", "text", "html", "json-summary"],
      reportsDirectory: ".tmp/coverage",
      // a timing test that fails under instrumentation should not hide the figures
      reportOnFailure: true,
    },
    typecheck: {
      enabled: true,
      include: ["packages/runcue/test/**/*.test-d.ts"],
      tsconfig: "packages/runcue/tsconfig.json",
    },
  },
});
