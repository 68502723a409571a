/**
 * Says what in a value keeps it from crossing to another thread, so a result
 * or progress value that cannot be cloned fails with a message naming the
 * culprit ("a function (render) at .draw") instead of a bare DataCloneError.
 */

import { isPlainData } from "../plain-data.js";

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const member = (path: string, key: string) =>
  IDENTIFIER.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;

function describeLeaf(value: unknown): string | undefined {
  if (typeof value === "function") return value.name ? `a function (${value.name})` : "a function";
  if (typeof value === "symbol") return `a symbol (${value.toString()})`;
  return undefined;
}

/** The first part of `value` that cannot be cloned, as "what at where", or undefined. */
function locate(value: unknown, path: string, seen: Set<object>): string | undefined {
  const leaf = describeLeaf(value);
  if (leaf) return `${leaf} at ${path || "the top level"}`;
  if (typeof value !== "object" || value === null || seen.has(value)) return undefined;
  seen.add(value);
  if (value instanceof Map) {
    for (const [key, item] of value) {
      const found =
        locate(key, `${path}.keys()`, seen) ?? locate(item, `${path}.get(${String(key)})`, seen);
      if (found) return found;
    }
  } else if (value instanceof Set) {
    for (const item of value) {
      const found = locate(item, `${path}.values()`, seen);
      if (found) return found;
    }
  } else if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const found = locate(value[index], `${path}[${index}]`, seen);
      if (found) return found;
    }
  } else {
    for (const key of Object.keys(value)) {
      const found = locate((value as Record<string, unknown>)[key], member(path, key), seen);
      if (found) return found;
    }
  }
  // no part of it is to blame, so the object itself is of a kind that never clones (a Promise, a WeakMap...)
  const prototype = Object.getPrototypeOf(value);
  if (prototype === Object.prototype || prototype === null || Array.isArray(value))
    return undefined;
  try {
    structuredClone(value);
    return undefined;
  } catch {
    const kind = (prototype?.constructor as { name?: string } | undefined)?.name || "object";
    return `an instance of ${kind} at ${path || "the top level"}`;
  }
}

/**
 * Undefined when `value` can be structured-cloned; else what it holds that
 * cannot, and where, with the DataCloneError's own words.
 */
export function describeUncloneable(value: unknown): string | undefined {
  if (isPlainData(value, 0)) return undefined;
  try {
    structuredClone(value);
    return undefined;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const culprit = locate(value, "", new Set());
    return culprit ? `it holds ${culprit} (${reason})` : reason;
  }
}
