/**
 * `--dashboard [port]`: serves runcue's live dashboard of this render, with a
 * panel of the image filling in tile by tile, in completion order. The panel
 * gets the order with each update and fetches each tile's shades once.
 */
import type { Cue, TaskName } from "runcue";
import { readTile } from "./artifacts.ts";
import { type ColormapName, colormapPalette } from "./colormaps.ts";
import { tileBounds } from "./kernel.ts";
import type { RenderSettings } from "./render-settings.ts";
import type { TileParams, TileResult } from "./tile.worker.ts";

export interface ImageDashboardOptions {
  port: number;
  settings: RenderSettings;
  colormap: ColormapName;
  tilesDir: string;
  /** Tasks whose works are tiles. */
  tileTasks: Array<TaskName<TileParams, TileResult>>;
}

/** Bytes of a tile's header in `/panels/image/files/tile-<index>`: x, y, width, height. */
const HEADER_BYTES = 16;

export async function serveImageDashboard(cue: Cue, options: ImageDashboardOptions) {
  // loaded only with --dashboard: a render without it starts no faster or slower for it
  const { serveDashboard } = await import("@runcue/dashboard");
  const { settings, tilesDir, tileTasks } = options;
  const { size, grid } = settings;
  /** Tile indices (row * grid + col) in the order they completed, skipped ones included. */
  const done: number[] = [];
  const rendered = new Map<number, Uint8Array>();
  for (const task of tileTasks) {
    cue.onComplete(task, (_work, { col, row, shades }) => {
      rendered.set(row * grid + col, shades);
      done.push(row * grid + col);
    });
    cue.onSkip(task, ({ params: { col, row } }) => {
      done.push(row * grid + col);
    });
  }

  async function tileFile(index: number): Promise<Uint8Array | undefined> {
    if (!Number.isInteger(index) || index < 0 || index >= grid * grid) return undefined;
    const col = index % grid;
    const row = Math.floor(index / grid);
    // a skipped tile was not rendered in this run: its artifact on disk has the shades
    const shades =
      rendered.get(index) ??
      (await readTile(tilesDir, { ...settings, col, row }).catch(() => undefined));
    if (!shades) return undefined;
    const { x, y, width, height } = tileBounds(size, grid, col, row);
    const file = new Uint8Array(HEADER_BYTES + shades.length);
    new DataView(file.buffer).setUint32(0, x, true);
    new DataView(file.buffer).setUint32(4, y, true);
    new DataView(file.buffer).setUint32(8, width, true);
    new DataView(file.buffer).setUint32(12, height, true);
    file.set(shades, HEADER_BYTES);
    return file;
  }

  return serveDashboard(cue, {
    port: options.port,
    title: `Mandelbrot ${size}×${size}, ${grid}×${grid} tiles`,
    panels: [
      {
        id: "image",
        title: "Image, tile by tile in completion order",
        module: new URL("../public/image-panel.js", import.meta.url),
        data: () => ({ size, grid, done }),
        file: (name) => {
          if (name === "palette") return colormapPalette(options.colormap);
          const match = /^tile-(\d+)$/.exec(name);
          return match ? tileFile(Number(match[1])) : undefined;
        },
      },
    ],
  });
}
