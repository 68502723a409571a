import { describe, expect, test } from "vitest";
import { startedCue } from "./helpers.js";

describe("a rate-limited service with a priority callback", () => {
  test("work ranked while the window is full starts once it reopens (found by the property suite)", async () => {
    const cue = startedCue();
    cue.service("api", { rate: { limit: 2, interval: 50 } });
    cue.task("t", { uses: "api", run: async () => "ran" });
    cue.priority(() => 0.5);
    const ids = [1, 2, 3, 4, 5].map(() => cue.submit("t"));
    const results = await Promise.all(ids.map((id) => cue.result(id)));
    expect(results).toEqual(["ran", "ran", "ran", "ran", "ran"]);
  });
});
