/**
 * Worker module: renders one tile with the kernel in a worker thread, writes
 * its artifact when `tilesDir` is given, and moves the shades back to the main
 * thread (transferred, not copied).
 */
import { transfer } from "runcue/worker";
import { writeTile } from "./artifacts.ts";
import { renderTile, type TileRequest } from "./kernel.ts";

/** Params of a `tile` work: the kernel's request, plus where to write the artifact. */
export interface TileParams extends TileRequest {
  /** Folder of tile artifacts; without it the tile is only returned. */
  tilesDir?: string;
}

export interface TileResult {
  col: number;
  row: number;
  /** Shade indices, row-major (see `kernel.ts`). */
  shades: Uint8Array;
}

export default async function tile(work: { params: TileParams }): Promise<TileResult> {
  const { tilesDir, ...request } = work.params;
  const shades = renderTile(request);
  if (tilesDir !== undefined) await writeTile(tilesDir, request, shades);
  return transfer({ col: request.col, row: request.row, shades }, [shades.buffer as ArrayBuffer]);
}
