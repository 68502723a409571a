import { TimeoutError } from "runcue";
import { describe, expect, test } from "vitest";
import { startedCue } from "./helpers.js";

describe("the pending clock starts when work becomes due", () => {
  test("a work delayed beyond pendingTimeout and pendingWarnAfter runs, with no warning", async () => {
    const cue = startedCue({ pendingTimeout: 150, pendingWarnAfter: 100 });
    const warnings: string[] = [];
    cue.onPendingWarning((work) => warnings.push(work.id));
    cue.task("later", { run: async () => "ran" });
    const delayed = cue.submit("later", {}, { delay: 400 });
    const at = cue.submit("later", {}, { at: Date.now() + 400 });
    await expect(cue.result(delayed)).resolves.toBe("ran");
    await expect(cue.result(at)).resolves.toBe("ran");
    expect(warnings).toEqual([]);
  });

  test("a retry waiting out a backoff longer than pendingTimeout runs again instead of timing out", async () => {
    const cue = startedCue({ pendingTimeout: 150 });
    cue.task("flaky", {
      retry: { attempts: 2, backoff: { initial: 400 } },
      run: async (work) => {
        if (work.attempt === 1) throw new Error("first attempt fails");
        return "second attempt";
      },
    });
    await expect(cue.result(cue.submit("flaky"))).resolves.toBe("second attempt");
  });

  test("the clock does run once the work is due: not-ready work past pendingTimeout fails", async () => {
    const cue = startedCue({ pendingTimeout: 150, pollInterval: 10 });
    cue.task("never", { run: async () => 1, isReady: () => false });
    const id = cue.submit("never", {}, { delay: 200 });
    const submittedAt = Date.now();
    const error = await cue.result(id).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).kind).toBe("pending");
    // 200 ms delayed, then 150 ms pending
    expect(Date.now() - submittedAt).toBeGreaterThanOrEqual(350 - 5);
  });
});
