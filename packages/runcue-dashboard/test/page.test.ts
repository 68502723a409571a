import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type Dashboard, type DashboardState, serveDashboard } from "../src/index.js";
import { launchChromium, paintedPixels, screenshot } from "./browser.js";
import { startDemo } from "./fixtures/demo.js";
import { getJson } from "./helpers.js";

const TOKEN = "page-test-token";
let demo: ReturnType<typeof startDemo>;
let dash: Dashboard;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  demo = startDemo(150);
  dash = await serveDashboard(demo.cue, { port: 0, token: TOKEN, panels: [demo.panel] });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on("pageerror", (error) => pageErrors.push(error.message));
  await page.goto(dash.url);
});

afterAll(async () => {
  await browser?.close();
  await dash?.close();
  await demo?.stop();
});

const count = async (state: string) =>
  Number((await page.textContent(`[data-count="${state}"] .value`))!.replace(/,/g, ""));

describe("the page during a run", () => {
  test("its numbers move while works complete", async () => {
    await page.waitForSelector('[data-count="completed"]');
    const first = await count("completed");
    await page.waitForFunction(
      (before) => {
        const text = document.querySelector('[data-count="completed"] .value')?.textContent ?? "0";
        return Number(text.replace(/,/g, "")) > before;
      },
      first,
      { timeout: 20_000 },
    );
    expect(await count("completed")).toBeGreaterThan(first);
    expect(await page.textContent('[data-service="api"]')).toMatch(/\/ 25 per 1\.0 s/);
    // the remote pool and each of its machines, with their threads
    await page.waitForSelector('[data-pool="farm"] [data-worker="worker-b1"]');
    expect(await page.textContent('[data-pool="farm"] [data-worker="worker-a1"]')).toMatch(
      /render-a\s*\d \/ 2 busy/,
    );
    await screenshot(page, "dashboard-running");
  });

  test("the throughput chart and the panel's canvas are drawn", async () => {
    await page.waitForSelector("#chart canvas");
    await page.waitForFunction(() => {
      const canvas = document.querySelector("#squares-canvas") as HTMLCanvasElement | null;
      return canvas !== null && /[1-9]\d* of 150 pages/.test(canvas.nextSibling?.textContent ?? "");
    });
    expect(await paintedPixels(page, "#chart canvas")).toBeGreaterThan(500);
    expect(await paintedPixels(page, "#squares-canvas")).toBeGreaterThan(500);
    expect(await page.getAttribute("[data-panel=squares] p", "data-file")).toBe(
      "hello from the panel",
    );
  });

  test("once the run settles, every number on the page is the one /api/state gives", async () => {
    // the 5 delayed works stay pending for a minute; everything else finishes
    await page.waitForFunction(
      () => {
        const pending = document.querySelector('[data-count="pending"] .value')?.textContent;
        const running = document.querySelector('[data-count="running"] .value')?.textContent;
        return pending === "5" && running === "0";
      },
      undefined,
      { timeout: 40_000 },
    );
    const { body: state } = await getJson<DashboardState>(`${dash.url}api/state`);
    for (const name of ["pending", "running", "completed", "skipped", "failed", "cancelled"]) {
      expect(await count(name), name).toBe(state.stats[name as "pending"]);
    }
    expect(state.blocked).toEqual({ delayed: 5 });
    await page.waitForSelector('[data-reason="delayed"]');
    expect(await page.textContent('[data-reason="delayed"]')).toMatch(/delayed\s*5/);
    expect(await page.textContent('[data-pool="local"]')).toContain("0 / 2 busy");
    const failures = await page.$$eval("#failures details", (items) => items.length);
    expect(failures).toBe(Math.min(state.stats.failed, 30));
    expect(await page.textContent("#failures pre")).toMatch(/upstream answered 503[\s\S]*at /);
    await screenshot(page, "dashboard-settled");
  });

  test("the works list pages on the server and filters by state", async () => {
    expect(await page.textContent("#page-info")).toBe("1–50");
    await page.click("#next");
    await page.waitForFunction(
      () => document.querySelector("#page-info")?.textContent === "51–100",
    );
    expect(await page.textContent("#works tbody tr:first-child td:first-child")).toBe("w51");
    await page.selectOption("#filter-state", "failed");
    await page.waitForFunction(() =>
      [...document.querySelectorAll("#works tbody .state")].every(
        (cell) => cell.textContent === "failed",
      ),
    );
    expect(await page.textContent("#page-info")).toMatch(/^1–/);
  });

  test("cancel without the token is refused, and the page says so; with it, it works", async () => {
    await page.selectOption("#filter-state", "pending");
    await page.waitForSelector("#works tbody [data-cancel]");
    const id = (await page.getAttribute("#works tbody [data-cancel]", "data-cancel"))!;
    await page.click(`[data-cancel="${id}"]`);
    await page.waitForSelector("#action-message.error");
    expect(await page.textContent("#action-message")).toMatch(
      /Cancel refused: this action needs the dashboard's token.*HTTP 401/,
    );
    expect(demo.cue.get(id)?.state).toBe("pending");
    await screenshot(page, "dashboard-cancel-refused");

    await page.fill("#token", TOKEN);
    await page.click("#token-form button");
    await page.click(`[data-cancel="${id}"]`);
    await page.waitForFunction(
      (work) => document.querySelector("#action-message")?.textContent === `Cancelled ${work}.`,
      id,
    );
    expect(demo.cue.get(id)?.state).toBe("cancelled");
    await page.waitForFunction(
      () => document.querySelector('[data-count="cancelled"] .value')?.textContent === "1",
    );
  });

  test("a read-only dashboard refuses cancel with 403, and the page says so", async () => {
    const readOnly = await serveDashboard(demo.cue, { port: 0 });
    try {
      const other = await browser.newPage();
      await other.goto(readOnly.url);
      expect(await other.textContent("#mode")).toBe("read-only");
      await other.selectOption("#filter-state", "pending");
      await other.waitForSelector("#works tbody [data-cancel]");
      const id = (await other.getAttribute("#works tbody [data-cancel]", "data-cancel"))!;
      await other.click(`[data-cancel="${id}"]`);
      await other.waitForSelector("#action-message.error");
      expect(await other.textContent("#action-message")).toMatch(/read-only.*HTTP 403/);
      expect(demo.cue.get(id)?.state).toBe("pending");
      await other.close();
    } finally {
      await readOnly.close();
    }
  });

  test("no script error happened on the page", () => {
    expect(pageErrors).toEqual([]);
  });
});
