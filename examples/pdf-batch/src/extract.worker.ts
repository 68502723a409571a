import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";
import type { WorkerContext, WorkerWork } from "runcue/worker";
import { writeJsonAtomic } from "./artifacts.js";
import { documentLayout, type PageText } from "./layout.js";
import { countWords } from "./text.js";

export interface ExtractParams {
  document: string;
  /** Page number, from 1. */
  page: number;
  out: string;
}

// PDF.js reads the metrics of the 14 standard fonts from files it ships.
const standardFontDataUrl = `${join(
  dirname(createRequire(import.meta.url).resolve("pdfjs-dist/package.json")),
  "standard_fonts",
)}/`;

/** Extracts the text of one page PDF into `text/page-NNNN.json`. */
export default async function extractPage(
  work: WorkerWork<ExtractParams>,
  context: WorkerContext,
): Promise<{ words: number }> {
  const { document, page, out } = work.params;
  const layout = documentLayout(out, document);
  const data = new Uint8Array(readFileSync(layout.pagePdf(page)));
  const pdf = await getDocument({ data, standardFontDataUrl, isEvalSupported: false }).promise;
  let text = "";
  try {
    const content = await (await pdf.getPage(1)).getTextContent();
    for (const item of content.items) {
      if ("str" in item) text += item.str + (item.hasEOL ? "\n" : "");
    }
  } finally {
    await pdf.destroy();
  }
  context.progress(1);
  const words = countWords(text);
  writeJsonAtomic(layout.pageText(page), { page, text, words } satisfies PageText);
  return { words };
}
