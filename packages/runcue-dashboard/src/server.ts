import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { messages } from "./errors.js";
import { type DashboardOptions, type ResolvedOptions, resolveOptions } from "./options.js";
import { type DashboardCue, StateBuilder } from "./state.js";
import { moduleFile, staticFile } from "./static.js";
import { parseWorksQuery, readWorksPage, toDetail } from "./works.js";

/** A running dashboard. */
export interface Dashboard {
  /** Where the page is, e.g. `http://127.0.0.1:4300/`. */
  readonly url: string;
  /** Pages open now (server-sent event streams). */
  readonly clients: number;
  /** What the dashboard has cost the main thread since it started. */
  usage(): DashboardUsage;
  /** Stops updates, ends every open page's stream and closes the server. Idempotent. */
  close(): Promise<void>;
}

/** The dashboard's own cost, as `dash.usage()` reports it. */
export interface DashboardUsage {
  /** Updates sent (one per interval while a page is open, whatever the number of pages). */
  updates: number;
  /**
   * ms of the main thread spent in the dashboard: each interval's sample, building and sending
   * updates, and answering `/api/state` and `/api/works` (the HTTP parsing by Node not included).
   */
  busyMs: number;
}

/**
 * Serves a live page of `cue` and its data as JSON.
 *
 * While no page is open, the dashboard only reads `cue.stats()` once per
 * update for the throughput chart: no event listener, no `debugBlocked()`.
 *
 * @example
 * const dash = await serveDashboard(cue, { port: 4300 });
 * console.log(`dashboard: ${dash.url}`);
 * // ...
 * await dash.close();
 */
export async function serveDashboard(
  cue: DashboardCue,
  options: DashboardOptions = {},
): Promise<Dashboard> {
  if (typeof cue !== "object" || cue === null || typeof cue.stats !== "function") {
    throw new TypeError(messages.notACue(cue));
  }
  const resolved = resolveOptions(options);
  const server = new DashboardServer(cue, resolved);
  await server.listen();
  return server;
}

interface Client {
  response: ServerResponse;
  /** True while the socket has not drained the last update: updates skip it meanwhile. */
  isBehind: boolean;
}

class DashboardServer implements Dashboard {
  url = "";
  private readonly state: StateBuilder;
  private readonly clientsOpen = new Set<Client>();
  private readonly sockets = new Set<Socket>();
  private readonly server = createServer((request, response) => {
    this.route(request, response).catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, { error: String(error) });
      else response.destroy();
    });
  });
  private readonly tokenDigest: Buffer | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly spent: DashboardUsage = { updates: 0, busyMs: 0 };
  private closing: Promise<void> | undefined;

  constructor(
    private readonly cue: DashboardCue,
    private readonly options: ResolvedOptions,
  ) {
    this.state = new StateBuilder(cue, options);
    this.tokenDigest = options.token === undefined ? undefined : digest(options.token);
    this.server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.once("close", () => this.sockets.delete(socket));
    });
  }

  usage(): DashboardUsage {
    return { ...this.spent };
  }

  /** Runs `work`, adding its main-thread time to `usage().busyMs`. */
  private timed<T>(work: () => T): T {
    const started = performance.now();
    try {
      return work();
    } finally {
      this.spent.busyMs += performance.now() - started;
    }
  }

  get clients(): number {
    return this.clientsOpen.size;
  }

  listen(): Promise<void> {
    const { host, port } = this.options;
    return new Promise((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException) => {
        reject(
          new Error(
            error.code === "EADDRINUSE"
              ? messages.portInUse(host, port)
              : messages.listen(host, port, error.message),
            { cause: error },
          ),
        );
      };
      this.server.once("error", onError);
      this.server.listen(port, host, () => {
        this.server.off("error", onError);
        const address = this.server.address() as AddressInfo;
        const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
        this.url = `http://${shownHost}:${address.port}/`;
        this.state.sample();
        this.timer = setInterval(() => this.tick(), this.options.interval);
        // the open server keeps the process alive, as any server does, until close(); the timer alone never does
        this.timer.unref();
        resolve();
      });
    });
  }

  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      clearInterval(this.timer);
      this.state.failures.stopListening();
      for (const client of this.clientsOpen) client.response.end();
      this.clientsOpen.clear();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
      for (const socket of this.sockets) socket.destroy();
    });
    return this.closing;
  }

  /** Once per interval: a point for the chart, and, with a page open, one update for all of them. */
  private tick(): void {
    this.timed(() => this.update());
  }

  private update(): void {
    const read = this.state.sample();
    if (this.clientsOpen.size === 0) return;
    this.spent.updates++;
    const message = `data: ${JSON.stringify(this.state.build(false, read))}\n\n`;
    for (const client of this.clientsOpen) {
      // coalesced: a page that has not taken the last update misses this one and gets the next
      if (client.isBehind) continue;
      if (!client.response.write(message)) {
        client.isBehind = true;
        client.response.once("drain", () => {
          client.isBehind = false;
        });
      }
    }
  }

  private async route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://dashboard.invalid");
    const { pathname } = url;
    response.setHeader("X-Content-Type-Options", "nosniff");
    if (!this.isHostAllowed(request)) {
      return sendJson(response, 421, { error: "Unexpected Host header" });
    }
    if (request.method === "POST") {
      const cancel = /^\/api\/works\/([^/]+)\/cancel$/.exec(pathname);
      if (cancel) return this.cancel(request, response, decodeURIComponent(cancel[1]!));
      return sendJson(response, 404, { error: `No POST route ${pathname}` });
    }
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.setHeader("Allow", "GET, HEAD, POST");
      return sendJson(response, 405, { error: `Method ${request.method} not allowed` });
    }
    if (pathname === "/api/config") {
      const { title, interval, token, panels } = this.options;
      return sendJson(response, 200, {
        title,
        interval,
        readOnly: token === undefined,
        panels: panels.map(({ id, title: panelTitle }) => ({ id, title: panelTitle })),
      });
    }
    if (pathname === "/api/state") {
      return this.timed(() => sendJson(response, 200, this.state.build(true)));
    }
    if (pathname === "/api/events") return this.openStream(request, response);
    if (pathname === "/api/works") {
      let query: ReturnType<typeof parseWorksQuery>;
      try {
        query = parseWorksQuery(url.searchParams);
      } catch (error) {
        return sendJson(response, 400, { error: (error as Error).message });
      }
      return sendJson(
        response,
        200,
        this.timed(() => readWorksPage((filter) => this.cue.list(filter), query)),
      );
    }
    const work = /^\/api\/works\/([^/]+)$/.exec(pathname);
    if (work) {
      const id = decodeURIComponent(work[1]!);
      const found = this.cue.get(id);
      if (!found) return sendJson(response, 404, { error: messages.unknownWork(id) });
      return sendJson(response, 200, toDetail(found));
    }
    const panelRoute = /^\/panels\/([a-z0-9-]+)\/(module\.js|files\/(.+))$/.exec(pathname);
    if (panelRoute) return this.panelFile(response, panelRoute[1]!, panelRoute[3]);
    const file = staticFile(pathname);
    if (!file) return sendJson(response, 404, { error: `Nothing at ${pathname}` });
    const { body, type } = await file;
    response.writeHead(200, { "Content-Type": type, "Cache-Control": "no-cache" });
    response.end(request.method === "HEAD" ? undefined : body);
  }

  /**
   * On a loopback address, only a Host header naming this machine: a page on
   * another site that resolves its own name to 127.0.0.1 (DNS rebinding)
   * cannot read the dashboard.
   */
  private isHostAllowed(request: IncomingMessage): boolean {
    const { host } = this.options;
    const isLoopback = host === "127.0.0.1" || host === "localhost" || host === "::1";
    if (!isLoopback) return true;
    const header = request.headers.host ?? "";
    const name = header.startsWith("[")
      ? header.slice(0, header.indexOf("]") + 1)
      : header.split(":")[0];
    return name === "127.0.0.1" || name === "localhost" || name === "[::1]";
  }

  private openStream(request: IncomingMessage, response: ServerResponse): void {
    response.writeHead(200, {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache",
      Connection: "keep-alive",
      // a reverse proxy (nginx) would otherwise hold the stream back in its buffer
      "X-Accel-Buffering": "no",
    });
    const client: Client = { response, isBehind: false };
    if (this.clientsOpen.size === 0) this.state.failures.listen();
    this.clientsOpen.add(client);
    this.timed(() =>
      response.write(`retry: 2000\ndata: ${JSON.stringify(this.state.build(true))}\n\n`),
    );
    request.socket.setNoDelay(true);
    response.on("close", () => {
      this.clientsOpen.delete(client);
      if (this.clientsOpen.size === 0) this.state.failures.stopListening();
    });
  }

  private async cancel(
    request: IncomingMessage,
    response: ServerResponse,
    id: string,
  ): Promise<void> {
    request.resume();
    if (!this.tokenDigest) return sendJson(response, 403, { error: messages.readOnly() });
    const header = request.headers.authorization ?? "";
    const given = header.startsWith("Bearer ") ? header.slice(7) : "";
    if (!timingSafeEqual(digest(given), this.tokenDigest)) {
      response.setHeader("WWW-Authenticate", 'Bearer realm="runcue dashboard"');
      return sendJson(response, 401, { error: messages.badToken() });
    }
    const work = this.cue.get(id);
    if (!work) return sendJson(response, 404, { error: messages.unknownWork(id) });
    const cancelled = await this.cue.cancel(id);
    return sendJson(response, 200, { id, cancelled, state: this.cue.get(id)?.state ?? work.state });
  }

  private async panelFile(response: ServerResponse, id: string, name: string | undefined) {
    const panel = this.options.panels.find((candidate) => candidate.id === id);
    if (!panel) return sendJson(response, 404, { error: `No panel "${id}"` });
    if (name === undefined) {
      const { body, type } = await moduleFile(panel.modulePath);
      response.writeHead(200, { "Content-Type": type, "Cache-Control": "no-cache" });
      response.end(body);
      return;
    }
    const body = await panel.file?.(decodeURIComponent(name));
    if (body === undefined) return sendJson(response, 404, { error: `No file "${name}"` });
    response.writeHead(200, {
      "Content-Type":
        typeof body === "string" ? "text/plain; charset=utf-8" : "application/octet-stream",
      "Cache-Control": "no-cache",
    });
    response.end(body);
  }
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Cache-Control": "no-cache",
  });
  response.end(text);
}
