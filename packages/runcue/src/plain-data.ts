/**
 * True when `value` is made only of plain data, which always structured-clones
 * (to a thread, or as a copy): primitives (not symbols), plain objects and
 * arrays of them, typed arrays, ArrayBuffers and dates. A cheap walk, so the
 * usual small values need no trial `structuredClone`.
 */
export function isPlainData(value: unknown, depth = 0): boolean {
  if (value === null) return true;
  const type = typeof value;
  if (type === "symbol" || type === "function") return false;
  if (type !== "object") return true;
  if (depth > 32) return false;
  if (Array.isArray(value)) return value.every((item) => isPlainData(item, depth + 1));
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer || value instanceof Date)
    return true;
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return false;
  for (const key in value as Record<string, unknown>) {
    if (!isPlainData((value as Record<string, unknown>)[key], depth + 1)) return false;
  }
  return true;
}
