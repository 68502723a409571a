/**
 * A min-queue over a comparison: a binary heap, plus a run of items that
 * arrived in order. Used for the ready queues (priority, then submission
 * order) and the timers of delayed work.
 *
 * Most items arrive in order (same priority, growing submission number): they
 * are appended to the run, and taken from its head, in O(1) and without the
 * heap's log(n) walks over records scattered in memory. An item that would
 * come before the run's last goes to the heap; `peek`/`pop` take the better of
 * the two heads, so the order is the same as with the heap alone.
 */
export class Heap<T> {
  private readonly items: T[] = [];
  /** Items in order (each not before the previous), from `runHead` on. */
  private run: (T | undefined)[] = [];
  private runHead = 0;

  constructor(private readonly before: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.items.length + this.run.length - this.runHead;
  }

  peek(): T | undefined {
    return this.fromRun() ? this.run[this.runHead] : this.items[0];
  }

  push(item: T): void {
    const run = this.run;
    if (run.length === this.runHead || !this.before(item, run[run.length - 1]!)) {
      run.push(item);
      return;
    }
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
    return this.fromRun() ? this.popRun() : this.popHeap();
  }

  /** True when the next item is the run's head. */
  private fromRun(): boolean {
    if (this.runHead === this.run.length) return false;
    return this.items.length === 0 || !this.before(this.items[0]!, this.run[this.runHead]!);
  }

  private popRun(): T {
    const run = this.run;
    const item = run[this.runHead]!;
    run[this.runHead++] = undefined;
    if (this.runHead === run.length) {
      this.run = [];
      this.runHead = 0;
    } else if (this.runHead > 1024 && this.runHead * 2 > run.length) {
      run.splice(0, this.runHead);
      this.runHead = 0;
    }
    return item;
  }

  private popHeap(): T | undefined {
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

  /** Keeps only the items `keep` accepts, in order again (O(n log n)). */
  retain(keep: (item: T) => boolean): void {
    const heapItems = this.items.splice(0);
    const runItems = this.run.slice(this.runHead) as T[];
    this.run = [];
    this.runHead = 0;
    // the run stays in order, so its kept items go back to the run
    for (const item of runItems) if (keep(item)) this.push(item);
    for (const item of heapItems) if (keep(item)) this.push(item);
  }

  /** Removes every item, handing each to `visit` (in no particular order). */
  drain(visit: (item: T) => void): void {
    const items = this.items.splice(0);
    const runItems = this.run.slice(this.runHead) as T[];
    this.run = [];
    this.runHead = 0;
    for (const item of items) visit(item);
    for (const item of runItems) visit(item);
  }
}
