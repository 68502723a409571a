/**
 * In-memory artifacts: the simulated outputs whose presence and versions decide readiness and
 * staleness, as files would for Make. Each write gets a new version and remembers the versions of
 * the inputs it was made from.
 */
export interface Artifact {
  version: number;
  inputs: ReadonlyMap<string, number>;
}

export class Artifacts {
  private readonly items = new Map<string, Artifact>();
  private nextVersion = 1;
  private changes = 0;

  /** Bumped on every write or delete, so callers can cache answers derived from the store. */
  get generation(): number {
    return this.changes;
  }

  has(name: string): boolean {
    return this.items.has(name);
  }

  get(name: string): Artifact | undefined {
    return this.items.get(name);
  }

  /** Writes `name`, made from the current versions of `inputs`. */
  put(name: string, inputs: readonly string[] = []): void {
    const recorded = new Map<string, number>();
    for (const input of inputs) recorded.set(input, this.items.get(input)?.version ?? 0);
    this.items.set(name, { version: this.nextVersion++, inputs: recorded });
    this.changes++;
  }

  delete(name: string): boolean {
    const existed = this.items.delete(name);
    if (existed) this.changes++;
    return existed;
  }

  get size(): number {
    return this.items.size;
  }
}
