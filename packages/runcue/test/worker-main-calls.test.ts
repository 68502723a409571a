import { describe, expect, test } from "vitest";
import { fixture, newCue, startedCue } from "./helpers.js";

describe("worker handlers call main-thread functions the task exposes (comlink)", () => {
  test("ctx.main.fn(...) runs on the main thread and resolves with its result", async () => {
    const cue = startedCue({ threads: 2 });
    const prices = new Map([["apple", 3]]);
    const calls: string[] = [];
    cue.task("price", {
      worker: fixture("workers.mjs"),
      export: "asksMain",
      expose: {
        lookup: (item: string) => {
          calls.push(item);
          return prices.get(item);
        },
        add: async (a: number, b: number) => a + b,
      },
    });
    const results = await Promise.all(
      [cue.submit("price", { item: "apple" }), cue.submit("price", { item: "pear" })].map((id) =>
        cue.result(id),
      ),
    );
    expect(results).toEqual([
      { price: 3, total: 4 },
      { price: undefined, total: Number.NaN },
    ]);
    expect(calls.sort()).toEqual(["apple", "pear"]);
  });

  test("a task that exposes nothing gets a clear error from ctx.main", async () => {
    const cue = startedCue({ threads: 1 });
    cue.task("asks", { worker: fixture("workers.mjs"), export: "asksMainWithoutExpose" });
    await expect(cue.result(cue.submit("asks"))).rejects.toThrow(
      /ctx.main.lookup: the task exposes no main-thread functions/,
    );
  });

  test("expose on a main-thread task is refused", () => {
    const cue = newCue();
    expect(() => cue.task("t", { run: async () => 1, expose: { f: () => 1 } } as never)).toThrow(
      /"expose" is for worker tasks/,
    );
  });
});
