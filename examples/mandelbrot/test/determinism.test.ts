import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, expect, test } from "vitest";
import { render, temporaryOut } from "./run-cli.ts";

const removers: Array<() => Promise<void>> = [];
afterAll(() => Promise.all(removers.map((remove) => remove())));

async function pngBytes(args: string[], bundled = false): Promise<Buffer> {
  const { out, remove } = await temporaryOut();
  removers.push(remove);
  await render(out, args, bundled);
  return readFile(join(out, "mandelbrot.png"));
}

test("the image is byte-identical whatever --grid, --threads, the worker modules and the build are", async () => {
  const reference = await pngBytes(["--size", "128", "--grid", "4", "--threads", "2"]);
  const others = await Promise.all([
    pngBytes(["--size", "128", "--grid", "2", "--threads", "2"]),
    pngBytes(["--size", "128", "--grid", "4", "--threads", "1"]),
    pngBytes(["--size", "128", "--grid", "1", "--threads", "1"]),
    pngBytes(["--size", "128", "--grid", "4", "--threads", "2", "--ts-workers"]),
    // What `pnpm mandelbrot` runs: the bundle in dist/, built first if missing or stale.
    pngBytes(["--size", "128", "--grid", "4", "--threads", "2"], true),
  ]);
  for (const other of others) expect(other.equals(reference)).toBe(true);
});

test("a size the grid does not divide still stitches the same image", async () => {
  const [three, one] = await Promise.all([
    pngBytes(["--size", "130", "--grid", "3", "--threads", "2"]),
    pngBytes(["--size", "130", "--grid", "1", "--threads", "1"]),
  ]);
  expect(three.equals(one)).toBe(true);
});
