/**
 * The live workers of a queue, as the coordinator sees them: each
 * `runcue-worker` keeps a key that Redis expires when its heartbeats stop,
 * so a worker killed outright drops out within HEARTBEAT_EXPIRY. No clock of
 * ours is compared with another machine's.
 */
import type { Redis } from "ioredis";
import type { WorkerAnnouncement } from "./protocol.js";

export class Membership {
  /** Live workers by id, as last read. */
  live = new Map<string, WorkerAnnouncement>();
  /** Every worker ever seen, so a lost one can still be named with its host. */
  private readonly known = new Map<string, WorkerAnnouncement>();
  /** `performance.now()` of the last successful read; 0 before the first. */
  refreshedAt = 0;

  constructor(private readonly keys: { workers: string; worker(id: string): string }) {}

  /**
   * Threads that take jobs: those of the workers that are not draining. A
   * draining worker's running jobs are still in flight, so until they end
   * the pool counts fewer free threads than it has, never more.
   */
  get size(): number {
    let size = 0;
    for (const worker of this.live.values()) if (!worker.draining) size += worker.threads;
    return size;
  }

  describe(id: string): { id: string; host: string } {
    return { id, host: this.known.get(id)?.host ?? "an unknown host" };
  }

  /** Reads the live workers; returns the ids that were live and are gone now. */
  async refresh(client: Redis): Promise<string[]> {
    const ids = await client.smembers(this.keys.workers);
    const values = ids.length ? await client.mget(ids.map((id) => this.keys.worker(id))) : [];
    const live = new Map<string, WorkerAnnouncement>();
    const expired: string[] = [];
    ids.forEach((id, index) => {
      const text = values[index];
      if (text == null) {
        expired.push(id);
        return;
      }
      try {
        const announcement = JSON.parse(text) as WorkerAnnouncement;
        live.set(id, announcement);
        this.known.set(id, announcement);
      } catch {
        expired.push(id);
      }
    });
    if (expired.length) await client.srem(this.keys.workers, ...expired);
    const gone = [...this.live.keys()].filter((id) => !live.has(id));
    this.live = live;
    this.refreshedAt = performance.now();
    return gone;
  }
}
