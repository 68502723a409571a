/** The command line: flags, defaults, validation and `--help`. */
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import type { TileFormat } from "./pyramid.ts";

// `--version` prints this example's version and the runcue it runs on.
const require = createRequire(import.meta.url);
const version = `${require("../package.json").version} (runcue ${require("runcue/package.json").version})`;

export interface ImageTilesOptions {
  /** Input PNG or JPEG, absolute; undefined to generate a sample. */
  input: string | undefined;
  /** Output folder, absolute. */
  out: string;
  threads: number;
  format: TileFormat;
  quality: number;
  /** Width and height of the generated sample. */
  sampleSize: number;
  /** Thumbnail sizes (longest side, px). */
  thumbnails: number[];
  force: boolean;
  json: boolean;
  /** Hand runcue the `.ts` worker modules instead of bundled JavaScript (see `worker-modules.ts`). */
  tsWorkers: boolean;
}

function integerIn(name: string, min: number, max: number) {
  return (text: string): number => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}.`);
    }
    return value;
  };
}

function parseSizes(text: string): number[] {
  const sizes = text.split(",").map((part) => Number(part.trim()));
  if (sizes.length === 0 || !sizes.every((size) => Number.isInteger(size) && size >= 1)) {
    throw new InvalidArgumentError('Use whole numbers separated by commas, e.g. "128,256,512".');
  }
  return [...new Set(sizes)].sort((a, b) => a - b);
}

export function parseOptions(argv: string[], workingDirectory: string): ImageTilesOptions {
  const program = new Command("image-tiles")
    .description(
      "Build a tile pyramid (256 px tiles, zoom levels as map viewers use them) and thumbnails " +
        "from a PNG or JPEG, decoding, resizing and encoding in runcue's worker pool. With no " +
        "input, a sample image is generated. Tiles already built from the same input are skipped.",
    )
    .argument("[input]", "PNG or JPEG image (default: generate <out>/sample-<size>.png)")
    .option("--out <dir>", "output folder", "output/image-tiles")
    .addOption(
      new Option("--threads <n>", "worker threads")
        .argParser(integerIn("--threads", 1, 1024))
        .default(availableParallelism(), `all cores: ${availableParallelism()}`),
    )
    .addOption(
      new Option("--format <format>", "tile and thumbnail format")
        .choices(["png", "jpeg"])
        .default("png"),
    )
    .option("--quality <q>", "JPEG quality", integerIn("--quality", 1, 100), 85)
    .option(
      "--sample-size <px>",
      "size of the generated sample",
      integerIn("--sample-size", 16, 16_384),
      4096,
    )
    .option(
      "--thumbnails <sizes>",
      "thumbnail sizes, longest side in px",
      parseSizes,
      [128, 256, 512],
    )
    .option("--force", "delete earlier outputs first and build everything again")
    .option("--json", "print one JSON summary on stdout instead of text")
    .option(
      "--ts-workers",
      "run the .ts worker modules as they are (slower start: tsx in each thread)",
    )
    .version(version, "--version", "print the version and exit")
    // A usage error exits 2 (as runcue-sim does) with a hint; --help and --version exit 0.
    .showHelpAfterError("(run with --help for the flags)")
    .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2));
  const args = argv[0] === "--" ? argv.slice(1) : argv;
  program.parse(args, { from: "user" });
  const options = program.opts<Omit<ImageTilesOptions, "input" | "out"> & { out: string }>();
  const [input] = program.processedArgs as [string | undefined];
  return {
    ...options,
    force: options.force === true,
    json: options.json === true,
    tsWorkers: options.tsWorkers === true,
    input: input === undefined ? undefined : resolve(workingDirectory, input),
    out: resolve(workingDirectory, options.out),
  };
}
