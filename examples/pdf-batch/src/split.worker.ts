import { readFileSync, statSync } from "node:fs";
import { PDFDocument } from "pdf-lib";
import type { WorkerContext, WorkerWork } from "runcue/worker";
import { writeFileAtomic, writeJsonAtomic } from "./artifacts.js";
import { documentLayout, type Manifest } from "./layout.js";

export interface SplitParams {
  /** Path of the source PDF. */
  source: string;
  /** Name of the document's artifact folder. */
  document: string;
  out: string;
}

/** Writes every page of the source as a one-page PDF, then the manifest. */
export default async function splitPdf(
  work: WorkerWork<SplitParams>,
  context: WorkerContext,
): Promise<{ pages: number }> {
  const { source, document, out } = work.params;
  const layout = documentLayout(out, document);
  const sourceStats = statSync(source);
  const pdf = await PDFDocument.load(readFileSync(source));
  const pages = pdf.getPageCount();
  for (let index = 0; index < pages; index++) {
    const single = await PDFDocument.create();
    const [copy] = await single.copyPages(pdf, [index]);
    single.addPage(copy!);
    writeFileAtomic(layout.pagePdf(index + 1), await single.save());
    context.progress((index + 1) / pages);
  }
  // Written last: a manifest on disk means every page before it is complete.
  writeJsonAtomic(layout.manifest, {
    source,
    sourceSize: sourceStats.size,
    sourceModifiedAt: sourceStats.mtimeMs,
    pages,
  } satisfies Manifest);
  return { pages };
}
