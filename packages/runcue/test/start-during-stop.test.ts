import { describe, expect, test } from "vitest";
import { gate, startedCue, until } from "./helpers.js";

describe("start() while stop() is in progress", () => {
  test("throws saying to await stop() first, and the stop goes on", async () => {
    const cue = startedCue();
    const release = gate();
    cue.task("t", { run: () => release.promise.then(() => "done") });
    const running = cue.submit("t");
    await until(() => cue.get(running)?.state === "running", "running");
    const stopping = cue.stop();
    expect(() => cue.start()).toThrow(/stop\(\) is in progress.*await (cue\.)?stop\(\)/);
    release.open();
    await stopping;
    // after the stop, start() works and later work runs
    cue.start();
    await expect(cue.result(cue.submit("t"))).resolves.toBe("done");
  });
});
