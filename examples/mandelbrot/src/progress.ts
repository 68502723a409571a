/**
 * Tile progress: a live bar (tiles done/total, rate, ETA) on a terminal, one
 * plain line per step otherwise, nothing in `--json` mode.
 */
import { createRequire } from "node:module";
import type cliProgressModule from "cli-progress";

// Loaded only for a terminal: a run with plain lines or --json does not pay for importing it.
const loadCliProgress = () =>
  createRequire(import.meta.url)("cli-progress") as typeof cliProgressModule;

export interface ProgressReporter {
  /** A tile finished: rendered now or skipped as already valid. */
  tileDone(outcome: "rendered" | "skipped"): void;
  stop(): void;
}

/** At most this many plain lines for a render, however many tiles it has. */
const PLAIN_LINES = 8;

export function createProgress(total: number, mode: "auto" | "quiet"): ProgressReporter {
  if (mode === "quiet") return { tileDone() {}, stop() {} };
  return process.stderr.isTTY ? barProgress(total) : plainProgress(total);
}

function barProgress(total: number): ProgressReporter {
  const cliProgress = loadCliProgress();
  const bar = new cliProgress.SingleBar(
    {
      format: "tiles {bar} {value}/{total} | {rate} tiles/s | ETA {eta_formatted}",
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 16,
    },
    cliProgress.Presets.shades_classic,
  );
  const startedAt = performance.now();
  let done = 0;
  bar.start(total, 0, { rate: "0.0" });
  return {
    tileDone() {
      done++;
      const seconds = Math.max((performance.now() - startedAt) / 1000, 1e-3);
      bar.increment(1, { rate: (done / seconds).toFixed(1) });
    },
    stop() {
      bar.stop();
    },
  };
}

function plainProgress(total: number): ProgressReporter {
  const startedAt = performance.now();
  let done = 0;
  let rendered = 0;
  let skipped = 0;
  let linesPrinted = 0;
  return {
    tileDone(outcome) {
      done++;
      if (outcome === "rendered") rendered++;
      else skipped++;
      // Print when the done count crosses the next 1/PLAIN_LINES step, and always at the end.
      if (done < total && Math.floor((done * PLAIN_LINES) / total) <= linesPrinted) return;
      linesPrinted = Math.floor((done * PLAIN_LINES) / total);
      const seconds = (performance.now() - startedAt) / 1000;
      process.stderr.write(
        `tiles ${done}/${total} (${rendered} rendered, ${skipped} skipped) ${seconds.toFixed(2)} s\n`,
      );
    },
    stop() {},
  };
}
