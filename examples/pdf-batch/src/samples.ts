import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PDFDocument, StandardFonts } from "pdf-lib";

// An orchard's vocabulary, most common first: drawn with a skewed
// distribution, so documents have clear top terms.
const vocabulary = (
  "apple orchard harvest the tree and cider blossom of branch pruning a ladder crate orchard " +
  "season root soil to frost graft bee pollen in basket picker bushel press juice barrel " +
  "cellar market autumn spring ripe variety russet pippin bramley sapling mulch water sun " +
  "rain shade fence gate cart wagon farmer village festival"
).split(" ");

/** A small seeded generator (mulberry32): the same document every time. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The lines printed on page `page` (from 1) of sample document `document` (from 1). */
export function samplePageLines(document: number, page: number): string[] {
  const random = seededRandom(document * 10_007 + page);
  const lines = [`Orchard report ${document} page ${page}`];
  const lineCount = 8 + Math.floor(random() * 12);
  for (let line = 0; line < lineCount; line++) {
    const wordCount = 6 + Math.floor(random() * 8);
    const words: string[] = [];
    for (let word = 0; word < wordCount; word++) {
      words.push(vocabulary[Math.floor(random() ** 2 * vocabulary.length)]!);
    }
    lines.push(words.join(" "));
  }
  return lines;
}

export const sampleFileName = (document: number) =>
  `orchard-report-${String(document).padStart(2, "0")}.pdf`;

/** Writes `documents` sample PDFs of `pages` pages each into `folder`; returns their paths. */
export async function generateSamples(
  folder: string,
  documents: number,
  pages: number,
): Promise<string[]> {
  await mkdir(folder, { recursive: true });
  const paths: string[] = [];
  for (let document = 1; document <= documents; document++) {
    const pdf = await PDFDocument.create();
    pdf.setTitle(`Orchard report ${document}`);
    const font = await pdf.embedFont(StandardFonts.Helvetica);
    for (let page = 1; page <= pages; page++) {
      const sheet = pdf.addPage([612, 792]);
      samplePageLines(document, page).forEach((line, index) => {
        sheet.drawText(line, { x: 56, y: 730 - index * 18, size: index === 0 ? 14 : 11, font });
      });
    }
    const path = join(folder, sampleFileName(document));
    await writeFile(path, await pdf.save());
    paths.push(path);
  }
  return paths;
}
