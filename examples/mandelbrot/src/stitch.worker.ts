/**
 * Worker module: stitches the tile artifacts into `mandelbrot.png`, colouring
 * shade indices with the chosen colormap: an indexed PNG whose palette is the
 * colormap (see `png.ts`). The PNG depends only on the pixels, so it is the
 * same bytes whatever the grid and thread count were. Beside it, `mandelbrot.png.json` records the settings
 * it was made with, so an identical run can skip stitching.
 */
import writeFileAtomic from "write-file-atomic";
import { writeImageRecord } from "./artifacts.ts";
import { type ColormapName, colormapPalette } from "./colormaps.ts";
import { encodeIndexedPng } from "./png.ts";
import type { RenderSettings } from "./render-settings.ts";
import { readImageShades } from "./stitch.ts";

export interface StitchParams extends RenderSettings {
  tilesDir: string;
  /** Path of the PNG to write. */
  pngPath: string;
  colormap: ColormapName;
}

export interface StitchResult {
  pngPath: string;
  bytes: number;
}

export default async function stitch(work: { params: StitchParams }): Promise<StitchResult> {
  const { tilesDir, pngPath, colormap, ...settings } = work.params;
  const shades = await readImageShades(tilesDir, settings);
  const png = encodeIndexedPng(settings.size, settings.size, shades, colormapPalette(colormap));
  await writeFileAtomic(pngPath, png, { fsync: false });
  const { size, iter, zoom } = settings;
  await writeImageRecord(pngPath, { size, iter, zoom, colormap, bytes: png.length });
  return { pngPath, bytes: png.length };
}
