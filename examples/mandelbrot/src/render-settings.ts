import type { Zoom } from "./kernel.ts";

/** What the tile artifacts depend on; plain data, so it crosses to worker threads. */
export interface RenderSettings {
  size: number;
  iter: number;
  grid: number;
  zoom: Zoom;
}

/** A tile's place in the grid. */
export interface TilePosition {
  col: number;
  row: number;
}

/** Every tile of the grid, row by row. */
export function allTiles(grid: number): TilePosition[] {
  const tiles: TilePosition[] = [];
  for (let row = 0; row < grid; row++) {
    for (let col = 0; col < grid; col++) tiles.push({ col, row });
  }
  return tiles;
}

/** A tile's short name, as used in logs and the JSON summary: `r1-c2`. */
export function tileName({ col, row }: TilePosition): string {
  return `r${row}-c${col}`;
}
