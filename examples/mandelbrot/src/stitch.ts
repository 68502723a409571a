/** Assembling tile artifacts into one image of shade indices. */
import { readTile } from "./artifacts.ts";
import { tileBounds } from "./kernel.ts";
import { allTiles, type RenderSettings } from "./render-settings.ts";

/**
 * Reads every tile artifact of `settings` into one `size` × `size` buffer of
 * shade indices. Throws when a tile is missing or not valid for the settings.
 */
export async function readImageShades(
  tilesDir: string,
  settings: RenderSettings,
): Promise<Uint8Array> {
  const { size, grid } = settings;
  const image = new Uint8Array(size * size);
  await Promise.all(
    allTiles(grid).map(async ({ col, row }) => {
      const shades = await readTile(tilesDir, { ...settings, col, row });
      const { x, y, width, height } = tileBounds(size, grid, col, row);
      for (let line = 0; line < height; line++) {
        image.set(shades.subarray(line * width, (line + 1) * width), (y + line) * size + x);
      }
    }),
  );
  return image;
}
