import { describe, expect, test } from "vitest";
import { DEFAULT_ZOOM, renderTile, tileBounds } from "../src/kernel.ts";

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
