import { fileURLToPath } from "node:url";
import { CancelledError, TimeoutError } from "runcue";
import { describe, expect, test } from "vitest";
import { fixture, startedCue, until } from "./helpers.js";

const workers = fixture("workers.mjs");

const echoRegistered = new WeakSet<object>();

/** After a fault the pool must still run work. */
async function stillWorks(cue: ReturnType<typeof startedCue>) {
  if (!echoRegistered.has(cue)) {
    cue.task("echo-after", { worker: workers });
    echoRegistered.add(cue);
  }
  await expect(cue.result(cue.submit("echo-after", { ok: true }))).resolves.toMatchObject({
    params: { ok: true },
  });
}

describe("faults in worker threads fail only their own work", () => {
  test("a handler that throws: message, name, stack and code kept", async () => {
    const cue = startedCue({ threads: 1 });
    cue.task("throws", { worker: workers, export: "throws" });
    const error = (await cue
      .result(cue.submit("throws"))
      .catch((caught: unknown) => caught)) as Error & { code: string };
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("RangeError");
    expect(error.message).toBe("tile out of range");
    expect(error.code).toBe("E_TILE");
    expect(error.stack).toMatch(/workers\.mjs/);
    await stillWorks(cue);
  });

  test("process.exit in a handler fails the attempt with a clear error and the thread is replaced", async () => {
    const cue = startedCue({ threads: 1 });
    cue.task("exits", { worker: workers, export: "exits" });
    await expect(cue.result(cue.submit("exits"))).rejects.toThrow(
      /Worker thread running work w\d+ of task "exits" died: .*exited with code: 3/,
    );
    await stillWorks(cue);
  });

  test("a thread that exits between works (a timer its work left) is replaced; nothing waits on it", async () => {
    const cue = startedCue({ threads: 1 });
    cue.task("exitsAfterward", { worker: workers, export: "exitsAfterward" });
    cue.task("echo-next", { worker: workers });
    await expect(cue.result(cue.submit("exitsAfterward"))).resolves.toBe("returned");
    // The timer fires when the thread's event loop next turns: while it is idle, or as the next
    // work arrives, which then fails saying the thread died. Either way every later work is answered.
    const next = await cue.result(cue.submit("echo-next", { next: true })).then(
      (result) => result,
      (error: Error) => error,
    );
    if (next instanceof Error) expect(next.message).toMatch(/died: .*exited with code: 3/);
    else expect(next).toMatchObject({ params: { next: true } });
    for (let round = 0; round < 5; round++) await stillWorks(cue);
  });

  test("a module that throws at import fails with the path and the reason", async () => {
    const cue = startedCue({ threads: 1 });
    cue.task("bad import", { worker: fixture("throws-at-import.mjs") });
    await expect(cue.result(cue.submit("bad import"))).rejects.toThrow(
      /Worker module .*throws-at-import\.mjs failed to load: configuration missing at import/,
    );
    await stillWorks(cue);
  });

  test("a missing module names the path; a missing export names the export and what exists", async () => {
    const cue = startedCue({ threads: 1 });
    const missing = fileURLToPath(fixture("does-not-exist.mjs"));
    cue.task("missing", { worker: missing });
    cue.task("no export", { worker: workers, export: "nope" });
    cue.task("not a function", { worker: workers, export: "notAFunction" });
    await expect(cue.result(cue.submit("missing"))).rejects.toThrow(
      `Worker module not found: ${missing}`,
    );
    await expect(cue.result(cue.submit("no export"))).rejects.toThrow(
      /Worker module .*workers\.mjs has no function export "nope" \(exports: .*spin/,
    );
    await expect(cue.result(cue.submit("not a function"))).rejects.toThrow(
      /no function export "notAFunction"/,
    );
    await stillWorks(cue);
  });

  test("an infinite loop under timeout fails with TimeoutError and the thread is terminated", async () => {
    const cue = startedCue({ threads: 1, abortGrace: 50 });
    cue.task("loops", { worker: workers, export: "loopsForever", timeout: 100 });
    const error = await cue.result(cue.submit("loops")).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).kind).toBe("task");
    await stillWorks(cue);
  });

  test("a thread over its memory limit fails its attempt; the pool goes on", async () => {
    const cue = startedCue({
      threads: 1,
      resourceLimits: { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 8 },
    });
    cue.task("hog", { worker: workers, export: "eatsMemory" });
    await expect(cue.result(cue.submit("hog"))).rejects.toThrow(/ran out of memory|died/);
    await stillWorks(cue);
  }, 60_000);

  test("cancel of a running worker task: the signal fires in the thread, which returns without being terminated", async () => {
    const cue = startedCue({ threads: 1, abortGrace: 30_000 });
    cue.task("waits", { worker: workers, export: "waitsForAbort" });
    let handlerWaiting = false;
    cue.onProgress((_work, value) => {
      handlerWaiting ||= value === "waiting";
    });
    const id = cue.submit("waits");
    await until(() => handlerWaiting, "the handler to wait on its signal");
    const cancelledAt = Date.now();
    await cue.cancel(id);
    expect(cue.get(id)?.state).toBe("cancelled");
    await expect(cue.result(id)).rejects.toBeInstanceOf(CancelledError);
    // the only thread is free again long before the grace would have terminated it
    await stillWorks(cue);
    expect(Date.now() - cancelledAt).toBeLessThan(10_000);
  });

  test("cancel before the thread has even started the handler still reaches its signal", async () => {
    const cue = startedCue({ threads: 1, abortGrace: 30_000 });
    cue.task("waits", { worker: workers, export: "waitsForAbort" });
    const id = cue.submit("waits");
    await until(() => cue.get(id)?.state === "running", "running");
    const cancelledAt = Date.now();
    await cue.cancel(id);
    await stillWorks(cue);
    expect(cue.get(id)?.state).toBe("cancelled");
    // far below the 30 s grace: the handler saw the early abort instead of its thread being terminated
    expect(Date.now() - cancelledAt).toBeLessThan(5_000);
  });

  test("cancel of a worker task that ignores its signal: the busy thread is terminated after the grace", async () => {
    const cue = startedCue({ threads: 1, abortGrace: 100 });
    cue.task("loops", { worker: workers, export: "loopsForever" });
    const id = cue.submit("loops");
    await until(() => cue.get(id)?.state === "running", "running");
    const cancelledAt = Date.now();
    await cue.cancel(id);
    expect(cue.get(id)?.state).toBe("cancelled");
    await stillWorks(cue);
    expect(Date.now() - cancelledAt).toBeLessThan(10_000);
  });

  test("retries apply to worker failures", async () => {
    const cue = startedCue({ threads: 2 });
    cue.task("flaky", {
      worker: workers,
      export: "flaky",
      retry: { attempts: 3, backoff: { initial: 1 } },
    });
    await expect(cue.result(cue.submit("flaky", { succeedOn: 3 }))).resolves.toEqual({
      attempt: 3,
    });
  });
});
