import { describe, expect, test } from "vitest";
import { fixture, newCue, startedCue, until } from "./helpers.js";

describe("worker tasks run in the Piscina pool", () => {
  test("a worker task gets (work, ctx) and its result comes back", async () => {
    const cue = startedCue({ threads: 1 });
    const echo = cue.task("echo", { worker: fixture("workers.mjs") });
    const id = cue.submit(echo, { x: [1, 2] });
    await expect(cue.result(id)).resolves.toEqual({
      params: { x: [1, 2] },
      attempt: 1,
      id,
      task: "echo",
    });
  });

  test("an absolute path works as well as a URL", async () => {
    const cue = startedCue({ threads: 1 });
    cue.task("echo", { worker: new URL(fixture("workers.mjs")).pathname });
    await expect(cue.result(cue.submit("echo", { a: 1 }))).resolves.toMatchObject({
      params: { a: 1 },
    });
  });

  test("two CPU-bound tasks with threads: 2 overlap in time", async () => {
    const cue = startedCue({ threads: 2 });
    cue.task("spin", { worker: fixture("workers.mjs"), export: "spin" });
    const ids = [
      cue.submit("spin", { ms: 300, label: "a" }),
      cue.submit("spin", { ms: 300, label: "b" }),
    ];
    const [a, b] = (await Promise.all(ids.map((id) => cue.result(id)))) as Array<{
      startedAt: number;
      endedAt: number;
    }>;
    expect(a!.startedAt).toBeLessThan(b!.endedAt);
    expect(b!.startedAt).toBeLessThan(a!.endedAt);
  });

  test("progress from a thread reaches onProgress in order, before the final event", async () => {
    const cue = startedCue({ threads: 1 });
    cue.task("progress", { worker: fixture("workers.mjs"), export: "progress" });
    const log: unknown[] = [];
    cue.onProgress((_work, value) => log.push(value));
    cue.onComplete((_work, result) => log.push(result));
    for (let round = 0; round < 3; round++) {
      log.length = 0;
      await cue.result(cue.submit("progress", { steps: 200 }));
      expect(log).toEqual([...Array.from({ length: 200 }, (_, index) => index + 1), "done"]);
    }
  });

  test("a pool that keeps going idle and busy again answers every work (threads: 1 and 2)", async () => {
    for (const threads of [1, 2]) {
      const cue = startedCue({ threads });
      cue.task("echo", { worker: fixture("workers.mjs") });
      // one work at a time: the pool goes idle after each, so its threads are let go and taken again
      for (let round = 0; round < 100; round++) {
        const result = (await cue.result(cue.submit("echo", { round }))) as { params: unknown };
        expect(result.params).toEqual({ round });
        // every few rounds, the next work comes in the very turn the pool went idle
        if (round % 3 === 0) await cue.idle();
      }
      const ids = Array.from({ length: 20 }, (_, index) => cue.submit("echo", { index }));
      const results = (await Promise.all(ids.map((id) => cue.result(id)))) as Array<{
        params: { index: number };
      }>;
      expect(results.map((result) => result.params.index)).toEqual([...Array(20).keys()]);
      expect(cue.stats()).toMatchObject({ completed: 120, failed: 0 });
    }
  });

  test("a handler may take ctx apart: `{ progress, signal }` work unbound", async () => {
    const cue = startedCue({ threads: 1 });
    cue.task("destructures", { worker: fixture("workers.mjs"), export: "destructures" });
    const log: unknown[] = [];
    cue.onProgress((_work, value) => log.push(value));
    await expect(cue.result(cue.submit("destructures", { value: 21 }))).resolves.toBe(42);
    expect(log).toEqual(["aborted: false"]);
  });

  test("transfer() moves buffers: a 64 MiB result arrives and the thread's copy is detached", async () => {
    const cue = startedCue({ threads: 1 });
    cue.task("buffer", { worker: fixture("workers.mjs"), export: "buffer" });
    cue.task("detached", { worker: fixture("workers.mjs"), export: "detachedAfterTransfer" });
    const size = 64 * 1024 * 1024;
    const { bytes } = (await cue.result(cue.submit("buffer", { size }))) as { bytes: Uint8Array };
    expect(bytes.byteLength).toBe(size);
    expect(bytes[0]).toBe(42);
    expect(bytes[size - 1]).toBe(7);
    await expect(cue.result(cue.submit("detached"))).resolves.toEqual({ byteLength: 0 });
  });

  test("a TypeScript worker module works under vitest", async () => {
    const cue = startedCue({ threads: 1 });
    cue.task("square", { worker: fixture("typed.worker.ts") });
    const progress: unknown[] = [];
    cue.onProgress((_work, value) => progress.push(value));
    await expect(cue.result(cue.submit("square", { base: 12 }))).resolves.toBe(144);
    expect(progress).toEqual(["typed"]);
  });

  test("stop() destroys the pool; start() again makes a new one", async () => {
    const cue = newCue({ threads: 1 });
    cue.task("echo", { worker: fixture("workers.mjs") });
    cue.start();
    await cue.result(cue.submit("echo", { n: 1 }));
    await cue.stop();
    cue.start();
    await expect(cue.result(cue.submit("echo", { n: 2 }))).resolves.toMatchObject({
      params: { n: 2 },
    });
  });
});

describe("no prefetch", () => {
  test("with threads: 1, later work of higher priority runs before earlier work while a long task holds the thread", async () => {
    const cue = startedCue({ threads: 1 });
    cue.task("hold", { worker: fixture("workers.mjs"), export: "waitsForAbort" });
    cue.task("spin", { worker: fixture("workers.mjs"), export: "spin" });
    const order: string[] = [];
    cue.onStart((work) => order.push((work.params as { label?: string }).label ?? work.task));
    const hold = cue.submit("hold");
    await until(() => cue.get(hold)?.state === "running", "hold running");
    const early = ["e1", "e2", "e3"].map((label) => cue.submit("spin", { ms: 1, label }));
    const urgent = cue.submit("spin", { ms: 1, label: "urgent" }, { priority: 0.9 });
    const cancelled = cue.submit("spin", { ms: 1, label: "cancelled" }, { priority: 1 });
    expect(await cue.cancel(cancelled)).toBe(true);
    expect(cue.stats().threads).toEqual({ size: 1, busy: 1 });
    expect(cue.debugBlocked().every((entry) => entry.reason === "threads_busy")).toBe(true);
    await cue.cancel(hold);
    await Promise.all([...early, urgent].map((id) => cue.result(id)));
    expect(order).toEqual(["hold", "urgent", "e1", "e2", "e3"]);
    expect(cue.get(cancelled)?.state).toBe("cancelled");
  });
});
