import { describe, expect, test } from "vitest";
import { DEFAULT_ZOOM, flipRows, mirrorRow, renderTile, tileBounds } from "../src/kernel.ts";

describe("tileBounds", () => {
  test.each([
    [128, 4],
    [130, 3],
    [7, 7],
    [1000, 9],
  ])("the tiles of a %i px image in a %i-grid cover it exactly once", (size, grid) => {
    const covered = new Uint8Array(size * size);
    for (let row = 0; row < grid; row++) {
      for (let col = 0; col < grid; col++) {
        const { x, y, width, height } = tileBounds(size, grid, col, row);
        for (let py = y; py < y + height; py++) {
          for (let px = x; px < x + width; px++) covered[py * size + px]!++;
        }
      }
    }
    expect(covered.every((count) => count === 1)).toBe(true);
  });
});

describe("renderTile", () => {
  const request = { size: 96, iter: 64, zoom: DEFAULT_ZOOM };

  function stitched(grid: number): Uint8Array {
    const image = new Uint8Array(request.size * request.size);
    for (let row = 0; row < grid; row++) {
      for (let col = 0; col < grid; col++) {
        const shades = renderTile({ ...request, grid, col, row });
        const { x, y, width, height } = tileBounds(request.size, grid, col, row);
        for (let line = 0; line < height; line++) {
          image.set(
            shades.subarray(line * width, (line + 1) * width),
            (y + line) * request.size + x,
          );
        }
      }
    }
    return image;
  }

  test("returns one shade a pixel of its tile", () => {
    const { width, height } = tileBounds(96, 5, 4, 2);
    expect(renderTile({ ...request, grid: 5, col: 4, row: 2 })).toHaveLength(width * height);
  });

  test("gives the same image whatever the grid", () => {
    const whole = stitched(1);
    for (const grid of [2, 5, 7]) expect(stitched(grid)).toEqual(whole);
  });

  test("shades the inside of the set 0 and the outside 1 to 255", () => {
    const image = stitched(1);
    const centre = 48 * 96 + 56; // about -0.23 + 0i: the main cardioid
    expect(image[centre]).toBe(0);
    expect(image[0]).toBeGreaterThanOrEqual(1); // -2 + 1.5i escapes at once
    expect(image.some((shade) => shade > 1 && shade < 255)).toBe(true);
  });

  test("is symmetric about the real axis in the default view", () => {
    const image = stitched(1);
    for (let row = 0; row < 48; row++) {
      const mirrored = 95 - row;
      expect(image.subarray(row * 96, (row + 1) * 96)).toEqual(
        image.subarray(mirrored * 96, (mirrored + 1) * 96),
      );
    }
  });
});

describe("mirrorRow", () => {
  test.each([
    [128, 4, 64],
    [96, 6, 100],
    [300, 5, 256],
    [2048, 4, 256],
  ])(
    "in the default view (%i px, %i-grid, %i iterations) a bottom tile is its mirror tile upside down, byte for byte",
    (size, grid, iter) => {
      let mirrored = 0;
      for (let row = 0; row < grid; row++) {
        const source = mirrorRow(size, grid, row, DEFAULT_ZOOM);
        if (source === undefined) continue;
        mirrored++;
        for (let col = 0; col < grid; col += Math.max(1, grid - 1)) {
          const request = { size, iter, grid, col, zoom: DEFAULT_ZOOM };
          const { width } = tileBounds(size, grid, col, row);
          expect(flipRows(renderTile({ ...request, row: source }), width)).toEqual(
            renderTile({ ...request, row }),
          );
        }
      }
      expect(mirrored).toBe(Math.floor(grid / 2));
    },
  );

  test("renders every row of a view off the real axis, and of a grid cut unevenly", () => {
    const offAxis = { cx: -0.5, cy: 0.1, scale: 3 };
    for (let row = 0; row < 4; row++) expect(mirrorRow(128, 4, row, offAxis)).toBeUndefined();
    // 130 px in 3 rows: 43, 43 and 44 px high, so the last row is no mirror of the first
    for (let row = 0; row < 3; row++) expect(mirrorRow(130, 3, row, DEFAULT_ZOOM)).toBeUndefined();
  });
});
