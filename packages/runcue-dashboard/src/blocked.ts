import type { BlockedWork } from "runcue";

/** Pending work counted by the reason it waits, as of `at`. */
export interface BlockedSummary {
  /** Count of pending works per reason (`not_ready`, `service_full`, ...). */
  counts: Record<string, number>;
  /** One of runcue's explanations per reason, e.g. `service "api" concurrency 5/5`. */
  examples: Record<string, string>;
  /** `Date.now()` when `debugBlocked()` was last asked. */
  at: number;
  /** ms that call (and the counting) took on the main thread. */
  costMs: number;
  /** ms until it is asked again at the earliest. */
  nextIn: number;
}

/**
 * Asks `debugBlocked()` no more often than its cost allows. It walks every
 * pending work (O(n): 60 to 200 ms at 100,000 works), so it runs again only after
 * `cost / budget` ms: at most `budget` of the main thread goes to it, and
 * with little pending work it is asked every update.
 */
export class BlockedSampler {
  private summary: BlockedSummary = { counts: {}, examples: {}, at: 0, costMs: 0, nextIn: 0 };
  private nextAt = 0;

  constructor(
    private readonly debugBlocked: () => BlockedWork[],
    /** Share of the main thread the sampler may take, 0 to 1. */
    private readonly budget = 0.01,
  ) {}

  /** The counts, refreshed first when they are due; `pending` is stats().pending. */
  read(pending: number, now = Date.now()): BlockedSummary {
    if (pending === 0) {
      // nothing waits, so nothing to ask: an idle cue costs no walk at all. The pause is kept:
      // work submitted in bursts must not buy a fresh walk with each burst.
      return { counts: {}, examples: {}, at: now, costMs: 0, nextIn: 0 };
    }
    if (now >= this.nextAt) {
      const started = performance.now();
      const counts: Record<string, number> = {};
      const examples: Record<string, string> = {};
      for (const { reason, details } of this.debugBlocked()) {
        counts[reason] = (counts[reason] ?? 0) + 1;
        examples[reason] ??= details;
      }
      const costMs = performance.now() - started;
      const wait = Math.ceil(costMs / this.budget);
      this.nextAt = now + wait;
      this.summary = { counts, examples, at: now, costMs, nextIn: wait };
    }
    return { ...this.summary, nextIn: Math.max(0, this.nextAt - now) };
  }
}
