import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Cue, type Work } from "runcue";
import { readJson, writeJsonAtomic } from "./artifacts.js";

/** How the bakery runs; every time is in milliseconds. */
export interface BakeryOptions {
  /** Pies to make, named `pie-1` ... `pie-N`. */
  pies: number;
  /** Apples sliced for each pie. */
  apples: number;
  /** Slices older than this are brown: no pie may be baked with them. */
  maxSliceAge: number;
  /** How long the knife takes to slice the apples of one pie. */
  sliceTime: number;
  /** How long a pie stays in the oven. */
  bakeTime: number;
  /** Folder of the artifacts: `prep/<pie>/slices.json` and `pies/<pie>.json`. */
  out: string;
}

/** One line of the kitchen's event log. */
export interface KitchenEvent {
  /** Milliseconds since the bakery opened. */
  at: number;
  event: "start" | "done" | "skip" | "retry" | "failed" | "expired";
  task: string;
  pie: string;
  detail: string;
}

export interface BakeryReport {
  /** The event log, in the order the events happened. */
  events: KitchenEvent[];
  /** Slicings that ran (re-slicings of brown slices included). */
  slicings: number;
  /** Pies baked. */
  bakes: number;
  /** Works skipped because their artifact was already valid. */
  skipped: number;
  /** Times a pie's slices went brown before an oven was free. */
  expired: number;
  failed: number;
  /** Wall time of the whole run. */
  elapsed: number;
}

/** The slices artifact: proof that the apples of one pie were cut, and when. */
export interface Slices {
  pie: string;
  slices: string[];
  slicedAt: number;
}

/** The pie artifact. */
export interface Pie {
  pie: string;
  slices: number;
  slicedAt: number;
  bakeStartedAt: number;
  bakedAt: number;
  /** How old the slices were when the pie went in: never above the maximum age. */
  sliceAgeAtBake: number;
}

interface SliceParams {
  pie: string;
  apples: number;
}

interface PieParams {
  pie: string;
}

interface SliceResult {
  slices: number;
  slicedAt: number;
}

/**
 * Bakes `options.pies` apple pies with one knife and two ovens, and returns
 * the event log. Slices go brown after `maxSliceAge`: a pie whose slices went
 * brown while it waited for an oven is not ready until they are cut again.
 */
export async function runBakery(
  options: BakeryOptions,
  log: (event: KitchenEvent) => void = () => {},
): Promise<BakeryReport> {
  const openedAt = Date.now();
  const slicesPath = (pie: string) => join(options.out, "prep", pie, "slices.json");
  const piePath = (pie: string) => join(options.out, "pies", `${pie}.json`);
  const readSlices = (pie: string) => readJson<Slices>(slicesPath(pie));
  const isFresh = (slices: Slices | undefined): boolean =>
    slices !== undefined && Date.now() - slices.slicedAt < options.maxSliceAge;
  const isBaked = async (pie: string) => (await readJson<Pie>(piePath(pie))) !== undefined;

  const report: BakeryReport = {
    events: [],
    slicings: 0,
    bakes: 0,
    skipped: 0,
    expired: 0,
    failed: 0,
    elapsed: 0,
  };
  const record = (event: KitchenEvent["event"], task: string, pie: string, detail = "") => {
    const entry = { at: Date.now() - openedAt, event, task, pie, detail };
    report.events.push(entry);
    log(entry);
  };

  // Long enough that only a real bug (a pie waiting on slices nobody cuts) trips it.
  const stallTimeout = 10 * (options.sliceTime + options.bakeTime + options.maxSliceAge) + 5_000;
  const cue = new Cue({ pollInterval: 20, stallTimeout });
  cue.service("knife", { concurrent: 1 });
  cue.service("oven", { concurrent: 2 });

  const sliceApples = cue.task<SliceParams, SliceResult>("slice_apples", {
    uses: "knife",
    // No point cutting apples for a pie that is already baked.
    isStale: async (work) =>
      !(await isBaked(work.params.pie)) && !isFresh(await readSlices(work.params.pie)),
    run: async (work, ctx) => {
      await sleep(options.sliceTime, undefined, { signal: ctx.signal });
      const slices = Array.from({ length: work.params.apples * 8 }, (_, index) => {
        return `apple-${Math.floor(index / 8) + 1}/slice-${(index % 8) + 1}`;
      });
      const slicedAt = Date.now();
      await writeJsonAtomic(slicesPath(work.params.pie), {
        pie: work.params.pie,
        slices,
        slicedAt,
      } satisfies Slices);
      return { slices: slices.length, slicedAt };
    },
  });

  const makePie = cue.task<PieParams, { pie: string }>("make_pie", {
    uses: "oven",
    // isReady is asked before isStale: a pie already baked needs no slices,
    // or a finished pie whose slices went brown would wait forever.
    isReady: async (work) =>
      (await isBaked(work.params.pie)) || isFresh(await readSlices(work.params.pie)),
    isStale: async (work) => !(await isBaked(work.params.pie)),
    // runcue asks isReady when it queues the pie, not again when an oven
    // frees up: slices fresh then may be brown by the time the pie goes in.
    // The handler looks again and gives the pie back; the retry waits, not
    // ready, for a fresh cut.
    retry: { attempts: 5, backoff: { initial: 1 } },
    run: async (work, ctx) => {
      const slices = await readSlices(work.params.pie);
      if (slices === undefined || !isFresh(slices)) {
        const age = slices === undefined ? "gone" : `${Date.now() - slices.slicedAt} ms old`;
        throw new Error(`slices went brown while waiting for an oven (${age})`);
      }
      const bakeStartedAt = Date.now();
      await sleep(options.bakeTime, undefined, { signal: ctx.signal });
      const path = piePath(work.params.pie);
      await writeJsonAtomic(path, {
        pie: work.params.pie,
        slices: slices.slices.length,
        slicedAt: slices.slicedAt,
        bakeStartedAt,
        bakedAt: Date.now(),
        sliceAgeAtBake: bakeStartedAt - slices.slicedAt,
      } satisfies Pie);
      return { pie: path };
    },
  });

  // The kitchen watches every batch of slices: if they go brown before their
  // pie is in an oven, it orders them cut again. The pie itself needs no
  // resubmission: it stays pending, not ready, until fresh slices appear.
  const inOven = new Set<string>();
  const recutOrdered = new Set<string>();
  let isClosed = false;
  const expiryTimers = new Map<string, NodeJS.Timeout>();
  const watchSlices = (pie: string, slicedAt: number) => {
    clearTimeout(expiryTimers.get(pie));
    const delay = Math.max(0, slicedAt + options.maxSliceAge - Date.now());
    expiryTimers.set(
      pie,
      setTimeout(async () => {
        expiryTimers.delete(pie);
        if (inOven.has(pie) || recutOrdered.has(pie) || isClosed) return;
        const slices = await readSlices(pie);
        if (slices === undefined || inOven.has(pie) || recutOrdered.has(pie) || isClosed) return;
        if (isFresh(slices)) {
          watchSlices(pie, slices.slicedAt);
          return;
        }
        report.expired++;
        record("expired", "slice_apples", pie, `slices ${Date.now() - slices.slicedAt} ms old`);
        recutOrdered.add(pie);
        cue.submit(sliceApples, { pie, apples: options.apples });
      }, delay),
    );
  };

  cue.onStart(sliceApples, (work) => {
    report.slicings++;
    record("start", work.task, work.params.pie, "knife");
  });
  cue.onStart(makePie, (work) => {
    inOven.add(work.params.pie);
    clearTimeout(expiryTimers.get(work.params.pie));
    record("start", work.task, work.params.pie, "oven");
  });
  cue.onComplete(sliceApples, (work, result, duration) => {
    recutOrdered.delete(work.params.pie);
    watchSlices(work.params.pie, result.slicedAt);
    record(
      "done",
      work.task,
      work.params.pie,
      `${result.slices} slices in ${Math.round(duration)} ms`,
    );
  });
  cue.onComplete(makePie, (work, _result, duration) => {
    report.bakes++;
    record("done", work.task, work.params.pie, `baked in ${Math.round(duration)} ms`);
  });
  cue.onRetry(sliceApples, (work, error) => {
    record("retry", work.task, work.params.pie, error.message);
  });
  cue.onRetry(makePie, (work, error) => {
    record("retry", work.task, work.params.pie, error.message);
    // Out of the oven, back to waiting: the kitchen orders a fresh cut.
    inOven.delete(work.params.pie);
    watchSlices(work.params.pie, 0);
  });
  cue.onSkip(sliceApples, async (work) => {
    const { pie } = work.params;
    report.skipped++;
    record("skip", work.task, pie, "up to date");
    recutOrdered.delete(pie);
    const slices = await readSlices(pie);
    if (slices !== undefined && !(await isBaked(pie))) watchSlices(pie, slices.slicedAt);
  });
  cue.onSkip(makePie, (work) => {
    report.skipped++;
    record("skip", work.task, work.params.pie, "up to date");
  });
  const recordFailure = (work: Work<PieParams>, error: Error) => {
    report.failed++;
    record("failed", work.task, work.params.pie, error.message);
  };
  cue.onFailure(sliceApples, (work, error) => {
    recutOrdered.delete(work.params.pie);
    recordFailure(work, error);
  });
  cue.onFailure(makePie, recordFailure);

  cue.start();
  for (let index = 1; index <= options.pies; index++) {
    const pie = `pie-${index}`;
    cue.submit(sliceApples, { pie, apples: options.apples });
    cue.submit(makePie, { pie });
  }
  await cue.idle();
  isClosed = true;
  for (const timer of expiryTimers.values()) clearTimeout(timer);
  await cue.stop();
  report.elapsed = Date.now() - openedAt;
  return report;
}
