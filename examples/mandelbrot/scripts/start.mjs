/**
 * `pnpm mandelbrot`: runs the bundled `dist/main.js`, building it first when
 * `dist/` is missing or older than `src/` (a fresh clone, an edited source).
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build, distDir, isBuildStale } from "./build.mjs";

if (await isBuildStale()) await build();
await import(pathToFileURL(join(distDir, "main.js")).href);
