/** Worker module: a thumbnail, resized from the tiles of the smallest level at least as large. */
import { writeFileAtomic } from "./artifacts.ts";
import { assemble } from "./assemble.ts";
import { encodeImage } from "./codec.ts";
import type { EncodeOptions, PlacedImage } from "./encode-options.ts";
import { resize } from "./raster.ts";

export interface ThumbnailParams extends EncodeOptions {
  /** The tiles of the source level, placed in a raster of `levelWidth` × `levelHeight`. */
  tiles: PlacedImage[];
  levelWidth: number;
  levelHeight: number;
  width: number;
  height: number;
  path: string;
}

export default async function thumbnail(work: { params: ThumbnailParams }) {
  const { tiles, levelWidth, levelHeight, width, height, path, format, quality } = work.params;
  const level = await assemble(tiles, levelWidth, levelHeight);
  const encoded = encodeImage(resize(level, width, height), format, quality);
  await writeFileAtomic(path, encoded);
  return { path, bytes: encoded.length };
}
