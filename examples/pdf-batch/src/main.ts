import { existsSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { type BatchEvent, runBatch } from "./batch.js";
import { generateSamples } from "./samples.js";

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

function pageRange(value: string): { from: number; to: number } {
  const match = /^(\d+)(?:-(\d+))?$/.exec(value.trim());
  const from = Number(match?.[1]);
  const to = Number(match?.[2] ?? match?.[1]);
  if (match === null || from < 1 || to < from) {
    throw new InvalidArgumentError('expected a page or a range of pages, like "7" or "5-10"');
  }
  return { from, to };
}

const program = new Command()
  .name("pdf-batch")
  .description(
    "Split PDFs into pages, extract each page's text in worker threads, summarize each document.",
  )
  .option("--in <dir>", "folder of the PDFs to process", "output/pdf-batch/pdfs")
  .option("--out <dir>", "artifact folder", "output/pdf-batch/work")
  .option("--generate <n>", "first write N sample PDFs into --in", positiveInteger)
  .option("--pages <n>", "pages of each generated sample", positiveInteger, 12)
  .option("--threads <n>", "worker threads", positiveInteger, availableParallelism())
  .option(
    "--reprocess <pages>",
    'extract these pages again in every document, e.g. "5-10"',
    pageRange,
  )
  .option("-q, --quiet", "print only the summaries, not every event", false)
  .version(version, "--version", "print the version and exit")
  // A usage error exits 2 (as runcue-sim does) with a hint; --help and --version exit 0.
  .showHelpAfterError("(run with --help for the flags)")
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2))
  .parse();

const options = program.opts<{
  in: string;
  out: string;
  generate?: number;
  pages: number;
  threads: number;
  reprocess?: { from: number; to: number };
  quiet: boolean;
}>();

if (options.generate !== undefined) {
  const paths = await generateSamples(options.in, options.generate, options.pages);
  console.log(`Wrote ${paths.length} sample PDFs of ${options.pages} pages to ${options.in}/`);
}
if (!existsSync(options.in) || !readdirSync(options.in).some((name) => name.endsWith(".pdf"))) {
  console.error(`No PDFs in ${options.in}/: pass --generate N to write samples there first.`);
  process.exit(2);
}

const symbols: Record<BatchEvent["event"], string> = {
  start: "▶",
  done: "✓",
  skip: "·",
  failed: "✗",
};
console.log(`Processing ${options.in}/ with ${options.threads} threads`);
const report = await runBatch(
  {
    input: options.in,
    out: options.out,
    threads: options.threads,
    ...(options.reprocess === undefined ? {} : { reprocess: options.reprocess }),
  },
  (event) => {
    if (options.quiet && event.event !== "failed") return;
    const at = `+${(event.at / 1000).toFixed(3)}s`.padStart(9);
    const what = `${symbols[event.event]} ${event.event}`.padEnd(8);
    const page = event.page === undefined ? "" : ` p${event.page}`;
    console.log(
      `${at}  ${what} ${event.task.padEnd(13)} ${event.document}${page}  ${event.detail}`.trimEnd(),
    );
  },
);

for (const summary of report.summaries) {
  const terms = summary.topTerms
    .slice(0, 5)
    .map((entry) => `${entry.term} ${entry.count}`)
    .join(", ");
  console.log(
    `${summary.document}: ${summary.pages} pages, ${summary.words} words; top terms: ${terms}`,
  );
}
const tally = (counts: Record<string, number>) =>
  ["split_pdf", "extract_page", "summarize"].map((task) => `${counts[task] ?? 0}`).join("/");
console.log(
  `Done in ${(report.elapsed / 1000).toFixed(2)} s with ${options.threads} threads: ` +
    `ran ${tally(report.ran)}, skipped ${tally(report.skipped)} (split/extract/summarize), ` +
    `${report.failed} failed. Summaries in ${join(options.out, "<document>", "summary.json")}`,
);
if (report.failed > 0) process.exitCode = 1;
