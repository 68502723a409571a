/** Worker module: makes one tile of a lower level from its (up to) four children, halved. */
import { writeFileAtomic } from "./artifacts.ts";
import { assemble } from "./assemble.ts";
import { encodeImage } from "./codec.ts";
import type { EncodeOptions, PlacedImage } from "./encode-options.ts";
import { halve } from "./raster.ts";

export interface ReduceParams extends EncodeOptions {
  /** The pyramid level of the tile (for reports). */
  level: number;
  /** The child tiles, placed in a raster of `width` × `height` (up to 512 × 512). */
  children: PlacedImage[];
  width: number;
  height: number;
  path: string;
}

export default async function reduce(work: { params: ReduceParams }) {
  const { children, width, height, path, format, quality } = work.params;
  const tile = halve(await assemble(children, width, height));
  const encoded = encodeImage(tile, format, quality);
  await writeFileAtomic(path, encoded);
  return { path, bytes: encoded.length };
}
