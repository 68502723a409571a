import { describe, expect, test } from "vitest";
import { startedCue } from "./helpers.js";

describe("a burst of works that settle at once leaves the event loop turning", () => {
  test("timers fire while 20,000 instant main-thread works run back to back", async () => {
    const cue = startedCue();
    // each handler spins ~20 µs and settles in a microtask: no event-loop turn of its own
    cue.task("instant", {
      run: async () => {
        const until = performance.now() + 0.02;
        while (performance.now() < until) {}
      },
    });
    const ticks: number[] = [];
    const timer = setInterval(() => ticks.push(performance.now()), 5);
    const started = performance.now();
    for (let index = 0; index < 20_000; index++) cue.submit("instant");
    await cue.idle();
    const ended = performance.now();
    clearInterval(timer);
    const marks = [started, ...ticks, ended];
    const longestGap = Math.max(...marks.slice(1).map((mark, index) => mark - marks[index]!));
    // 20,000 × 20 µs is 400 ms or more of dispatch; without cuts the timer waits for all of it
    expect(ended - started).toBeGreaterThan(300);
    expect(longestGap).toBeLessThan(250);
  });
});
