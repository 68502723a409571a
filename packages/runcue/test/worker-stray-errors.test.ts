import { describe, expect, test, vi } from "vitest";
import { fixture, startedCue, until } from "./helpers.js";

const misbehaving = fixture("misbehaving.mjs");

describe("errors thrown in a thread outside any handler's call", () => {
  test("a timer left behind by an ended work throws: the next work on that thread is not failed", async () => {
    const written: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    const spy = vi.spyOn(process.stderr, "write").mockImplementation((chunk, ...rest) => {
      written.push(String(chunk));
      return write(chunk, ...(rest as []));
    });
    try {
      const cue = startedCue({ threads: 1 });
      cue.task("leaves", { worker: misbehaving, export: "leavesThrowingTimer" });
      cue.task("sleeps", { worker: misbehaving, export: "sleeps" });
      const first = cue.submit("leaves", { after: 50 });
      await expect(cue.result(first)).resolves.toBe("left a timer");
      // the only thread runs this one while the left-behind timer fires
      const second = cue.submit("sleeps", { ms: 300 });
      await expect(cue.result(second)).resolves.toBe(second);
      await until(
        () => written.some((line) => line.includes(`late throw from ${first}`)),
        "the stray error to be printed",
      );
      const line = written.find((text) => text.includes(`late throw from ${first}`))!;
      expect(line).toMatch(
        new RegExp(
          `left behind by work ${first} of task "leaves" threw after that work had ended \\(no work failed`,
        ),
      );
      expect(cue.stats()).toMatchObject({ completed: 2, failed: 0 });
    } finally {
      spy.mockRestore();
    }
  });

  test("a rejection left unhandled by an ended work fails no other work either", async () => {
    const cue = startedCue({ threads: 1 });
    cue.task("leaves", { worker: misbehaving, export: "leavesRejection" });
    cue.task("sleeps", { worker: misbehaving, export: "sleeps" });
    const spy = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      await cue.result(cue.submit("leaves", { after: 20 }));
      const ids = [1, 2, 3].map(() => cue.submit("sleeps", { ms: 60 }));
      for (const id of ids) await expect(cue.result(id)).resolves.toBe(id);
      expect(cue.stats()).toMatchObject({ completed: 4, failed: 0 });
    } finally {
      spy.mockRestore();
    }
  });

  test("a timer of a running handler that throws fails that work, saying the error came from outside the handler's call", async () => {
    const cue = startedCue({ threads: 1 });
    cue.task("own", { worker: misbehaving, export: "ownTimerThrows" });
    cue.task("sleeps", { worker: misbehaving, export: "sleeps" });
    const id = cue.submit("own");
    const error = (await cue.result(id).catch((caught: unknown) => caught)) as Error;
    expect(error.message).toMatch(
      new RegExp(
        `^Work ${id} of task "own" failed: an error was thrown outside its handler's call, by a timer or callback the handler left running: Error: own timer of ${id}`,
      ),
    );
    // the thread goes on: nothing was terminated
    const next = cue.submit("sleeps", { ms: 1 });
    await expect(cue.result(next)).resolves.toBe(next);
  });
});
