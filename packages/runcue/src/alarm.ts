/**
 * One timer that can only be brought forward: `ringAt(t)` keeps the earlier of
 * the time already set and `t`. The scheduler keeps three (delayed work,
 * wake-ups for rates and re-checks, pending and stall watch) instead of a
 * timer per work.
 */
/** The longest delay Node's timers take. */
const MAX_TIMER_DELAY = 2 ** 31 - 1;

export class Alarm {
  private timer: NodeJS.Timeout | undefined = undefined;
  private at = Number.POSITIVE_INFINITY;

  constructor(
    private readonly ring: () => void,
    /** The clock `at` is read on: `Date.now` or `performance.now`. */
    private readonly now: () => number,
  ) {}

  get isSet(): boolean {
    return this.timer !== undefined;
  }

  ringAt(at: number): void {
    if (this.timer && this.at <= at) return;
    clearTimeout(this.timer);
    this.at = at;
    this.wait();
  }

  /**
   * Node clamps a delay above 2^31-1 ms (about 24.8 days) to 1 ms, with a
   * TimeoutOverflowWarning: a work delayed 30 days would spin. Longer waits
   * are taken in steps of at most that.
   */
  private wait(): void {
    const delay = Math.max(0, Math.ceil(this.at - this.now()));
    this.timer = setTimeout(
      () => {
        if (this.now() < this.at) {
          this.wait();
          return;
        }
        this.timer = undefined;
        this.at = Number.POSITIVE_INFINITY;
        this.ring();
      },
      Math.min(delay, MAX_TIMER_DELAY),
    );
  }

  clear(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.at = Number.POSITIVE_INFINITY;
  }
}
