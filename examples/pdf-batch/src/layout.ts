import { join } from "node:path";

/** Where every artifact of one document lives, under `<out>/<document>/`. */
export function documentLayout(out: string, document: string) {
  const folder = join(out, document);
  const pageName = (page: number) => `page-${String(page).padStart(4, "0")}`;
  return {
    folder,
    /** Written by `split_pdf` last, so its presence means every page is there. */
    manifest: join(folder, "manifest.json"),
    pagePdf: (page: number) => join(folder, "pages", `${pageName(page)}.pdf`),
    pageText: (page: number) => join(folder, "text", `${pageName(page)}.json`),
    summary: join(folder, "summary.json"),
  };
}

/** What `split_pdf` learnt about a source PDF. */
export interface Manifest {
  source: string;
  /** Size and modification time of the source when it was split: a changed source is split again. */
  sourceSize: number;
  sourceModifiedAt: number;
  pages: number;
}

/** The text of one page. */
export interface PageText {
  page: number;
  text: string;
  words: number;
}

/** The summary of one document. */
export interface Summary {
  document: string;
  pages: number;
  words: number;
  /** The most frequent terms (stop words left out), most frequent first. */
  topTerms: Array<{ term: string; count: number }>;
}
