import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { GifReader } from "omggif";
import { expect, test } from "vitest";
import { render, temporaryOut } from "./run-cli.ts";

test("--animate writes a GIF with one frame per tile after a grey first frame", async () => {
  const { out, remove } = await temporaryOut();
  try {
    const summary = await render(out, [
      "--size",
      "128",
      "--grid",
      "4",
      "--threads",
      "2",
      "--animate",
    ]);
    expect(summary.gif).toBe(join(out, "mandelbrot.gif"));
    const gif = new GifReader(await readFile(join(out, "mandelbrot.gif")));
    expect(gif.width).toBe(128);
    expect(gif.height).toBe(128);
    expect(gif.numFrames()).toBe(17);
    const first = new Uint8Array(128 * 128 * 4);
    gif.decodeAndBlitFrameRGBA(0, first);
    expect([...first.subarray(0, 3)]).toEqual([72, 72, 72]); // grey: not rendered yet
    const last = new Uint8Array(128 * 128 * 4);
    gif.decodeAndBlitFrameRGBA(16, last);
    const cornerIsColoured = last[0] !== 0 || last[1] !== 0 || last[2] !== 0;
    expect(cornerIsColoured).toBe(true);
  } finally {
    await remove();
  }
});
