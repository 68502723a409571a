import type { Cue, Work } from "runcue";
import { expect } from "vitest";

/**
 * How many runs a property makes: small for `pnpm test`, more with
 * RUNCUE_FC_RUNS=500 (see `pnpm test:properties`).
 */
export function propertyRuns(defaultRuns: number): number {
  const fromEnv = Number(process.env.RUNCUE_FC_RUNS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : defaultRuns;
}

/** fast-check's seed from RUNCUE_FC_SEED, to replay a failure it printed. */
export function propertySeed(): { seed?: number } {
  const seed = Number(process.env.RUNCUE_FC_SEED);
  return Number.isInteger(seed) ? { seed } : {};
}

/** A promise that rejects naming `what` if `promise` has not settled within `ms`. */
export async function settlesWithin<T>(
  promise: Promise<T>,
  ms: number,
  what: string,
  state?: () => string,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () =>
        reject(new Error(`${what} did not settle within ${ms} ms${state ? `: ${state()}` : ""}`)),
      ms,
    );
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Counts unhandled rejections while a run lasts. */
export function watchUnhandledRejections(): { count: () => number; stop: () => void } {
  const seen: unknown[] = [];
  const listener = (reason: unknown) => seen.push(reason);
  process.on("unhandledRejection", listener);
  return {
    count: () => seen.length,
    stop: () => process.off("unhandledRejection", listener),
  };
}

/** Final events per work, taken in the listeners. */
export class FinalEvents {
  readonly byWork = new Map<string, string[]>();
  completed = 0;
  skipped = 0;
  failed = 0;
  /** Progress events that came after their work's final event. */
  readonly lateProgress: string[] = [];

  constructor(cue: Cue) {
    cue.onProgress((work, value) => {
      if (this.byWork.has(work.id)) this.lateProgress.push(`${work.id}: ${String(value)}`);
    });
    const record = (kind: string) => (work: Work) => {
      const list = this.byWork.get(work.id) ?? [];
      list.push(kind);
      this.byWork.set(work.id, list);
    };
    cue.onComplete((work) => {
      this.completed++;
      record("complete")(work);
    });
    cue.onSkip((work) => {
      this.skipped++;
      record("skip")(work);
    });
    cue.onFailure((work) => {
      this.failed++;
      record("failure")(work);
    });
  }
}

/**
 * Once the cue is idle: every work is in one final state matching its one
 * final event (none for cancelled work), and stats() agrees with the events.
 */
export function expectBooksBalance(cue: Cue, ids: string[], events: FinalEvents): void {
  const states = { completed: 0, skipped: 0, failed: 0, cancelled: 0 };
  for (const id of ids) {
    const work = cue.get(id);
    expect(work, `work ${id} is known`).toBeDefined();
    const finals = events.byWork.get(id) ?? [];
    switch (work!.state) {
      case "completed":
        expect(finals, `final events of ${id}`).toEqual([work!.skipped ? "skip" : "complete"]);
        if (work!.skipped) states.skipped++;
        else states.completed++;
        break;
      case "failed":
        expect(finals, `final events of ${id}`).toEqual(["failure"]);
        expect(work!.error).toBeInstanceOf(Error);
        states.failed++;
        break;
      case "cancelled":
        expect(finals, `final events of ${id}`).toEqual([]);
        states.cancelled++;
        break;
      default:
        throw new Error(`work ${id} is still ${work!.state} after idle()`);
    }
    expect(work!.completedAt, `completedAt of ${id}`).toBeTypeOf("number");
  }
  expect(events.lateProgress, "progress after a final event").toEqual([]);
  const stats = cue.stats();
  expect({
    pending: stats.pending,
    running: stats.running,
    completed: stats.completed,
    skipped: stats.skipped,
    failed: stats.failed,
    cancelled: stats.cancelled,
  }).toEqual({ pending: 0, running: 0, ...states });
  expect(events.completed).toBe(states.completed);
  expect(events.skipped).toBe(states.skipped);
  expect(events.failed).toBe(states.failed);
}

/** The most starts inside any window of `interval` ms, from sorted stamps. */
export function mostStartsInWindow(stamps: number[], interval: number, slack: number): number {
  const sorted = [...stamps].sort((a, b) => a - b);
  let most = 0;
  let first = 0;
  for (let last = 0; last < sorted.length; last++) {
    while (sorted[last]! - sorted[first]! >= interval - slack) first++;
    most = Math.max(most, last - first + 1);
  }
  return most;
}
