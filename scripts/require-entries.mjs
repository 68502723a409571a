/**
 * `node ../../scripts/require-entries.mjs index worker`, run by a package's build after tsup:
 * gives each ESM entry `dist/<name>.js` a CommonJS twin for `require()`.
 *
 * - `dist/<name>.cjs` is one line, `module.exports = require("./<name>.js")`: on Node 20.19+
 *   `require()` loads the ES module itself, so a CommonJS program and an ESM program share one
 *   copy of the library (one `Cue` class, one `TimeoutError` for `instanceof`), never two builds.
 * - `dist/<name>.d.cts` is the same declarations as `dist/<name>.d.ts`, so TypeScript sees the
 *   `require` side as CommonJS with the same types (are-the-types-wrong checks both sides).
 */
import { copyFileSync, existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const distDir = join(process.cwd(), "dist");
const names = process.argv.slice(2);
if (names.length === 0) {
  console.error("usage: node require-entries.mjs <entry name>... (e.g. index worker)");
  process.exit(2);
}
for (const name of names) {
  const esm = join(distDir, `${name}.js`);
  if (!existsSync(esm)) {
    console.error(`require-entries: ${esm} is missing; build the package first`);
    process.exit(1);
  }
  writeFileSync(
    join(distDir, `${name}.cjs`),
    `"use strict";\n// Node 20.19+ loads the ES module with require(): one copy for require and import.\nmodule.exports = require("./${name}.js");\n`,
  );
  const declarations = join(distDir, `${name}.d.ts`);
  if (existsSync(declarations)) copyFileSync(declarations, join(distDir, `${name}.d.cts`));
}
