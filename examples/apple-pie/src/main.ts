import { rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { Command, InvalidArgumentError } from "commander";
import { type KitchenEvent, runBakery } from "./bakery.js";

// `--version` prints this example's version and the runcue it runs on.
const require = createRequire(import.meta.url);
const version = `${require("../package.json").version} (runcue ${require("runcue/package.json").version})`;

function positiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) {
    throw new InvalidArgumentError("expected a whole number of at least 1");
  }
  return number;
}

const program = new Command()
  .name("apple-pie")
  .description(
    "One knife, two ovens: slices go brown after --max-age, so a pie waits while its apples are cut again.",
  )
  .option("--pies <n>", "pies to bake", positiveInteger, 6)
  .option("--apples <n>", "apples sliced for each pie", positiveInteger, 4)
  .option("--max-age <ms>", "slices older than this are brown", positiveInteger, 900)
  .option("--slice-ms <ms>", "time the knife takes for one pie's apples", positiveInteger, 200)
  .option("--bake-ms <ms>", "time a pie stays in the oven", positiveInteger, 1500)
  .option("--out <dir>", "artifact folder", "output/apple-pie")
  .option("--fresh", "delete the artifact folder first", false)
  .version(version, "--version", "print the version and exit")
  // A usage error exits 2 (as runcue-sim does) with a hint; --help and --version exit 0.
  .showHelpAfterError("(run with --help for the flags)")
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2))
  .parse();

const options = program.opts<{
  pies: number;
  apples: number;
  maxAge: number;
  sliceMs: number;
  bakeMs: number;
  out: string;
  fresh: boolean;
}>();

const symbols: Record<KitchenEvent["event"], string> = {
  start: "▶",
  done: "✓",
  skip: "·",
  retry: "↻",
  failed: "✗",
  expired: "⌛",
};

if (options.fresh) await rm(options.out, { recursive: true, force: true });
console.log(
  `Baking ${options.pies} pies: knife 1 at a time, 2 ovens, slices brown after ${options.maxAge} ms`,
);
const report = await runBakery(
  {
    pies: options.pies,
    apples: options.apples,
    maxSliceAge: options.maxAge,
    sliceTime: options.sliceMs,
    bakeTime: options.bakeMs,
    out: options.out,
  },
  (event) => {
    const at = `+${(event.at / 1000).toFixed(3)}s`.padStart(9);
    const what = `${symbols[event.event]} ${event.event}`.padEnd(10);
    console.log(
      `${at}  ${what} ${event.task.padEnd(13)} ${event.pie.padEnd(7)} ${event.detail}`.trimEnd(),
    );
  },
);
console.log(
  `Done in ${(report.elapsed / 1000).toFixed(2)} s: baked ${report.bakes}, ` +
    `sliced ${report.slicings} (${report.expired} re-cuts of brown slices), ` +
    `skipped ${report.skipped}, failed ${report.failed}. Artifacts in ${options.out}/`,
);
if (report.failed > 0) process.exitCode = 1;
