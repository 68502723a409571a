/**
 * `--dashboard`: the page serves while rendering and after, and its image
 * panel paints every tile, in completion order, with the PNG's pixels.
 * Runs in Debian's Chromium (/usr/bin/chromium, installed by .ci/run).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, chromium } from "playwright-core";
import { PNG } from "pngjs";
import { afterAll, expect, test } from "vitest";
import { temporaryOut } from "./run-cli.ts";

const packageDir = dirname(dirname(fileURLToPath(import.meta.url)));
const screenshots = join(packageDir, "..", "..", ".tmp", "screenshots");
let browser: Browser | undefined;
let child: ChildProcess | undefined;

afterAll(async () => {
  await browser?.close();
  if (child && child.exitCode === null) child.kill("SIGKILL");
});

/** Everything the child wrote on stderr so far, and a way to wait for a pattern in it. */
function watchStderr(process: ChildProcess) {
  let text = "";
  const waiting = new Set<() => void>();
  process.stderr!.on("data", (chunk: Buffer) => {
    text += chunk.toString();
    for (const check of waiting) check();
  });
  return (pattern: RegExp): Promise<RegExpMatchArray> =>
    new Promise((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(text);
        if (match) {
          waiting.delete(check);
          resolve(match);
        }
      };
      waiting.add(check);
      process.once("exit", (code) =>
        reject(new Error(`exited with ${code} before ${pattern}: ${text}`)),
      );
      check();
    });
}

test("pnpm mandelbrot --dashboard shows the image filling in, and serves until Ctrl-C", async () => {
  const { out, remove } = await temporaryOut();
  child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      join(packageDir, "src", "main.ts"),
      "--size",
      "512",
      "--grid",
      "4",
      "--threads",
      "1",
      "--iter",
      "3000",
      "--out",
      out,
      "--json",
      "--dashboard",
      "0",
    ],
    {
      cwd: packageDir,
      env: { ...process.env, INIT_CWD: packageDir },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const stderrMatching = watchStderr(child);
  let stdout = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  const [, url] = await stderrMatching(/dashboard: (http:\/\/127\.0\.0\.1:\d+\/)\n/);
  browser = await chromium.launch({
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
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(url!);
  // (page code as strings: this package's types know Node, not the DOM)
  await page.waitForFunction(
    'document.querySelector("#mandelbrot-caption")?.textContent === "16 of 16 tiles"',
    undefined,
    { timeout: 60_000 },
  );
  // once rendering is over it keeps serving
  await stderrMatching(/still serving/);
  await mkdir(screenshots, { recursive: true });
  await page.screenshot({ path: join(screenshots, "mandelbrot-dashboard.png"), fullPage: true });

  // the tiles in the order they completed, as the run's own summary lists them
  const summary = JSON.parse(stdout) as { rendered: string[]; png: string };
  const state = (await (await fetch(`${url}api/state`)).json()) as {
    panels: { image: { done: number[] } };
    stats: { completed: number };
  };
  expect(state.panels.image.done.map((index) => `r${Math.floor(index / 4)}-c${index % 4}`)).toEqual(
    summary.rendered,
  );
  expect(state.stats.completed).toBe(17);

  // every pixel of the canvas is the PNG's
  const png = PNG.sync.read(await readFile(summary.png));
  const canvas = (await page.evaluate(`(() => {
    const element = document.querySelector("#mandelbrot-canvas");
    const pixels = element.getContext("2d").getImageData(0, 0, 512, 512).data;
    return { width: element.width, pixels: Array.from(pixels) };
  })()`)) as { width: number; pixels: number[] };
  expect(canvas.width).toBe(512);
  let different = 0;
  for (let index = 0; index < 512 * 512 * 4; index++) {
    if ((index & 3) !== 3 && canvas.pixels[index] !== png.data[index]) different++;
  }
  expect(different).toBe(0);
  expect(new Set(canvas.pixels.filter((_, index) => (index & 3) === 0)).size).toBeGreaterThan(20);
  expect(errors).toEqual([]);

  const exited = new Promise<number | null>((resolve) => child!.once("exit", resolve));
  child.kill("SIGINT");
  expect(await exited).toBe(0);
  await remove();
});
