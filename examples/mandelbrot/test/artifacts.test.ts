import { readdir, readFile, rm, truncate, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { render, temporaryOut, tileFiles } from "./run-cli.ts";

// The tests share one output folder and run in order, each starting from the state the last left.
const SMALL = ["--size", "128", "--grid", "4", "--threads", "2"];

let out: string;
let remove: () => Promise<void>;
let firstImage: Buffer;

beforeAll(async () => {
  ({ out, remove } = await temporaryOut());
  await render(out, SMALL);
  firstImage = await readFile(join(out, "mandelbrot.png"));
});
afterAll(() => remove());

test("tiles are written atomically: one file per tile, no temporary file left behind", async () => {
  expect(await tileFiles(out)).toHaveLength(16);
  // Nothing else: a temporary file (`<name>.<number>`, see write-file-atomic) would show here.
  expect((await readdir(join(out, "tiles"))).sort()).toEqual(await tileFiles(out));
  expect((await readdir(out)).sort()).toEqual(["mandelbrot.png", "mandelbrot.png.json", "tiles"]);
});

test("a second identical run renders no tile", async () => {
  const again = await render(out, SMALL);
  expect(again.tiles).toEqual({ total: 16, rendered: 0, skipped: 16 });
  expect(again.stitched).toBe(false);
});

test("deleting 3 tiles re-renders exactly those 3, and the image is the same", async () => {
  for (const name of ["r0-c0", "r1-c2", "r3-c3"]) await rm(join(out, "tiles", `tile-${name}.bin`));
  const again = await render(out, SMALL);
  expect(again.tiles).toEqual({ total: 16, rendered: 3, skipped: 13 });
  expect([...again.rendered].sort()).toEqual(["r0-c0", "r1-c2", "r3-c3"]);
  expect(again.stitched).toBe(true);
  expect((await readFile(join(out, "mandelbrot.png"))).equals(firstImage)).toBe(true);
});

test("a torn or foreign tile file counts as stale and is rendered again", async () => {
  const tiles = join(out, "tiles");
  await truncate(join(tiles, "tile-r0-c1.bin"), 100);
  await writeFile(join(tiles, "tile-r2-c2.bin"), "not a tile");
  const again = await render(out, SMALL);
  expect([...again.rendered].sort()).toEqual(["r0-c1", "r2-c2"]);
});

test("--force renders every tile again", async () => {
  const again = await render(out, [...SMALL, "--force"]);
  expect(again.tiles).toEqual({ total: 16, rendered: 16, skipped: 0 });
});

test("tiles from other settings are stale", async () => {
  const again = await render(out, [...SMALL, "--zoom", "-0.75,0.1,0.5"]);
  expect(again.tiles.rendered).toBe(16);
});
