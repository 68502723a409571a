import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { render, runCli, type Summary, temporaryOut, tileFiles } from "./run-cli.ts";

const SMALL = ["--size", "128", "--grid", "4", "--threads", "2"];

/** Pixel of the complex point (re, im) in the default view (centre -0.5, 0; width 3). */
function pixelOf(re: number, im: number, size: number): { x: number; y: number } {
  const step = 3 / size;
  return {
    x: Math.floor((re + 0.5) / step + size / 2),
    y: Math.floor(-im / step + size / 2),
  };
}

function rgbAt(png: PNG, x: number, y: number): [number, number, number] {
  const offset = (y * png.width + x) * 4;
  return [png.data[offset]!, png.data[offset + 1]!, png.data[offset + 2]!];
}

describe("a render", () => {
  let out: string;
  let remove: () => Promise<void>;
  let summary: Summary;

  beforeAll(async () => {
    ({ out, remove } = await temporaryOut());
    summary = await render(out, SMALL);
  });
  afterAll(() => remove());

  test("writes a PNG of the requested size", async () => {
    const png = PNG.sync.read(await readFile(join(out, "mandelbrot.png")));
    expect(png.width).toBe(128);
    expect(png.height).toBe(128);
    expect(summary.png).toBe(join(out, "mandelbrot.png"));
  });

  test("colours points inside the set black and points far outside not", async () => {
    const png = PNG.sync.read(await readFile(join(out, "mandelbrot.png")));
    const inside = pixelOf(-0.2, 0, 128); // in the main cardioid
    expect(rgbAt(png, inside.x, inside.y)).toEqual([0, 0, 0]);
    const bulb = pixelOf(-1, 0, 128); // centre of the period-2 bulb
    expect(rgbAt(png, bulb.x, bulb.y)).toEqual([0, 0, 0]);
    expect(rgbAt(png, 0, 0)).not.toEqual([0, 0, 0]); // corner: -2 + 1.5i, escapes at once
    expect(rgbAt(png, 127, 127)).not.toEqual([0, 0, 0]);
  });

  test("renders every tile once and leaves one artifact per tile", async () => {
    expect(summary.tiles).toEqual({ total: 16, rendered: 16, skipped: 0 });
    expect(await tileFiles(out)).toHaveLength(16);
  });

  test("stitches only after every tile is written (isReady waited for them)", async () => {
    const image = (await stat(join(out, "mandelbrot.png"))).mtimeMs;
    for (const name of await tileFiles(out)) {
      expect((await stat(join(out, "tiles", name))).mtimeMs).toBeLessThanOrEqual(image);
    }
  });

  test("a new colormap re-stitches the image without rendering any tile", async () => {
    const recoloured = await render(out, [...SMALL, "--colormap", "grayscale"]);
    expect(recoloured.tiles.rendered).toBe(0);
    expect(recoloured.stitched).toBe(true);
    const png = PNG.sync.read(await readFile(join(out, "mandelbrot.png")));
    const inside = pixelOf(-0.2, 0, 128);
    expect(rgbAt(png, inside.x, inside.y)).toEqual([255, 255, 255]);
  });
});

describe("the command line", () => {
  test("--help lists every flag", async () => {
    const { code, stdout } = await runCli(["--help"]);
    expect(code).toBe(0);
    for (const flag of [
      "--size",
      "--iter",
      "--grid",
      "--threads",
      "--zoom",
      "--colormap",
      "--out",
      "--animate",
      "--force",
    ]) {
      expect(stdout).toContain(flag);
    }
  });

  test("--grid larger than --size exits 2 naming both flags", async () => {
    const { code, stderr } = await runCli(["--size", "8", "--grid", "16"]);
    expect(code).toBe(2);
    expect(stderr).toContain("--grid (16) cannot be larger than --size (8)");
  });

  test("a bad --zoom fails with a message saying the accepted form", async () => {
    const { code, stderr } = await runCli(["--zoom", "1,2"]);
    expect(code).toBe(2);
    expect(stderr).toContain("cx,cy,scale");
  });

  test("an unknown colormap lists the built-in ones", async () => {
    const { code, stderr } = await runCli(["--colormap", "nope"]);
    expect(code).toBe(2);
    expect(stderr).toContain("classic");
    expect(stderr).toContain("viridis");
  });

  test("flags after a literal -- (as pnpm may pass them) still count", async () => {
    const { out, remove } = await temporaryOut();
    try {
      const result = await runCli(["--", "--out", out, "--json", "--size", "64", "--grid", "2"]);
      expect(result.code).toBe(0);
      expect((JSON.parse(result.stdout) as Summary).size).toBe(64);
    } finally {
      await remove();
    }
  });
});
