/**
 * `pnpm image-tiles [input]`: builds a map-viewer tile pyramid and thumbnails
 * from a PNG or JPEG in runcue's worker pool. Every step is an artifact:
 *
 *   (sample.png) ─▶ work/source.rgba ─▶ pyramid/<top>/x_y ─▶ pyramid/<top-1>/x_y ─▶ … ─▶ pyramid/0/0_0
 *                                                                      └─▶ thumbnails/<size>.<ext>
 *
 * Each tile of a lower level waits, through `isReady`, for the four tiles of
 * the level above it is made from; `isStale` skips whatever is already built
 * from the same input with the same settings. Run with `--help` for the flags.
 */
import { mkdir, open, readFile, rm } from "node:fs/promises";
import { isAbsolute, join, relative } from "node:path";
import { Cue } from "runcue";
import { isSourceValid, modifiedAt, writeFileAtomic } from "./artifacts.ts";
import { probeImageSize } from "./codec.ts";
import type { CutParams } from "./cut.worker.ts";
import type { DecodeParams } from "./decode.worker.ts";
import type { GenerateParams } from "./generate.worker.ts";
import { parseOptions } from "./options.ts";
import {
  childrenOf,
  extensionOf,
  type Level,
  pyramidLevels,
  TILE_SIZE,
  type TileAddress,
  thumbnailDimensions,
  thumbnailSourceLevel,
  tilePath,
  tileRectangle,
  tilesOf,
} from "./pyramid.ts";
import type { ReduceParams } from "./reduce.worker.ts";
import { reusedFor } from "./reuse.ts";
import type { ThumbnailParams } from "./thumbnail.worker.ts";
import { workerModules } from "./worker-modules.ts";

interface Written {
  path: string;
  bytes: number;
}

// Under `pnpm image-tiles` the script runs in this package's folder; INIT_CWD is where the user typed it.
const workingDirectory = process.env.INIT_CWD ?? process.cwd();
const options = parseOptions(process.argv.slice(2), workingDirectory);
const { out, format, quality, threads } = options;
const encoding = { format, quality };
const pyramidDir = join(out, "pyramid");
const thumbnailDir = join(out, "thumbnails");
const sourcePath = join(out, "work", "source.rgba");
const descriptorPath = join(out, "pyramid.json");
const input = options.input ?? join(out, `sample-${options.sampleSize}.png`);

if (options.force) {
  await Promise.all(
    [pyramidDir, thumbnailDir, sourcePath, descriptorPath].map((path) =>
      rm(path, { recursive: true, force: true }),
    ),
  );
}
await mkdir(join(out, "work"), { recursive: true });
await mkdir(thumbnailDir, { recursive: true });

/** Width and height of the input, read from its header (the sample's are known). */
async function imageSize(): Promise<{ width: number; height: number }> {
  if (!options.input) return { width: options.sampleSize, height: options.sampleSize };
  const file = await open(options.input, "r").catch(() => {
    console.error(`image-tiles: cannot read ${options.input}`);
    process.exit(1);
  });
  try {
    // 1 MiB reaches the frame header even behind a large EXIF block.
    const head = Buffer.alloc(1 << 20);
    const { bytesRead } = await file.read(head, 0, head.length, 0);
    return probeImageSize(head.subarray(0, bytesRead), options.input);
  } finally {
    await file.close();
  }
}

const { width, height } = await imageSize().catch((error: Error) => {
  console.error(`image-tiles: ${error.message}`);
  process.exit(1);
});
const levels = pyramidLevels(width, height);
const top = levels.at(-1)!;
await Promise.all(
  levels.map(({ level }) => mkdir(join(pyramidDir, String(level)), { recursive: true })),
);

// The descriptor records the settings; rewritten only when they change, which makes every tile stale.
const descriptor = `${JSON.stringify(
  {
    width,
    height,
    tileSize: TILE_SIZE,
    format,
    quality: format === "jpeg" ? quality : undefined,
    levels,
  },
  null,
  2,
)}\n`;
if ((await readFile(descriptorPath, "utf8").catch(() => "")) !== descriptor) {
  await writeFileAtomic(descriptorPath, Buffer.from(descriptor));
}

/**
 * The time every tile and thumbnail must be newer than: the decoded source's
 * and the descriptor's. Infinity while the source is missing or made from
 * another input: until it is decoded again, nothing built from it is valid.
 */
async function readValidSince(): Promise<number> {
  const [isValid, source, settings] = await Promise.all([
    isSourceValid(sourcePath, input),
    modifiedAt(sourcePath),
    modifiedAt(descriptorPath),
  ]);
  if (!isValid || source === undefined) return Number.POSITIVE_INFINITY;
  return Math.max(source, settings ?? 0);
}

// Answers are reused for 25 ms (see reuse.ts). Safe here: a work's own output is only written by
// that work, so a reused "missing" never hides one; the source's validity only goes from Infinity to
// a time when the source was decoded again, and then every output must be rebuilt anyway; a reused
// "not there yet" for an input only makes a work wait a little longer.
const REUSE_MS = 25;
const validSince = reusedFor<void, number>(REUSE_MS, readValidSince);
const modifiedRecently = reusedFor(REUSE_MS, modifiedAt);

async function isFresh(path: string, since?: number): Promise<boolean> {
  const [modified, notBefore] = await Promise.all([modifiedRecently(path), since ?? validSince()]);
  return modified !== undefined && modified >= notBefore;
}

async function allFresh(paths: string[]): Promise<boolean> {
  const since = await validSince();
  for (const path of paths) if (!(await isFresh(path, since))) return false;
  return true;
}

const cue = new Cue({ threads, stallTimeout: 10 * 60_000 });
cue.service("cpu", { concurrent: threads });
const workers = await workerModules(options.tsWorkers);

const generate = cue.task<GenerateParams, Written>("generate", {
  uses: "cpu",
  worker: workers.generate,
  isStale: async ({ params }) => (await modifiedAt(params.path)) === undefined,
});
const decode = cue.task<DecodeParams, { width: number; height: number }>("decode", {
  uses: "cpu",
  worker: workers.decode,
  isReady: async ({ params }) => (await modifiedAt(params.input)) !== undefined,
  isStale: async ({ params }) => !(await isSourceValid(params.sourcePath, params.input)),
});
const cut = cue.task<CutParams, Written>("cut", {
  uses: "cpu",
  worker: workers.cut,
  isReady: async () => (await validSince()) !== Number.POSITIVE_INFINITY,
  isStale: async ({ params }) => !(await isFresh(params.path)),
});
const reduce = cue.task<ReduceParams, Written>("reduce", {
  uses: "cpu",
  worker: workers.reduce,
  isReady: ({ params }) => allFresh(params.children.map((child) => child.path)),
  isStale: async ({ params }) => !(await isFresh(params.path)),
});
const thumbnail = cue.task<ThumbnailParams, Written>("thumbnail", {
  uses: "cpu",
  worker: workers.thumbnail,
  isReady: ({ params }) => allFresh(params.tiles.map((tile) => tile.path)),
  isStale: async ({ params }) => !(await isFresh(params.path)),
});

/** What happened to each step, for the summary: counts and the span from first start to last finish. */
interface StepRecord {
  /** Works submitted for this step. */
  total: number;
  built: number;
  skipped: number;
  /** Sum of the durations of the works that ran: more than the span when threads worked at once. */
  busyMs: number;
  firstStart?: number;
  lastEnd?: number;
}
const steps = new Map<string, StepRecord>();
/** Tiles of a pyramid level report as "level N", the other steps by task. */
const stepOf = ({ task, params }: { task: string; params: unknown }): string =>
  typeof params === "object" && params !== null && "level" in params
    ? `level ${params.level}`
    : task;
const record = (name: string): StepRecord => {
  let step = steps.get(name);
  if (!step) {
    step = { total: 0, built: 0, skipped: 0, busyMs: 0 };
    steps.set(name, step);
  }
  return step;
};
cue.onStart((work) => {
  const step = record(stepOf(work));
  step.firstStart ??= performance.now();
});
/** One line on stderr as each step finishes, so a long run shows it is moving. */
function noteIfDone(name: string, step: StepRecord): void {
  if (options.json || step.built + step.skipped !== step.total) return;
  const seconds = ((performance.now() - startedAt) / 1000).toFixed(2);
  process.stderr.write(
    `${seconds.padStart(6)} s  ${name} done (${step.built} built, ${step.skipped} skipped)\n`,
  );
}
cue.onComplete((work, _result, duration) => {
  const name = stepOf(work);
  const step = record(name);
  step.built++;
  step.busyMs += duration;
  step.lastEnd = performance.now();
  noteIfDone(name, step);
});
cue.onSkip((work) => {
  const name = stepOf(work);
  const step = record(name);
  step.skipped++;
  noteIfDone(name, step);
});

const ids: Array<Promise<unknown>> = [];
const track = (id: string, step: string) => {
  record(step).total++;
  ids.push(cue.result(id));
};
if (!options.input) {
  track(cue.submit(generate, { path: input, size: options.sampleSize }), "generate");
}
track(cue.submit(decode, { input, sourcePath }), "decode");

const pathOf = (tile: TileAddress) => tilePath(pyramidDir, tile, format);
for (const tile of tilesOf(top)) {
  const rectangle = tileRectangle(top, tile.col, tile.row);
  track(
    cue.submit(cut, {
      ...encoding,
      ...rectangle,
      sourcePath,
      path: pathOf(tile),
      level: top.level,
    }),
    `level ${top.level}`,
  );
}
// Top level first, then each level below: the order they can run in.
for (let index = levels.length - 2; index >= 0; index--) {
  const level = levels[index]!;
  const above = levels[index + 1]!;
  for (const tile of tilesOf(level)) {
    const children = childrenOf(above, tile.col, tile.row).map((child) => ({
      path: pathOf(child),
      x: (child.col - tile.col * 2) * TILE_SIZE,
      y: (child.row - tile.row * 2) * TILE_SIZE,
    }));
    const composite = tileRectangle(above, tile.col * 2, tile.row * 2);
    track(
      cue.submit(reduce, {
        ...encoding,
        children,
        width: Math.min(TILE_SIZE * 2, above.width - composite.x),
        height: Math.min(TILE_SIZE * 2, above.height - composite.y),
        path: pathOf(tile),
        level: level.level,
      }),
      `level ${level.level}`,
    );
  }
}
for (const size of options.thumbnails) {
  const level: Level = thumbnailSourceLevel(levels, size);
  const dimensions = thumbnailDimensions(width, height, size);
  track(
    cue.submit(thumbnail, {
      ...encoding,
      tiles: tilesOf(level).map((tile) => ({
        path: pathOf(tile),
        x: tile.col * TILE_SIZE,
        y: tile.row * TILE_SIZE,
      })),
      levelWidth: level.width,
      levelHeight: level.height,
      ...dimensions,
      path: join(thumbnailDir, `${size}.${extensionOf(format)}`),
    }),
    "thumbnail",
  );
}

const startedAt = performance.now();
cue.start();
let exitCode = 0;
try {
  await Promise.all(ids);
  report(performance.now() - startedAt, performance.now());
} catch (error) {
  console.error(`image-tiles: ${error instanceof Error ? error.message : String(error)}`);
  exitCode = 1;
} finally {
  await cue.stop({ timeout: 1000 });
}
process.exitCode = exitCode;

function report(workMs: number, totalMs: number) {
  const order = [
    "generate",
    "decode",
    ...[...levels].reverse().map(({ level }) => `level ${level}`),
    "thumbnail",
  ];
  const rows = order
    .filter((name) => steps.has(name))
    .map((name) => {
      const step = steps.get(name)!;
      const spanMs =
        step.firstStart !== undefined && step.lastEnd !== undefined
          ? step.lastEnd - step.firstStart
          : 0;
      return {
        step: name,
        built: step.built,
        skipped: step.skipped,
        ms: Math.round(spanMs),
        busyMs: Math.round(step.busyMs),
      };
    });
  const built = rows.reduce((sum, row) => sum + row.built, 0);
  const skipped = rows.reduce((sum, row) => sum + row.skipped, 0);
  if (options.json) {
    const summary = {
      input,
      width,
      height,
      threads,
      format,
      levels: levels.map(({ level, width: w, height: h, columns, rows: r }) => ({
        level,
        width: w,
        height: h,
        tiles: columns * r,
      })),
      steps: rows,
      built,
      skipped,
      pyramid: pyramidDir,
      thumbnails: thumbnailDir,
      timeMs: { total: Math.round(totalMs), work: Math.round(workMs) },
    };
    console.log(JSON.stringify(summary, null, 2));
    return;
  }
  const shown = (path: string) => {
    const inside = relative(workingDirectory, path);
    return inside.startsWith("..") || isAbsolute(inside) ? path : inside;
  };
  console.log(
    `${shown(input)}: ${width}×${height} px → ${levels.length} levels of ${TILE_SIZE} px ${format} tiles, ` +
      `${options.thumbnails.length} thumbnails`,
  );
  const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`.padStart(8);
  // span: first start to last finish; busy: the works' durations added up (more when threads overlap).
  console.log(`  ${"step".padEnd(10)} built skipped     span     busy`);
  for (const row of rows) {
    const level = row.step.startsWith("level ") ? levels[Number(row.step.slice(6))] : undefined;
    const shape = level
      ? `  ${level.width}×${level.height} px, ${level.columns}×${level.rows} tiles`
      : "";
    console.log(
      `  ${row.step.padEnd(10)} ${String(row.built).padStart(5)} ${String(row.skipped).padStart(7)} ` +
        `${seconds(row.ms)} ${seconds(row.busyMs)}${shape}`,
    );
  }
  console.log(`wrote ${shown(pyramidDir)}/, ${shown(thumbnailDir)}/ and ${shown(descriptorPath)}`);
  console.log(
    `total ${(totalMs / 1000).toFixed(2)} s on ${threads} thread${threads === 1 ? "" : "s"} ` +
      `(work ${(workMs / 1000).toFixed(2)} s: ${built} built, ${skipped} skipped)`,
  );
}
