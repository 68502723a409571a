import { describe, expect, test } from "vitest";
import { Heap } from "../../src/heap.js";

describe("Heap", () => {
  test("pops in the order of its comparison, ties in no promised order", () => {
    const heap = new Heap<number>((a, b) => a < b);
    const values = [5, 3, 9, 1, 7, 3, 8, 2, 6, 4, 0];
    for (const value of values) heap.push(value);
    expect(heap.size).toBe(values.length);
    expect(heap.peek()).toBe(0);
    const popped: number[] = [];
    while (heap.size > 0) popped.push(heap.pop()!);
    expect(popped).toEqual([...values].sort((a, b) => a - b));
    expect(heap.pop()).toBeUndefined();
  });

  test("keeps its order through interleaved pushes and pops (1,000 random operations)", () => {
    const heap = new Heap<number>((a, b) => a < b);
    const mirror: number[] = [];
    let seed = 7;
    const random = () => {
      seed = (seed * 48271) % 2147483647;
      return seed / 2147483647;
    };
    for (let step = 0; step < 1_000; step++) {
      if (random() < 0.6 || mirror.length === 0) {
        const value = Math.floor(random() * 100);
        heap.push(value);
        mirror.push(value);
        mirror.sort((a, b) => a - b);
      } else {
        expect(heap.pop()).toBe(mirror.shift());
      }
      expect(heap.peek()).toBe(mirror[0]);
    }
  });

  test("drain hands over every item and leaves it empty", () => {
    const heap = new Heap<string>((a, b) => a < b);
    for (const value of ["c", "a", "b"]) heap.push(value);
    const seen: string[] = [];
    heap.drain((item) => seen.push(item));
    expect(seen.sort()).toEqual(["a", "b", "c"]);
    expect(heap.size).toBe(0);
  });
});

describe("Heap, with items that mostly arrive in order (the run kept beside the heap)", () => {
  test("in-order items, earlier ones pushed among them, pops and retain give the comparison's order", () => {
    const heap = new Heap<number>((a, b) => a < b);
    const mirror: number[] = [];
    const push = (value: number) => {
      heap.push(value);
      mirror.push(value);
      mirror.sort((a, b) => a - b);
    };
    for (let value = 0; value < 3_000; value += 2) push(value);
    for (const value of [1, 2_999, 7, 1_501, 3_000]) push(value);
    for (let step = 0; step < 2_000; step++) {
      expect(heap.peek()).toBe(mirror[0]);
      expect(heap.pop()).toBe(mirror.shift());
      if (step % 100 === 0) push(mirror[0]! + 0.5);
    }
    heap.retain((value) => value % 3 !== 0);
    const kept = mirror.filter((value) => value % 3 !== 0);
    expect(heap.size).toBe(kept.length);
    const popped: number[] = [];
    while (heap.size > 0) popped.push(heap.pop()!);
    expect(popped).toEqual(kept);
  });
});
