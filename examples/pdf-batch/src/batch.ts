import { readdirSync, rmSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { Cue, type TaskName, type Work } from "runcue";
import { modifiedAt, readJson, writeJsonAtomic } from "./artifacts.js";
import type { ExtractParams } from "./extract.worker.js";
import { documentLayout, type Manifest, type PageText, type Summary } from "./layout.js";
import type { SplitParams } from "./split.worker.js";
import { topTerms } from "./text.js";

export interface BatchOptions {
  /** Folder of the source PDFs. */
  input: string;
  /** Folder of the artifacts: `<out>/<document>/{manifest.json,pages/,text/,summary.json}`. */
  out: string;
  /** Worker threads for splitting and text extraction. */
  threads: number;
  /** Pages (from 1, inclusive) whose text is extracted again in every document. */
  reprocess?: { from: number; to: number };
}

/** One line of the batch's event log. */
export interface BatchEvent {
  /** Milliseconds since the run began. */
  at: number;
  event: "start" | "done" | "skip" | "failed";
  task: string;
  document: string;
  /** Page number for `extract_page`. */
  page?: number;
  detail: string;
}

export interface BatchReport {
  events: BatchEvent[];
  /** Works that ran, by task. */
  ran: Record<string, number>;
  /** Works skipped because their artifact was valid, by task. */
  skipped: Record<string, number>;
  failed: number;
  summaries: Summary[];
  elapsed: number;
}

/** What every task of the batch says in its params. */
interface DocumentParams {
  document: string;
  page?: number;
}

interface SummarizeParams {
  document: string;
  out: string;
  pages: number;
}

/**
 * Splits every PDF of `options.input` into page PDFs, extracts the text of
 * each page in worker threads and summarizes each document once all its
 * pages are done. Artifacts decide what runs, so a re-run does only what is
 * missing.
 */
export async function runBatch(
  options: BatchOptions,
  log: (event: BatchEvent) => void = () => {},
): Promise<BatchReport> {
  const startedAt = Date.now();
  const out = resolve(options.out);
  const report: BatchReport = {
    events: [],
    ran: {},
    skipped: {},
    failed: 0,
    summaries: [],
    elapsed: 0,
  };
  const record = (event: BatchEvent["event"], work: Work<DocumentParams>, detail = "") => {
    const { params } = work;
    const entry: BatchEvent = {
      at: Date.now() - startedAt,
      event,
      task: work.task,
      document: params.document,
      detail,
    };
    if (params.page !== undefined) entry.page = params.page;
    report.events.push(entry);
    log(entry);
  };
  const count = (tally: Record<string, number>, task: string) => {
    tally[task] = (tally[task] ?? 0) + 1;
  };

  const cue = new Cue({ threads: options.threads, pollInterval: 20, stallTimeout: 60_000 });
  cue.service("cpu", { concurrent: options.threads });
  cue.service("local");

  const splitPdf = cue.task<SplitParams, { pages: number }>("split_pdf", {
    uses: "cpu",
    worker: new URL("./split.worker.ts", import.meta.url),
    isStale: (work) => {
      const layout = documentLayout(work.params.out, work.params.document);
      const manifest = readJson<Manifest>(layout.manifest);
      if (manifest === undefined) return true;
      const sourceModifiedAt = modifiedAt(work.params.source);
      if (sourceModifiedAt !== manifest.sourceModifiedAt) return true;
      for (let page = 1; page <= manifest.pages; page++) {
        if (modifiedAt(layout.pagePdf(page)) === undefined) return true;
      }
      return false;
    },
  });

  // Like make: a page's text is stale when it is missing or older than its page PDF.
  const extractPage = cue.task<ExtractParams, { words: number }>("extract_page", {
    uses: "cpu",
    worker: new URL("./extract.worker.ts", import.meta.url),
    isReady: (work) => {
      const layout = documentLayout(work.params.out, work.params.document);
      return modifiedAt(layout.pagePdf(work.params.page)) !== undefined;
    },
    isStale: (work) => {
      const layout = documentLayout(work.params.out, work.params.document);
      const textAt = modifiedAt(layout.pageText(work.params.page));
      return textAt === undefined || textAt < modifiedAt(layout.pagePdf(work.params.page))!;
    },
  });

  const summarize = cue.task<SummarizeParams, Summary>("summarize", {
    uses: "local",
    isReady: (work) => {
      const layout = documentLayout(work.params.out, work.params.document);
      for (let page = 1; page <= work.params.pages; page++) {
        if (modifiedAt(layout.pageText(page)) === undefined) return false;
      }
      return true;
    },
    isStale: (work) => {
      const layout = documentLayout(work.params.out, work.params.document);
      const summaryAt = modifiedAt(layout.summary);
      if (summaryAt === undefined) return true;
      for (let page = 1; page <= work.params.pages; page++) {
        if ((modifiedAt(layout.pageText(page)) ?? Number.POSITIVE_INFINITY) > summaryAt) {
          return true;
        }
      }
      return false;
    },
    run: (work) => {
      const layout = documentLayout(work.params.out, work.params.document);
      const texts: string[] = [];
      let words = 0;
      for (let page = 1; page <= work.params.pages; page++) {
        const pageText = readJson<PageText>(layout.pageText(page));
        if (pageText === undefined) throw new Error(`Page ${page} has no text yet`);
        texts.push(pageText.text);
        words += pageText.words;
      }
      const summary: Summary = {
        document: work.params.document,
        pages: work.params.pages,
        words,
        topTerms: topTerms(texts),
      };
      writeJsonAtomic(layout.summary, summary);
      return summary;
    },
  });

  const documentTasks: TaskName<DocumentParams>[] = [splitPdf, extractPage, summarize];
  for (const task of documentTasks) {
    cue.onStart(task, (work) => record("start", work));
    cue.onSkip(task, (work) => {
      count(report.skipped, work.task);
      record("skip", work, "artifact up to date");
    });
    cue.onFailure(task, (work, error) => {
      report.failed++;
      record("failed", work, error.message);
    });
  }
  const done = (work: Work<DocumentParams>, detail: string, duration: number) => {
    count(report.ran, work.task);
    record("done", work, `${detail} in ${Math.round(duration)} ms`);
  };
  cue.onComplete(splitPdf, (work, result, duration) =>
    done(work, `${result.pages} pages`, duration),
  );
  cue.onComplete(extractPage, (work, result, duration) => {
    done(work, `${result.words} words`, duration);
  });
  cue.onComplete(summarize, (work, result, duration) => {
    done(work, `${result.pages} pages, ${result.words} words`, duration);
  });
  // A page that cannot be read would leave its summary waiting for ever
  // (until the stall timeout): give up on that summary at once instead.
  const summaryIds = new Map<string, string>();
  cue.onFailure(extractPage, (work) => {
    const summaryId = summaryIds.get(work.params.document);
    if (summaryId !== undefined) void cue.cancel(summaryId);
  });

  cue.start();
  const sources = readdirSync(options.input)
    .filter((name) => name.toLowerCase().endsWith(".pdf"))
    .sort();
  // Each document's pages are known only once it is split; the documents
  // go on in parallel, so extraction of one overlaps splitting of the next.
  await Promise.all(
    sources.map(async (name) => {
      const document = basename(name, ".pdf");
      const source = resolve(join(options.input, name));
      try {
        await cue.result(cue.submit(splitPdf, { source, document, out }));
      } catch {
        return; // reported by onFailure
      }
      const layout = documentLayout(out, document);
      const manifest = readJson<Manifest>(layout.manifest);
      if (manifest === undefined) return;
      if (options.reprocess !== undefined) {
        const last = Math.min(options.reprocess.to, manifest.pages);
        for (let page = options.reprocess.from; page <= last; page++) {
          rmSync(layout.pageText(page), { force: true });
        }
      }
      for (let page = 1; page <= manifest.pages; page++) {
        cue.submit(extractPage, { document, page, out });
      }
      const summaryId = cue.submit(summarize, { document, out, pages: manifest.pages });
      summaryIds.set(document, summaryId);
      try {
        await cue.result(summaryId);
      } catch {
        return;
      }
      const summary = readJson<Summary>(layout.summary);
      if (summary !== undefined) report.summaries.push(summary);
    }),
  );
  await cue.idle();
  await cue.stop();
  report.summaries.sort((left, right) => left.document.localeCompare(right.document));
  report.elapsed = Date.now() - startedAt;
  return report;
}
