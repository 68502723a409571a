/**
 * One timer that can only be brought forward: `ringAt(t)` keeps the earlier of
 * the time already set and `t`. The scheduler keeps three (delayed work,
 * wake-ups for rates and re-checks, pending and stall watch) instead of a
 * timer per work.
 */
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
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.at = Number.POSITIVE_INFINITY;
        this.ring();
      },
      Math.max(0, Math.ceil(at - this.now())),
    );
  }

  clear(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.at = Number.POSITIVE_INFINITY;
  }
}
