import { describe, expect, test } from "vitest";
import { fixture, gate, startedCue } from "./helpers.js";

describe("a work keeps its own params", () => {
  test("mutating the object passed to submit, or a get()/list() snapshot, changes nothing the checks and the handler see", async () => {
    const cue = startedCue();
    cue.service("one", { concurrent: 1 });
    const hold = gate();
    const seenByHandler: unknown[] = [];
    const seenByCheck: unknown[] = [];
    cue.task("hold", { uses: "one", run: () => hold.promise });
    cue.task("t", {
      uses: "one",
      isReady: (work) => {
        seenByCheck.push(structuredClone(work.params));
        return true;
      },
      run: async (work) => {
        seenByHandler.push(structuredClone(work.params));
      },
    });
    cue.submit("hold");
    const shared = { x: 1, nested: { y: 2 } };
    const first = cue.submit("t", shared);
    shared.x = 10;
    shared.nested.y = 20;
    const second = cue.submit("t", shared);
    (cue.get(first)!.params as { x: number }).x = 99;
    (cue.list({ task: "t" })[1]!.params as { nested: { y: number } }).nested.y = 99;
    hold.open();
    await cue.idle();
    expect(seenByHandler).toEqual([
      { x: 1, nested: { y: 2 } },
      { x: 10, nested: { y: 20 } },
    ]);
    expect(seenByCheck.slice(0, 2)).toEqual(seenByHandler);
    expect(cue.get(first)!.params).toEqual({ x: 1, nested: { y: 2 } });
    expect(cue.get(second)!.params).toEqual({ x: 10, nested: { y: 20 } });
  });

  test("worker tasks too: a later mutation of the submitted object does not reach the thread", async () => {
    const cue = startedCue({ threads: 1 });
    cue.service("one", { concurrent: 1 });
    const hold = gate();
    cue.task("hold", { uses: "one", run: () => hold.promise });
    cue.task("echo", { uses: "one", worker: fixture("workers.mjs") });
    cue.submit("hold");
    const params = { label: "original" };
    const id = cue.submit("echo", params);
    params.label = "changed";
    hold.open();
    await expect(cue.result(id)).resolves.toMatchObject({ params: { label: "original" } });
  });
});
