import { describe, expect, test } from "vitest";
import { gate, startedCue, until } from "./helpers.js";

describe("not-ready work is polled with a back-off", () => {
  test("the first re-check comes after pollInterval, later ones less often, none further apart than maxPollInterval", async () => {
    const cue = startedCue({ pollInterval: 30, maxPollInterval: 200 });
    const checksAt: number[] = [];
    cue.task("never", {
      isReady: () => {
        checksAt.push(performance.now());
        return false;
      },
      run: async () => 1,
    });
    cue.submit("never");
    await until(
      () => checksAt.length > 0 && performance.now() - checksAt[0]! > 1_500,
      "1.5 s of polling",
    );
    const gaps = checksAt.slice(1).map((at, index) => at - checksAt[index]!);
    expect(gaps[0]).toBeGreaterThanOrEqual(30 - 2);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(200 + 60);
    // it backs off: the last gaps are near the cap, well above the first
    expect(gaps.at(-1)!).toBeGreaterThanOrEqual(150);
    // about 1.5 s at 200 ms at most apart, after a few shorter gaps: far fewer than 1500 / 30 checks
    expect(checksAt.length).toBeLessThan(20);
  });

  test("an input that appears from outside (no recheck()) is noticed within maxPollInterval", async () => {
    const cue = startedCue({ pollInterval: 20, maxPollInterval: 150 });
    let ready = false;
    let checks = 0;
    cue.task("waits", {
      isReady: () => {
        checks++;
        return ready;
      },
      run: async () => performance.now(),
    });
    const id = cue.submit("waits");
    await until(() => checks >= 6, "the back-off to reach its cap", 10_000);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const appearedAt = performance.now();
    ready = true;
    const startedAt = (await cue.result(id)) as number;
    expect(startedAt - appearedAt).toBeLessThanOrEqual(150 + 100);
  });

  test("work that waited in a queue longer than pollInterval is checked again right before it starts", async () => {
    const cue = startedCue({ pollInterval: 20 });
    cue.service("one", { concurrent: 1 });
    const hold = gate();
    cue.task("hold", { uses: "one", run: () => hold.promise });
    let inputValid = true;
    cue.task("t", { uses: "one", isReady: () => inputValid, run: async () => "ran" });
    cue.submit("hold");
    const id = cue.submit("t");
    await until(
      () => cue.debugBlocked().some((blocked) => blocked.reason === "service_full"),
      "queued",
    );
    await new Promise((resolve) => setTimeout(resolve, 60));
    inputValid = false;
    hold.open();
    await until(() => cue.stats().running === 0, "the hold to finish");
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(cue.get(id)?.state).toBe("pending");
    expect(cue.debugBlocked().map((blocked) => blocked.reason)).toEqual(["not_ready"]);
    inputValid = true;
    cue.recheck();
    await expect(cue.result(id)).resolves.toBe("ran");
  });
});
