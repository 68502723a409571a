import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { CancelledError } from "runcue";
import { describe, expect, test } from "vitest";
import { gate, newCue, startedCue, until } from "./helpers.js";

describe("cancel", () => {
  test("pending work becomes cancelled at once and never runs; no final event", async () => {
    const cue = startedCue();
    cue.service("one", { concurrent: 1 });
    const release = gate();
    const ran: string[] = [];
    cue.task("t", {
      uses: "one",
      run: async (work) => {
        ran.push(work.id);
        await release.promise;
      },
    });
    const events: string[] = [];
    cue.onComplete((work) => events.push(`complete ${work.id}`));
    cue.onFailure((work) => events.push(`failure ${work.id}`));
    cue.onSkip((work) => events.push(`skip ${work.id}`));
    const first = cue.submit("t");
    const second = cue.submit("t");
    await until(() => cue.get(first)?.state === "running", "first running");
    expect(await cue.cancel(second)).toBe(true);
    expect(cue.get(second)?.state).toBe("cancelled");
    release.open();
    await cue.idle();
    expect(ran).toEqual([first]);
    expect(events).toEqual([`complete ${first}`]);
    await expect(cue.result(second)).rejects.toBeInstanceOf(CancelledError);
  });

  test("running work is aborted: ctx.signal fires and the state is cancelled", async () => {
    const cue = startedCue();
    let sawAbort = false;
    cue.task("long", {
      run: (_work, ctx) =>
        new Promise((_resolve, reject) => {
          ctx.signal.addEventListener("abort", () => {
            sawAbort = true;
            reject(ctx.signal.reason);
          });
        }),
    });
    const id = cue.submit("long");
    await until(() => cue.get(id)?.state === "running", "running");
    expect(await cue.cancel(id)).toBe(true);
    expect(cue.get(id)?.state).toBe("cancelled");
    expect(sawAbort).toBe(true);
    await expect(cue.result(id)).rejects.toBeInstanceOf(CancelledError);
    await cue.idle();
    expect(cue.stats()).toMatchObject({ cancelled: 1, failed: 0, running: 0 });
  });
});

describe("stop", () => {
  test("stop() lets running work finish, starts nothing new, and leaves pending work pending", async () => {
    const cue = startedCue();
    cue.service("one", { concurrent: 1 });
    const release = gate();
    cue.task("t", { uses: "one", run: () => release.promise.then(() => "done") });
    const running = cue.submit("t");
    const pending = cue.submit("t");
    await until(() => cue.get(running)?.state === "running", "running");
    const stopped = cue.stop();
    release.open();
    await stopped;
    expect(cue.get(running)?.state).toBe("completed");
    expect(cue.get(pending)?.state).toBe("pending");
    cue.start();
    await expect(cue.result(pending)).resolves.toBe("done");
  });

  test("stop({ timeout }) cancels what still runs and returns soon even if a handler ignores its signal", async () => {
    const cue = startedCue();
    const completions: string[] = [];
    cue.onComplete((work) => completions.push(work.id));
    cue.task("stubborn", {
      run: () => new Promise((resolve) => setTimeout(() => resolve("late"), 400)),
    });
    const id = cue.submit("stubborn");
    await until(() => cue.get(id)?.state === "running", "running");
    const started = Date.now();
    await cue.stop({ timeout: 50 });
    expect(Date.now() - started).toBeLessThan(350);
    expect(cue.get(id)?.state).toBe("cancelled");
    expect(cue.get(id)?.error?.message).toMatch(
      /still running when stop\(\) timed out after 50 ms/,
    );
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect(cue.get(id)?.state).toBe("cancelled");
    expect(completions).toEqual([]);
  });

  test("stop() on a cue never started resolves, leaves submitted work pending, and start() then runs it", async () => {
    const cue = newCue();
    cue.task("t", { run: async () => "ran" });
    const id = cue.submit("t");
    await expect(cue.stop()).resolves.toBeUndefined();
    expect(cue.get(id)?.state).toBe("pending");
    expect(cue.stats()).toMatchObject({ pending: 1, running: 0, completed: 0 });
    cue.start();
    await expect(cue.result(id)).resolves.toBe("ran");
  });

  test("a script that starts a cue, runs work and awaits stop() exits on its own", () => {
    const script = `
      import { Cue } from "runcue";
      const cue = new Cue({ threads: 1, pollInterval: 10, stallWarnAfter: 60000, pendingTimeout: 60000 });
      cue.service("api", { rate: "100/s", concurrent: 2 });
      cue.task("io", { uses: "api", run: async (w) => w.params.n });
      cue.task("cpu", { worker: ${JSON.stringify(fileURLToPath(new URL("./fixtures/workers.mjs", import.meta.url)))} });
      cue.task("blocked", { run: async () => 1, isReady: () => false });
      cue.task("later", { run: async () => 1 });
      cue.start();
      const ids = [1, 2, 3].map((n) => cue.submit("io", { n }));
      ids.push(cue.submit("cpu", { x: 1 }));
      cue.submit("blocked");
      cue.submit("later", {}, { delay: 60000 });
      await Promise.all(ids.map((id) => cue.result(id)));
      await cue.stop();
      console.log("stopped");
    `;
    const started = Date.now();
    const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
      cwd: fileURLToPath(new URL(".", import.meta.url)),
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(child.stderr).toBe("");
    expect(child.stdout.trim()).toBe("stopped");
    expect(child.status).toBe(0);
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
