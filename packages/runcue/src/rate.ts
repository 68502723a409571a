import { messages } from "./errors.js";

/** A rate limit: at most `limit` starts in any window of `interval` milliseconds. */
export interface Rate {
  /** At most this many starts... */
  limit: number;
  /** ...in any window of this many ms. */
  interval: number;
}

/** The most starts a rate may allow per window (its window keeps one slot per start). */
export const MAX_RATE_LIMIT = 1_000_000;
/** The longest rate window (ms): what Node's timers accept. */
const MAX_RATE_INTERVAL = 2 ** 31 - 1;

// a null prototype, so "constructor" or "__proto__" is not a unit
const UNIT_MS: Record<string, number> = Object.assign(Object.create(null) as object, {
  s: 1000,
  sec: 1000,
  second: 1000,
  seconds: 1000,
  m: 60_000,
  min: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
});

const isValidRate = (limit: number, interval: number) =>
  Number.isInteger(limit) &&
  limit > 0 &&
  limit <= MAX_RATE_LIMIT &&
  Number.isFinite(interval) &&
  interval > 0 &&
  interval <= MAX_RATE_INTERVAL;

const RATE_TEXT = /^\s*(\d+)\s*\/\s*(\d+(?:\.\d+)?)?\s*([a-z]+)?\s*$/i;

/**
 * Reads a rate such as `"60/min"`, `"10/5s"`, `"100/15min"` or `"20/1"` (a bare
 * number is seconds). Also accepts `{ limit, interval }` and checks it.
 *
 * @example parseRate("60/min") // { limit: 60, interval: 60000 }
 * @throws Error quoting the input and listing the accepted forms.
 */
export function parseRate(text: string | Rate, service?: string): Rate {
  if (typeof text === "object" && text !== null) {
    const { limit, interval } = text;
    const onlyLimitAndInterval = Object.keys(text).every(
      (key) => key === "limit" || key === "interval",
    );
    if (onlyLimitAndInterval && isValidRate(limit, interval)) return { limit, interval };
    throw new Error(messages.invalidRate(text, service));
  }
  const match = typeof text === "string" ? RATE_TEXT.exec(text) : null;
  if (!match) throw new Error(messages.invalidRate(text, service));
  const [, limitText, countText, unitText] = match;
  const limit = Number(limitText);
  const count = countText === undefined ? 1 : Number(countText);
  const unitMs =
    unitText === undefined
      ? countText === undefined
        ? undefined
        : 1000
      : UNIT_MS[unitText.toLowerCase()];
  const interval = count * (unitMs ?? Number.NaN);
  if (!isValidRate(limit, interval)) throw new Error(messages.invalidRate(text, service));
  return { limit, interval };
}

/**
 * The sliding window behind a rate limit. It keeps the start times still
 * inside the window in a ring, oldest first, so a start is allowed exactly
 * when fewer than `limit` starts happened in the last `interval` ms: at most
 * `limit` starts in ANY window of that length. Pure: the caller passes the
 * clock reading, which must not go backwards.
 */
export class SlidingWindow {
  readonly limit: number;
  readonly interval: number;
  private readonly starts: Float64Array;
  private oldest = 0;
  private count = 0;
  /**
   * Starts decided but not yet stamped: their handlers have not begun (a
   * thread may still be loading its module). They fill the window until
   * stamped, so handler starts, as the handlers see them, keep the limit.
   */
  private reserved = 0;

  constructor(rate: Rate) {
    this.limit = rate.limit;
    this.interval = rate.interval;
    this.starts = new Float64Array(rate.limit);
  }

  /** How many more starts the window allows at `now`. */
  available(now: number): number {
    this.forget(now);
    return this.limit - this.count - this.reserved;
  }

  /**
   * When the next start is allowed (`now` if one is allowed already; infinity
   * while reservations alone fill the window: a stamp will say).
   */
  nextStartAt(now: number): number {
    this.forget(now);
    const taken = this.count + this.reserved;
    if (taken < this.limit) return now;
    if (this.reserved >= this.limit) return Number.POSITIVE_INFINITY;
    // the stamped start that must leave the window for one more to fit
    return this.starts[(this.oldest + taken - this.limit) % this.limit]! + this.interval;
  }

  /** Records a start at `now`; the caller has checked `available(now) > 0`. */
  record(now: number): void {
    this.forget(now);
    this.starts[(this.oldest + this.count) % this.limit] = now;
    this.count++;
  }

  /** A start is decided; the caller has checked `available(now) > 0`. Stamp it with `confirm`. */
  reserve(): void {
    this.reserved++;
  }

  /** A reserved start's handler began at `now` (monotonic: stamps come in time order). */
  confirm(now: number): void {
    if (this.reserved > 0) this.reserved--;
    this.record(now);
  }

  /** Starts in the window that ends at `now`, stamped or reserved. */
  used(now: number): number {
    this.forget(now);
    return this.count + this.reserved;
  }

  private forget(now: number): void {
    // a start at t covers the half-open window [t, t + interval)
    while (this.count > 0 && this.starts[this.oldest]! + this.interval <= now) {
      this.oldest = (this.oldest + 1) % this.limit;
      this.count--;
    }
  }
}
