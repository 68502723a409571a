/**
 * The raw-Piscina twin of the Mandelbrot example's `tile.worker.ts`: the same
 * kernel on the same requests, returning the same `{ col, row, shades }` with
 * the pixels moved, not copied (Piscina's transferable protocol where the
 * example uses runcue's `transfer()`), so the thread-scaling benchmark compares
 * schedulers, not workloads.
 */
import { renderTile, type TileRequest } from "@runcue/example-mandelbrot/kernel";
import { move, transferableSymbol, valueSymbol } from "piscina";

export default function piscinaTile(request: TileRequest): unknown {
  const shades = renderTile(request);
  const tile = { col: request.col, row: request.row, shades };
  return move({ [transferableSymbol]: shades.buffer, [valueSymbol]: tile } as never);
}
