/**
 * runcue as npm users get it: the packed tarball, installed into a folder of its own beside the
 * schema library a user picked (zod 4, zod 3 or valibot: any Standard Schema), loaded with
 * `require()` from CommonJS and with `import` from ESM.
 *
 * The install is done here, offline, the way a package manager lays it out: the tarball unpacked
 * as node_modules/runcue, runcue's dependencies in its own node_modules (the versions this
 * workspace locked), the app's own zod or valibot beside it. So runcue's zod never hides the
 * user's zod 3, as in a real install.
 */
import { execFileSync, spawnSync } from "node:child_process";
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const runcueDir = join(root, "packages", "runcue");
const fixtures = join(root, "test", "fixtures", "tarball");
/** The schema libraries an app may bring, as this workspace has them installed (test/package.json). */
const schemaLibraries = {
  zod4: { zod: join(root, "test", "node_modules", "zod") },
  // the zod 3 package itself (zod@3.25), not zod 4's zod/v3 subpath
  zod3: { zod: join(root, "test", "node_modules", "zod3") },
  valibot: { valibot: join(root, "test", "node_modules", "valibot") },
} as const;

let work: string;
let installed: string;
let tarballFiles: string[];

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "runcue-tarball-"));
  // `pnpm test` built dist/ already; npm pack without scripts packs it as is (runcue has no
  // workspace: dependencies to rewrite, so this is the tarball `pnpm pack` makes).
  const [{ filename }] = JSON.parse(
    execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", work], {
      cwd: runcueDir,
      encoding: "utf8",
    }),
  );
  const tarball = join(work, filename);
  tarballFiles = execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" }).split("\n");
  execFileSync("tar", ["-xzf", tarball, "-C", work]);
  installed = join(work, "runcue");
  renameSync(join(work, "package"), installed);
  const manifest = JSON.parse(readFileSync(join(installed, "package.json"), "utf8"));
  mkdirSync(join(installed, "node_modules"));
  for (const dependency of Object.keys(manifest.dependencies ?? {})) {
    const target = join(installed, "node_modules", ...dependency.split("/"));
    mkdirSync(join(target, ".."), { recursive: true });
    symlinkSync(realpathSync(join(runcueDir, "node_modules", dependency)), target, "dir");
  }
  for (const [name, libraries] of Object.entries(schemaLibraries)) {
    const app = join(work, `app-${name}`);
    mkdirSync(join(app, "node_modules"), { recursive: true });
    symlinkSync(installed, join(app, "node_modules", "runcue"), "dir");
    for (const [library, path] of Object.entries(libraries)) {
      symlinkSync(realpathSync(path), join(app, "node_modules", library), "dir");
    }
    for (const file of readdirSync(fixtures)) copyFileSync(join(fixtures, file), join(app, file));
  }
}, 60_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

function runApp(library: string, script: string) {
  const child = spawnSync(process.execPath, [script], {
    cwd: join(work, `app-${library}`),
    env: { ...process.env, SCHEMA: library },
    encoding: "utf8",
    timeout: 30_000,
  });
  return { status: child.status, stderr: child.stderr, output: child.stdout };
}

test("the tarball holds the README, the LICENSE, the changelog and dist/, and nothing from src/", () => {
  const files = tarballFiles.map((file) => file.replace(/^package\//, ""));
  for (const file of ["README.md", "LICENSE", "CHANGELOG.md", "package.json", "dist/index.js"]) {
    expect(files).toContain(file);
  }
  expect(files.filter((file) => file.startsWith("src/") || file.startsWith("test/"))).toEqual([]);
});

describe.each(Object.keys(schemaLibraries))("an app with %s params", (library) => {
  for (const script of ["user.cjs", "user.mjs"]) {
    test(`${script} runs main-thread and worker work, refuses bad params, and exits on its own`, () => {
      const { status, stderr, output } = runApp(library, script);
      expect(stderr).toBe("");
      expect(status).toBe(0);
      const result = JSON.parse(output);
      expect(result).toMatchObject({
        doubled: 42,
        squared: [81],
        rate: { limit: 10, interval: 5000 },
        errors: true,
        // require() and import give the one ES module: one Cue class, one TimeoutError
        oneCopy: true,
      });
      // the schema library's own issue, with its path, in runcue's message
      expect(result.refused).toMatch(/^Invalid params for task "double": n: /);
    });
  }
});
