import type { BlockedWork, CueStats, Work, WorkState } from "runcue";
import { BlockedSampler, type BlockedSummary } from "./blocked.js";
import { messages } from "./errors.js";
import { type FailureView, RecentFailures } from "./failures.js";
import { History, type Sample } from "./history.js";
import type { ResolvedOptions } from "./options.js";

/**
 * What the dashboard reads of a cue: its public API only. Any object with
 * these methods can be shown (a `Cue` of runcue has them all).
 */
export interface DashboardCue {
  stats(): CueStats;
  debugBlocked(): BlockedWork[];
  list(filter?: { state?: WorkState; task?: string; limit?: number }): Work[];
  get(id: string): Work | undefined;
  cancel(id: string): Promise<boolean>;
  onFailure(listener: (work: Work, error: Error) => void): () => void;
}

/** The page's data: `GET /api/state`, and each server-sent update. */
export interface DashboardState {
  title: string;
  /** `Date.now()` when it was made. */
  time: number;
  /** ms between updates. */
  interval: number;
  /** True when the dashboard has no token, so it cannot cancel work. */
  readOnly: boolean;
  /** Exactly what `cue.stats()` returned. */
  stats: CueStats;
  /** Pending works counted by blocked reason (from `debugBlocked()`, as of `blockedInfo.at`). */
  blocked: Record<string, number>;
  blockedInfo: Omit<BlockedSummary, "counts">;
  /** The newest point of the throughput chart. */
  sample: Sample | undefined;
  /** Every point kept (the last 10 minutes at one a second); in `/api/state` and a page's first update. */
  history?: Sample[];
  /** Final failures, newest first. */
  failures: FailureView[];
  /** Each panel's data by panel id. */
  panels: Record<string, unknown>;
}

/** Keeps what the page shows between updates and assembles each update. */
export class StateBuilder {
  readonly history = new History(600);
  readonly failures: RecentFailures;
  private readonly blocked: BlockedSampler;

  constructor(
    private readonly cue: DashboardCue,
    private readonly options: ResolvedOptions,
  ) {
    this.failures = new RecentFailures(cue);
    this.blocked = new BlockedSampler(() => cue.debugBlocked());
  }

  /** One `stats()` for the throughput chart: all a tick costs while no page is open. */
  sample(): { stats: CueStats; sample: Sample } {
    const stats = this.cue.stats();
    return { stats, sample: this.history.add(stats) };
  }

  /** The whole state; `stats` when this tick already read them. */
  build(withHistory: boolean, given?: { stats: CueStats; sample: Sample }): DashboardState {
    const stats = given?.stats ?? this.cue.stats();
    const { counts, ...blockedInfo } = this.blocked.read(stats.pending);
    const panels: Record<string, unknown> = {};
    for (const panel of this.options.panels) {
      if (!panel.data) continue;
      try {
        panels[panel.id] = panel.data();
      } catch (error) {
        panels[panel.id] = { error: messages.panelThrew(panel.id, error) };
      }
    }
    const state: DashboardState = {
      title: this.options.title,
      time: Date.now(),
      interval: this.options.interval,
      readOnly: this.options.token === undefined,
      stats,
      blocked: counts,
      blockedInfo,
      sample: given?.sample ?? this.history.latest(),
      failures: this.failures.read(),
      panels,
    };
    if (withHistory) state.history = this.history.all();
    return state;
  }
}
