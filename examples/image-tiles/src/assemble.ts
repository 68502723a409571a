import { readFile } from "node:fs/promises";
import { decodeImage } from "./codec.ts";
import type { PlacedImage } from "./encode-options.ts";
import { blit, createRaster, type Raster } from "./raster.ts";

/** Decodes image files and places them into one `width` × `height` raster. */
export async function assemble(
  parts: PlacedImage[],
  width: number,
  height: number,
): Promise<Raster> {
  const target = createRaster(width, height);
  await Promise.all(
    parts.map(async ({ path, x, y }) =>
      blit(target, decodeImage(await readFile(path), path), x, y),
    ),
  );
  return target;
}
