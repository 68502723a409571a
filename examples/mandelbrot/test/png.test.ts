import { PNG } from "pngjs";
import { expect, test } from "vitest";
import { encodeIndexedPng } from "../src/png.ts";

test("an indexed PNG decodes to the palette colour of each pixel", () => {
  const width = 5;
  const height = 3;
  const palette = new Uint8Array([0, 0, 0, 255, 0, 0, 0, 128, 255]);
  const indices = new Uint8Array(width * height).map((_, pixel) => pixel % 3);
  const png = PNG.sync.read(encodeIndexedPng(width, height, indices, palette));
  expect(png.width).toBe(width);
  expect(png.height).toBe(height);
  for (let pixel = 0; pixel < width * height; pixel++) {
    const colour = [...png.data.subarray(pixel * 4, pixel * 4 + 3)];
    const entry = indices[pixel]! * 3;
    expect(colour).toEqual([...palette.subarray(entry, entry + 3)]);
  }
});

test("the same pixels always give the same bytes", () => {
  const palette = new Uint8Array(256 * 3).map((_, index) => index % 251);
  const indices = new Uint8Array(64 * 64).map((_, pixel) => (pixel * 7) % 256);
  const first = encodeIndexedPng(64, 64, indices, palette);
  expect(encodeIndexedPng(64, 64, indices.slice(), palette).equals(first)).toBe(true);
});

test("a pixel count that does not match the size is refused", () => {
  expect(() => encodeIndexedPng(4, 4, new Uint8Array(15), new Uint8Array(3))).toThrow(/16 pixels/);
});
