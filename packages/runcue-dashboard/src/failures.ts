import type { Work } from "runcue";

/** A final failure as the page shows it. */
export interface FailureView {
  id: string;
  task: string;
  attempt: number;
  /** `Date.now()` when it failed. */
  at: number;
  name: string;
  message: string;
  stack: string | undefined;
}

type FailureSource = {
  onFailure(listener: (work: Work, error: Error) => void): () => void;
  list(filter: { state: "failed"; limit: number }): Work[];
  stats(): { failed: number };
};

/**
 * The last failures with their messages and stacks. It listens to
 * `onFailure` only while a page is open; when it starts listening (and for a
 * plain `GET /api/state`) it fills itself from `list({ state: "failed" })`.
 */
export class RecentFailures {
  private failures: FailureView[] = [];
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly cue: FailureSource,
    private readonly capacity = 30,
  ) {}

  get isListening(): boolean {
    return this.unsubscribe !== undefined;
  }

  listen(): void {
    if (this.unsubscribe) return;
    this.fill();
    this.unsubscribe = this.cue.onFailure((work, error) => this.push(view(work, error)));
  }

  stopListening(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  /** Newest first. */
  read(): FailureView[] {
    if (!this.unsubscribe) this.fill();
    return this.failures.slice().reverse();
  }

  private fill(): void {
    this.failures = [];
    if (this.cue.stats().failed === 0) return;
    // oldest first, retained ones only: the last `capacity` are the newest
    const failed = this.cue.list({ state: "failed", limit: Number.MAX_SAFE_INTEGER });
    for (const work of failed.slice(-this.capacity)) this.push(view(work, work.error));
  }

  private push(failure: FailureView): void {
    this.failures.push(failure);
    if (this.failures.length > this.capacity) this.failures.shift();
  }
}

function view(work: Work, error: unknown): FailureView {
  const isError = error instanceof Error;
  return {
    id: work.id,
    task: work.task,
    attempt: work.attempt,
    at: work.completedAt ?? Date.now(),
    name: isError ? error.name : "Error",
    message: isError ? error.message : String(error),
    stack: isError ? error.stack : undefined,
  };
}
