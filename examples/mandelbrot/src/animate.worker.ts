/**
 * Worker module: writes `mandelbrot.gif`, the tiles appearing one frame at a
 * time in the order they completed (tiles skipped as already valid appear
 * first). The GIF is scaled down to at most {@link MAX_GIF_SIZE} pixels a side;
 * its palette is the colormap itself, since shade indices are palette indices,
 * except the last entry: grey, for tiles not rendered yet (shade 255 shows as 254).
 */
import gifenc from "gifenc";
import writeFileAtomic from "write-file-atomic";
import { type ColormapName, colormapPalette } from "./colormaps.ts";
import { tileBounds } from "./kernel.ts";
import type { RenderSettings, TilePosition } from "./render-settings.ts";
import { readImageShades } from "./stitch.ts";

export const MAX_GIF_SIZE = 512;
const FRAME_DELAY = 120;
const LAST_FRAME_DELAY = 2000;
const NOT_RENDERED = 255;
const NOT_RENDERED_COLOUR = [72, 72, 72];

export interface AnimateParams extends RenderSettings {
  tilesDir: string;
  gifPath: string;
  colormap: ColormapName;
  /** Tiles in the order they appear. */
  order: TilePosition[];
}

export interface AnimateResult {
  gifPath: string;
  bytes: number;
  frames: number;
}

export default async function animate(work: { params: AnimateParams }): Promise<AnimateResult> {
  const { tilesDir, gifPath, colormap, order, ...settings } = work.params;
  const { size, grid } = settings;
  const shades = await readImageShades(tilesDir, settings);
  const step = Math.ceil(size / MAX_GIF_SIZE);
  const gifSize = Math.ceil(size / step);
  const flat = colormapPalette(colormap);
  const palette: number[][] = [];
  for (let entry = 0; entry < NOT_RENDERED; entry++) {
    palette.push(Array.from(flat.subarray(entry * 3, entry * 3 + 3)));
  }
  palette.push(NOT_RENDERED_COLOUR);

  const encoder = gifenc.GIFEncoder();
  const canvas = new Uint8Array(gifSize * gifSize).fill(NOT_RENDERED);
  encoder.writeFrame(canvas, gifSize, gifSize, { palette, delay: FRAME_DELAY, repeat: 0 });
  order.forEach(({ col, row }, index) => {
    const { x, y, width, height } = tileBounds(size, grid, col, row);
    // The GIF pixels whose sample point (a multiple of step) falls inside this tile.
    for (let gy = Math.ceil(y / step); gy * step < y + height; gy++) {
      for (let gx = Math.ceil(x / step); gx * step < x + width; gx++) {
        canvas[gy * gifSize + gx] = Math.min(
          shades[gy * step * size + gx * step]!,
          NOT_RENDERED - 1,
        );
      }
    }
    const delay = index === order.length - 1 ? LAST_FRAME_DELAY : FRAME_DELAY;
    encoder.writeFrame(canvas, gifSize, gifSize, { delay });
  });
  encoder.finish();
  const bytes = encoder.bytes();
  await writeFileAtomic(gifPath, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length), {
    fsync: false,
  });
  return { gifPath, bytes: bytes.length, frames: order.length + 1 };
}
