/**
 * Tile pyramid geometry, as map viewers use it (Deep Zoom, XYZ): the top level
 * is the image at full resolution; each level below is half the size of the one
 * above (rounded up); level 0 fits in one tile. Tiles are `TILE_SIZE` pixels
 * square except at the right and bottom edges.
 */
import { join } from "node:path";

export const TILE_SIZE = 256;

export type TileFormat = "png" | "jpeg";

export interface Level {
  level: number;
  width: number;
  height: number;
  columns: number;
  rows: number;
}

export interface TileAddress {
  level: number;
  col: number;
  row: number;
}

/** Every level of the pyramid of a `width` × `height` image, level 0 (one tile) first. */
export function pyramidLevels(width: number, height: number): Level[] {
  let top = 0;
  while (Math.max(width, height) > TILE_SIZE * 2 ** top) top++;
  const levels: Level[] = [];
  for (let level = 0; level <= top; level++) {
    const divisor = 2 ** (top - level);
    const levelWidth = Math.ceil(width / divisor);
    const levelHeight = Math.ceil(height / divisor);
    levels.push({
      level,
      width: levelWidth,
      height: levelHeight,
      columns: Math.ceil(levelWidth / TILE_SIZE),
      rows: Math.ceil(levelHeight / TILE_SIZE),
    });
  }
  return levels;
}

/** The tiles of a level, row by row. */
export function tilesOf({ level, columns, rows }: Level): TileAddress[] {
  const tiles: TileAddress[] = [];
  for (let row = 0; row < rows; row++) {
    for (let col = 0; col < columns; col++) tiles.push({ level, col, row });
  }
  return tiles;
}

/** Pixel rectangle of a tile inside its level. */
export function tileRectangle(level: Level, col: number, row: number) {
  const x = col * TILE_SIZE;
  const y = row * TILE_SIZE;
  return {
    x,
    y,
    width: Math.min(TILE_SIZE, level.width - x),
    height: Math.min(TILE_SIZE, level.height - y),
  };
}

/** The up to four tiles of the level above that a tile is reduced from. */
export function childrenOf(above: Level, col: number, row: number): TileAddress[] {
  const children: TileAddress[] = [];
  for (let childRow = row * 2; childRow <= row * 2 + 1 && childRow < above.rows; childRow++) {
    for (let childCol = col * 2; childCol <= col * 2 + 1 && childCol < above.columns; childCol++) {
      children.push({ level: above.level, col: childCol, row: childRow });
    }
  }
  return children;
}

export function extensionOf(format: TileFormat): string {
  return format === "png" ? "png" : "jpg";
}

/** Where a tile lives: `<pyramidDir>/<level>/<col>_<row>.<ext>`, the Deep Zoom layout. */
export function tilePath(pyramidDir: string, tile: TileAddress, format: TileFormat): string {
  return join(pyramidDir, String(tile.level), `${tile.col}_${tile.row}.${extensionOf(format)}`);
}

/**
 * The level a thumbnail of `size` pixels (longest side) is made from: the
 * smallest one at least that large, so resizing only ever shrinks by less than 2.
 */
export function thumbnailSourceLevel(levels: Level[], size: number): Level {
  return levels.find((level) => Math.max(level.width, level.height) >= size) ?? levels.at(-1)!;
}

/** Thumbnail dimensions: longest side `size`, aspect kept, never larger than the image. */
export function thumbnailDimensions(width: number, height: number, size: number) {
  const scale = Math.min(1, size / Math.max(width, height));
  return {
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale)),
  };
}
