import { describe, expect, test } from "vitest";
import { heldQueue } from "./helpers.js";

describe("priority is clamped to [0, 1]", () => {
  test("submit's priority: 7 counts as 1 and -3 as 0, so submission order decides between them and 1 or 0", async () => {
    const { cue, release, order } = heldQueue();
    cue.start();
    cue.submit("hold");
    cue.submit("job", { name: "one" }, { priority: 1 });
    cue.submit("job", { name: "seven" }, { priority: 7 });
    cue.submit("job", { name: "minus three" }, { priority: -3 });
    cue.submit("job", { name: "zero" }, { priority: 0 });
    release.open();
    await cue.idle();
    // unclamped, "seven" would run before "one" and "zero" before "minus three"
    expect(order).toEqual(["one", "seven", "minus three", "zero"]);
  });

  test("the priority callback's answers are clamped the same way", async () => {
    const { cue, release, order } = heldQueue();
    const ranks: Record<string, number> = { one: 1, seven: 7, "minus three": -3, zero: 0 };
    cue.priority(({ work }) => ranks[(work.params as { name?: string }).name ?? ""] ?? 0.5);
    cue.start();
    cue.submit("hold");
    for (const name of Object.keys(ranks)) cue.submit("job", { name });
    release.open();
    await cue.idle();
    expect(order).toEqual(["one", "seven", "minus three", "zero"]);
  });
});
