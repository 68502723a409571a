import type { PoolStats } from "./executors/types.js";
import type { TaskTimingStats } from "./observe.js";
import type { Service } from "./services.js";
import type { StateCounts } from "./works.js";

/**
 * What `cue.stats()` returns. Counts are of all works ever submitted and are
 * disjoint: `completed` works ran, `skipped` ones did not (their state is
 * "completed" too), so the six counts add up to the works submitted.
 */
export interface CueStats extends StateCounts {
  /** Per service, by name; a null-prototype object, so any name is a plain key. */
  services: Record<string, ServiceStats>;
  /** The local thread pool. */
  threads: {
    /** Threads in the pool (the `threads` option). */
    size: number;
    /** Threads running a work now. */
    busy: number;
  };
  /** Every worker pool by name, the local one as `"local"`. */
  pools: Record<string, PoolStats>;
  /**
   * Per registered task, by name (a null-prototype object): percentiles of how long its works
   * waited to start and how long they ran, in ms, over every work since the cue was created.
   */
  tasks: Record<string, TaskTimingStats>;
}

/** One service's use. */
export interface ServiceStats {
  /** Works of the service running now. */
  running: number;
  /** Its concurrency limit, if it has one. */
  concurrent?: number;
  /** Its rate limit, if it has one, and the window's use now. */
  rate?: RateStats;
}

/** A rate-limited service's window, in `stats().services[name].rate`. */
export interface RateStats {
  /** At most `limit` starts in any window of `interval` ms. */
  limit: number;
  /** The window's length in ms. */
  interval: number;
  /** Starts in the window that ends now. */
  used: number;
  /** Ms until the window allows the next start (0: it allows one now). */
  nextStartIn: number;
}

/** Each service's use at monotonic time `now`, by name, in a null-prototype object. */
export function serviceStats(
  services: Iterable<Service>,
  now: number,
): Record<string, ServiceStats> {
  const stats: Record<string, ServiceStats> = Object.create(null);
  for (const service of services) {
    const entry: ServiceStats = { running: service.running };
    if (service.concurrent !== undefined) entry.concurrent = service.concurrent;
    if (service.rate) {
      entry.rate = {
        limit: service.rate.limit,
        interval: service.rate.interval,
        used: service.startsInWindow(now),
        nextStartIn: Math.max(0, Math.ceil(service.nextStartAt(now) - now)),
      };
    }
    stats[service.name] = entry;
  }
  return stats;
}
