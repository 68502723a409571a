import { describe, expect, test } from "vitest";
import { fixture, startedCue } from "./helpers.js";

const misbehaving = fixture("misbehaving.mjs");
const workers = fixture("workers.mjs");

describe("values that cannot cross from a thread", () => {
  test("ctx.progress with a value that cannot be cloned throws a TypeError in the handler, saying so", async () => {
    const cue = startedCue({ threads: 1 });
    cue.task("p", { worker: misbehaving, export: "progressFunctionCaught" });
    const caught = (await cue.result(cue.submit("p"))) as { name: string; message: string };
    expect(caught.name).toBe("TypeError");
    expect(caught.message).toMatch(
      /ctx\.progress\(\) in work w1 of task "p": the value cannot be sent to the main thread .*a function \(callback\) at \.callback/,
    );
  });

  test("an uncaught progress failure fails its work, after the progress sent before it; the pool is not held", async () => {
    const cue = startedCue({ threads: 2 });
    cue.task("p", { worker: misbehaving, export: "progressFunction" });
    cue.task("echo", { worker: workers });
    const seen: string[] = [];
    cue.onProgress((work, value) => seen.push(`${work.id} progress ${String(value)}`));
    cue.onFailure((work) => seen.push(`${work.id} failed`));
    // two such works once locked a 2-thread pool for ever
    const bad = [cue.submit("p"), cue.submit("p")];
    for (const id of bad) {
      await expect(cue.result(id)).rejects.toThrow(
        /the value cannot be sent to the main thread .*a function \(onTick\) at \.callback/,
      );
      expect(cue.get(id)?.error).toBeInstanceOf(Error);
      expect(cue.get(id)?.error?.name).toBe("TypeError");
    }
    await expect(cue.result(cue.submit("echo", { n: 1 }))).resolves.toMatchObject({
      params: { n: 1 },
    });
    for (const id of bad) {
      expect(seen.indexOf(`${id} progress 1`)).toBeGreaterThanOrEqual(0);
      expect(seen.indexOf(`${id} progress 1`)).toBeLessThan(seen.indexOf(`${id} failed`));
    }
    await cue.idle();
    expect(cue.stats()).toMatchObject({ failed: 2, completed: 1, running: 0, pending: 0 });
  });

  test("a result holding a function fails the attempt, saying it cannot be cloned and where the function is", async () => {
    const cue = startedCue({ threads: 1 });
    cue.task("ret", { worker: misbehaving, export: "returnsFunction" });
    const error = (await cue.result(cue.submit("ret")).catch((caught: unknown) => caught)) as Error;
    expect(error.name).toBe("TypeError");
    expect(error.message).toMatch(
      /^Work w1 of task "ret" returned a result that cannot be sent to the main thread \(it must be structured-cloneable.*\): it holds a function \(render\) at \.render/,
    );
  });

  test("a result holding a Promise deep inside, or a bare symbol, says what and where", async () => {
    const cue = startedCue({ threads: 1 });
    cue.task("promise", { worker: misbehaving, export: "returnsPromiseInside" });
    cue.task("symbol", { worker: misbehaving, export: "returnsSymbol" });
    await expect(cue.result(cue.submit("promise"))).rejects.toThrow(
      /it holds an instance of Promise at \.nested\[1\]\.pending/,
    );
    await expect(cue.result(cue.submit("symbol"))).rejects.toThrow(
      /it holds a symbol \(Symbol\(secret\)\) at the top level/,
    );
  });

  test("a result that cannot be cloned is retried like any failed attempt", async () => {
    const cue = startedCue({ threads: 1 });
    cue.task("ret", {
      worker: misbehaving,
      export: "returnsFunction",
      retry: { attempts: 2, backoff: { initial: 1 } },
    });
    const retries: string[] = [];
    cue.onRetry((_work, error) => retries.push(error.message));
    await expect(cue.result(cue.submit("ret"))).rejects.toThrow(/cannot be sent/);
    expect(retries).toHaveLength(1);
  });
});
