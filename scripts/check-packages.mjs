/**
 * `pnpm check-packages` (CI runs it): packs every publishable package of the workspace as npm would
 * publish it (`pnpm pack`, which runs its `prepack` build and turns `workspace:^` into versions),
 * then checks each tarball:
 *
 * - `publint --strict`: the package.json fields and exports map against the files shipped;
 * - are-the-types-wrong, node16 profile: `import` and `require` both find JavaScript and types
 *   that agree (node10, which knows no `exports` map, is out of scope);
 * - README.md, LICENSE and CHANGELOG.md are inside, and `engines.node` is `>=20.19`.
 *
 * Any finding fails the run (exit 1). Tarballs are left in `.tmp/packs/` for the tests that install
 * them (test/tarball.test.ts packs on its own when they are missing).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const packDir = join(root, ".tmp", "packs");
const bin = (name) => join(root, "node_modules", ".bin", name);

/** Workspace packages that are published: under packages/, not private. */
export function publishablePackages() {
  const packagesDir = join(root, "packages");
  return readdirSync(packagesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(packagesDir, entry.name))
    .filter((dir) => {
      try {
        return JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).private !== true;
      } catch {
        return false;
      }
    });
}

/** Packs the package in `dir` into `destination`; returns the tarball's path. */
export function pack(dir, destination) {
  mkdirSync(destination, { recursive: true });
  const output = execFileSync("pnpm", ["pack", "--json", "--pack-destination", destination], {
    cwd: dir,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  // pnpm prints the prepack script's output before the JSON summary: take the last JSON object.
  const json = output.slice(output.lastIndexOf("\n{") + 1);
  return JSON.parse(json).filename;
}

function listTarball(tarball) {
  return execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" })
    .split("\n")
    .filter(Boolean)
    .map((path) => path.replace(/^package\//, ""));
}

function check(dir) {
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const findings = [];
  const tarball = pack(dir, packDir);
  console.log(`\n== ${manifest.name}: ${tarball}`);

  const files = listTarball(tarball);
  for (const required of ["README.md", "LICENSE", "CHANGELOG.md", "package.json"]) {
    if (!files.includes(required)) findings.push(`${required} is not in the tarball`);
  }
  if (!files.some((file) => file.startsWith("dist/"))) findings.push("dist/ is empty or missing");
  if (manifest.engines?.node !== ">=20.19") {
    findings.push(`engines.node is ${JSON.stringify(manifest.engines?.node)}, expected ">=20.19"`);
  }
  for (const field of ["repository", "homepage", "bugs", "keywords", "license"]) {
    if (manifest[field] === undefined) findings.push(`package.json has no "${field}"`);
  }
  if (manifest.scripts?.prepack === undefined) findings.push('package.json has no "prepack" build');
  const packed = JSON.parse(
    execFileSync("tar", ["-xzOf", tarball, "package/package.json"], { encoding: "utf8" }),
  );
  for (const kind of ["dependencies", "peerDependencies", "optionalDependencies"]) {
    for (const [name, range] of Object.entries(packed[kind] ?? {})) {
      if (String(range).startsWith("workspace:")) {
        findings.push(`${kind}.${name} is still "${range}" in the tarball`);
      }
    }
  }
  for (const [name, range] of Object.entries(manifest.dependencies ?? {})) {
    if (String(range).startsWith("workspace:") && range !== "workspace:^") {
      findings.push(`dependencies.${name} is "${range}": use "workspace:^"`);
    }
  }

  for (const [label, command, args] of [
    ["publint --strict", bin("publint"), ["--strict", tarball]],
    ["attw --profile node16", bin("attw"), ["--profile", "node16", "--format", "ascii", tarball]],
  ]) {
    const result = spawnSync(command, args, { encoding: "utf8" });
    process.stdout.write(result.stdout + result.stderr);
    if (result.status !== 0) findings.push(`${label} exited ${result.status}`);
  }
  return { name: manifest.name, findings };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  rmSync(packDir, { recursive: true, force: true });
  const results = publishablePackages().map(check);
  console.log();
  let failed = false;
  for (const { name, findings } of results) {
    if (findings.length === 0) {
      console.log(`ok   ${name}`);
      continue;
    }
    failed = true;
    for (const finding of findings) console.log(`FAIL ${name}: ${finding}`);
  }
  process.exitCode = failed ? 1 : 0;
}
