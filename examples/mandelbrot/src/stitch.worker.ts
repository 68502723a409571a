/**
 * Worker module: stitches the tile artifacts into `mandelbrot.png`, colouring
 * shade indices with the chosen colormap. The PNG depends only on the pixels
 * (fixed filter and compression), so it is the same bytes whatever the grid
 * and thread count were. Beside it, `mandelbrot.png.json` records the settings
 * it was made with, so an identical run can skip stitching.
 */
import { PNG } from "pngjs";
import { writeFileAtomic, writeImageRecord } from "./artifacts.ts";
import { type ColormapName, colormapPalette } from "./colormaps.ts";
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
  const palette = colormapPalette(colormap);
  const rgb = Buffer.allocUnsafe(shades.length * 3);
  for (let pixel = 0, offset = 0; pixel < shades.length; pixel++, offset += 3) {
    const entry = shades[pixel]! * 3;
    rgb[offset] = palette[entry]!;
    rgb[offset + 1] = palette[entry + 1]!;
    rgb[offset + 2] = palette[entry + 2]!;
  }
  const png = PNG.sync.write(
    { width: settings.size, height: settings.size, data: rgb } as PNG,
    // One fixed filter: the adaptive default is several times slower here, for a few % of size.
    { colorType: 2, inputColorType: 2, inputHasAlpha: false, filterType: 1, deflateLevel: 6 },
  );
  await writeFileAtomic(pngPath, png);
  const { size, iter, zoom } = settings;
  await writeImageRecord(pngPath, { size, iter, zoom, colormap, bytes: png.length });
  return { pngPath, bytes: png.length };
}
