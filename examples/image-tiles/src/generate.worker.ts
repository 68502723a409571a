/** Worker module: writes the procedural sample image as a PNG. */
import { writeFileAtomic } from "./artifacts.ts";
import { encodeImage } from "./codec.ts";
import { sampleImage } from "./sample.ts";

export interface GenerateParams {
  path: string;
  size: number;
}

export default async function generate(work: { params: GenerateParams }) {
  const { path, size } = work.params;
  const png = encodeImage(sampleImage(size), "png", 100);
  await writeFileAtomic(path, png);
  return { path, bytes: png.length };
}
