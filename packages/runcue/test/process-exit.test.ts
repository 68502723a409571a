import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";

const here = fileURLToPath(new URL(".", import.meta.url));

/** Runs an ES module script beside the tests; returns how long it lived and what it printed. */
function runScript(script: string, timeout = 30_000) {
  const startedAt = Date.now();
  const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    cwd: here,
    encoding: "utf8",
    timeout,
  });
  return { ...child, livedMs: Date.now() - startedAt };
}

describe("nothing of the library keeps the process alive when it should not", () => {
  test("an idle cue with every warning and timeout option at 20 s lets a script that never stops it exit at once", () => {
    const child = runScript(`
      import { Cue } from "runcue";
      const cue = new Cue({ pendingWarnAfter: 20000, pendingTimeout: 20000, stallWarnAfter: 20000, stallTimeout: 20000 });
      cue.task("t", { timeout: 20000, run: async () => 1 });
      cue.start();
      console.log(await cue.result(cue.submit("t")));
    `);
    expect(child.stderr).toBe("");
    expect(child.stdout.trim()).toBe("1");
    expect(child.livedMs).toBeLessThan(10_000);
  });

  test("idle worker threads let a script that never stops its cue exit, after two rounds of work", () => {
    const child = runScript(`
      import { Cue } from "runcue";
      const cue = new Cue({ threads: 2 });
      cue.task("echo", { worker: new URL("./fixtures/workers.mjs", "file://" + process.cwd() + "/") });
      cue.start();
      for (let round = 1; round <= 2; round++) {
        const ids = Array.from({ length: 50 }, (_, index) => cue.submit("echo", { round, index }));
        const results = await Promise.all(ids.map((id) => cue.result(id)));
        console.log("round", round, results.length);
        await cue.idle();
      }
    `);
    expect(child.stderr).toBe("");
    expect(child.stdout.trim().split("\n")).toEqual(["round 1 50", "round 2 50"]);
    expect(child.status).toBe(0);
    expect(child.livedMs).toBeLessThan(10_000);
  });

  test("a task-timeout timer does not outlive stop(): the process exits soon after stop({ timeout }) returns", () => {
    const child = runScript(`
      import { Cue } from "runcue";
      const cue = new Cue({ abortGrace: 10000 });
      cue.task("stubborn", { timeout: 30000, run: () => new Promise((resolve) => { const t = setTimeout(resolve, 60000); t.unref(); }) });
      cue.start();
      cue.submit("stubborn");
      await new Promise((resolve) => setTimeout(resolve, 50));
      await cue.stop({ timeout: 100 });
      console.log("stopped", Date.now());
    `);
    expect(child.stdout).toMatch(/stopped \d+/);
    const stoppedAt = Number(/stopped (\d+)/.exec(child.stdout)![1]);
    expect(child.status).toBe(0);
    // exits right after, not after the 10 s grace or the 30 s timeout
    expect(Date.now() - stoppedAt).toBeLessThan(5_000);
  });

  test("a work delayed 30 days waits quietly (no TimeoutOverflowWarning, not run early), and stop() lets the process exit", () => {
    const child = runScript(`
      import { Cue } from "runcue";
      const warnings = [];
      process.on("warning", (warning) => warnings.push(warning.name));
      const cue = new Cue({ pendingTimeout: 2147483647 });
      let ran = 0;
      cue.task("later", { run: async () => { ran++; } });
      cue.start();
      const ids = [cue.submit("later", {}, { delay: 30 * 86400000 }), cue.submit("later", {}, { at: Date.now() + 40 * 86400000 })];
      await new Promise((resolve) => setTimeout(resolve, 300));
      console.log(JSON.stringify({ warnings, ran, states: ids.map((id) => cue.get(id).state), reasons: cue.debugBlocked().map((b) => b.reason) }));
      await cue.stop();
    `);
    expect(child.status).toBe(0);
    expect(JSON.parse(child.stdout)).toEqual({
      warnings: [],
      ran: 0,
      states: ["pending", "pending"],
      reasons: ["delayed", "delayed"],
    });
    expect(child.stderr).toBe("");
  });
});
