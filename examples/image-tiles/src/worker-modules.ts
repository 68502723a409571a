/**
 * Where the worker modules are loaded from.
 *
 * The example runs under tsx, and on Node 20 worker threads do not inherit tsx's loader, so runcue
 * registers tsx inside each thread when it is handed a `.ts` worker module: 0.5 to 1 s of start-up
 * per thread on a busy 2-core machine. As the Mandelbrot example does, this bundles the worker
 * modules once to plain JavaScript (esbuild, cached in `node_modules/.cache/`, rebuilt when a file
 * in `src/` changes) and hands runcue those. With `--ts-workers`, or when bundling fails, runcue
 * gets the `.ts` files as they are.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const WORKER_NAMES = ["generate", "decode", "cut", "reduce", "thumbnail"] as const;
export type WorkerName = (typeof WORKER_NAMES)[number];

const sourceDir = dirname(fileURLToPath(import.meta.url));
const cacheDir = join(sourceDir, "..", "node_modules", ".cache", "image-tiles-workers");

function modulesIn(folder: string, extension: string): Record<WorkerName, URL> {
  const entries = WORKER_NAMES.map((name) => [
    name,
    pathToFileURL(join(folder, `${name}.worker${extension}`)),
  ]);
  return Object.fromEntries(entries) as Record<WorkerName, URL>;
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
    // npm packages (runcue/worker, pngjs, jpeg-js, write-file-atomic) stay external: Node resolves
    // them from node_modules as usual, and CommonJS ones keep their own require and __filename.
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
  if (useTypeScript) return modulesIn(sourceDir, ".ts");
  try {
    const outDir = join(cacheDir, await sourceKey());
    if (!WORKER_NAMES.every((name) => existsSync(join(outDir, `${name}.worker.mjs`)))) {
      await mkdir(cacheDir, { recursive: true });
      await bundle(outDir);
    }
    return modulesIn(outDir, ".mjs");
  } catch {
    return modulesIn(sourceDir, ".ts");
  }
}
