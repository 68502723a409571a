import { describe, expect, test } from "vitest";
import { isolate } from "../../src/isolate.js";

describe("isolate: a flat object of primitives (copied key by key, not by structuredClone)", () => {
  test("the copy is what structuredClone makes: same keys in the same order, a plain object, nothing shared", () => {
    const params = { b: 1, a: "x", 2: true, n: null, u: undefined, big: 10n, nan: Number.NaN };
    const copy = isolate(params);
    expect(copy).not.toBe(params);
    expect(copy).toStrictEqual(structuredClone(params));
    expect(Object.keys(copy)).toEqual(Object.keys(structuredClone(params)));
    params.b = 2;
    expect(copy.b).toBe(1);
  });

  test("a null-prototype object comes back as a plain object, as structuredClone makes it", () => {
    const params = Object.assign(Object.create(null) as Record<string, number>, { x: 1 });
    const copy = isolate(params);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(copy).toStrictEqual(structuredClone(params));
  });

  test("an own __proto__ key stays an own key and does not set the copy's prototype", () => {
    const params = JSON.parse('{"__proto__": "evil", "x": 1}') as Record<string, unknown>;
    const copy = isolate(params);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(["__proto__", "x"]);
    expect(Object.getOwnPropertyDescriptor(copy, "__proto__")?.value).toBe("evil");
  });

  test("an object holding an object, a function or a class instance takes the deep path (nested values copied, functions kept)", () => {
    const run = () => 1;
    const params = { nested: { y: 2 }, run };
    const copy = isolate(params);
    expect(copy.nested).not.toBe(params.nested);
    expect(copy.nested).toEqual({ y: 2 });
    expect(copy.run).toBe(run);
  });
});
