/**
 * A binary min-heap over a comparison. Used for the ready queues (priority,
 * then submission order) and the timers of delayed work.
 */
export class Heap<T> {
  private readonly items: T[] = [];

  constructor(private readonly before: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    const items = this.items;
    let index = items.push(item) - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!this.before(item, items[parent]!)) break;
      items[index] = items[parent]!;
      index = parent;
    }
    items[index] = item;
  }

  pop(): T | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    let index = 0;
    const length = items.length;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= length) break;
      const right = left + 1;
      const child = right < length && this.before(items[right]!, items[left]!) ? right : left;
      if (!this.before(items[child]!, last)) break;
      items[index] = items[child]!;
      index = child;
    }
    items[index] = last;
    return top;
  }

  /** Keeps only the items `keep` accepts, in heap order again (O(n log n)). */
  retain(keep: (item: T) => boolean): void {
    for (const item of this.items.splice(0)) if (keep(item)) this.push(item);
  }

  /** Removes every item, handing each to `visit` (in no particular order). */
  drain(visit: (item: T) => void): void {
    const items = this.items.splice(0);
    for (const item of items) visit(item);
  }
}
