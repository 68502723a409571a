/** The command line: flags, defaults, validation and `--help`. */
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import { COLORMAP_NAMES, type ColormapName, isColormapName } from "./colormaps.ts";
import { DEFAULT_ZOOM, type Zoom } from "./kernel.ts";

// `--version` prints this example's version and the runcue it runs on.
const require = createRequire(import.meta.url);
const version = `${require("../package.json").version} (runcue ${require("runcue/package.json").version})`;

export interface MandelbrotOptions {
  /** Image width and height in pixels. */
  size: number;
  /** Maximum iterations per pixel. */
  iter: number;
  /** Tiles per side. */
  grid: number;
  /** Worker threads. */
  threads: number;
  zoom: Zoom;
  colormap: ColormapName;
  /** Output folder, absolute. */
  out: string;
  /** Also write an animated GIF of the tiles appearing. */
  animate: boolean;
  /** Delete this render's tiles first, so every tile renders again. */
  force: boolean;
  /** Print one JSON summary on stdout instead of progress and text. */
  json: boolean;
  /** Hand runcue the `.ts` worker modules instead of the bundled JavaScript (see `worker-modules.ts`). */
  tsWorkers: boolean;
  /** Serve the live dashboard on this port (0: any free one) while rendering, and after until Ctrl-C. */
  dashboard?: number;
  /** Render the tiles through `runcue-worker` processes on this Redis (`@runcue/bullmq`). */
  redis?: string;
  /** The BullMQ queue those workers take jobs from. */
  queue: string;
}

/** `--dashboard` without a port. */
export const DASHBOARD_PORT = 4300;

function parsePort(text: string): number {
  const value = Number(text);
  if (text.trim() === "" || !Number.isInteger(value) || value < 0 || value > 65_535) {
    throw new InvalidArgumentError("--dashboard port must be a whole number from 0 to 65535.");
  }
  return value;
}

function positiveInteger(name: string, max: number) {
  return (text: string): number => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1 || value > max) {
      throw new InvalidArgumentError(`${name} must be a whole number from 1 to ${max}.`);
    }
    return value;
  };
}

function parseZoom(text: string): Zoom {
  const parts = text.split(",").map((part) => Number(part.trim()));
  const [cx, cy, scale] = parts;
  if (parts.length !== 3 || !parts.every(Number.isFinite) || scale === undefined || scale <= 0) {
    throw new InvalidArgumentError(
      'Use "cx,cy,scale": the centre and the width of the view, scale > 0 (e.g. "-0.745,0.113,0.01").',
    );
  }
  return { cx: cx!, cy: cy!, scale };
}

function parseColormap(text: string): ColormapName {
  if (!isColormapName(text)) {
    throw new InvalidArgumentError(`Use one of: ${COLORMAP_NAMES.join(", ")}.`);
  }
  return text;
}

/**
 * Parses `argv` (without the node and script entries). Invalid input prints
 * the problem with a hint to `--help` and exits with status 2; `--help` and `--version` exit 0.
 */
export function parseOptions(argv: string[], workingDirectory: string): MandelbrotOptions {
  const program = new Command("mandelbrot")
    .description(
      "Render the Mandelbrot set by tiles in runcue's worker pool. Each tile is an artifact in " +
        "<out>/tiles/; tiles already valid for the same settings are skipped, and a stitch task " +
        "writes <out>/mandelbrot.png.",
    )
    .option(
      "--size <px>",
      "image width and height in pixels",
      positiveInteger("--size", 16_384),
      2048,
    )
    .option("--iter <n>", "maximum iterations per pixel", positiveInteger("--iter", 1_000_000), 256)
    .option("--grid <n>", "tiles per side (grid × grid tiles)", positiveInteger("--grid", 256), 4)
    .addOption(
      new Option("--threads <n>", "worker threads")
        .argParser(positiveInteger("--threads", 1024))
        .default(availableParallelism(), `all cores: ${availableParallelism()}`),
    )
    .addOption(
      new Option("--zoom <cx,cy,scale>", "centre of the view and its width in the complex plane")
        .argParser(parseZoom)
        .default(DEFAULT_ZOOM, `${DEFAULT_ZOOM.cx},${DEFAULT_ZOOM.cy},${DEFAULT_ZOOM.scale}`),
    )
    .addOption(
      new Option("--colormap <name>", `colour scheme: ${COLORMAP_NAMES.join(", ")}`)
        .argParser(parseColormap)
        .default("classic"),
    )
    .option("--out <dir>", "output folder", "output")
    .option("--animate", "also write <out>/mandelbrot.gif: tiles appearing in completion order")
    .option("--force", "delete this render's tiles first and render them all again")
    .option("--json", "print one JSON summary on stdout instead of progress and text")
    .addOption(
      new Option(
        "--redis <url>",
        "render the tiles through runcue-worker processes on this Redis (e.g. redis://127.0.0.1:6379)",
      ).argParser((text: string) => {
        if (!/^rediss?:\/\/[^/]/.test(text)) {
          throw new InvalidArgumentError('Use a URL such as "redis://127.0.0.1:6379".');
        }
        return text;
      }),
    )
    .option("--queue <name>", "with --redis: the queue the workers take jobs from", "mandelbrot")
    .option(
      "--ts-workers",
      "run the .ts worker modules as they are (slower start: tsx in each thread)",
    )
    .option(
      "--dashboard [port]",
      `serve runcue's live dashboard with the image filling in (port ${DASHBOARD_PORT}; 0 picks a free one), until Ctrl-C`,
      parsePort,
    )
    .version(version, "--version", "print the version and exit")
    // A usage error exits 2 (as runcue-sim does) with a hint; --help and --version exit 0.
    .showHelpAfterError("(run with --help for the flags)")
    .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2))
    .allowExcessArguments(false);
  // `pnpm mandelbrot -- --size 512` hands the script a literal "--"; flags after it are still flags.
  const args = argv[0] === "--" ? argv.slice(1) : argv;
  program.parse(args, { from: "user" });
  const options = program.opts<Omit<MandelbrotOptions, "out"> & { out: string }>();
  if (options.grid > options.size) {
    program.error(
      `error: --grid (${options.grid}) cannot be larger than --size (${options.size}).`,
    );
  }
  if (options.redis === undefined && args.some((arg) => arg.startsWith("--queue"))) {
    program.error("error: --queue needs --redis: the queue lives on that Redis.");
  }
  return {
    ...options,
    animate: options.animate === true,
    force: options.force === true,
    json: options.json === true,
    tsWorkers: options.tsWorkers === true,
    dashboard:
      (options.dashboard as number | boolean | undefined) === true
        ? DASHBOARD_PORT
        : options.dashboard,
    out: resolve(workingDirectory, options.out),
  };
}
