/**
 * Artifacts and their validity.
 *
 * - The decoded source, `<out>/work/source.rgba`: `RCRGBA01`, a little-endian
 *   uint32 header length, a JSON header naming the input file (path, size,
 *   modification time) and the image size, then the RGBA pixels. It is valid
 *   while the input file is the one its header names.
 * - Tiles and thumbnails: image files, valid when they exist and are newer than
 *   the decoded source and the pyramid descriptor (`pyramid.json`, rewritten
 *   only when the settings change). Every file is written atomically, so one
 *   that exists is whole.
 */
import { closeSync, openSync, readSync } from "node:fs";
import { open, stat } from "node:fs/promises";
import writeFileAtomicPackage from "write-file-atomic";

const SOURCE_MAGIC = "RCRGBA01";
const PREFIX_BYTES = 12;

/**
 * Writes `data` to `path` atomically with write-file-atomic (a temporary file
 * beside it, then a rename), so readers see the old file or the whole new one,
 * never a part. Without fsync, as before: a crash can lose the newest files,
 * which the next run then makes again.
 */
export function writeFileAtomic(path: string, data: Uint8Array): Promise<void> {
  const bytes = Buffer.isBuffer(data)
    ? data
    : Buffer.from(data.buffer, data.byteOffset, data.length);
  return writeFileAtomicPackage(path, bytes, { fsync: false });
}

/** What the decoded source records about where it came from. */
export interface SourceHeader {
  format: "runcue-image-tiles-source";
  input: string;
  inputBytes: number;
  inputModifiedMs: number;
  width: number;
  height: number;
}

/** The identity of the input file now, to compare with a source header. */
async function inputIdentity(input: string) {
  const info = await stat(input);
  return { input, inputBytes: info.size, inputModifiedMs: info.mtimeMs };
}

/** Writes the decoded source for `input`, recording the input's identity. */
export async function writeSource(
  sourcePath: string,
  input: string,
  width: number,
  height: number,
  rgba: Uint8Array,
): Promise<void> {
  const header: SourceHeader = {
    format: "runcue-image-tiles-source",
    ...(await inputIdentity(input)),
    width,
    height,
  };
  const json = Buffer.from(JSON.stringify(header), "utf8");
  const prefix = Buffer.alloc(PREFIX_BYTES);
  prefix.write(SOURCE_MAGIC, 0, "latin1");
  prefix.writeUInt32LE(json.length, 8);
  await writeFileAtomic(sourcePath, Buffer.concat([prefix, json, rgba]));
}

/** The source's header and where its pixels start, or undefined when it is missing or torn. */
export async function readSourceHeader(
  sourcePath: string,
): Promise<{ header: SourceHeader; dataOffset: number } | undefined> {
  let file: Awaited<ReturnType<typeof open>>;
  try {
    file = await open(sourcePath, "r");
  } catch {
    return undefined;
  }
  try {
    const prefix = Buffer.alloc(PREFIX_BYTES);
    await file.read(prefix, 0, PREFIX_BYTES, 0);
    if (prefix.toString("latin1", 0, 8) !== SOURCE_MAGIC) return undefined;
    const json = Buffer.alloc(prefix.readUInt32LE(8));
    await file.read(json, 0, json.length, PREFIX_BYTES);
    const header = JSON.parse(json.toString("utf8")) as SourceHeader;
    const dataOffset = PREFIX_BYTES + json.length;
    const { size } = await file.stat();
    if (size !== dataOffset + header.width * header.height * 4) return undefined;
    return { header, dataOffset };
  } catch {
    return undefined;
  } finally {
    await file.close();
  }
}

/** True when the decoded source exists, is whole, and was made from `input` as it is now. */
export async function isSourceValid(sourcePath: string, input: string): Promise<boolean> {
  const source = await readSourceHeader(sourcePath);
  if (!source) return false;
  try {
    const now = await inputIdentity(input);
    return (
      source.header.input === now.input &&
      source.header.inputBytes === now.inputBytes &&
      source.header.inputModifiedMs === now.inputModifiedMs
    );
  } catch {
    return false;
  }
}

/**
 * Reads a rectangle of the decoded source as RGBA, row by row, without
 * loading the rest: each worker reads only the pixels of its own tile.
 */
export function readSourceRectangle(
  sourcePath: string,
  imageWidth: number,
  dataOffset: number,
  rectangle: { x: number; y: number; width: number; height: number },
): Uint8Array {
  const pixels = new Uint8Array(rectangle.width * rectangle.height * 4);
  const rowBytes = rectangle.width * 4;
  const descriptor = openSync(sourcePath, "r");
  try {
    for (let line = 0; line < rectangle.height; line++) {
      const position = dataOffset + ((rectangle.y + line) * imageWidth + rectangle.x) * 4;
      readSync(descriptor, pixels, line * rowBytes, rowBytes, position);
    }
  } finally {
    closeSync(descriptor);
  }
  return pixels;
}

/** Modification time of a file in ms, or undefined when it does not exist. */
export async function modifiedAt(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mtimeMs;
  } catch {
    return undefined;
  }
}
