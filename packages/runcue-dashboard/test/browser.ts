import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";

/** Debian's chromium, installed by apt (.ci/run installs it when missing); never a downloaded one. */
export const CHROMIUM = "/usr/bin/chromium";

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
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
}

/** Screenshots of the tests go to `.tmp/screenshots/` at the repository root (not committed). */
export const screenshotDir = fileURLToPath(new URL("../../../.tmp/screenshots/", import.meta.url));

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(screenshotDir, { recursive: true });
  const path = `${screenshotDir}${name}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * How many pixels of the canvas matching `selector` are neither transparent
 * nor white: a drawn chart or image has many, a blank canvas none.
 */
export function paintedPixels(page: Page, selector: string): Promise<number> {
  return page.$eval(selector, (canvas) => {
    const element = canvas as HTMLCanvasElement;
    const context = element.getContext("2d");
    if (!context) return 0;
    const { data } = context.getImageData(0, 0, element.width, element.height);
    let painted = 0;
    for (let index = 0; index < data.length; index += 4) {
      const isWhite = data[index]! > 245 && data[index + 1]! > 245 && data[index + 2]! > 245;
      if (data[index + 3]! > 0 && !isWhite) painted++;
    }
    return painted;
  });
}
