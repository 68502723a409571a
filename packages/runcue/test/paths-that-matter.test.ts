import { describe, expect, test } from "vitest";
import { gate, startedCue, until } from "./helpers.js";

describe("paths the coverage report showed untested", () => {
  test("new ready work is inserted into an already-ranked queue at its rank", async () => {
    const cue = startedCue();
    cue.service("one", { concurrent: 1 });
    const hold = gate();
    const order: string[] = [];
    cue.task("hold", { uses: "one", run: () => hold.promise });
    cue.task("job", {
      uses: "one",
      run: async (work) => {
        order.push((work.params as { name: string }).name);
      },
    });
    const ranks: Record<string, number> = { hold: 1, low: 0.1, high: 0.9, middle: 0.5, top: 1 };
    cue.priority(({ work }) => ranks[(work.params as { name?: string }).name ?? ""] ?? 0.5);
    cue.submit("hold", { name: "hold" });
    cue.submit("job", { name: "low" });
    cue.submit("job", { name: "high" });
    // ranked once the pump ran; these arrive into that ranked queue
    await until(() => cue.debugBlocked().length === 2, "the first two to be queued");
    cue.submit("job", { name: "middle" });
    cue.submit("job", { name: "top" });
    await until(() => cue.debugBlocked().length === 4, "all four queued");
    hold.open();
    await cue.idle();
    expect(order).toEqual(["top", "high", "middle", "low"]);
  });

  test("an async isReady answering after its work was cancelled changes nothing", async () => {
    const cue = startedCue();
    const answer = gate<boolean>();
    let ran = false;
    cue.task("t", {
      isReady: () => answer.promise,
      run: async () => {
        ran = true;
      },
    });
    const id = cue.submit("t");
    await until(() => cue.debugBlocked().length === 1, "the check to be asked");
    expect(await cue.cancel(id)).toBe(true);
    answer.open(true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await cue.idle();
    expect(ran).toBe(false);
    expect(cue.get(id)?.state).toBe("cancelled");
    expect(cue.stats()).toMatchObject({ cancelled: 1, completed: 0, pending: 0, running: 0 });
  });

  test("a batch of more than 20,000 submits is checked over several event-loop turns", async () => {
    const cue = startedCue({ pollInterval: 60_000 });
    let checks = 0;
    cue.task("t", {
      isReady: () => {
        checks++;
        return false;
      },
      run: () => 1,
    });
    const seenBetweenTurns: number[] = [];
    const total = 45_000;
    for (let index = 0; index < total; index++) cue.submit("t");
    while (checks < total) {
      await new Promise((resolve) => setImmediate(resolve));
      seenBetweenTurns.push(checks);
    }
    // the event loop turned while the batch was being checked, not only after
    expect(seenBetweenTurns.some((count) => count > 0 && count < total)).toBe(true);
    expect(cue.debugBlocked()).toHaveLength(total);
  });

  test("a run handler that throws synchronously fails its attempt with that very error, and is retried", async () => {
    const cue = startedCue();
    const thrown = new RangeError("sync throw");
    let attempts = 0;
    cue.task("t", {
      retry: { attempts: 2, backoff: { initial: 1 } },
      run: () => {
        attempts++;
        throw thrown;
      },
    });
    const id = cue.submit("t");
    await expect(cue.result(id)).rejects.toBe(thrown);
    expect(attempts).toBe(2);
    expect(cue.get(id)?.error).toBe(thrown);
  });
});
