/** Worker module: cuts one full-resolution tile out of the decoded source and encodes it. */
import { readSourceHeader, readSourceRectangle, writeFileAtomic } from "./artifacts.ts";
import { encodeImage } from "./codec.ts";
import type { EncodeOptions } from "./encode-options.ts";

export interface CutParams extends EncodeOptions {
  /** The pyramid level of the tile (for reports). */
  level: number;
  sourcePath: string;
  /** The tile's rectangle in the full image. */
  x: number;
  y: number;
  width: number;
  height: number;
  path: string;
}

export default async function cut(work: { params: CutParams }) {
  const { sourcePath, path, format, quality, x, y, width, height } = work.params;
  const rectangle = { x, y, width, height };
  const source = await readSourceHeader(sourcePath);
  if (!source) throw new Error(`The decoded source ${sourcePath} is missing or torn`);
  const pixels = readSourceRectangle(sourcePath, source.header.width, source.dataOffset, rectangle);
  const encoded = encodeImage(
    { width: rectangle.width, height: rectangle.height, data: pixels },
    format,
    quality,
  );
  await writeFileAtomic(path, encoded);
  return { path, bytes: encoded.length };
}
