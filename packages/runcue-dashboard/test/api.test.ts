import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Cue } from "runcue";
import { afterEach, describe, expect, test, vi } from "vitest";
import { type DashboardState, serveDashboard, type WorksPage } from "../src/index.js";
import { getJson, readEvents, waitForState } from "./helpers.js";

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function startCue(count = 30) {
  const cue = new Cue();
  cue.service("api", { rate: "50/s", concurrent: 3 });
  let open: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  cue.task("fetch", {
    uses: "api",
    run: async (work) => {
      const { index } = work.params as { index: number };
      if (index >= 10) await gate;
      if (index % 5 === 4) throw new Error(`fetch ${index} failed`);
      return index;
    },
  });
  const ids = Array.from({ length: count }, (_, index) => cue.submit("fetch", { index }));
  cue.start();
  cleanups.push(async () => {
    open();
    await cue.stop({ timeout: 500 });
  });
  return { cue, ids, release: () => open() };
}

async function serve(cue: Cue, options: Parameters<typeof serveDashboard>[1] = {}) {
  const dash = await serveDashboard(cue, { port: 0, ...options });
  cleanups.push(() => dash.close());
  return dash;
}

describe("GET /api/state", () => {
  test("holds exactly what cue.stats() returns, blocked counts by reason and the failures", async () => {
    const { cue } = startCue();
    const dash = await serve(cue);
    // 10 works run, 2 of them fail; the rest wait for the gate, 3 running and 17 queued
    await vi.waitFor(() => expect(cue.stats().failed).toBe(2), { timeout: 10_000 });
    await vi.waitFor(() => expect(cue.stats().running).toBe(3), { timeout: 10_000 });
    const { status, body } = await getJson<DashboardState>(`${dash.url}api/state`);
    expect(status).toBe(200);
    expect(body.stats).toEqual(JSON.parse(JSON.stringify(cue.stats())));
    expect(body.blocked).toEqual({ service_full: 17 });
    expect(body.blockedInfo.examples.service_full).toMatch(/concurrency 3\/3/);
    expect(body.failures.map((failure) => failure.message).sort()).toEqual([
      "fetch 4 failed",
      "fetch 9 failed",
    ]);
    expect(body.failures[0]!.stack).toContain("api.test.ts");
    expect(body.readOnly).toBe(true);
    expect(Array.isArray(body.history)).toBe(true);
  });

  test("the page and its chart library are served", async () => {
    const { cue } = startCue(1);
    const dash = await serve(cue);
    const page = await fetch(dash.url);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    expect(await page.text()).toContain('<script src="/vendor/uPlot.iife.min.js">');
    const uplot = await fetch(`${dash.url}vendor/uPlot.iife.min.js`);
    expect(uplot.status).toBe(200);
    expect(await uplot.text()).toContain("uPlot");
    expect((await fetch(`${dash.url}nothing-here`)).status).toBe(404);
  });

  test("a request naming another host is refused (DNS rebinding)", async () => {
    const { cue } = startCue(1);
    const dash = await serve(cue);
    const { request } = await import("node:http");
    const status = await new Promise<number>((resolve, reject) => {
      const url = new URL(dash.url);
      request(
        {
          host: url.hostname,
          port: url.port,
          path: "/api/state",
          headers: { host: "evil.example:80" },
        },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      )
        .on("error", reject)
        .end();
    });
    expect(status).toBe(421);
  });
});

describe("cancel needs the token", () => {
  test("a read-only dashboard refuses with 403 and says why", async () => {
    const { cue, ids } = startCue();
    const dash = await serve(cue);
    const { status, body } = await getJson<{ error: string }>(
      `${dash.url}api/works/${ids[20]}/cancel`,
      {
        method: "POST",
        headers: { authorization: "Bearer anything-at-all" },
      },
    );
    expect(status).toBe(403);
    expect(body.error).toMatch(/read-only: it was started without a token/);
    expect(cue.get(ids[20]!)?.state).toBe("pending");
  });

  test("a missing or wrong token gets 401; the right one cancels", async () => {
    const { cue, ids } = startCue();
    const dash = await serve(cue, { token: "correct-horse" });
    const cancel = (headers: Record<string, string>) =>
      getJson<{ error?: string; cancelled?: boolean; state?: string }>(
        `${dash.url}api/works/${ids[25]}/cancel`,
        { method: "POST", headers },
      );
    expect((await cancel({})).status).toBe(401);
    const wrong = await cancel({ authorization: "Bearer correct-horsE" });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toMatch(/needs the dashboard's token/);
    expect(cue.get(ids[25]!)?.state).toBe("pending");
    const right = await cancel({ authorization: "Bearer correct-horse" });
    expect(right).toEqual({
      status: 200,
      body: { id: ids[25], cancelled: true, state: "cancelled" },
    });
    expect(cue.get(ids[25]!)?.state).toBe("cancelled");
    const again = await cancel({ authorization: "Bearer correct-horse" });
    expect(again.body.cancelled).toBe(false);
    const unknown = await getJson(`${dash.url}api/works/w999999/cancel`, {
      method: "POST",
      headers: { authorization: "Bearer correct-horse" },
    });
    expect(unknown.status).toBe(404);
  });
});

describe("GET /api/works", () => {
  test("pages the works in submission order, filtered by state and task", async () => {
    const { cue, ids } = startCue();
    const dash = await serve(cue);
    await vi.waitFor(() => expect(cue.stats().running).toBe(3), { timeout: 10_000 });
    const first = await getJson<WorksPage>(`${dash.url}api/works?limit=7`);
    expect(first.body.works.map((work) => work.id)).toEqual(ids.slice(0, 7));
    expect(first.body.hasMore).toBe(true);
    const last = await getJson<WorksPage>(`${dash.url}api/works?offset=28&limit=7`);
    expect(last.body.works.map((work) => work.id)).toEqual(ids.slice(28));
    expect(last.body.hasMore).toBe(false);
    const failed = await getJson<WorksPage>(`${dash.url}api/works?state=failed&task=fetch`);
    expect(failed.body.works.map((work) => [work.id, work.error])).toEqual([
      [ids[4], "fetch 4 failed"],
      [ids[9], "fetch 9 failed"],
    ]);
    const otherTask = await getJson<WorksPage>(`${dash.url}api/works?task=nope`);
    expect(otherTask.body.works).toEqual([]);
    const detail = await getJson<{ params: string; errorStack: string }>(
      `${dash.url}api/works/${ids[4]}`,
    );
    expect(detail.body.params).toBe('{"index":4}');
    expect(detail.body.errorStack).toContain("fetch 4 failed");
  });

  test.each([
    ["state=done", /state="done": use pending, running, completed, failed, cancelled/],
    ["limit=1000", /limit="1000": use a whole number from 0 to 500/],
    ["offset=-1", /offset="-1"/],
  ])("?%s is refused with 400", async (query, message) => {
    const { cue } = startCue(1);
    const dash = await serve(cue);
    const { status, body } = await getJson<{ error: string }>(`${dash.url}api/works?${query}`);
    expect(status).toBe(400);
    expect(body.error).toMatch(message);
  });
});

describe("live updates", () => {
  test("are coalesced: one message per interval however many events happen", async () => {
    const cue = new Cue();
    cue.service("free");
    cue.task("tick", { uses: "free", run: () => new Promise((resolve) => setImmediate(resolve)) });
    let stop = false;
    cue.onComplete(() => {
      if (!stop) cue.submit("tick");
    });
    for (let index = 0; index < 20; index++) cue.submit("tick");
    cue.start();
    cleanups.push(async () => {
      stop = true;
      await cue.stop({ timeout: 500 });
    });
    const dash = await serve(cue, { interval: 200 });
    const received: DashboardState[] = [];
    const controller = new AbortController();
    const reading = readEvents(
      `${dash.url}api/events`,
      (state) => {
        received.push(state);
        if (received.length === 11) controller.abort();
      },
      controller.signal,
    );
    await reading;
    const completed = received.at(-1)!.stats.completed - received[1]!.stats.completed;
    // hundreds or thousands of completions reached the page in 10 messages after the first
    expect(completed).toBeGreaterThan(200);
    const gaps = received.slice(2).map((state, index) => state.time - received[index + 1]!.time);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(150);
    expect(received[0]!.history).toBeDefined();
    expect(received[1]!.history).toBeUndefined();
    expect(received.at(-1)!.sample!.completedPerSecond).toBeGreaterThan(0);
    // its own cost, counted: one update per interval, however many events
    const usage = dash.usage();
    expect(usage.updates).toBeGreaterThanOrEqual(10);
    expect(usage.updates).toBeLessThan(20);
    expect(usage.busyMs).toBeGreaterThan(0);
  });

  test("arrive at least once a second by default, and the numbers move", async () => {
    const { cue, release } = startCue();
    const dash = await serve(cue);
    const before = await waitForState(dash.url, (state) => state.stats.failed === 2);
    release();
    const after = await waitForState(
      dash.url,
      (state) => state.stats.pending === 0 && state.stats.running === 0,
    );
    expect(after.stats.completed).toBeGreaterThan(before.stats.completed);
    expect(after.stats.failed).toBe(6);
    expect(after.blocked).toEqual({});
  });
});

describe("with no page open, the dashboard reads only stats()", () => {
  test("no event listener, no debugBlocked(), no list() until a page connects", async () => {
    const { cue } = startCue();
    const spies = {
      debugBlocked: vi.spyOn(cue, "debugBlocked"),
      list: vi.spyOn(cue, "list"),
      onFailure: vi.spyOn(cue, "onFailure"),
      onComplete: vi.spyOn(cue, "onComplete"),
      onStart: vi.spyOn(cue, "onStart"),
      onSkip: vi.spyOn(cue, "onSkip"),
      onProgress: vi.spyOn(cue, "onProgress"),
      onRetry: vi.spyOn(cue, "onRetry"),
      stats: vi.spyOn(cue, "stats"),
    };
    const dash = await serve(cue, { interval: 100 });
    await vi.waitFor(() => expect(spies.stats.mock.calls.length).toBeGreaterThanOrEqual(5), {
      timeout: 10_000,
    });
    for (const [name, spy] of Object.entries(spies)) {
      if (name !== "stats") expect(spy, name).not.toHaveBeenCalled();
    }
    expect(dash.clients).toBe(0);
    // a page connects: now it listens for failures and counts blocked work
    const controller = new AbortController();
    let seen = 0;
    await readEvents(
      `${dash.url}api/events`,
      () => {
        if (++seen === 2) controller.abort();
      },
      controller.signal,
    );
    expect(spies.onFailure).toHaveBeenCalledTimes(1);
    expect(spies.debugBlocked).toHaveBeenCalled();
    expect(spies.onComplete).not.toHaveBeenCalled();
    // ...and stops listening when the page leaves
    await vi.waitFor(() => expect(dash.clients).toBe(0));
  });
});

test("after close() nothing keeps the process alive", async () => {
  const fixture = fileURLToPath(new URL("./fixtures/serve-and-close.ts", import.meta.url));
  const started = Date.now();
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", fixture], {
    timeout: 30_000,
  });
  expect(stdout).toBe("closed\n");
  expect(Date.now() - started).toBeLessThan(30_000);
});
