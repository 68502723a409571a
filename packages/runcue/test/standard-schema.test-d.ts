import { Cue } from "runcue";
import * as v from "valibot";
import { describe, expectTypeOf, test } from "vitest";
import { z } from "zod";
import { z as z3 } from "zod/v3";

describe("params types are inferred from any Standard Schema", () => {
  test("valibot: the output type reaches the handler, submit and onComplete", () => {
    const cue = new Cue();
    const resize = cue.task("resize", {
      params: v.object({ path: v.string(), width: v.pipe(v.string(), v.transform(Number)) }),
      run: async (work) => {
        expectTypeOf(work.params).toEqualTypeOf<{ path: string; width: number }>();
        return work.params.width * 2;
      },
    });
    cue.submit(resize, { path: "a.png", width: 3 });
    cue.onComplete(resize, (work, result) => {
      expectTypeOf(work.params.width).toEqualTypeOf<number>();
      expectTypeOf(result).toEqualTypeOf<number>();
    });
  });

  test("zod 4: the output type reaches the handler, submit, result and events", () => {
    const cue = new Cue();
    const scale = cue.task("scale", {
      params: z.object({ factor: z.number(), label: z.string().optional() }),
      run: async (work) => {
        expectTypeOf(work.params).toEqualTypeOf<{ factor: number; label?: string | undefined }>();
        return `${work.params.label ?? "x"}${work.params.factor}`;
      },
    });
    const id = cue.submit(scale, { factor: 2 });
    // @ts-expect-error factor is a number
    cue.submit(scale, { factor: "2" });
    expectTypeOf(cue.result(id)).resolves.toEqualTypeOf<string | undefined>();
    cue.onStart(scale, (work) => {
      expectTypeOf(work.params.factor).toEqualTypeOf<number>();
    });
  });

  test("zod 3", () => {
    const cue = new Cue();
    cue.task("t", {
      params: z3.object({ id: z3.number() }),
      run: async (work) => {
        expectTypeOf(work.params).toEqualTypeOf<{ id: number }>();
      },
    });
  });
});
