import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/**
 * The tests Stryker runs against each mutant (`pnpm test:mutation`). They
 * import `runcue` from src/ (the other tests use the built dist/), so a
 * mutant is seen without a build. Worker-thread tests are left out: threads
 * load the built runtime, which a src mutant never reaches.
 */
const src = (path: string) =>
  fileURLToPath(new URL(`./packages/runcue/src/${path}`, import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^runcue\/worker$/, replacement: src("worker/index.ts") },
      { find: /^runcue$/, replacement: src("index.ts") },
    ],
  },
  test: {
    include: [
      "packages/runcue/test/basic.test.ts",
      "packages/runcue/test/cancel-stop.test.ts",
      "packages/runcue/test/events.test.ts",
      "packages/runcue/test/limits.test.ts",
      "packages/runcue/test/pending-clock.test.ts",
      "packages/runcue/test/priority.test.ts",
      "packages/runcue/test/priority-clamp.test.ts",
      "packages/runcue/test/rate.test.ts",
      "packages/runcue/test/readiness.test.ts",
      "packages/runcue/test/recheck-on-finish.test.ts",
      "packages/runcue/test/retry-backoff.test.ts",
      "packages/runcue/test/retry-timeout.test.ts",
      "packages/runcue/test/scheduling.test.ts",
      "packages/runcue/test/slots-after-abort.test.ts",
      "packages/runcue/test/validation.test.ts",
      "packages/runcue/test/watch.test.ts",
      "packages/runcue/test/properties/main-thread.test.ts",
      "packages/runcue/test/unit/**/*.test.ts",
      "packages/runcue/test/bad-input.test.ts",
      "packages/runcue/test/decided.test.ts",
      "packages/runcue/test/params-isolation.test.ts",
      "packages/runcue/test/paths-that-matter.test.ts",
      "packages/runcue/test/polling.test.ts",
      "packages/runcue/test/rate-with-priority.test.ts",
      "packages/runcue/test/retention.test.ts",
      "packages/runcue/test/signals.test.ts",
      "packages/runcue/test/stall-rearm.test.ts",
      "packages/runcue/test/standard-schema.test.ts",
      "packages/runcue/test/start-during-stop.test.ts",
      "packages/runcue/test/stop-timeout.test.ts",
    ],
    // tests of worker tasks need the built thread runtime, which a src/ mutant never reaches
    testNamePattern: /^(?!.*\b(worker|workers|thread|threads)\b)/i,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
