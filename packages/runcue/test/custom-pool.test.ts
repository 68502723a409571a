import { Cue, type ExecutorHost, type Job, type JobTask, type Pool, type PoolStats } from "runcue";
import { describe, expect, test } from "vitest";
import { fixture, gate, newCue, startedCue } from "./helpers.js";

/**
 * A pool that runs worker modules on the main thread, with as many slots as
 * the test gives it: the smallest executor there is, plugged in through the
 * `pools` option alone.
 */
class MemoryPool implements Pool {
  checkTask?: (task: JobTask) => void;
  host: ExecutorHost | undefined;
  size: number;
  running = new Set<Job>();
  started = 0;
  closed = 0;
  refused: unknown[] = [];

  constructor(size: number) {
    this.size = size;
  }

  attach(host: ExecutorHost): void {
    if (this.host) throw new Error("a MemoryPool serves one cue");
    this.host = host;
  }

  start(): void {
    this.started++;
  }

  /** More slots, as when a remote worker joins: the pool wakes the scheduler itself. */
  grow(slots: number): void {
    this.size += slots;
    this.host!.wake();
  }

  freeSlots(): number {
    return this.size - this.running.size;
  }

  checkParams(params: unknown, task: JobTask): void {
    if (JSON.stringify(params) === undefined || JSON.stringify(params).includes("secret")) {
      this.refused.push(params);
      throw new Error(`MemoryPool: params of task "${task.name}" must not hold a secret`);
    }
  }

  run(job: Job): void {
    this.running.add(job);
    const finish = (ok: boolean, value: unknown) => {
      if (!this.running.delete(job)) return;
      if (ok) job.resolve(value);
      else job.reject(value);
    };
    import(job.task.workerPath!)
      .then((module) => module[job.task.exportName](job.work, job))
      .then(
        (result) => finish(true, result),
        (error) => finish(false, error),
      );
  }

  abort(job: Job): void {
    // nothing to terminate on the main thread: give the slot back after the grace
    setTimeout(() => {
      if (this.running.delete(job)) job.reject(job.signal.reason);
    }, this.host!.abortGrace).unref();
  }

  stats(): PoolStats {
    return {
      size: this.size,
      busy: this.running.size,
      workers: [{ id: "memory-1", host: "here", threads: this.size, busy: this.running.size }],
    };
  }

  describeBusy(): string {
    return this.size === 0 ? "no slots yet" : `${this.running.size}/${this.size} slots busy`;
  }

  async close(): Promise<void> {
    this.closed++;
    for (const job of this.running) job.reject(new Error("MemoryPool closed"));
    this.running.clear();
  }
}

describe("a pool passed in the pools option runs worker tasks", () => {
  test("a task with pool runs there; stats().pools shows it beside the local pool", async () => {
    const memory = new MemoryPool(2);
    const cue = startedCue({ threads: 1, pools: { memory } });
    const echo = cue.task("echo", { worker: fixture("workers.mjs"), pool: "memory" });
    expect(memory.host).toMatchObject({ name: "memory", abortGrace: 1_000 });
    const busyAtStart: number[] = [];
    cue.onStart(() => busyAtStart.push(cue.stats().pools.memory!.busy));
    const id = cue.submit(echo, { x: 1 });
    await expect(cue.result(id)).resolves.toEqual({
      params: { x: 1 },
      attempt: 1,
      id,
      task: "echo",
    });
    const { pools } = cue.stats();
    expect(pools.memory).toEqual({
      size: 2,
      busy: 0,
      workers: [{ id: "memory-1", host: "here", threads: 2, busy: 0 }],
    });
    expect(pools.local).toEqual({ size: 1, busy: 0 });
    // onStart runs before the job is handed over
    expect(busyAtStart).toEqual([0]);
    expect(memory.started).toBe(1);
  });

  test("progress reaches onProgress in order before the final event", async () => {
    const cue = startedCue({ pools: { memory: new MemoryPool(1) } });
    cue.task("progress", { worker: fixture("workers.mjs"), export: "progress", pool: "memory" });
    const log: unknown[] = [];
    cue.onProgress((_work, value) => log.push(value));
    cue.onComplete((_work, result) => log.push(result));
    await cue.result(cue.submit("progress", { steps: 3 }));
    expect(log).toEqual([1, 2, 3, "done"]);
  });

  test("no prefetch: the pool gets work only while it has free slots, and wake() brings more", async () => {
    const memory = new MemoryPool(0);
    const cue = startedCue({ pools: { memory } });
    cue.task("echo", { worker: fixture("workers.mjs"), pool: "memory" });
    const ids = [cue.submit("echo", { n: 1 }), cue.submit("echo", { n: 2 })];
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(memory.running.size).toBe(0);
    expect(cue.debugBlocked().map(({ reason, details }) => [reason, details])).toEqual([
      ["threads_busy", 'pool "memory": no slots yet'],
      ["threads_busy", 'pool "memory": no slots yet'],
    ]);
    memory.grow(1);
    await cue.result(ids[0]!);
    await cue.result(ids[1]!);
    expect(cue.stats()).toMatchObject({ completed: 2, pending: 0 });
  });

  test("params the pool refuses throw at submit, naming the task, and nothing is queued", () => {
    const memory = new MemoryPool(1);
    const cue = newCue({ pools: { memory } });
    cue.task("echo", { worker: fixture("workers.mjs"), pool: "memory" });
    expect(() => cue.submit("echo", { secret: 1 })).toThrow(
      'MemoryPool: params of task "echo" must not hold a secret',
    );
    expect(cue.stats().pending).toBe(0);
    expect(memory.refused).toEqual([{ secret: 1 }]);
  });

  test("a cancelled job is aborted; the pool gives its slot back after abortGrace", async () => {
    const memory = new MemoryPool(1);
    const cue = startedCue({ abortGrace: 50, pools: { memory } });
    expect(memory.host?.abortGrace).toBe(50);
    cue.task("hang", { worker: fixture("workers.mjs"), export: "waitsForAbort", pool: "memory" });
    cue.task("echo", { worker: fixture("workers.mjs"), pool: "memory" });
    const started = gate();
    cue.onProgress(() => started.open());
    const hang = cue.submit("hang");
    await started.promise;
    const next = cue.submit("echo", { after: "hang" });
    await cue.cancel(hang);
    expect(cue.get(hang)?.state).toBe("cancelled");
    await expect(cue.result(next)).resolves.toMatchObject({ params: { after: "hang" } });
  });

  test("stop() closes every pool, also one never started", async () => {
    const memory = new MemoryPool(1);
    const cue = new Cue({ pools: { memory } });
    await cue.stop();
    expect(memory.closed).toBe(1);
    cue.start();
    await cue.stop();
    expect(memory.closed).toBe(2);
    expect(memory.started).toBe(1);
  });
});

describe("pools are checked where they are named", () => {
  test("an unknown pool throws at task(), listing the pools", () => {
    const cue = newCue({ pools: { memory: new MemoryPool(1) } });
    expect(() => cue.task("tile", { worker: fixture("workers.mjs"), pool: "farm" })).toThrow(
      'Task "tile" uses unknown pool "farm": pass it in the "pools" option of new Cue() (pools: "local", "memory")',
    );
  });

  test("a pool may refuse a task at task(), with its own message", () => {
    const memory = new MemoryPool(1);
    memory.checkTask = (task) => {
      if (task.expose) throw new Error(`MemoryPool: task "${task.name}" may not expose functions`);
    };
    const cue = newCue({ pools: { memory } });
    expect(() =>
      cue.task("asks", {
        worker: fixture("workers.mjs"),
        pool: "memory",
        expose: { lookup: () => 1 },
      }),
    ).toThrow('MemoryPool: task "asks" may not expose functions');
    expect(() =>
      cue.task("plain", { worker: fixture("workers.mjs"), pool: "memory" }),
    ).not.toThrow();
  });

  test("pool is for worker tasks only", () => {
    const cue = newCue({ pools: { memory: new MemoryPool(1) } });
    expect(() => cue.task("io", { run: async () => 1, pool: "memory" } as never)).toThrow(
      'Task "io": "pool" is for worker tasks',
    );
  });

  test("a pools entry that is not a pool, or named local, is refused naming it", () => {
    expect(() => new Cue({ pools: { farm: {} as Pool } })).toThrow(/pools\.farm: expected a pool/);
    expect(() => new Cue({ pools: { local: new MemoryPool(1) } })).toThrow(
      /pools\.local: "local" is the name of the local thread pool/,
    );
  });

  test("a pool whose start fails says so on stderr, and its work waits", async () => {
    const memory = new MemoryPool(0);
    memory.start = () => {
      throw new Error("no broker at 127.0.0.1:1");
    };
    const lines: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((line: string) => lines.push(line) > 0) as typeof write;
    try {
      startedCue({ pools: { memory } });
    } finally {
      process.stderr.write = write;
    }
    expect(lines).toEqual(['runcue: pool "memory" failed to start: no broker at 127.0.0.1:1\n']);
  });
});
