import { describe, expect, test } from "vitest";
import {
  childrenOf,
  pyramidLevels,
  thumbnailDimensions,
  thumbnailSourceLevel,
  tileRectangle,
} from "../src/pyramid.ts";
import { halve, resize } from "../src/raster.ts";

describe("pyramidLevels", () => {
  test("a 4096² image has 5 levels, from one tile to 16 × 16", () => {
    expect(
      pyramidLevels(4096, 4096).map(({ width, columns, rows }) => [width, columns, rows]),
    ).toEqual([
      [256, 1, 1],
      [512, 2, 2],
      [1024, 4, 4],
      [2048, 8, 8],
      [4096, 16, 16],
    ]);
  });

  test("odd sizes round up at every level", () => {
    expect(pyramidLevels(700, 300).map(({ width, height }) => [width, height])).toEqual([
      [175, 75],
      [350, 150],
      [700, 300],
    ]);
  });

  test("an image of one tile or less has one level", () => {
    expect(pyramidLevels(256, 100)).toHaveLength(1);
    expect(pyramidLevels(1, 1)).toEqual([{ level: 0, width: 1, height: 1, columns: 1, rows: 1 }]);
  });
});

describe("tiles and their children", () => {
  const [, middle, top] = pyramidLevels(600, 600);

  test("edge tiles are cut short", () => {
    expect(tileRectangle(top!, 2, 2)).toEqual({ x: 512, y: 512, width: 88, height: 88 });
  });

  test("a tile has four children inside the image, fewer at the edges", () => {
    expect(childrenOf(top!, 0, 0)).toHaveLength(4);
    expect(childrenOf(top!, 1, 0)).toEqual([
      { level: 2, col: 2, row: 0 },
      { level: 2, col: 2, row: 1 },
    ]);
    expect(childrenOf(top!, 1, 1)).toEqual([{ level: 2, col: 2, row: 2 }]);
    expect(middle!.columns).toBe(2);
  });
});

describe("thumbnails", () => {
  test("are made from the smallest level at least as large", () => {
    const levels = pyramidLevels(4096, 4096);
    expect(thumbnailSourceLevel(levels, 128).width).toBe(256);
    expect(thumbnailSourceLevel(levels, 300).width).toBe(512);
    expect(thumbnailSourceLevel(levels, 9000).width).toBe(4096);
  });

  test("keep the aspect ratio and never grow the image", () => {
    expect(thumbnailDimensions(700, 300, 100)).toEqual({ width: 100, height: 43 });
    expect(thumbnailDimensions(50, 20, 100)).toEqual({ width: 50, height: 20 });
  });
});

describe("rasters", () => {
  test("halving averages each 2 × 2 block and keeps an odd last column", () => {
    const data = new Uint8Array(3 * 2 * 4);
    const values = [0, 100, 200, 40, 60, 80];
    for (const [pixel, value] of values.entries()) data.fill(value, pixel * 4, pixel * 4 + 4);
    const half = halve({ width: 3, height: 2, data });
    expect(half.width).toBe(2);
    expect(half.height).toBe(1);
    expect([half.data[0], half.data[4]]).toEqual([50, 140]);
  });

  test("resizing a flat colour keeps the colour", () => {
    const data = new Uint8Array(10 * 10 * 4).fill(77);
    const small = resize({ width: 10, height: 10, data }, 6, 4);
    expect(small.data.every((value) => value === 77)).toBe(true);
  });
});
