/** One point of the throughput chart. */
export interface Sample {
  /** `Date.now()` of the sample. */
  time: number;
  /** Works finished successfully per second since the previous sample (skipped ones included). */
  completedPerSecond: number;
  /** Works failed per second since the previous sample. */
  failedPerSecond: number;
  running: number;
  pending: number;
}

interface Totals {
  completed: number;
  skipped: number;
  failed: number;
  running: number;
  pending: number;
}

/** The last `capacity` samples of throughput, made from successive `stats()` counts. */
export class History {
  private readonly samples: Sample[] = [];
  private previous: { time: number; done: number; failed: number } | undefined;

  constructor(private readonly capacity = 600) {}

  add(totals: Totals, time = Date.now()): Sample {
    const done = totals.completed + totals.skipped;
    const previous = this.previous;
    const seconds = previous ? Math.max(0.001, (time - previous.time) / 1000) : 1;
    const sample: Sample = {
      time,
      completedPerSecond: previous ? round((done - previous.done) / seconds) : 0,
      failedPerSecond: previous ? round((totals.failed - previous.failed) / seconds) : 0,
      running: totals.running,
      pending: totals.pending,
    };
    this.previous = { time, done, failed: totals.failed };
    this.samples.push(sample);
    if (this.samples.length > this.capacity) this.samples.shift();
    return sample;
  }

  all(): Sample[] {
    return this.samples.slice();
  }

  latest(): Sample | undefined {
    return this.samples.at(-1);
  }
}

const round = (value: number) => Math.round(value * 100) / 100;
