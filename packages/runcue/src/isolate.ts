/**
 * A work keeps its own params (the contract's "isolated params"): `submit`
 * copies what it is given, and every snapshot (`get()`, `list()`, events)
 * hands out a copy, so neither the caller reusing an object nor someone
 * writing into a snapshot changes what the checks and the handler see.
 */

import { isPlainData } from "./plain-data.js";

function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  // "__proto__" must stay an own key, not set the copy's prototype
  if (key === "__proto__") {
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else target[key] = value;
}

/**
 * Copies plain objects, arrays, Maps, Sets, dates and typed arrays; keeps
 * functions and class instances as they are (a main-thread handler may be
 * given a client object on purpose, and a copy would lose its methods).
 */
function copyKeepingInstances(value: unknown, seen: Map<object, unknown>): unknown {
  if (value === null || typeof value !== "object") return value;
  const known = seen.get(value);
  if (known !== undefined) return known;
  if (Array.isArray(value)) {
    const copy: unknown[] = [];
    seen.set(value, copy);
    for (const item of value) copy.push(copyKeepingInstances(item, seen));
    return copy;
  }
  if (value instanceof Map) {
    const copy = new Map();
    seen.set(value, copy);
    for (const [key, item] of value) copy.set(key, copyKeepingInstances(item, seen));
    return copy;
  }
  if (value instanceof Set) {
    const copy = new Set();
    seen.set(value, copy);
    for (const item of value) copy.add(copyKeepingInstances(item, seen));
    return copy;
  }
  if (value instanceof Date) return new Date(value.getTime());
  if (ArrayBuffer.isView(value)) return structuredClone(value);
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value;
  const copy: Record<string, unknown> = prototype === null ? Object.create(null) : {};
  seen.set(value, copy);
  for (const key of Object.keys(value)) {
    setOwn(copy, key, copyKeepingInstances((value as Record<string, unknown>)[key], seen));
  }
  return copy;
}

/**
 * The common case, a plain object of primitives (`{ id: 7, url: "..." }`),
 * copied by a spread: what `structuredClone` would make (a plain object, own
 * enumerable string keys in order), at a fraction of its cost, and the size
 * of the source (an object filled key by key has room for four keys, 24 bytes
 * a work more for `{ id }`). Undefined for anything else.
 */
function copyFlat(value: object): Record<string, unknown> | undefined {
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return undefined;
  const copy: Record<string, unknown> = { ...value };
  for (const key in copy) {
    const item = copy[key];
    const type = typeof item;
    if ((type === "object" && item !== null) || type === "function" || type === "symbol")
      return undefined;
  }
  // a spread keeps symbol keys, which structuredClone drops: left to the other copies
  return Object.getOwnPropertySymbols(value).length === 0 ? copy : undefined;
}

/** What `isolateFlat` answers for params whose copy it leaves to `isolate`. */
export const NOT_FLAT: unique symbol = Symbol("not flat");

/** `isolate(params)` when that is cheap (a primitive, or a plain object of primitives); else NOT_FLAT. */
export function isolateFlat(params: unknown): unknown {
  if (params === null || typeof params !== "object") return params;
  return copyFlat(params) ?? NOT_FLAT;
}

/** A copy of `params` that shares nothing mutable with it (but functions and class instances). */
export function isolate<T>(params: T): T {
  if (params === null || typeof params !== "object") return params;
  const flat = copyFlat(params);
  if (flat !== undefined) return flat as T;
  if (isPlainData(params, 0)) return structuredClone(params);
  return copyKeepingInstances(params, new Map()) as T;
}
