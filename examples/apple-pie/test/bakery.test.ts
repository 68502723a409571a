import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { type BakeryOptions, type KitchenEvent, type Pie, runBakery } from "../src/bakery.js";

const folders: string[] = [];
async function freshFolder(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), "apple-pie-"));
  folders.push(folder);
  return folder;
}
afterAll(async () => {
  for (const folder of folders) await rm(folder, { recursive: true, force: true });
});

/** The most works of `task` running at once, replaying the log in the order it happened. */
function mostAtOnce(events: KitchenEvent[], task: string): number {
  let running = 0;
  let most = 0;
  for (const event of events) {
    if (event.task !== task) continue;
    if (event.event === "start") most = Math.max(most, ++running);
    // A retry ends an attempt too: the pie came out of the oven.
    if (event.event === "done" || event.event === "failed" || event.event === "retry") running--;
  }
  return most;
}

const readPie = async (out: string, pie: string) =>
  JSON.parse(await readFile(join(out, "pies", `${pie}.json`), "utf8")) as Pie;

// Baking takes longer than slices stay fresh, and the ovens are the
// bottleneck: the last pies' slices go brown while they wait for an oven.
const settings = (out: string): BakeryOptions => ({
  pies: 6,
  apples: 2,
  maxSliceAge: 150,
  sliceTime: 20,
  bakeTime: 200,
  out,
});

describe("the apple pie bakery", () => {
  it("never bakes a pie with brown slices: the pie waits while its apples are cut again", async () => {
    const out = await freshFolder();
    const report = await runBakery(settings(out));

    expect(report.failed).toBe(0);
    expect(report.bakes).toBe(6);
    expect(report.expired).toBeGreaterThan(0);
    expect(report.slicings).toBe(6 + report.expired);
    for (let index = 1; index <= 6; index++) {
      const pie = await readPie(out, `pie-${index}`);
      expect(pie.slices).toBe(16);
      expect(pie.sliceAgeAtBake).toBeLessThan(150);
    }
    // Each pie went into the oven after its last cut: none waited on slices nobody cut.
    const events = report.events;
    for (let index = 1; index <= 6; index++) {
      const lastIndex = (event: KitchenEvent["event"], task: string) =>
        events.findLastIndex(
          (entry) => entry.event === event && entry.task === task && entry.pie === `pie-${index}`,
        );
      expect(lastIndex("start", "make_pie")).toBeGreaterThan(lastIndex("done", "slice_apples"));
    }
  });

  it("slices with one knife and bakes in two ovens at most", async () => {
    const report = await runBakery(settings(await freshFolder()));
    expect(mostAtOnce(report.events, "slice_apples")).toBe(1);
    expect(mostAtOnce(report.events, "make_pie")).toBe(2);
  });

  it("bakes nothing on a second run, and only a missing pie on a third", async () => {
    const out = await freshFolder();
    await runBakery(settings(out));

    const again = await runBakery(settings(out));
    expect(again.bakes).toBe(0);
    expect(again.slicings).toBe(0);
    expect(again.skipped).toBe(12);

    // pie-2 is eaten, and its slices have long gone brown: they are cut again first.
    await rm(join(out, "pies", "pie-2.json"));
    const slicesPath = join(out, "prep", "pie-2", "slices.json");
    const slices = JSON.parse(await readFile(slicesPath, "utf8"));
    await writeFile(slicesPath, JSON.stringify({ ...slices, slicedAt: Date.now() - 60_000 }));
    const third = await runBakery(settings(out));
    const ran = third.events.filter((event) => event.event === "start");
    expect(ran.map((event) => `${event.task} ${event.pie}`)).toEqual([
      "slice_apples pie-2",
      "make_pie pie-2",
    ]);
    expect((await readPie(out, "pie-2")).sliceAgeAtBake).toBeLessThan(150);
  });

  it("runs from the command line and prints its event log", async () => {
    const out = await freshFolder();
    const tsx = createRequire(import.meta.url).resolve("tsx/cli");
    const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, [
      tsx,
      main,
      ...["--pies", "2", "--slice-ms", "10", "--bake-ms", "30", "--out", out],
    ]);
    expect(stdout).toContain("▶ start    slice_apples  pie-1");
    expect(stdout).toMatch(/Done in .* s: baked 2, sliced 2 \(0 re-cuts of brown slices\)/);
    expect((await readPie(out, "pie-2")).slices).toBe(32);
  });
});
