import { CancelledError, Cue } from "runcue";
import { describe, expect, test } from "vitest";
import { gate, newCue, startedCue, until } from "./helpers.js";

describe("submit's signal cancels the work", () => {
  test("an already-aborted signal cancels it at once; it never runs", async () => {
    const cue = startedCue();
    let ran = false;
    cue.task("t", {
      run: async () => {
        ran = true;
      },
    });
    const id = cue.submit("t", {}, { signal: AbortSignal.abort() });
    expect(cue.get(id)?.state).toBe("cancelled");
    await expect(cue.result(id)).rejects.toBeInstanceOf(CancelledError);
    await cue.idle();
    expect(ran).toBe(false);
  });

  test("aborting while pending cancels it; aborting while running aborts the handler's signal", async () => {
    const cue = startedCue();
    cue.service("one", { concurrent: 1 });
    const sawAbort = gate();
    cue.task("t", {
      uses: "one",
      run: (_work, ctx) =>
        new Promise((_resolve, reject) => {
          ctx.signal.addEventListener("abort", () => {
            sawAbort.open();
            reject(ctx.signal.reason);
          });
        }),
    });
    const runningController = new AbortController();
    const pendingController = new AbortController();
    const running = cue.submit("t", {}, { signal: runningController.signal });
    const pending = cue.submit("t", {}, { signal: pendingController.signal });
    await until(() => cue.get(running)?.state === "running", "running");
    pendingController.abort();
    expect(cue.get(pending)?.state).toBe("cancelled");
    runningController.abort();
    await sawAbort.promise;
    expect(cue.get(running)?.state).toBe("cancelled");
    await cue.idle();
  });

  test("a signal that is not an AbortSignal throws naming the option", () => {
    const cue = newCue();
    cue.task("t", { run: async () => 1 });
    expect(() => cue.submit("t", {}, { signal: {} as AbortSignal })).toThrow(/signal/);
  });
});

describe("result's and idle's signal only stop the waiting", () => {
  test("result() rejects with the signal's reason; the work goes on and completes", async () => {
    const cue = startedCue();
    const release = gate();
    cue.task("t", { run: () => release.promise.then(() => "done") });
    const id = cue.submit("t");
    const controller = new AbortController();
    const waiting = cue.result(id, { signal: controller.signal });
    controller.abort(new Error("gave up waiting"));
    await expect(waiting).rejects.toThrow("gave up waiting");
    release.open();
    await expect(cue.result(id)).resolves.toBe("done");
    await expect(cue.result(id, { signal: AbortSignal.abort() })).resolves.toBe("done");
  });

  test("idle() rejects with the signal's reason, already aborted or later; the cue goes on", async () => {
    const cue = startedCue();
    const release = gate();
    cue.task("t", { run: () => release.promise });
    const id = cue.submit("t");
    await expect(cue.idle({ signal: AbortSignal.abort(new Error("now")) })).rejects.toThrow("now");
    const controller = new AbortController();
    const waiting = cue.idle({ signal: controller.signal });
    controller.abort(new Error("later"));
    await expect(waiting).rejects.toThrow("later");
    release.open();
    await cue.idle();
    expect(cue.get(id)?.state).toBe("completed");
  });
});

describe("await using", () => {
  test("Cue implements Symbol.asyncDispose as stop()", async () => {
    let cue: Cue | undefined;
    let finished = false;
    {
      await using disposable = new Cue();
      cue = disposable;
      disposable.task("t", {
        run: async () => {
          await new Promise((resolve) => setTimeout(resolve, 20));
          finished = true;
        },
      });
      disposable.start();
      disposable.submit("t");
      await until(() => disposable.stats().running === 1, "running");
    }
    // stop() awaited the running work
    expect(finished).toBe(true);
    expect(typeof cue[Symbol.asyncDispose]).toBe("function");
  });
});
