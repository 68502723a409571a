import { chromium } from "playwright-core";
import { serveDashboard } from "../src/index.js";
import { startDemo } from "./fixtures/demo.js";

const demo = startDemo();
const dash = await serveDashboard(demo.cue, {
  port: 0,
  token: "demo-token-1",
  panels: [demo.panel],
});
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
page.on("console", (m) => console.log("console:", m.text()));
page.on("pageerror", (e) => console.log("pageerror:", e.message));
await page.goto(dash.url);
await page.waitForTimeout(4000);
await page.screenshot({ path: "/tmp/dash/shot.png", fullPage: true });
await browser.close();
await dash.close();
await demo.stop();
