import * as v from "valibot";
import { describe, expect, test } from "vitest";
import { z } from "zod";
import { z as z3 } from "zod/v3";
import { newCue, startedCue } from "./helpers.js";

describe("params: any Standard Schema", () => {
  test.each([
    ["zod 4", z.object({ size: z.coerce.number().int().positive() })],
    ["zod 3", z3.object({ size: z3.coerce.number().int().positive() })],
    [
      "valibot",
      v.object({ size: v.pipe(v.unknown(), v.transform(Number), v.integer(), v.minValue(1)) }),
    ],
  ])("%s: submit validates, the handler gets the schema's output", async (_vendor, schema) => {
    const cue = startedCue();
    const seen: unknown[] = [];
    const task = cue.task("t", {
      params: schema as never,
      run: async (work) => {
        seen.push(work.params);
        return "ok";
      },
    });
    await expect(cue.result(cue.submit(task, { size: "12" } as never))).resolves.toBe("ok");
    expect(seen).toEqual([{ size: 12 }]);
  });

  test.each([
    ["zod 4", z.object({ size: z.number() })],
    ["zod 3", z3.object({ size: z3.number() })],
    ["valibot", v.object({ size: v.number() })],
  ])(
    "%s: params that fail throw at submit naming the task and the issue's path; nothing is queued",
    (_vendor, schema) => {
      const cue = newCue();
      cue.task("t", { params: schema as never, run: async () => 1 });
      expect(() => cue.submit("t", { size: "big" })).toThrow(/Invalid params for task "t": size: /);
      expect(cue.stats().pending).toBe(0);
    },
  );

  test("valibot's async schemas are refused at task(), saying they must validate synchronously", () => {
    const cue = newCue();
    const schema = v.pipeAsync(
      v.object({ id: v.string() }),
      v.checkAsync(async () => true, "never"),
    );
    expect(() => cue.task("t", { params: schema as never, run: async () => 1 })).toThrow(
      /Task "t": its params schema \(valibot\) validates asynchronously; runcue validates params synchronously/,
    );
  });

  test("a zod schema with an async refinement is refused at submit, with nothing queued and no unhandled rejection", async () => {
    const cue = newCue();
    cue.task("t", {
      params: z.object({ id: z.string() }).refine(async () => true),
      run: async () => 1,
    });
    expect(() => cue.submit("t", { id: "a" })).toThrow(/validates asynchronously/);
    expect(cue.stats().pending).toBe(0);
  });

  test("something that is not a schema is refused at task(), naming the option", () => {
    expect(() =>
      newCue().task("t", { params: { id: "string" } as never, run: async () => 1 }),
    ).toThrow(/params: expected a Standard Schema/);
  });
});
