/**
 * Mutation testing of the core, on demand (`pnpm test:mutation`, not in CI):
 * Stryker plants one bug at a time in packages/runcue/src and runs the
 * main-thread tests (vitest.mutation.config.ts) against it. Surviving mutants
 * are listed in .tmp/mutation/index.html and printed at the end. A long run:
 * narrow it with `pnpm stryker run --mutate packages/runcue/src/rate.ts`.
 * @type {import("@stryker-mutator/api/core").PartialStrykerOptions}
 */
export default {
  packageManager: "pnpm",
  plugins: ["@stryker-mutator/vitest-runner"],
  testRunner: "vitest",
  vitest: { configFile: "vitest.mutation.config.ts", related: false },
  mutate: [
    "packages/runcue/src/**/*.ts",
    "!packages/runcue/src/**/*.d.ts",
    "!packages/runcue/src/index.ts",
    "!packages/runcue/src/errors.ts",
    // runs inside worker threads, from the built dist/ only
    "!packages/runcue/src/worker/**",
    "!packages/runcue/src/executors/thread-pool.ts",
  ],
  coverageAnalysis: "perTest",
  concurrency: 2,
  timeoutMS: 20_000,
  reporters: ["clear-text", "progress", "html"],
  htmlReporter: { fileName: ".tmp/mutation/index.html" },
  tempDirName: ".tmp/stryker",
  // dist/ stays: a few tests spawn a script that imports the built package
  ignorePatterns: ["examples", "benchmarks/results", "docs", ".tmp"],
  thresholds: { high: 80, low: 60, break: null },
};
