import type { BlockedWork } from "runcue";
import { expect, test } from "vitest";
import { BlockedSampler } from "../src/blocked.js";
import { History } from "../src/history.js";

const blocked = (reason: string, details = reason) =>
  ({ reason, details }) as unknown as BlockedWork;

test("the blocked sampler asks debugBlocked() again only after its cost allows", () => {
  let calls = 0;
  const sampler = new BlockedSampler(() => {
    calls++;
    const started = performance.now();
    while (performance.now() - started < 5) {}
    return [
      blocked("service_full", 'service "api" concurrency 1/1'),
      blocked("service_full"),
      blocked("delayed"),
    ];
  }, 0.02);
  const first = sampler.read(3, 1_000_000);
  expect(first.counts).toEqual({ service_full: 2, delayed: 1 });
  expect(first.examples.service_full).toBe('service "api" concurrency 1/1');
  expect(first.costMs).toBeGreaterThanOrEqual(5);
  // 5 ms at 2% of the main thread: at least 250 ms before the next walk
  expect(first.nextIn).toBeGreaterThanOrEqual(250);
  expect(sampler.read(3, 1_000_100).at).toBe(1_000_000);
  expect(calls).toBe(1);
  // an idle moment between two bursts does not cut the pause short
  expect(sampler.read(0, 1_000_200).counts).toEqual({});
  sampler.read(3, 1_000_000 + first.nextIn - 1);
  expect(calls).toBe(1);
  sampler.read(3, 1_000_000 + first.nextIn);
  expect(calls).toBe(2);
});

test("with nothing pending the sampler does not walk at all", () => {
  let calls = 0;
  const sampler = new BlockedSampler(() => {
    calls++;
    return [];
  });
  expect(sampler.read(0, 5).counts).toEqual({});
  expect(calls).toBe(0);
});

test("the history turns successive counts into rates per second and keeps the last ones", () => {
  const history = new History(3);
  const totals = (completed: number, failed: number) => ({
    completed,
    skipped: 0,
    failed,
    running: 1,
    pending: 2,
  });
  expect(history.add(totals(0, 0), 0).completedPerSecond).toBe(0);
  expect(history.add(totals(50, 1), 500).completedPerSecond).toBe(100);
  expect(history.add(totals(150, 3), 1500)).toMatchObject({
    completedPerSecond: 100,
    failedPerSecond: 2,
  });
  history.add(totals(150, 3), 2500);
  expect(history.all().map((sample) => sample.time)).toEqual([500, 1500, 2500]);
});
