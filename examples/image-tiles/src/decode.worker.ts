/** Worker module: decodes the input PNG or JPEG into the raw RGBA source the tiles are cut from. */
import { readFile } from "node:fs/promises";
import { writeSource } from "./artifacts.ts";
import { decodeImage } from "./codec.ts";

export interface DecodeParams {
  input: string;
  sourcePath: string;
}

export default async function decode(work: { params: DecodeParams }) {
  const { input, sourcePath } = work.params;
  const image = decodeImage(await readFile(input), input);
  await writeSource(sourcePath, input, image.width, image.height, image.data);
  return { width: image.width, height: image.height };
}
