/**
 * Readiness and staleness checks run for every pending work on every re-check:
 * thousands of times a run, mostly asking the same few files the same question.
 * `reusedFor` keeps each answer for a few milliseconds, so those checks cost
 * one file-system call per file per interval instead of one per work per
 * re-check, and the main thread stays free to dispatch.
 */

/** Wraps `read` so that the same key asked again within `ms` milliseconds gets the same answer. */
export function reusedFor<K, V>(ms: number, read: (key: K) => Promise<V>): (key: K) => Promise<V> {
  const answers = new Map<K, { at: number; value: Promise<V> }>();
  return (key) => {
    const now = performance.now();
    const known = answers.get(key);
    if (known && now - known.at <= ms) return known.value;
    const value = read(key);
    answers.set(key, { at: now, value });
    return value;
  };
}
