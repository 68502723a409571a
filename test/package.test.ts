import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";

const here = fileURLToPath(new URL(".", import.meta.url));
const run = (args: string[]) =>
  spawnSync(process.execPath, args, { cwd: here, encoding: "utf8", timeout: 30_000 });

describe("the built package, as a user gets it", () => {
  test("a plain .mjs script imports runcue, runs main-thread and worker work, and exits on its own", () => {
    const child = run(["fixtures/user-script.mjs"]);
    expect(child.stderr).toBe("");
    expect(child.status).toBe(0);
    expect(JSON.parse(child.stdout)).toEqual({ io: [2, 3, 4], cpu: 81 });
  });

  test("a TypeScript program under tsx, with a TypeScript worker module, works and exits; threads do not boot tsx", () => {
    const tsx = createRequire(import.meta.url).resolve("tsx/cli");
    const child = run([tsx, "fixtures/user-script.ts"]);
    expect(child.stderr).toBe("");
    expect(child.status).toBe(0);
    const output = JSON.parse(child.stdout);
    expect(output).toMatchObject({ sum: 5, cubed: 27, completions: 3 });
    expect(output.threadFlags.join(" ")).not.toMatch(/tsx/);
  });

  test("under tsx with a flag threads refuse, the pool inherits the flags as Node does", () => {
    const tsx = createRequire(import.meta.url).resolve("tsx/cli");
    const child = spawnSync(
      process.execPath,
      ["--max-old-space-size=512", tsx, "fixtures/user-script.ts"],
      {
        cwd: here,
        encoding: "utf8",
        timeout: 30_000,
      },
    );
    expect(child.stderr).toBe("");
    expect(child.status).toBe(0);
    expect(JSON.parse(child.stdout)).toMatchObject({ sum: 5, cubed: 27, completions: 3 });
  });

  test("exports point at dist/ and dependencies stay dependencies, not bundled", () => {
    const require = createRequire(import.meta.url);
    const packageJson = JSON.parse(readFileSync(require.resolve("runcue/package.json"), "utf8"));
    expect(packageJson.exports["."].import.default).toBe("./dist/index.js");
    expect(packageJson.exports["./worker"].import.default).toBe("./dist/worker.js");
    const distDir = fileURLToPath(
      new URL("./dist/", `file://${require.resolve("runcue/package.json")}`),
    );
    const bundle =
      readFileSync(`${distDir}thread.js`, "utf8") + readFileSync(`${distDir}index.js`, "utf8");
    expect(bundle).toMatch(/from "piscina"/);
    expect(bundle).toMatch(/from "zod"/);
    expect(bundle).not.toMatch(/class Piscina\b/);
  });
});
