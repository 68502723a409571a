/**
 * What a run reports: its event log, stall reports, live snapshots and the
 * one summary at the end (what `--json` prints).
 */
import type { StateCounts } from "runcue";

/** One line of the event log (`-v`). */
export interface EventLogEntry {
  /** `Date.now()` when it happened. */
  time: number;
  /** ms since the run began. */
  elapsed: number;
  event: string;
  task: string;
  /** runcue's work id, or `-` for something that is not one work's. */
  workId: string;
  details: string;
}

/** One work that `debugBlocked()` reported during a stall. */
export interface BlockedWork {
  work_id: string;
  task: string;
  item: string;
  reason: string;
  /** runcue's words. */
  details: string;
  /** The scenario's words: the artifacts a not-ready work waits for. */
  waiting_for?: string;
}

/** What the simulator saw when runcue warned of a stall. */
export interface StallReport {
  /** ms since the last progress. */
  since_progress_ms: number;
  pending: number;
  blocked: BlockedWork[];
}

/** Live numbers of one service, for the display. */
export interface ServiceSnapshot {
  name: string;
  running: number;
  concurrent?: number;
  rate?: { limit: number; interval: number };
  /** Starts in the last rate interval (or the last second without a rate). */
  recentStarts: number;
  /** The window `recentStarts` counts over, in ms. */
  window: number;
  completed: number;
  failed: number;
  skipped: number;
}

export interface Snapshot {
  elapsed: number;
  /** Works the scenario submits in a full run. */
  total: number;
  submitted: number;
  completed: number;
  failed: number;
  skipped: number;
  services: ServiceSnapshot[];
}

/** Counts and checks of one service in the summary. */
export interface ServiceSummary {
  concurrent?: number;
  rate?: string;
  starts: number;
  completed: number;
  failed: number;
  skipped: number;
  retries: number;
  max_running: number;
  rate_violations: number;
  concurrency_violations: number;
  /** Shortest span of `limit + 1` consecutive starts, in ms; never below the rate's interval. */
  closest_window_ms?: number;
}

/** The one summary of a run: what `--json` prints. */
export interface SimulationSummary {
  scenario: string;
  seed: string;
  count: number;
  cpu: boolean;
  /** Works submitted in all. */
  submitted: number;
  /** Works that ran and completed (skipped ones not included). */
  completed: number;
  failed: number;
  /** Works that `isStale` found up to date, so they never ran. */
  skipped: number;
  cancelled: number;
  /** Works still pending when the run ended (only after `--duration` or an interrupt). */
  pending: number;
  /** Rate windows over the limit plus starts over a concurrency limit, as the simulator measured. */
  violations: number;
  /** A rate window shorter than the interval by less than this (ms) is timing noise, not counted. */
  timing_slack_ms: number;
  wall_ms: number;
  /** Completed works per second of wall time. */
  throughput: number;
  /** Failed attempts that ran again. */
  retries: number;
  /** Why the run ended. */
  stopped_by: "finished" | "duration" | "interrupt";
  /** True when pending work failed for lack of progress (`--stall-timeout`). */
  stalled: boolean;
  /** Works failed by the stall timeout. */
  stall_failures: number;
  /** Stall warnings, each with the blocked works and why. */
  stalls: StallReport[];
  stall_timeout_ms: number;
  /** Durations of completed works as runcue reported them. */
  latency_ms?: { p50: number; p95: number; max: number };
  services: Record<string, ServiceSummary>;
  tasks: Record<string, { submitted: number; completed: number; failed: number; skipped: number }>;
  /**
   * The library's own counts (`cue.stats()`) at the end, for comparison; they are disjoint like
   * this summary's (`completed` works ran, `skipped` ones did not).
   */
  runcue_stats: StateCounts;
}
