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
 * fraction of pollInterval at least; each work's back-off is capped so that,
 * with a pass's spacing on top, it is asked at least every maxPollInterval.
 */
const TIMED_PASS_SPACING = 0.2;

/** A pass forced by a finish is spaced by this many times its own cost. */
export const FORCED_PASS_COST_FACTOR = 10;

/**
 * When not-ready work is asked again. Each work backs off on its own: first
 * after pollInterval, then twice as long each time it answers "not ready"
 * again, capped so it is still asked at least every maxPollInterval. Timed
 * passes over all of it are spaced by at least 20% of pollInterval; a finish
 * forces a pass, spaced by ten times the last one's cost.
 *
 * 100,000 works that stay not ready cost 100,000 checks per maxPollInterval
 * (a second by default), not per pollInterval: the issue-11 figure was 7-12%
 * of a core at the old 50 ms floor.
 */
export class RecheckPacing {
  private readonly maxBackoff: number;
  /** The gaps before the cap: pollInterval, twice that, ... (a table: this runs per check). */
  private readonly steps: number[] = [];
  private readonly timedPassSpacing: number;
  private lastTimedPassAt = Number.NEGATIVE_INFINITY;
  readonly forced: CostSpacing;

  constructor(pollInterval: number, maxPollInterval: number = pollInterval) {
    this.timedPassSpacing = pollInterval * TIMED_PASS_SPACING;
    this.maxBackoff = Math.max(pollInterval, maxPollInterval) - this.timedPassSpacing;
    this.forced = new CostSpacing(FORCED_PASS_COST_FACTOR, pollInterval);
    for (let gap = pollInterval; gap < this.maxBackoff && this.steps.length < 40; gap *= 2) {
      this.steps.push(gap);
    }
  }

  /** When a work that answered "not ready" `notReadyCount` times in a row is asked again. */
  nextCheckAt(notReadyCount: number, now: number): number {
    const index = notReadyCount < 1 ? 0 : notReadyCount - 1;
    return now + (index < this.steps.length ? this.steps[index]! : this.maxBackoff);
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

/**
 * Works whose handlers settle in microtasks refill their slots without an
 * event-loop turn, so a long run of them would hold off every timer and
 * socket of the process. A burst of starts is cut after `limit` ms and goes
 * on after one turn.
 */
export class BurstLimit {
  private startedAt: number | undefined = undefined;
  private wasCut = false;

  constructor(private readonly limit: number) {}

  /**
   * Before a start at `now`: "begin" (the first start since a turn: the
   * caller calls `turnEnded()` on the next turn), "go", or "cut" (stop now).
   */
  check(now: number): "begin" | "go" | "cut" {
    if (this.startedAt === undefined) {
      this.startedAt = now;
      return "begin";
    }
    if (now - this.startedAt <= this.limit) return "go";
    this.wasCut = true;
    return "cut";
  }

  /** The event loop turned: a new burst may begin. True when the last one was cut, so starts go on. */
  turnEnded(): boolean {
    this.startedAt = undefined;
    const cut = this.wasCut;
    this.wasCut = false;
    return cut;
  }
}
