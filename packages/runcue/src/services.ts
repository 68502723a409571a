import { messages } from "./errors.js";
import { type Rate, SlidingWindow } from "./rate.js";

/**
 * One service's limits: how many of its works run and how many starts its
 * rate window allows. It knows nothing of threads or executors.
 */
export class Service {
  private readonly window: SlidingWindow | undefined;
  running = 0;

  constructor(
    readonly name: string,
    readonly concurrent: number | undefined,
    /** Parsed and checked already (see `parseServiceOptions`). */
    readonly rate: Rate | undefined,
  ) {
    this.window = rate && new SlidingWindow(rate);
  }

  /** How many more works may start at monotonic time `now`. */
  capacity(now: number): number {
    const free = this.concurrencyFree();
    return this.window ? Math.min(free, this.window.available(now)) : free;
  }

  /** True when the rate, not concurrency, is what stops the next start. */
  isRateBound(now: number): boolean {
    return (
      this.window !== undefined && this.window.available(now) <= 0 && this.concurrencyFree() > 0
    );
  }

  private concurrencyFree(): number {
    return this.concurrent === undefined
      ? Number.POSITIVE_INFINITY
      : this.concurrent - this.running;
  }

  /** When the rate window next allows a start. */
  nextStartAt(now: number): number {
    return this.window ? this.window.nextStartAt(now) : now;
  }

  startsInWindow(now: number): number {
    return this.window ? this.window.used(now) : 0;
  }

  /** A work starts: it takes a running slot. */
  take(): void {
    this.running++;
  }

  /** ...and a start in the rate window, reserved until its handler begins... */
  reserveStart(): void {
    this.window?.reserve();
  }

  /** ...when the start is stamped, at monotonic time `now`. */
  confirmStart(now: number): void {
    this.window?.confirm(now);
  }

  release(): void {
    this.running--;
  }

  /** Why the next work of this service cannot start, for `debugBlocked()`. */
  describeFull(now: number): string {
    if (this.concurrent !== undefined && this.running >= this.concurrent) {
      return messages.serviceConcurrencyFull(this.name, this.running, this.concurrent);
    }
    const rate = this.rate!;
    const wait = Math.max(0, Math.ceil(this.nextStartAt(now) - now));
    return messages.serviceRateUsedUp(
      this.name,
      this.startsInWindow(now),
      rate.limit,
      rate.interval,
      wait,
    );
  }
}
