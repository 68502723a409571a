/**
 * `pnpm --filter @runcue/example-mandelbrot build`: bundles `src/main.ts` and
 * the worker modules to plain JavaScript in `dist/`, so a run starts with
 * `node dist/main.js` instead of compiling TypeScript every time (tsx). npm
 * packages (runcue, commander, pngjs, ...) stay external: Node loads them from
 * node_modules as usual.
 *
 * `isBuildStale()` tells whether `dist/` is missing or older than `src/`; the
 * `start` script (scripts/start.mjs) uses it to build only when needed.
 */
import { existsSync } from "node:fs";
import { mkdir, readdir, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const packageDir = dirname(dirname(fileURLToPath(import.meta.url)));
const sourceDir = join(packageDir, "src");
export const distDir = join(packageDir, "dist");
const ENTRIES = ["main", "tile.worker", "stitch.worker", "animate.worker"];

/** True when a bundle in `dist/` is missing or older than a file in `src/`. */
export async function isBuildStale() {
  let built = Number.POSITIVE_INFINITY;
  for (const name of ENTRIES) {
    const path = join(distDir, `${name}.js`);
    if (!existsSync(path)) return true;
    built = Math.min(built, (await stat(path)).mtimeMs);
  }
  for (const name of await readdir(sourceDir)) {
    if ((await stat(join(sourceDir, name))).mtimeMs > built) return true;
  }
  return false;
}

/** Bundles the entries to `dist/`, each file written atomically (a run that starts meanwhile sees whole files). */
export async function build() {
  // Loaded here, not at the top: `start` imports this module on every run, and builds rarely.
  const esbuild = await import("esbuild");
  const { default: writeFileAtomic } = await import("write-file-atomic");
  const result = await esbuild.build({
    entryPoints: ENTRIES.map((name) => join(sourceDir, `${name}.ts`)),
    outdir: distDir,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    write: false,
    logLevel: "warning",
  });
  await mkdir(distDir, { recursive: true });
  for (const file of result.outputFiles) {
    const { buffer, byteOffset, length } = file.contents;
    await writeFileAtomic(file.path, Buffer.from(buffer, byteOffset, length), { fsync: false });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await build();
