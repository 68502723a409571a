/**
 * Tile artifacts: one file per tile in `<out>/tiles/`, written atomically
 * (write-file-atomic: a temporary file beside it, then a rename), so readers
 * see the old file or the whole new one, never a part. Without fsync, as
 * every output of this example: an artifact cut short by a power cut fails
 * the length check below and is rendered again.
 *
 * A tile file is the 4 bytes `RCMT`, a little-endian uint32 header length, a
 * JSON header naming everything the pixels depend on (kernel version, size,
 * iterations, grid, tile position, zoom), then the tile's shade indices. A tile
 * is valid for a render when its header is exactly the one that render would
 * write and the file is as long as the header says: so a tile from other
 * settings, an older kernel or a torn write is stale.
 */
import { open, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import writeFileAtomic from "write-file-atomic";
import { flipRows, KERNEL_VERSION, type TileRequest, tileBounds } from "./kernel.ts";

const MAGIC = "RCMT";
const PREFIX_BYTES = 8;

/** Where a tile's artifact lives. */
export function tilePath(tilesDir: string, col: number, row: number): string {
  return join(tilesDir, `tile-r${row}-c${col}.bin`);
}

/** The header a tile rendered for `request` carries, as the exact bytes written. */
export function tileHeader(request: TileRequest): Buffer {
  const { size, iter, grid, col, row, zoom } = request;
  const { width, height } = tileBounds(size, grid, col, row);
  const header = {
    format: "runcue-mandelbrot-tile",
    kernel: KERNEL_VERSION,
    size,
    iter,
    grid,
    col,
    row,
    zoom: { cx: zoom.cx, cy: zoom.cy, scale: zoom.scale },
    width,
    height,
  };
  return Buffer.from(JSON.stringify(header), "utf8");
}

/** Writes the artifact of the tile `request` describes, with its `shades`. */
export async function writeTile(tilesDir: string, request: TileRequest, shades: Uint8Array) {
  const header = tileHeader(request);
  const prefix = Buffer.alloc(PREFIX_BYTES);
  prefix.write(MAGIC, 0, "latin1");
  prefix.writeUInt32LE(header.length, 4);
  await writeFileAtomic(
    tilePath(tilesDir, request.col, request.row),
    Buffer.concat([prefix, header, shades]),
    { fsync: false },
  );
}

/**
 * True when the tile's artifact exists and is valid for `request`. Reads only
 * the header, so checking every tile of a render is cheap.
 */
export async function isTileValid(tilesDir: string, request: TileRequest): Promise<boolean> {
  const expected = tileHeader(request);
  const { width, height } = tileBounds(request.size, request.grid, request.col, request.row);
  let file: Awaited<ReturnType<typeof open>>;
  try {
    file = await open(tilePath(tilesDir, request.col, request.row), "r");
  } catch {
    return false;
  }
  try {
    const head = Buffer.alloc(PREFIX_BYTES + expected.length);
    const { bytesRead } = await file.read(head, 0, head.length, 0);
    if (bytesRead !== head.length) return false;
    if (head.toString("latin1", 0, 4) !== MAGIC) return false;
    if (head.readUInt32LE(4) !== expected.length) return false;
    if (!head.subarray(PREFIX_BYTES).equals(expected)) return false;
    const { size } = await file.stat();
    return size === PREFIX_BYTES + expected.length + width * height;
  } finally {
    await file.close();
  }
}

/** Reads a tile's shades, throwing when the artifact is missing or not valid for `request`. */
export async function readTile(tilesDir: string, request: TileRequest): Promise<Uint8Array> {
  const path = tilePath(tilesDir, request.col, request.row);
  const bytes = await readFile(path);
  const expected = tileHeader(request);
  const { width, height } = tileBounds(request.size, request.grid, request.col, request.row);
  const start = PREFIX_BYTES + expected.length;
  const isValid =
    bytes.toString("latin1", 0, 4) === MAGIC &&
    bytes.readUInt32LE(4) === expected.length &&
    bytes.subarray(PREFIX_BYTES, start).equals(expected) &&
    bytes.length === start + width * height;
  if (!isValid) throw new Error(`Tile artifact ${path} is not valid for these settings`);
  return bytes.subarray(start);
}

/** What the stitched image records beside it (`<png>.json`), so an identical run can skip stitching. */
export interface ImageRecord {
  format: "runcue-mandelbrot-image";
  kernel: number;
  size: number;
  iter: number;
  zoom: { cx: number; cy: number; scale: number };
  colormap: string;
  /** Length of the PNG file it describes. */
  bytes: number;
}

export function imageRecordPath(pngPath: string): string {
  return `${pngPath}.json`;
}

/**
 * True when the PNG exists, was stitched with these settings and colormap, and
 * is not older than any of `tilePaths` (a re-rendered tile makes it stale).
 */
export async function isImageValid(
  pngPath: string,
  expected: Omit<ImageRecord, "bytes" | "format" | "kernel">,
  tilePaths: string[],
): Promise<boolean> {
  try {
    const record = JSON.parse(await readFile(imageRecordPath(pngPath), "utf8")) as ImageRecord;
    const wanted: Omit<ImageRecord, "bytes"> = {
      format: "runcue-mandelbrot-image",
      kernel: KERNEL_VERSION,
      ...expected,
    };
    const { bytes, ...recorded } = record;
    if (JSON.stringify(recorded) !== JSON.stringify(wanted)) return false;
    const image = await stat(pngPath);
    if (image.size !== bytes) return false;
    const tiles = await Promise.all(tilePaths.map((path) => stat(path)));
    return tiles.every((tile) => tile.mtimeMs <= image.mtimeMs);
  } catch {
    return false;
  }
}

/** Writes the record of a stitched image, after the image itself. */
export async function writeImageRecord(
  pngPath: string,
  record: Omit<ImageRecord, "format" | "kernel">,
) {
  const full: ImageRecord = {
    format: "runcue-mandelbrot-image",
    kernel: KERNEL_VERSION,
    ...record,
  };
  await writeFileAtomic(imageRecordPath(pngPath), `${JSON.stringify(full)}\n`, { fsync: false });
}

/**
 * Writes the artifact of tile `request` as the mirror image of the tile in row `sourceRow` (see
 * `mirrorRow` in `kernel.ts`), read from its own artifact; returns the shades.
 */
export async function writeMirroredTile(
  tilesDir: string,
  request: TileRequest,
  sourceRow: number,
): Promise<Uint8Array> {
  const source = await readTile(tilesDir, { ...request, row: sourceRow });
  const { width } = tileBounds(request.size, request.grid, request.col, request.row);
  const shades = flipRows(source, width);
  await writeTile(tilesDir, request, shades);
  return shades;
}
