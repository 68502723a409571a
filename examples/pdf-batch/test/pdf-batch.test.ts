import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readJson } from "../src/artifacts.js";
import { type BatchOptions, type BatchReport, runBatch } from "../src/batch.js";
import { documentLayout, type Summary } from "../src/layout.js";
import { generateSamples, samplePageLines } from "../src/samples.js";
import { countWords, topTerms } from "../src/text.js";

const documents = ["orchard-report-01", "orchard-report-02"];
const pages = 12;
let folder: string;
let options: BatchOptions;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "pdf-batch-"));
  await generateSamples(join(folder, "pdfs"), documents.length, pages);
  // One thread: each new thread loads PDF.js through tsx first (seconds on a busy 2-core
  // machine), which costs more here than a second thread saves.
  options = { input: join(folder, "pdfs"), out: join(folder, "work"), threads: 1 };
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

/** The pages whose text was extracted in a run, as "document page". */
const extracted = (report: BatchReport) =>
  report.events
    .filter((event) => event.event === "start" && event.task === "extract_page")
    .map((event) => `${event.document} ${event.page}`)
    .sort();

// The tests build on each other's artifacts, like runs of a user on one folder.
describe("the PDF batch", () => {
  it("summarizes each document with the right pages, words and top terms", async () => {
    const report = await runBatch(options);

    expect(report.failed).toBe(0);
    expect(report.ran).toEqual({ split_pdf: 2, extract_page: 24, summarize: 2 });
    expect(report.summaries.map((summary) => summary.document)).toEqual(documents);
    for (const [index, summary] of report.summaries.entries()) {
      const printed = Array.from({ length: pages }, (_, page) =>
        samplePageLines(index + 1, page + 1).join("\n"),
      );
      expect(summary.pages).toBe(pages);
      expect(summary.words).toBe(printed.reduce((sum, text) => sum + countWords(text), 0));
      expect(summary.topTerms).toEqual(topTerms(printed));
      expect(readJson<Summary>(documentLayout(options.out, summary.document).summary)).toEqual(
        summary,
      );
    }
  });

  it("does nothing on a re-run", async () => {
    const report = await runBatch(options);
    expect(report.ran).toEqual({});
    expect(report.skipped).toEqual({ split_pdf: 2, extract_page: 24, summarize: 2 });
  });

  it("extracts just pages 5 to 10 again with --reprocess 5-10", async () => {
    const report = await runBatch({ ...options, reprocess: { from: 5, to: 10 } });
    const expected = documents.flatMap((document) =>
      [5, 6, 7, 8, 9, 10].map((page) => `${document} ${page}`),
    );
    expect(extracted(report)).toEqual(expected.sort());
    expect(report.ran).toEqual({ extract_page: 12, summarize: 2 });
    expect(report.summaries.map((summary) => summary.pages)).toEqual([pages, pages]);
  });

  it("extracts a page again when its text artifact is deleted", async () => {
    await rm(documentLayout(options.out, documents[1]!).pageText(3));
    const report = await runBatch(options);
    expect(extracted(report)).toEqual([`${documents[1]} 3`]);
    expect(report.ran).toEqual({ extract_page: 1, summarize: 1 });
  });

  it("fails the summary of a document with an unreadable page, not the whole batch", async () => {
    const layout = documentLayout(options.out, documents[0]!);
    await writeFile(layout.pagePdf(4), "not a PDF");
    await rm(layout.pageText(4));
    const report = await runBatch(options);
    expect(report.failed).toBe(1);
    expect(report.events.find((event) => event.event === "failed")).toMatchObject({
      task: "extract_page",
      document: documents[0],
      page: 4,
    });
    expect(report.summaries.map((summary) => summary.document)).toEqual([documents[1]]);

    // Deleting the broken page makes the split run again; every page of that document is
    // then newer than its text, so all of them are extracted again.
    await rm(layout.pagePdf(4));
    const repaired = await runBatch(options);
    expect(repaired.failed).toBe(0);
    expect(repaired.ran).toEqual({ split_pdf: 1, extract_page: 12, summarize: 1 });
    expect(repaired.summaries.map((summary) => summary.pages)).toEqual([pages, pages]);
  });

  it("generates samples and prints the summaries from the command line", async () => {
    const tsx = createRequire(import.meta.url).resolve("tsx/cli");
    const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));
    const cli = join(folder, "cli");
    const { stdout } = await promisify(execFile)(process.execPath, [
      tsx,
      main,
      ...["--generate", "1", "--pages", "3", "--threads", "1", "--quiet"],
      ...["--in", join(cli, "pdfs"), "--out", join(cli, "work")],
    ]);
    const words = [1, 2, 3].reduce(
      (sum, page) => sum + countWords(samplePageLines(1, page).join("\n")),
      0,
    );
    expect(stdout).toContain(`orchard-report-01: 3 pages, ${words} words; top terms: apple`);
    expect(stdout).toContain("ran 1/3/1, skipped 0/0/0");
  });
});
