/**
 * Where the worker modules are loaded from.
 *
 * Worker threads on Node 20 do not inherit tsx's loader, so runcue registers
 * tsx inside each thread when it meets a `.ts` worker module. That works, but
 * costs every thread a few hundred ms at start: more than rendering a tile.
 * So the example bundles its worker modules to plain JavaScript once (esbuild,
 * cached in `node_modules/.cache/`, rebuilt when a source file changes) and
 * gives runcue those. With `--ts-workers`, or when bundling fails, runcue gets
 * the `.ts` files as they are.
 *
 * When this code runs bundled itself (`dist/main.js`, built by
 * `scripts/build.mjs`), the worker bundles were built with it: they are the
 * `dist/*.worker.js` files beside it, and nothing is hashed or bundled at run time.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const WORKER_NAMES = ["tile", "stitch", "animate"] as const;
export type WorkerName = (typeof WORKER_NAMES)[number];

/** True in `dist/main.js`, where esbuild has inlined this module. */
const isBundled = import.meta.url.endsWith(".js");
const moduleDir = dirname(fileURLToPath(import.meta.url));
const sourceDir = isBundled ? join(moduleDir, "..", "src") : moduleDir;
const cacheDir = join(moduleDir, "..", "node_modules", ".cache", "mandelbrot-workers");

function modulesIn(folder: string, extension: string): Record<WorkerName, URL> {
  const entries = WORKER_NAMES.map((name) => [
    name,
    pathToFileURL(join(folder, `${name}.worker${extension}`)),
  ]);
  return Object.fromEntries(entries) as Record<WorkerName, URL>;
}

function typescriptModules(): Record<WorkerName, URL> {
  return modulesIn(sourceDir, ".ts");
}

/** A key that changes whenever any source file does. */
async function sourceKey(): Promise<string> {
  const hash = createHash("sha256");
  for (const name of (await readdir(sourceDir)).filter((file) => file.endsWith(".ts")).sort()) {
    hash.update(name).update(await readFile(join(sourceDir, name)));
  }
  return hash.digest("hex").slice(0, 16);
}

async function bundle(outDir: string): Promise<void> {
  const esbuild = await import("esbuild");
  // Build beside the final folder, then rename: a concurrent run never sees half a bundle.
  const building = `${outDir}.${process.pid}.tmp`;
  await esbuild.build({
    entryPoints: WORKER_NAMES.map((name) => join(sourceDir, `${name}.worker.ts`)),
    outdir: building,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    // npm packages (runcue/worker, write-file-atomic, gifenc) stay external: Node resolves them
    // from node_modules as usual, and CommonJS ones keep their own require and __filename.
    packages: "external",
    logLevel: "silent",
  });
  try {
    await rename(building, outDir);
  } catch (error) {
    await rm(building, { recursive: true, force: true });
    if (!existsSync(outDir)) throw error;
  }
  // Bundles of older sources are never used again.
  for (const name of await readdir(cacheDir)) {
    const path = join(cacheDir, name);
    if (path !== outDir && !name.endsWith(".tmp")) await rm(path, { recursive: true, force: true });
  }
}

/** The worker module of each task: bundled JavaScript, or the `.ts` sources when asked or when bundling fails. */
export async function workerModules(useTypeScript: boolean): Promise<Record<WorkerName, URL>> {
  if (useTypeScript) return typescriptModules();
  if (isBundled) return modulesIn(moduleDir, ".js");
  try {
    const outDir = join(cacheDir, await sourceKey());
    const bundled = WORKER_NAMES.map((name) => join(outDir, `${name}.worker.mjs`));
    if (!bundled.every((path) => existsSync(path))) {
      await mkdir(cacheDir, { recursive: true });
      await bundle(outDir);
    }
    const entries = WORKER_NAMES.map((name, index) => [name, pathToFileURL(bundled[index]!)]);
    return Object.fromEntries(entries) as Record<WorkerName, URL>;
  } catch {
    return typescriptModules();
  }
}
