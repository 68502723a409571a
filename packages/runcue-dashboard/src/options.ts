import { isAbsolute } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { messages } from "./errors.js";

/**
 * An extra panel on the page, fed by the program that serves the dashboard
 * (the Mandelbrot example shows its image filling in with one).
 *
 * The page imports `module` as a browser ES module whose default export is
 * `mount(element, context)`, returning `{ update(data) }`. Each update of the
 * page calls `update` with what `data()` returned on the server.
 *
 * @example
 * serveDashboard(cue, {
 *   panels: [{
 *     id: "image",
 *     title: "Image",
 *     module: new URL("./image-panel.js", import.meta.url),
 *     data: () => ({ done: tilesDone }),
 *     file: (name) => tileBytes(name),
 *   }],
 * });
 */
export interface DashboardPanel {
  /** Lower-case letters, digits and "-", at most 40: the panel's files are served under `/panels/<id>/`. */
  id: string;
  /** Heading shown above the panel. */
  title: string;
  /** The browser module: a `file:` URL or an absolute path. Served at `/panels/<id>/module.js`. */
  module: URL | string;
  /**
   * Called once per update while a page is open (and for `GET /api/state`);
   * its value must be JSON. Keep it small: it is sent every update.
   */
  data?: () => unknown;
  /**
   * Answers `GET /panels/<id>/files/<name>` (bytes as application/octet-stream,
   * a string as text/plain); `undefined` answers 404. For data too large to
   * send every update, fetched by the panel when it needs it.
   */
  file?: (
    name: string,
  ) => Uint8Array | string | undefined | Promise<Uint8Array | string | undefined>;
}

/** Options of `serveDashboard`. */
export interface DashboardOptions {
  /** TCP port; 0 picks a free one (read it from the returned `url`). @default 4300 */
  port?: number;
  /**
   * Interface to listen on. The default keeps the page to this machine; pass
   * "0.0.0.0" to show it to the network (and use a token). @default "127.0.0.1"
   */
  host?: string;
  /**
   * Without it the page is read-only. With it, write actions (cancel a work)
   * must carry it (`Authorization: Bearer <token>`; the page asks for it).
   * 8 to 256 visible characters.
   */
  token?: string;
  /** ms between two updates of the page, from 50 to 1000. @default 1000 */
  interval?: number;
  /** Shown in the page's heading and title. @default "runcue" */
  title?: string;
  /** Extra panels fed by the serving program. @default [] */
  panels?: DashboardPanel[];
}

/** The options with every default filled in and the panels' modules as paths. */
export interface ResolvedOptions {
  port: number;
  host: string;
  token: string | undefined;
  interval: number;
  title: string;
  panels: Array<Omit<DashboardPanel, "module"> & { modulePath: string }>;
}

const ACCEPTED = ["port", "host", "token", "interval", "title", "panels"] as const;
const HOST =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[?[0-9A-Fa-f:.]+\]?)$/;

const fields = {
  port: z.number().int().min(0).max(65_535),
  host: z.string().min(1).max(253).regex(HOST),
  token: z
    .string()
    .min(8)
    .max(256)
    .regex(/^[\x21-\x7e]+$/),
  interval: z.number().min(50).max(1_000),
  title: z.string().max(200),
  panels: z.array(z.unknown()),
} as const;

const PANEL_ID = /^[a-z0-9][a-z0-9-]{0,39}$/;

/** Checks `options`, throwing an Error that names the option and what is accepted. */
export function resolveOptions(options: unknown): ResolvedOptions {
  if (options === undefined) options = {};
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new TypeError(messages.optionsNotObject(options));
  }
  const given = options as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!(ACCEPTED as readonly string[]).includes(key)) {
      throw new TypeError(messages.unknownOption(key, ACCEPTED));
    }
  }
  for (const key of ACCEPTED) {
    const value = given[key];
    if (value === undefined) continue;
    if (!fields[key].safeParse(value).success) throw new TypeError(messages[key](value));
  }
  const panels = ((given.panels as unknown[] | undefined) ?? []).map(resolvePanel);
  const ids = new Set<string>();
  for (const panel of panels) {
    if (ids.has(panel.id)) throw new TypeError(messages.duplicatePanel(panel.id));
    ids.add(panel.id);
  }
  return {
    port: (given.port as number | undefined) ?? 4300,
    host: (given.host as string | undefined) ?? "127.0.0.1",
    token: given.token as string | undefined,
    interval: (given.interval as number | undefined) ?? 1_000,
    title: (given.title as string | undefined) ?? "runcue",
    panels,
  };
}

function resolvePanel(value: unknown, index: number): ResolvedOptions["panels"][number] {
  if (typeof value !== "object" || value === null) {
    throw new TypeError(messages.panel(index, "panel", "an object { id, title, module }"));
  }
  const panel = value as Partial<DashboardPanel>;
  if (typeof panel.id !== "string" || !PANEL_ID.test(panel.id)) {
    throw new TypeError(
      messages.panel(index, "id", 'lower-case letters, digits and "-", at most 40 characters'),
    );
  }
  if (typeof panel.title !== "string") {
    throw new TypeError(messages.panel(index, "title", "a string"));
  }
  if (panel.data !== undefined && typeof panel.data !== "function") {
    throw new TypeError(messages.panel(index, "data", "a function returning JSON data"));
  }
  if (panel.file !== undefined && typeof panel.file !== "function") {
    throw new TypeError(messages.panel(index, "file", "a function (name) => bytes or string"));
  }
  let modulePath: string | undefined;
  const module = panel.module;
  if (module instanceof URL && module.protocol === "file:") modulePath = fileURLToPath(module);
  else if (typeof module === "string" && module.startsWith("file:"))
    modulePath = fileURLToPath(module);
  else if (typeof module === "string" && isAbsolute(module)) modulePath = module;
  if (modulePath === undefined) {
    throw new TypeError(
      messages.panel(index, "module", "a file: URL or an absolute path to a browser ES module"),
    );
  }
  return { id: panel.id, title: panel.title, data: panel.data, file: panel.file, modulePath };
}
