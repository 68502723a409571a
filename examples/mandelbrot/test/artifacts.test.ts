import { readFile, rm, truncate, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, expect, test } from "vitest";
import { render, temporaryOut, tileFiles } from "./run-cli.ts";

const SMALL = ["--size", "128", "--grid", "4", "--threads", "2"];

let out: string;
let remove: () => Promise<void>;

beforeEach(async () => {
  ({ out, remove } = await temporaryOut());
  await render(out, SMALL);
});
afterEach(() => remove());

test("a second identical run renders no tile", async () => {
  const again = await render(out, SMALL);
  expect(again.tiles).toEqual({ total: 16, rendered: 0, skipped: 16 });
});

test("deleting 3 tiles re-renders exactly those 3", async () => {
  for (const name of ["r0-c0", "r1-c2", "r3-c3"]) await rm(join(out, "tiles", `tile-${name}.bin`));
  const again = await render(out, SMALL);
  expect(again.tiles).toEqual({ total: 16, rendered: 3, skipped: 13 });
  expect([...again.rendered].sort()).toEqual(["r0-c0", "r1-c2", "r3-c3"]);
});

test("the image is the same after re-rendering some tiles", async () => {
  const before = await readFile(join(out, "mandelbrot.png"));
  await rm(join(out, "tiles", "tile-r2-c1.bin"));
  await render(out, SMALL);
  expect((await readFile(join(out, "mandelbrot.png"))).equals(before)).toBe(true);
});

test("a torn or foreign tile file counts as stale and is rendered again", async () => {
  const tiles = join(out, "tiles");
  await truncate(join(tiles, "tile-r0-c1.bin"), 100);
  await writeFile(join(tiles, "tile-r2-c2.bin"), "not a tile");
  const again = await render(out, SMALL);
  expect([...again.rendered].sort()).toEqual(["r0-c1", "r2-c2"]);
});

test("tiles from other settings are stale", async () => {
  const again = await render(out, [...SMALL, "--iter", "100"]);
  expect(again.tiles.rendered).toBe(16);
  const zoomed = await render(out, [...SMALL, "--iter", "100", "--zoom", "-0.75,0.1,0.5"]);
  expect(zoomed.tiles.rendered).toBe(16);
});

test("--force renders every tile again", async () => {
  const again = await render(out, [...SMALL, "--force"]);
  expect(again.tiles).toEqual({ total: 16, rendered: 16, skipped: 0 });
});

test("tiles are written atomically: no temporary file is left behind", async () => {
  expect(await tileFiles(out)).toHaveLength(16);
  const { readdir } = await import("node:fs/promises");
  expect((await readdir(join(out, "tiles"))).filter((name) => name.endsWith(".tmp"))).toEqual([]);
});
