import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Piscina } from "piscina";
import { describe, expect, test } from "vitest";

// The thread runtime (src/worker/thread.ts) takes `markMovable` from Piscina's private
// dist/common.js, which Piscina's own worker has loaded already, instead of loading Piscina's
// pool module in every thread (about 20 ms each). package.json pins piscina to one version;
// these tests fail on an upgrade that moves or changes what the runtime relies on.
const require = createRequire(import.meta.url);

describe("the Piscina internals the thread runtime uses", () => {
  test("piscina is pinned to an exact version in package.json", () => {
    const manifest = require("../package.json") as { dependencies: Record<string, string> };
    expect(manifest.dependencies.piscina).toMatch(/^\d+\.\d+\.\d+$/);
    expect(Piscina.version).toBe(manifest.dependencies.piscina);
  });

  test("dist/common.js beside piscina's entry exports markMovable and isMovable", () => {
    const common = require(join(dirname(require.resolve("piscina")), "common.js")) as Record<
      string,
      unknown
    >;
    expect(typeof common.markMovable).toBe("function");
    expect(typeof common.isMovable).toBe("function");
  });

  test("a value marked there is what Piscina.move() makes: movable, with the symbols the runtime uses", () => {
    const common = require(join(dirname(require.resolve("piscina")), "common.js")) as {
      markMovable(value: object): void;
      isMovable(value: unknown): boolean;
    };
    expect(Piscina.transferableSymbol).toBe(Symbol.for("Piscina.transferable"));
    expect(Piscina.valueSymbol).toBe(Symbol.for("Piscina.valueOf"));
    const buffer = new ArrayBuffer(8);
    const marked = { [Piscina.transferableSymbol]: [buffer], [Piscina.valueSymbol]: { ok: true } };
    expect(common.isMovable(marked)).toBe(false);
    common.markMovable(marked);
    expect(common.isMovable(marked)).toBe(true);
    expect(common.isMovable(Piscina.move(new ArrayBuffer(8)))).toBe(true);
  });
});
