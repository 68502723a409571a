import { Cue, type Work, type WorkId } from "runcue";
import type { WorkerContext, WorkerWork } from "runcue/worker";
import { transfer } from "runcue/worker";
import { describe, expectTypeOf, test } from "vitest";
import { z } from "zod";

describe("types flow from the task definition", () => {
  test("params from the zod schema and result from run reach submit, result and onComplete", () => {
    const cue = new Cue();
    const resize = cue.task("resize", {
      params: z.object({ path: z.string(), width: z.number() }),
      run: async (work) => {
        expectTypeOf(work.params).toEqualTypeOf<{ path: string; width: number }>();
        return { bytes: 10, path: work.params.path };
      },
    });
    const id = cue.submit(resize, { path: "a.png", width: 100 });
    expectTypeOf(id).toMatchTypeOf<string>();
    expectTypeOf(id).toEqualTypeOf<
      WorkId<{ path: string; width: number }, { bytes: number; path: string }>
    >();
    expectTypeOf(cue.result(id)).resolves.toEqualTypeOf<
      { bytes: number; path: string } | undefined
    >();
    expectTypeOf(cue.get(id)).toEqualTypeOf<
      Work<{ path: string; width: number }, { bytes: number; path: string }> | undefined
    >();
    cue.onComplete(resize, (work, result) => {
      expectTypeOf(result.bytes).toEqualTypeOf<number>();
      expectTypeOf(work.params.width).toEqualTypeOf<number>();
    });
    // @ts-expect-error width must be a number
    cue.submit(resize, { path: "a.png", width: "wide" });
  });

  test("a plain string name still works, untyped", () => {
    const cue = new Cue();
    const id = cue.submit("anything", { x: 1 });
    expectTypeOf(cue.result(id)).resolves.toEqualTypeOf<unknown>();
  });

  test("worker tasks take their types from type arguments", () => {
    const cue = new Cue();
    const tile = cue.task<{ x: number }, { pixels: Uint8Array }>("tile", {
      worker: "/abs/tile.worker.js",
    });
    const id = cue.submit(tile, { x: 1 });
    expectTypeOf(cue.result(id)).resolves.toEqualTypeOf<{ pixels: Uint8Array } | undefined>();
  });

  test("worker-side types", () => {
    const handler = (work: WorkerWork<{ n: number }>, ctx: WorkerContext) => {
      expectTypeOf(ctx.signal).toEqualTypeOf<AbortSignal>();
      const pixels = new Uint8Array(work.params.n);
      return transfer({ pixels }, [pixels.buffer]);
    };
    expectTypeOf(handler).returns.toEqualTypeOf<{ pixels: Uint8Array<ArrayBuffer> }>();
  });

  test("event listeners get Work and unsubscribe functions come back", () => {
    const cue = new Cue();
    expectTypeOf(cue.onStart(() => {})).toEqualTypeOf<() => void>();
    cue.onFailure((work, error) => {
      expectTypeOf(work).toEqualTypeOf<Work>();
      expectTypeOf(error).toEqualTypeOf<Error>();
    });
    cue.onStallWarning((since, count) => {
      expectTypeOf(since).toEqualTypeOf<number>();
      expectTypeOf(count).toEqualTypeOf<number>();
    });
  });

  test("every work event takes a task first and types its listener from the task", () => {
    const cue = new Cue();
    const tile = cue.task("tile", {
      params: z.object({ col: z.number(), row: z.number() }),
      run: async () => ({ pixels: 4 }),
    });
    type Tile = Work<{ col: number; row: number }, { pixels: number }>;
    cue.onStart(tile, (work) => expectTypeOf(work).toEqualTypeOf<Tile>());
    cue.onComplete(tile, (work, result, duration) => {
      expectTypeOf(work.params.col).toEqualTypeOf<number>();
      expectTypeOf(result).toEqualTypeOf<{ pixels: number }>();
      expectTypeOf(duration).toEqualTypeOf<number>();
    });
    cue.onFailure(tile, (work, error) => {
      expectTypeOf(work).toEqualTypeOf<Tile>();
      expectTypeOf(error).toEqualTypeOf<Error>();
    });
    cue.onRetry(tile, (work, _error, delay) => {
      expectTypeOf(work.params.row).toEqualTypeOf<number>();
      expectTypeOf(delay).toEqualTypeOf<number>();
    });
    cue.onSkip(tile, (work) => expectTypeOf(work).toEqualTypeOf<Tile>());
    cue.onProgress(tile, (work, value) => {
      expectTypeOf(work).toEqualTypeOf<Tile>();
      expectTypeOf(value).toEqualTypeOf<unknown>();
    });
    cue.onPendingWarning(tile, (work, pendingFor) => {
      expectTypeOf(work).toEqualTypeOf<Tile>();
      expectTypeOf(pendingFor).toEqualTypeOf<number>();
    });
    // @ts-expect-error col is a number
    cue.onComplete(tile, (work: Work<{ col: string }>) => work);
  });
});
