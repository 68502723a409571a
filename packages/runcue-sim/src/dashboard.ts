/**
 * `--dashboard [port]`: runcue's live dashboard of the run, served from the
 * moment the run begins and, once it has ended, until Ctrl-C.
 */
import type { Dashboard } from "@runcue/dashboard";
import type { Cue } from "runcue";
import type { OutputStream } from "./display.js";

/** `--dashboard` without a port. */
export const DASHBOARD_PORT = 4300;

/**
 * Starts serving; resolves with the dashboard, or with the Error that kept it
 * from listening (never rejects, so the run goes on and the CLI reports it).
 */
export function serveRunDashboard(
  cue: Cue,
  port: number,
  title: string,
  announce: (url: string) => void,
): Promise<Dashboard | Error> {
  // loaded only with --dashboard
  return import("@runcue/dashboard")
    .then(({ serveDashboard }) => serveDashboard(cue, { port, title: `runcue-sim ${title}` }))
    .then(
      (dashboard) => {
        announce(dashboard.url);
        return dashboard;
      },
      (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
    );
}

/** After the run: keeps the page up until SIGINT (Ctrl-C), then closes it. */
export async function keepServing(
  dashboard: Promise<Dashboard | Error>,
  stderr: OutputStream,
): Promise<void> {
  const served = await dashboard;
  if (served instanceof Error) {
    stderr.write(`error: ${served.message}\n`);
    return;
  }
  stderr.write(`dashboard: still serving ${served.url} (Ctrl-C to stop)\n`);
  await new Promise((resolve) => process.once("SIGINT", resolve));
  await served.close();
}
