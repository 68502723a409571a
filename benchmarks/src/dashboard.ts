/**
 * Dashboard cost: what `@runcue/dashboard` takes from a run, measured in one
 * interleaved run of three arms that are alike but for the dashboard:
 *
 * - `none`: no dashboard;
 * - `served`: a dashboard served, no page open (it should cost nothing: it
 *   reads `stats()` once a second and subscribes to nothing, counted here);
 * - `page`: a dashboard with a page open: a separate process reading its
 *   server-sent events, as a browser would.
 *
 * Two workloads: main-thread dispatch (no-op handlers through a service with
 * `concurrent: C`, the dispatch benchmark's) and the Mandelbrot tiles on
 * every core. Each arm keeps one cue for all its repeats; the repeats rotate
 * which arm goes first. Then, at 100,000 pending works, what the dashboard's
 * reads cost: `debugBlocked()`, `GET /api/state`, a page of `/api/works` at
 * the far end, and one update's size.
 */
import { type ChildProcess, spawn } from "node:child_process";
import os from "node:os";
import { type Dashboard, serveDashboard } from "@runcue/dashboard";
import { DEFAULT_ZOOM, type TileRequest } from "@runcue/example-mandelbrot/kernel";
import { Cue } from "runcue";
import type { BenchOptions } from "./options.ts";
import { type BenchmarkReport, log, makeReport, type TargetCheck, target } from "./report.ts";
import { collectGarbage, median, minimum, round, timed } from "./stats.ts";

const TILE_WORKER = new URL(import.meta.resolve("@runcue/example-mandelbrot/tile.worker"));
const ARMS = ["none", "served", "page"] as const;
type Arm = (typeof ARMS)[number];

interface Timings {
  timesMs: number[];
  medianMs: number;
  bestMs: number;
}

interface Workload {
  name: string;
  /** Wall time per arm. */
  timings: Record<Arm, Timings>;
  /** CPU time of the whole process (main thread and worker threads) per arm. */
  cpu: Record<Arm, Timings>;
  /**
   * Share of the work's CPU time added by a page open: 1 − (median CPU without) / (median CPU
   * with a page). CPU time, unlike wall time, does not count the waits for a core that other
   * programs on a shared machine cause, so it shows the dashboard's own cost.
   */
  lossWithPage: number;
  /** The same from wall time, best and median of the repeats. */
  wallLossWithPage: number;
  wallLossWithPageOfMedians: number;
  /** CPU loss with a dashboard served and no page. */
  lossServed: number;
  /** Server-sent messages the page's process received while its arm was measured. */
  messagesToPage: number;
  /**
   * The dashboard's own main-thread time (`dash.usage().busyMs`) over the arm's wall time while
   * measured: its cost counted directly, free of the noise of comparing runs.
   */
  selfShare: { served: number; page: number };
}

/** What the `served` arm's dashboard called on its cue while no page was open. */
interface NoPageCalls {
  stats: number;
  debugBlocked: number;
  list: number;
  get: number;
  /** Every `on...` subscription. */
  listeners: number;
}

interface AtScale {
  pendingWorks: number;
  debugBlockedMs: number;
  /** The first `/api/state`: it asks `debugBlocked()`. */
  firstStateMs: number;
  /** Later ones within the sampler's pause reuse the counts. */
  stateMs: number;
  stateBytes: number;
  /** One server-sent update (no history). */
  updateBytes: number;
  /** `/api/works?offset=<n − 50>&limit=50`: `list()` walks to the end. */
  lastWorksPageMs: number;
  firstWorksPageMs: number;
  /** How long the sampler waits before asking `debugBlocked()` again at this size. */
  blockedPauseMs: number;
}

export interface DashboardResults {
  workloads: Workload[];
  noPageCalls: NoPageCalls;
  atScale: AtScale;
}

interface DashboardConfig {
  dispatchTasks: number;
  concurrency: number;
  tiles: { size: number; iter: number; grid: number; threads: number };
  repeats: number;
  scaleWorks: number;
}

/** A process that reads the dashboard's event stream as a page would, and counts the updates. */
async function openPage(url: string): Promise<{ child: ChildProcess; messages(): number }> {
  // the stream ends when the arm's dashboard closes: that is the end, not an error
  const reader = `
    try {
      const response = await fetch(process.argv[1] + "api/events");
      const decoder = new TextDecoder();
      let text = "";
      for await (const chunk of response.body) {
        text += decoder.decode(chunk, { stream: true });
        let end;
        while ((end = text.indexOf("\\n\\n")) !== -1) {
          text = text.slice(end + 2);
          process.stdout.write(".");
        }
      }
    } catch {}`;
  const child = spawn(process.execPath, ["--input-type=module", "-e", reader, url], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let count = 0;
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      count += chunk.length;
      resolve();
    });
    child.once("exit", (code) => reject(new Error(`the page process exited with ${code}`)));
  });
  return { child, messages: () => count };
}

/** Wraps the cue's reading methods to count, into `calls`, what a dashboard calls. */
function countCalls(cue: Cue, calls: NoPageCalls): void {
  const target = cue as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const name of ["stats", "debugBlocked", "list", "get"] as const) {
    const original = target[name]!.bind(cue);
    target[name] = (...args) => {
      calls[name]++;
      return original(...args);
    };
  }
  for (const name of ["onStart", "onComplete", "onFailure", "onRetry", "onSkip", "onProgress"]) {
    const original = target[name]!.bind(cue);
    target[name] = (...args) => {
      calls.listeners++;
      return original(...args);
    };
  }
}

interface ArmRun {
  run(): Promise<void>;
  stop(): Promise<void>;
  messages(): number;
  /** The dashboard's busy ms so far (0 without one). */
  busyMs(): number;
}

/** The three arms of one workload, each with its own cue, set up by `makeCue`. */
async function arms(
  makeCue: () => Cue,
  run: (cue: Cue) => Promise<void>,
  noPageCalls: NoPageCalls,
): Promise<Record<Arm, ArmRun>> {
  const made = {} as Record<Arm, ArmRun>;
  for (const arm of ARMS) {
    const cue = makeCue();
    if (arm === "served") countCalls(cue, noPageCalls);
    let dashboard: Dashboard | undefined;
    let page: Awaited<ReturnType<typeof openPage>> | undefined;
    if (arm !== "none") dashboard = await serveDashboard(cue, { port: 0 });
    if (arm === "page") page = await openPage(dashboard!.url);
    made[arm] = {
      run: () => run(cue),
      messages: () => page?.messages() ?? 0,
      busyMs: () => dashboard?.usage().busyMs ?? 0,
      async stop() {
        page?.child.kill();
        await dashboard?.close();
        await cue.stop();
      },
    };
  }
  return made;
}

function summarise(timesMs: number[]): Timings {
  return {
    timesMs: timesMs.map((time) => round(time, 1)),
    medianMs: round(median(timesMs), 1),
    bestMs: round(minimum(timesMs), 1),
  };
}

async function measure(
  name: string,
  runs: Record<Arm, ArmRun>,
  repeats: number,
): Promise<Workload> {
  // warm-up: every arm once, untimed
  for (const arm of ARMS) await runs[arm].run();
  const messagesBefore = runs.page.messages();
  const busyBefore = { served: runs.served.busyMs(), page: runs.page.busyMs() };
  const times: Record<Arm, number[]> = { none: [], served: [], page: [] };
  const cpuTimes: Record<Arm, number[]> = { none: [], served: [], page: [] };
  for (let repeat = 0; repeat < repeats; repeat++) {
    for (let offset = 0; offset < ARMS.length; offset++) {
      const arm = ARMS[(repeat + offset) % ARMS.length]!;
      // each run starts from a collected heap: no arm pays for the garbage of another
      collectGarbage();
      const cpuBefore = process.cpuUsage();
      times[arm].push(await timed(() => runs[arm].run()));
      const cpu = process.cpuUsage(cpuBefore);
      cpuTimes[arm].push((cpu.user + cpu.system) / 1000);
      // a turn of the event loop between runs, as a program has: pending updates go out here
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  const messagesToPage = runs.page.messages() - messagesBefore;
  const wall = (arm: Arm) => times[arm].reduce((sum, time) => sum + time, 0);
  const selfShare = {
    served: round((runs.served.busyMs() - busyBefore.served) / wall("served"), 5),
    page: round((runs.page.busyMs() - busyBefore.page) / wall("page"), 5),
  };
  for (const arm of ARMS) await runs[arm].stop();
  const timings = {
    none: summarise(times.none),
    served: summarise(times.served),
    page: summarise(times.page),
  };
  const cpu = {
    none: summarise(cpuTimes.none),
    served: summarise(cpuTimes.served),
    page: summarise(cpuTimes.page),
  };
  const loss = (of: Record<Arm, Timings>, arm: Arm, figure: "bestMs" | "medianMs") =>
    round(1 - of.none[figure] / of[arm][figure], 4);
  const workload: Workload = {
    name,
    timings,
    cpu,
    lossWithPage: loss(cpu, "page", "medianMs"),
    wallLossWithPage: loss(timings, "page", "bestMs"),
    wallLossWithPageOfMedians: loss(timings, "page", "medianMs"),
    lossServed: loss(cpu, "served", "medianMs"),
    messagesToPage,
    selfShare,
  };
  const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
  log(
    `dashboard, ${name}: median CPU ${cpu.none.medianMs} ms without, ${cpu.served.medianMs} ms served, ${cpu.page.medianMs} ms with a page (loss ${percent(workload.lossWithPage)}); best wall ${timings.none.bestMs} / ${timings.served.bestMs} / ${timings.page.bestMs} ms (loss ${percent(workload.wallLossWithPage)}); ${messagesToPage} updates reached the page; the dashboard's own time ${percent(selfShare.page)} of the run with a page, ${percent(selfShare.served)} served without`,
  );
  return workload;
}

async function measureAtScale(works: number): Promise<AtScale> {
  const cue = new Cue();
  cue.service("one", { concurrent: 1 });
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  cue.task("wait", { uses: "one", run: () => gate });
  for (let index = 0; index < works; index++) cue.submit("wait", { index, name: `work ${index}` });
  cue.start();
  await new Promise((resolve) => setTimeout(resolve, 100));
  const blockedTimes: number[] = [];
  for (let repeat = 0; repeat < 5; repeat++)
    blockedTimes.push(await timed(() => cue.debugBlocked()));
  const dashboard = await serveDashboard(cue, { port: 0 });
  // the process's first fetch sets up its HTTP client: not the dashboard's cost
  await (await fetch(`${dashboard.url}api/config`)).text();
  const get = async (path: string) => {
    const startedAt = performance.now();
    const text = await (await fetch(`${dashboard.url}${path}`)).text();
    return { ms: performance.now() - startedAt, bytes: Buffer.byteLength(text), text };
  };
  const first = await get("api/state");
  const later = await get("api/state");
  const { blockedInfo } = JSON.parse(later.text) as { blockedInfo: { nextIn: number } };
  const firstPage = await get("api/works?offset=0&limit=50");
  const lastPage = await get(`api/works?offset=${works - 50}&limit=50`);
  const withoutHistory = JSON.parse(later.text) as Record<string, unknown>;
  delete withoutHistory.history;
  await dashboard.close();
  release();
  await cue.stop({ timeout: 1000 });
  const result: AtScale = {
    pendingWorks: works,
    debugBlockedMs: round(median(blockedTimes), 1),
    firstStateMs: round(first.ms, 1),
    stateMs: round(later.ms, 1),
    stateBytes: later.bytes,
    updateBytes: Buffer.byteLength(JSON.stringify(withoutHistory)),
    lastWorksPageMs: round(lastPage.ms, 1),
    firstWorksPageMs: round(firstPage.ms, 1),
    blockedPauseMs: blockedInfo.nextIn,
  };
  log(
    `dashboard at ${works} pending works: debugBlocked ${result.debugBlockedMs} ms, /api/state ${result.firstStateMs} ms then ${result.stateMs} ms (${result.stateBytes} bytes), last works page ${result.lastWorksPageMs} ms`,
  );
  return result;
}

export async function runDashboard(
  options: BenchOptions,
): Promise<BenchmarkReport<DashboardConfig, DashboardResults>> {
  const dispatchTasks = Math.max(...options.dispatchSizes);
  const concurrency = options.dispatchConcurrency;
  const threads = Math.min(options.maxThreads, os.availableParallelism());
  const { size, iter, grid } = options;
  // smoke: one repeat of each, it only proves the benchmark runs
  const repeats = options.smoke ? 1 : Math.max(options.repeats * 2, 3);
  const scaleWorks = options.smoke ? 2_000 : options.idleWorks;
  const noPageCalls: NoPageCalls = { stats: 0, debugBlocked: 0, list: 0, get: 0, listeners: 0 };
  const workloads: Workload[] = [];

  // Two handlers: the dispatch benchmark's no-op, whose run is all microtasks (the event loop
  // never turns, so no update is sent during it), and a no-op that waits one turn of the event
  // loop (setImmediate), as any I/O does, so updates go out while it runs.
  const handlers = {
    "no-ops": async () => undefined,
    "one-turn handlers": () => new Promise<void>((resolve) => setImmediate(resolve)),
  };
  for (const [kind, run] of Object.entries(handlers)) {
    const dispatch = await arms(
      () => {
        const cue = new Cue();
        cue.service("tiny", { concurrent: concurrency });
        cue.task("noop", { uses: "tiny", run });
        cue.start();
        return cue;
      },
      async (cue) => {
        for (let index = 0; index < dispatchTasks; index++) cue.submit("noop");
        await cue.idle();
      },
      noPageCalls,
    );
    workloads.push(
      await measure(`main-thread dispatch, ${dispatchTasks} ${kind}`, dispatch, repeats * 2),
    );
  }

  const requests: TileRequest[] = [];
  for (let row = 0; row < grid; row++) {
    for (let col = 0; col < grid; col++) {
      requests.push({ size, iter, grid, col, row, zoom: { ...DEFAULT_ZOOM } });
    }
  }
  const tiles = await arms(
    () => {
      const cue = new Cue({ threads });
      cue.service("cpu");
      cue.task("tile", { uses: "cpu", worker: TILE_WORKER });
      cue.start();
      return cue;
    },
    async (cue) => {
      await Promise.all(requests.map((request) => cue.result(cue.submit("tile", request))));
    },
    noPageCalls,
  );
  workloads.push(
    await measure(
      `Mandelbrot tiles, ${size}² px, ${grid * grid} tiles, ${threads} threads`,
      tiles,
      repeats,
    ),
  );

  const atScale = await measureAtScale(scaleWorks);
  const results: DashboardResults = { workloads, noPageCalls, atScale };
  const targets: TargetCheck[] = [];
  for (const workload of workloads) {
    targets.push(
      target(
        `${workload.name}: CPU time added with a page open`,
        "<= 0.05",
        workload.lossWithPage,
        workload.lossWithPage <= 0.05,
      ),
    );
  }
  const untouched =
    noPageCalls.debugBlocked + noPageCalls.list + noPageCalls.get + noPageCalls.listeners;
  targets.push(
    target(
      "calls besides stats() with no page open (debugBlocked, list, get, listeners)",
      "= 0",
      untouched,
      untouched === 0,
    ),
  );
  return makeReport(
    "dashboard",
    options.smoke,
    {
      dispatchTasks,
      concurrency,
      tiles: { size, iter, grid, threads },
      repeats,
      scaleWorks,
    },
    results,
    targets,
    [
      "Loss = 1 − (median CPU time without a dashboard) / (median CPU time with a page open), CPU time of the whole process; wall-time losses beside it. Negative values are noise.",
      "The page is a separate Node process reading /api/events, as a browser would be.",
    ],
  );
}
