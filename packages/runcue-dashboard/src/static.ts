import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

/** A file the server sends as it is. */
export interface StaticFile {
  body: Buffer;
  type: string;
}

const require = createRequire(import.meta.url);
// public/ sits beside src/ and dist/ alike, so the same relative path works for both
const publicDir = fileURLToPath(new URL("../public/", import.meta.url));

/** Served paths and where each file is; uPlot comes from its own package in node_modules. */
const FILES: Record<string, { path: () => string; type: string }> = {
  "/": { path: () => `${publicDir}index.html`, type: "text/html; charset=utf-8" },
  "/app.js": { path: () => `${publicDir}app.js`, type: "text/javascript; charset=utf-8" },
  "/style.css": { path: () => `${publicDir}style.css`, type: "text/css; charset=utf-8" },
  "/vendor/uPlot.iife.min.js": {
    path: () => require.resolve("uplot/dist/uPlot.iife.min.js"),
    type: "text/javascript; charset=utf-8",
  },
  "/vendor/uPlot.min.css": {
    path: () => require.resolve("uplot/dist/uPlot.min.css"),
    type: "text/css; charset=utf-8",
  },
};

const cache = new Map<string, Promise<StaticFile>>();

/** The page's file at `pathname`, read once; undefined when there is none. */
export function staticFile(pathname: string): Promise<StaticFile> | undefined {
  const entry = FILES[pathname];
  if (!entry) return undefined;
  let file = cache.get(pathname);
  if (!file) {
    file = readFile(entry.path()).then((body) => ({ body, type: entry.type }));
    // a failed read is not kept, so a later request tries again
    file.catch(() => cache.delete(pathname));
    cache.set(pathname, file);
  }
  return file;
}

/** Reads a panel's browser module on each request, so a rebuilt module is picked up. */
export async function moduleFile(path: string): Promise<StaticFile> {
  return { body: await readFile(path), type: "text/javascript; charset=utf-8" };
}
