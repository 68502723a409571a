import { messages } from "../errors.js";

/**
 * True when `value` is made only of what always crosses to a thread:
 * primitives (not symbols), plain objects and arrays of them, typed arrays
 * and dates. A cheap walk, so the usual small params need no trial clone.
 */
export function isPlainData(value: unknown, depth = 0): boolean {
  if (value === null) return true;
  const type = typeof value;
  if (
    type === "string" ||
    type === "number" ||
    type === "boolean" ||
    type === "undefined" ||
    type === "bigint"
  ) {
    return true;
  }
  if (type !== "object" || depth > 32) return false;
  if (Array.isArray(value)) return value.every((item) => isPlainData(item, depth + 1));
  if (ArrayBuffer.isView(value) || value instanceof Date) return true;
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return false;
  for (const key in value as Record<string, unknown>) {
    if (!isPlainData((value as Record<string, unknown>)[key], depth + 1)) return false;
  }
  return true;
}

/** Throws, naming the task, when `params` cannot be structured-cloned to a thread. */
export function assertCloneable(task: string, params: unknown): void {
  if (isPlainData(params)) return;
  try {
    structuredClone(params);
  } catch (error) {
    throw new Error(
      messages.unclonableParams(task, error instanceof Error ? error.message : String(error)),
    );
  }
}
