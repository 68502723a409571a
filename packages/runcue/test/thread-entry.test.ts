import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";

const entry = fileURLToPath(new URL("../dist/thread-entry.cjs", import.meta.url));
const sweep = fileURLToPath(new URL("./fixtures/terminate-while-loading.cjs", import.meta.url));

// On Node 20, a thread terminated while require() instantiates an ES module aborts the
// whole process. stop() and the cancel grace terminate pool threads, some of them still
// loading, so the file Piscina loads must survive termination at any moment of its load.
// The race is narrow: the sweep below aborted a loader that was an ES module in about
// three runs of four, so this test guards against a regression, it cannot prove absence.
test("a pool thread terminated at any moment while it loads the runtime does not abort the process", () => {
  const child = spawnSync(process.execPath, [sweep, entry, "300"], {
    encoding: "utf8",
    timeout: 90_000,
  });
  expect(child.stderr).not.toContain("FATAL ERROR");
  expect(child.status).toBe(0);
  expect(child.stdout).toMatch(/terminated 300 threads over [\d.]+ ms of load/);
}, 120_000);
