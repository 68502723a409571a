import { TimeoutError } from "runcue";
import { describe, expect, test, vi } from "vitest";
import { gate, startedCue, until } from "./helpers.js";

describe("pending and stall watch", () => {
  test("pendingWarnAfter warns once per work that waits too long", async () => {
    const cue = startedCue({ pendingWarnAfter: 30 });
    const warnings: Array<[string, number]> = [];
    cue.onPendingWarning((work, pendingFor) => warnings.push([work.id, pendingFor]));
    let ready = false;
    cue.task("t", { run: async () => 1, isReady: () => ready });
    const id = cue.submit("t");
    await until(() => warnings.length > 0, "a pending warning");
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]![0]).toBe(id);
    expect(warnings[0]![1]).toBeGreaterThanOrEqual(30);
    ready = true;
    await cue.result(id);
  });

  test("with no listener a warning is one line on stderr", async () => {
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      const cue = startedCue({ pendingWarnAfter: 10, stallWarnAfter: 10 });
      cue.task("t", { run: async () => 1, isReady: () => false });
      const id = cue.submit("t");
      await until(() => stderr.mock.calls.length >= 2, "two warnings");
      const lines = stderr.mock.calls.map((call) => String(call[0]));
      expect(
        lines.some((line) =>
          line.startsWith(`runcue: work ${id} of task "t" has been pending for`),
        ),
      ).toBe(true);
      expect(
        lines.some((line) => /^runcue: no progress for \d+ ms with 1 work pending/.test(line)),
      ).toBe(true);
      expect(
        lines.every((line) => line.endsWith("\n") && line.indexOf("\n") === line.length - 1),
      ).toBe(true);
    } finally {
      stderr.mockRestore();
    }
  });

  test("pendingTimeout fails work that waits too long with TimeoutError kind pending", async () => {
    const cue = startedCue({ pendingTimeout: 40 });
    cue.task("never ready", { run: async () => 1, isReady: () => false });
    const failures: string[] = [];
    cue.onFailure((work) => failures.push(work.id));
    const id = cue.submit("never ready");
    const error = await cue.result(id).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).kind).toBe("pending");
    expect((error as TimeoutError).message).toMatch(/^Pending timeout/);
    expect(failures).toEqual([id]);
  });

  test("stallTimeout fails ALL pending work after no progress; stallWarnAfter warns once per stall", async () => {
    const cue = startedCue({ stallTimeout: 80, stallWarnAfter: 20 });
    cue.service("one", { concurrent: 1 });
    const release = gate();
    cue.task("stuck", { uses: "one", run: () => release.promise });
    cue.task("waiting", { uses: "one", run: async () => 1 });
    cue.task("blocked", { run: async () => 1, isReady: () => false });
    const stalls: Array<[number, number]> = [];
    cue.onStallWarning((since, count) => stalls.push([since, count]));
    const running = cue.submit("stuck");
    const pending = [cue.submit("waiting"), cue.submit("blocked"), cue.submit("blocked")];
    const errors = await Promise.all(
      pending.map((id) => cue.result(id).catch((error: unknown) => error)),
    );
    for (const error of errors) {
      expect(error).toBeInstanceOf(TimeoutError);
      expect((error as TimeoutError).kind).toBe("stall");
      expect((error as TimeoutError).message).toMatch(/^Stall timeout/);
    }
    expect(stalls).toHaveLength(1);
    expect(stalls[0]![1]).toBe(3);
    expect(cue.get(running)?.state).toBe("running");
    release.open();
    await cue.idle();
  });

  test("progress resets the stall clock", async () => {
    const cue = startedCue({ stallTimeout: 60 });
    cue.service("one", { concurrent: 1 });
    cue.task("step", { uses: "one", run: () => new Promise((resolve) => setTimeout(resolve, 25)) });
    const ids = Array.from({ length: 8 }, () => cue.submit("step"));
    await cue.idle();
    for (const id of ids) expect(cue.get(id)?.state).toBe("completed");
  });
});
