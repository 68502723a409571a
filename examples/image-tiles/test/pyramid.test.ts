import { readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import jpeg from "jpeg-js";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { build, type Summary, stepNamed, temporaryDir } from "./run-cli.ts";

const SMALL = ["--sample-size", "600", "--threads", "2"];

async function pngSize(path: string) {
  const png = PNG.sync.read(await readFile(path));
  return { width: png.width, height: png.height };
}

async function tileNames(pyramid: string, level: number): Promise<string[]> {
  return (await readdir(join(pyramid, String(level))))
    .filter((name) => !name.startsWith("."))
    .sort();
}

describe("a pyramid of the generated 600 × 600 sample", () => {
  let out: string;
  let remove: () => Promise<void>;
  let first: Summary;

  beforeAll(async () => {
    ({ dir: out, remove } = await temporaryDir());
    first = await build(["--out", out, ...SMALL]);
  });
  afterAll(() => remove());

  test("has levels 0 to 2 with 1, 4 and 9 tiles", async () => {
    expect(first.levels).toEqual([
      { level: 0, width: 150, height: 150, tiles: 1 },
      { level: 1, width: 300, height: 300, tiles: 4 },
      { level: 2, width: 600, height: 600, tiles: 9 },
    ]);
    expect(await tileNames(first.pyramid, 0)).toEqual(["0_0.png"]);
    expect(await tileNames(first.pyramid, 1)).toEqual(["0_0.png", "0_1.png", "1_0.png", "1_1.png"]);
    expect(await tileNames(first.pyramid, 2)).toHaveLength(9);
  });

  test("tiles are 256 px except at the right and bottom edges", async () => {
    expect(await pngSize(join(first.pyramid, "2", "0_0.png"))).toEqual({ width: 256, height: 256 });
    expect(await pngSize(join(first.pyramid, "2", "2_1.png"))).toEqual({ width: 88, height: 256 });
    expect(await pngSize(join(first.pyramid, "1", "1_1.png"))).toEqual({ width: 44, height: 44 });
    expect(await pngSize(join(first.pyramid, "0", "0_0.png"))).toEqual({ width: 150, height: 150 });
  });

  test("thumbnails have the requested longest side", async () => {
    for (const size of [128, 256, 512]) {
      expect(await pngSize(join(first.thumbnails, `${size}.png`))).toEqual({
        width: size,
        height: size,
      });
    }
  });

  test("every tile was written after the tiles it is made from (isReady waited for them)", async () => {
    const modified = async (level: number, name: string) =>
      (await stat(join(first.pyramid, String(level), name))).mtimeMs;
    for (const level of [0, 1]) {
      for (const name of await tileNames(first.pyramid, level)) {
        const [col, row] = name.replace(".png", "").split("_").map(Number) as [number, number];
        const children = (await tileNames(first.pyramid, level + 1)).filter((child) => {
          const [childCol, childRow] = child.replace(".png", "").split("_").map(Number) as [
            number,
            number,
          ];
          return Math.floor(childCol / 2) === col && Math.floor(childRow / 2) === row;
        });
        expect(children.length).toBeGreaterThan(0);
        for (const child of children) {
          expect(await modified(level, name)).toBeGreaterThanOrEqual(
            await modified(level + 1, child),
          );
        }
      }
    }
  });

  test("the .ts worker modules (--ts-workers) build the same files as the bundled ones", async () => {
    const { dir, remove: removeOther } = await temporaryDir();
    try {
      const other = await build(["--out", dir, ...SMALL, "--ts-workers"]);
      for (const level of [0, 1, 2]) {
        for (const name of await tileNames(first.pyramid, level)) {
          const bundled = await readFile(join(first.pyramid, String(level), name));
          const typescript = await readFile(join(other.pyramid, String(level), name));
          expect(typescript.equals(bundled)).toBe(true);
        }
      }
    } finally {
      await removeOther();
    }
  });

  test("built every step once", () => {
    expect(first.built).toBe(1 + 1 + 14 + 3); // sample, decode, tiles, thumbnails
    expect(first.skipped).toBe(0);
  });

  test("a re-run skips everything", async () => {
    const again = await build(["--out", out, ...SMALL]);
    expect(again.built).toBe(0);
    expect(again.skipped).toBe(19);
  });

  test("a deleted tile is built again, and only that tile", async () => {
    await rm(join(first.pyramid, "2", "1_1.png"));
    const again = await build(["--out", out, ...SMALL]);
    expect(again.built).toBe(1);
    expect(stepNamed(again, "level 2")).toMatchObject({ built: 1, skipped: 8 });
  });
});

test("a JPEG input gives JPEG tiles, levels made for its shape, and is rebuilt when it changes", async () => {
  const { dir, remove } = await temporaryDir();
  try {
    const width = 700;
    const height = 300;
    const pixels = Buffer.alloc(width * height * 4);
    for (let index = 0; index < width * height; index++) {
      pixels[index * 4] = index % 256;
      pixels[index * 4 + 1] = (index >> 8) % 256;
      pixels[index * 4 + 2] = 128;
      pixels[index * 4 + 3] = 255;
    }
    const input = join(dir, "photo.jpg");
    await writeFile(input, jpeg.encode({ width, height, data: pixels }, 90).data);
    const out = join(dir, "out");
    const first = await build([input, "--out", out, "--format", "jpeg", "--thumbnails", "100"]);
    expect(first.levels.map(({ tiles }) => tiles)).toEqual([1, 2, 6]);
    expect(await tileNames(first.pyramid, 2)).toContain("2_1.jpg");
    const thumbnail = jpeg.decode(await readFile(join(first.thumbnails, "100.jpg")));
    expect([thumbnail.width, thumbnail.height]).toEqual([100, 43]);

    await writeFile(input, jpeg.encode({ width, height, data: pixels.reverse() }, 90).data);
    const changed = await build([input, "--out", out, "--format", "jpeg", "--thumbnails", "100"]);
    expect(changed.skipped).toBe(0);
    expect(changed.built).toBe(1 + 9 + 1);
  } finally {
    await remove();
  }
});

test("an input that is not an image fails with a message naming it", async () => {
  const { dir, remove } = await temporaryDir();
  try {
    const input = join(dir, "notes.txt");
    await writeFile(input, "hello");
    await expect(build([input, "--out", join(dir, "out")])).rejects.toThrow(
      /notes\.txt is neither a PNG nor a JPEG/,
    );
  } finally {
    await remove();
  }
});
