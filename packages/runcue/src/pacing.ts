/**
 * The pacing of re-checks and re-rankings, as plain classes: every method is
 * given the monotonic time, none reads a clock, so they are tested without
 * timers.
 */

/**
 * An action spaced by a multiple of its own last cost (never more than
 * `maxGap` ms apart): a whole re-check pass after a finish, or a whole
 * re-ranking by the priority callback, so that a stream of finishes cannot
 * spend the thread on them.
 */
export class CostSpacing {
  private lastAt = Number.NEGATIVE_INFINITY;
  private gap = 0;

  constructor(
    private readonly costFactor: number,
    private readonly maxGap: number,
  ) {}

  /** May the action run at `now`? */
  isDue(now: number): boolean {
    return now - this.lastAt >= this.gap;
  }

  /** When it may run next. */
  get dueAt(): number {
    return this.lastAt + this.gap;
  }

  /** It ran from `startedAt` to `endedAt`. */
  ran(startedAt: number, endedAt: number): void {
    this.lastAt = startedAt;
    this.gap = Math.min(this.maxGap, (endedAt - startedAt) * this.costFactor);
  }
}

/**
 * Timed re-check passes scan every blocked work, so they are spaced by this
 * fraction of pollInterval; each work's back-off is capped at the rest.
 */
const TIMED_PASS_SPACING = 0.2;

/** A pass forced by a finish is spaced by this many times its own cost. */
export const FORCED_PASS_COST_FACTOR = 10;

/**
 * When not-ready work is asked again. Each work backs off on its own (1, 2,
 * 4 … ms, capped at 80% of pollInterval) and timed passes over all of it are
 * spaced by at least 20% of pollInterval, so each is asked at least every
 * pollInterval; a finish forces a pass, spaced by ten times the last one's cost.
 */
export class RecheckPacing {
  private readonly maxBackoff: number;
  private readonly timedPassSpacing: number;
  private lastTimedPassAt = Number.NEGATIVE_INFINITY;
  readonly forced: CostSpacing;

  constructor(pollInterval: number) {
    this.maxBackoff = pollInterval * (1 - TIMED_PASS_SPACING);
    this.timedPassSpacing = pollInterval * TIMED_PASS_SPACING;
    this.forced = new CostSpacing(FORCED_PASS_COST_FACTOR, pollInterval);
  }

  /** When a work that answered "not ready" `notReadyCount` times in a row is asked again. */
  nextCheckAt(notReadyCount: number, now: number): number {
    return now + Math.min(this.maxBackoff, 1 << Math.min(notReadyCount - 1, 20));
  }

  /** A timed pass started at `now`. */
  timedPassRan(now: number): void {
    this.lastTimedPassAt = now;
  }

  /** When the next timed pass should run, for works first due at `dueAt`. */
  nextTimedPassAt(dueAt: number, now: number): number {
    return Math.max(dueAt, this.lastTimedPassAt + this.timedPassSpacing, now + 1);
  }
}
