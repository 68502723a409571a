/**
 * `pnpm mandelbrot`: renders the Mandelbrot set by tiles in runcue's worker
 * pool. Tiles are artifacts in `<out>/tiles/`; `isStale` skips the ones already
 * valid for these settings, and a `stitch` task, ready once every tile is valid,
 * writes `<out>/mandelbrot.png`. Run with `--help` for the flags.
 */
import { mkdir, rm } from "node:fs/promises";
import { isAbsolute, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { Cue, type Work } from "runcue";
import type { AnimateParams, AnimateResult } from "./animate.worker.ts";
import {
  imageRecordPath,
  isImageValid,
  isTileValid,
  tilePath,
  writeMirroredTile,
  writeTile,
} from "./artifacts.ts";
import { serveImageDashboard } from "./dashboard.ts";
import { mirrorRow } from "./kernel.ts";
import { parseOptions } from "./options.ts";
import { createProgress } from "./progress.ts";
import { allTiles, type RenderSettings, type TilePosition, tileName } from "./render-settings.ts";
import type { StitchParams, StitchResult } from "./stitch.worker.ts";
import type { TileParams, TileResult } from "./tile.worker.ts";
import { workerModules } from "./worker-modules.ts";

// Under `pnpm mandelbrot` the script runs in this package's folder; INIT_CWD is where the user typed it.
const workingDirectory = process.env.INIT_CWD ?? process.cwd();
const options = parseOptions(process.argv.slice(2), workingDirectory);
const { size, iter, grid, zoom, threads, colormap, out } = options;
const settings: RenderSettings = { size, iter, grid, zoom };
const tilesDir = join(out, "tiles");
const pngPath = join(out, "mandelbrot.png");
const gifPath = join(out, "mandelbrot.gif");
const tiles = allTiles(grid);

await mkdir(tilesDir, { recursive: true });
if (options.force) {
  // Deleting the artifacts is what makes every tile stale: isStale stays a pure artifact check.
  await Promise.all(
    [
      pngPath,
      imageRecordPath(pngPath),
      ...tiles.map(({ col, row }) => tilePath(tilesDir, col, row)),
    ].map((path) => rm(path, { force: true })),
  );
}

/** True when every tile of this render has a valid artifact; stops at the first that has not. */
async function allTilesValid(): Promise<boolean> {
  for (const { col, row } of tiles) {
    if (!(await isTileValid(tilesDir, { ...settings, col, row }))) return false;
  }
  return true;
}

const workers = await workerModules(options.tsWorkers);
// With --redis the tiles render in runcue-worker processes (on any machine with the same checkout):
// they get the .ts module, a path every checkout has, and return the shades; this process writes
// the tile artifacts, so no shared disk is needed. Stitch, mirror and animate stay here.
const remote = options.redis !== undefined;
const pools = remote
  ? {
      farm: (await import("@runcue/bullmq")).redisPool({
        connection: options.redis!,
        queue: options.queue,
        root: fileURLToPath(new URL("../../..", import.meta.url)),
      }),
    }
  : undefined;
const cue = new Cue({ threads, stallTimeout: 10 * 60_000, pools });
// remote threads are bounded by the workers' own --threads
cue.service("cpu", remote ? {} : { concurrent: threads });
const tile = cue.task<TileParams, TileResult>("tile", {
  uses: "cpu",
  ...(remote
    ? { worker: (await workerModules(true)).tile, pool: "farm" }
    : { worker: workers.tile }),
  // a tile is pure: an attempt lost with its worker (killed, say) is simply rendered again
  retry: { attempts: 3 },
  isStale: async ({ params: { tilesDir: _folder, ...request } }) =>
    !(await isTileValid(tilesDir, request)),
});
const stitch = cue.task<StitchParams, StitchResult>("stitch", {
  uses: "cpu",
  worker: workers.stitch,
  isReady: allTilesValid,
  isStale: async () =>
    !(await isImageValid(
      pngPath,
      { size, iter, zoom, colormap },
      tiles.map(({ col, row }) => tilePath(tilesDir, col, row)),
    )),
});
// In a view centred on the real axis the bottom tiles are the top ones upside down: copied from
// their artifacts on the main thread, ready (isReady) once the tile they mirror is valid.
cue.service("disk");
const mirror = cue.task<TileParams & { sourceRow: number }, TileResult>("mirror", {
  uses: "disk",
  isReady: ({ params: { tilesDir: folder, sourceRow, ...request } }) =>
    isTileValid(folder!, { ...request, row: sourceRow }),
  isStale: async ({ params: { tilesDir: folder, sourceRow: _, ...request } }) =>
    !(await isTileValid(folder!, request)),
  run: async ({ params: { tilesDir: folder, sourceRow, ...request } }) => {
    const shades = await writeMirroredTile(folder!, request, sourceRow);
    return { col: request.col, row: request.row, shades };
  },
});
const animate = cue.task<AnimateParams, AnimateResult>("animate", {
  uses: "cpu",
  worker: workers.animate,
  isReady: allTilesValid,
});

const progress = createProgress(tiles.length, options.json ? "quiet" : "auto");
const rendered: TilePosition[] = [];
const skipped: TilePosition[] = [];
let mirrored = 0;
const tileWrites: Promise<void>[] = [];
cue.onComplete(tile, ({ params: { col, row } }, result) => {
  if (remote) {
    const writing = writeTile(tilesDir, { ...settings, col, row }, result.shades);
    writing.catch(() => {}); // reported when awaited below
    tileWrites.push(writing);
  }
  rendered.push({ col, row });
  progress.tileDone("rendered");
});
cue.onComplete(mirror, ({ params: { col, row } }) => {
  rendered.push({ col, row });
  mirrored++;
  progress.tileDone("rendered");
});
const tileSkipped = ({ params: { col, row } }: Work<TileParams>) => {
  skipped.push({ col, row });
  progress.tileDone("skipped");
};
cue.onSkip(tile, tileSkipped);
cue.onSkip(mirror, tileSkipped);

const dashboard =
  options.dashboard === undefined
    ? undefined
    : await serveImageDashboard(cue, {
        port: options.dashboard,
        settings,
        colormap,
        tilesDir,
        tileTasks: [tile, mirror],
      }).catch((error: unknown) => {
        console.error(`mandelbrot: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      });
if (dashboard) console.error(`dashboard: ${dashboard.url}`);

const startedAt = performance.now();
const tileIds = tiles.map(({ col, row }) => {
  const sourceRow = mirrorRow(size, grid, row, zoom);
  return sourceRow === undefined
    ? cue.submit(tile, { ...settings, col, row, ...(remote ? {} : { tilesDir }) })
    : cue.submit(mirror, { ...settings, col, row, tilesDir, sourceRow });
});
const stitchId = cue.submit(stitch, { ...settings, tilesDir, pngPath, colormap });
cue.start();

let exitCode = 0;
let tilesMs = 0;
try {
  await Promise.all(tileIds.map((id) => cue.result(id)));
  if (remote) {
    await Promise.all(tileWrites);
    cue.recheck(); // the stitch is ready now: no need to wait for its next poll
  }
  tilesMs = performance.now() - startedAt;
  let animation: AnimateResult | undefined;
  if (options.animate) {
    const order = [...skipped, ...rendered];
    animation = await cue.result(
      cue.submit(animate, { ...settings, tilesDir, gifPath, colormap, order }),
    );
  }
  // Undefined when the stitch was skipped: the image was already up to date.
  const image: StitchResult | undefined = await cue.result(stitchId);
  const renderMs = performance.now() - startedAt;
  progress.stop();
  // performance.now() counts from process start, so this includes start-up and module loading.
  const totalMs = performance.now();
  report(image, animation, renderMs, totalMs);
} catch (error) {
  progress.stop();
  console.error(`mandelbrot: ${error instanceof Error ? error.message : String(error)}`);
  exitCode = 1;
} finally {
  await cue.stop({ timeout: 1000 });
}
process.exitCode = exitCode;
if (dashboard) {
  console.error(`dashboard: still serving ${dashboard.url} (Ctrl-C to stop)`);
  await new Promise((resolve) => process.once("SIGINT", resolve));
  await dashboard.close();
}

function report(
  image: StitchResult | undefined,
  animation: AnimateResult | undefined,
  renderMs: number,
  totalMs: number,
) {
  if (options.json) {
    const summary = {
      size,
      iter,
      grid,
      threads,
      zoom,
      colormap,
      tiles: { total: tiles.length, rendered: rendered.length, skipped: skipped.length },
      // of the rendered tiles, how many were copied upside down from a tile above the real axis
      mirrored,
      rendered: rendered.map(tileName),
      skipped: skipped.map(tileName),
      png: pngPath,
      stitched: image !== undefined,
      gif: animation?.gifPath ?? null,
      // render: from cue.start() to the PNG; tiles: to the last tile; total: since the process started.
      timeMs: {
        total: Math.round(totalMs),
        render: Math.round(renderMs),
        tiles: Math.round(tilesMs),
      },
    };
    console.log(JSON.stringify(summary, null, 2));
    return;
  }
  const shown = (path: string) => {
    const inside = relative(workingDirectory, path);
    return inside.startsWith("..") || isAbsolute(inside) ? path : inside;
  };
  console.log(
    `${size}×${size} px, ${iter} iterations, ${grid}×${grid} tiles, colormap ${colormap}, ` +
      `zoom ${zoom.cx},${zoom.cy},${zoom.scale}`,
  );
  const mirroredNote = mirrored > 0 ? ` (${mirrored} of them mirrored)` : "";
  console.log(
    `tiles: ${rendered.length} rendered${mirroredNote}, ${skipped.length} skipped (already valid)`,
  );
  console.log(
    image
      ? `wrote ${shown(image.pngPath)} (${(image.bytes / 1024).toFixed(0)} KiB)`
      : `${shown(pngPath)} is up to date`,
  );
  if (animation) {
    console.log(
      `wrote ${shown(animation.gifPath)} (${animation.frames} frames, ${(animation.bytes / 1024).toFixed(0)} KiB)`,
    );
  }
  console.log(
    `total ${(totalMs / 1000).toFixed(2)} s on ${remote ? `the runcue-worker threads of queue "${options.queue}"` : `${threads} thread${threads === 1 ? "" : "s"}`} ` +
      `(tiles ${(tilesMs / 1000).toFixed(2)} s, tiles and stitch ${(renderMs / 1000).toFixed(2)} s, ` +
      "the rest is start-up)",
  );
}
