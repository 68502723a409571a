/** Every message of the dashboard in one place, so they read alike. */

const quote = (value: unknown): string => {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "function") return "a function";
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
};

export const messages = {
  notACue: (got: unknown) =>
    `serveDashboard(cue, options) needs a runcue Cue as its first argument, got ${got === null ? "null" : typeof got}`,
  unknownOption: (key: string, accepted: readonly string[]) =>
    `Unknown dashboard option "${key}": accepted are ${accepted.join(", ")}`,
  optionsNotObject: (got: unknown) =>
    `Dashboard options must be an object such as { port: 4300 }, got ${quote(got)}`,
  port: (got: unknown) =>
    `Invalid dashboard option port ${quote(got)}: use a whole number from 0 to 65535 (0 picks a free port)`,
  host: (got: unknown) =>
    `Invalid dashboard option host ${quote(got)}: use a host name or IP address such as "127.0.0.1", "localhost" or "0.0.0.0"`,
  token: (got: unknown) =>
    `Invalid dashboard option token ${typeof got === "string" ? `of ${got.length} characters` : quote(got)}: use a string of 8 to 256 visible characters (no spaces), or leave it out for a read-only page`,
  interval: (got: unknown) =>
    `Invalid dashboard option interval ${quote(got)}: use milliseconds from 50 to 1000 (the page updates at least once a second)`,
  title: (got: unknown) =>
    `Invalid dashboard option title ${quote(got)}: use a string of at most 200 characters`,
  panels: (got: unknown) =>
    `Invalid dashboard option panels ${quote(got)}: use an array of { id, title, module, data?, file? }`,
  panel: (index: number, field: string, accepted: string) =>
    `Invalid dashboard panel ${index}: "${field}" must be ${accepted}`,
  duplicatePanel: (id: string) => `Dashboard panel id "${id}" is used twice`,
  listen: (host: string, port: number, reason: string) =>
    `The dashboard cannot listen on ${host}:${port}: ${reason}`,
  portInUse: (host: string, port: number) =>
    `The dashboard cannot listen on ${host}:${port}: the port is in use (pass another port, or 0 for any free one)`,
  readOnly: () =>
    "This dashboard is read-only: it was started without a token, so it cannot cancel work",
  badToken: () =>
    "Cancel refused: this action needs the dashboard's token (wrong or missing token)",
  unknownWork: (id: string) => `Unknown work "${id}" (never submitted, or forgotten past "retain")`,
  badQuery: (name: string, got: string, accepted: string) =>
    `Invalid query parameter ${name}=${JSON.stringify(got)}: use ${accepted}`,
  panelThrew: (id: string, error: unknown) =>
    `panel "${id}" failed: ${error instanceof Error ? error.message : String(error)}`,
} as const;
