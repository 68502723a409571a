import { describe, expect, test } from "vitest";
import { WorkRecord, WorkStore } from "../../src/works.js";

const record = (seq: number) => new WorkRecord("t", {}, seq, 0.5, 1_000);

describe("WorkStore", () => {
  test("each work reaches one final state; a second finish changes nothing", () => {
    const store = new WorkStore(10);
    const work = record(1);
    store.add(work);
    store.markRunning(work, 1_001);
    expect(store.finish(work, "completed", 1_002, { result: 42 })).toBe(true);
    expect(store.finish(work, "failed", 1_003, { error: new Error("late") })).toBe(false);
    expect(work.state).toBe("completed");
    expect(work.snapshot()).toMatchObject({ state: "completed", result: 42, completedAt: 1_002 });
    expect(store.counts).toEqual({
      pending: 0,
      running: 0,
      completed: 1,
      failed: 0,
      cancelled: 0,
      skipped: 0,
    });
  });

  test("counts are disjoint: a skip counts as skipped only; a retry goes back to pending", () => {
    const store = new WorkStore(10);
    const [a, b, c] = [record(1), record(2), record(3)];
    for (const work of [a, b, c]) store.add(work);
    store.finish(a, "completed", 1, { skipped: true });
    store.markRunning(b, 1);
    store.markRetrying(b);
    expect(b.state).toBe("pending");
    store.markRunning(b, 2);
    expect(b.attempt).toBe(2);
    store.finish(b, "failed", 3, { error: new Error("no") });
    store.finish(c, "cancelled", 3, { error: new Error("cancelled") });
    expect(store.counts).toEqual({
      pending: 0,
      running: 0,
      completed: 0,
      failed: 1,
      cancelled: 1,
      skipped: 1,
    });
  });

  test("forgets the oldest finished records beyond retain, never pending ones", () => {
    const store = new WorkStore(2);
    const works = [1, 2, 3, 4].map(record);
    for (const work of works) store.add(work);
    for (const work of works.slice(0, 3)) store.finish(work, "completed", 5, {});
    expect([...store.values()].map((work) => work.id)).toEqual(["w2", "w3", "w4"]);
    expect(store.get("w1")).toBeUndefined();
    expect(store.get("w4")?.state).toBe("pending");
  });

  test("whenFinished settles with the outcome, before or after it is reached", async () => {
    const store = new WorkStore(10);
    const [done, failed, later] = [record(1), record(2), record(3)];
    for (const work of [done, failed, later]) store.add(work);
    store.finish(done, "completed", 1, { result: "ok" });
    const error = new Error("broken");
    store.finish(failed, "failed", 1, { error });
    const waiting = store.whenFinished(later);
    store.finish(later, "completed", 2, { result: "late" });
    await expect(store.whenFinished(done)).resolves.toBe("ok");
    await expect(store.whenFinished(failed)).rejects.toBe(error);
    await expect(waiting).resolves.toBe("late");
  });

  test("finds a work by the id made from its seq, and by nothing else", () => {
    const store = new WorkStore(10);
    const work = record(7);
    store.add(work);
    expect(work.id).toBe("w7");
    expect(store.get("w7")).toBe(work);
    for (const other of ["w07", "w7.0", "w 7", "W7", "7", "w", "", "w8", "w-7", "w1e0"]) {
      expect(store.get(other)).toBeUndefined();
    }
  });

  test("keeps records across pages in submission order and lets go of the finished ones", () => {
    const store = new WorkStore(3);
    const works = Array.from({ length: 5_000 }, (_, index) => record(index + 1));
    for (const work of works) store.add(work);
    for (const work of works.slice(0, 4_000)) store.finish(work, "completed", 5, {});
    const kept = [...store.values()];
    expect(kept).toHaveLength(1_003);
    expect(kept.map((work) => work.seq)).toEqual(
      Array.from({ length: 1_003 }, (_, index) => 3_998 + index),
    );
    expect(store.get("w1")).toBeUndefined();
    expect(store.get("w3998")?.state).toBe("completed");
    expect(store.get("w5000")?.state).toBe("pending");
    store.add(record(5_001));
    expect(store.get("w5001")?.seq).toBe(5_001);
  });

  test("keeps its times exactly, whatever the clock says", () => {
    for (const at of [0, 1_000.5, Date.now(), 8.64e15]) {
      const work = new WorkRecord("t", {}, 1, 0.5, at);
      work.notBefore = at + 1;
      work.pendingSince = at + 2;
      const store = new WorkStore(10);
      store.add(work);
      store.markRunning(work, at + 3);
      store.finish(work, "completed", at + 4, { result: "done" });
      expect([work.createdAt, work.notBefore, work.pendingSince]).toEqual([at, at + 1, at + 2]);
      expect(work.snapshot()).toMatchObject({
        createdAt: at,
        startedAt: at + 3,
        completedAt: at + 4,
        result: "done",
      });
    }
  });
});
