import { appendFile, mkdir, readFile } from "node:fs/promises";
import { dirname } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * One request as the provider saw it. The ledger is the provider's own
 * books (its side of the wire, not ours): it is how the example proves that
 * nobody was charged or mailed twice.
 */
export interface LedgerEntry {
  at: number;
  provider: "payment" | "email";
  key: string;
  /**
   * `charged`/`sent`: a real side effect happened. `duplicate`: a repeated
   * idempotency key, answered from the first result with no side effect.
   * `rejected`: failed before doing anything.
   */
  outcome: "charged" | "sent" | "duplicate" | "rejected";
  id: string;
  /** False when the work was done but the answer never reached the caller. */
  acknowledged: boolean;
}

/** A transient provider error: the caller may try again with the same key. */
export class ProviderError extends Error {
  override name = "ProviderError";
}

export interface ProviderOptions {
  /** The JSON Lines file the provider appends every request to. */
  ledger: string;
  /** How long one request takes, in milliseconds. */
  latency: number;
  /**
   * The first `glitches` requests fail: odd ones are rejected before doing
   * anything, even ones do the work but lose the acknowledgment.
   */
  glitches?: number;
}

/**
 * A simulated remote API with idempotency keys, as real payment and e-mail
 * providers have: a repeated key returns the first result and does nothing.
 */
class SimulatedProvider {
  private requests = 0;

  constructor(
    private readonly provider: LedgerEntry["provider"],
    private readonly effect: "charged" | "sent",
    private readonly options: ProviderOptions,
  ) {}

  protected async request(key: string, signal?: AbortSignal): Promise<string> {
    await sleep(this.options.latency, undefined, { signal });
    const request = ++this.requests;
    const earlier = (await readLedger(this.options.ledger)).find(
      (entry) =>
        entry.provider === this.provider && entry.key === key && entry.outcome === this.effect,
    );
    if (earlier !== undefined) {
      await this.append(key, "duplicate", earlier.id, true);
      return earlier.id;
    }
    const isGlitch = request <= (this.options.glitches ?? 0);
    if (isGlitch && request % 2 === 1) {
      await this.append(key, "rejected", "", true);
      throw new ProviderError(`${this.provider} provider: 503 unavailable, nothing done`);
    }
    const id = `${this.provider === "payment" ? "txn" : "msg"}_${key}_${request}`;
    if (isGlitch) {
      await this.append(key, this.effect, id, false);
      throw new ProviderError(`${this.provider} provider: timed out waiting for the answer`);
    }
    await this.append(key, this.effect, id, true);
    return id;
  }

  private async append(
    key: string,
    outcome: LedgerEntry["outcome"],
    id: string,
    acknowledged: boolean,
  ) {
    const entry: LedgerEntry = {
      at: Date.now(),
      provider: this.provider,
      key,
      outcome,
      id,
      acknowledged,
    };
    await mkdir(dirname(this.options.ledger), { recursive: true });
    // One short append per request: O_APPEND keeps whole lines in one process.
    await appendFile(this.options.ledger, `${JSON.stringify(entry)}\n`);
  }
}

export class PaymentProvider extends SimulatedProvider {
  constructor(options: ProviderOptions) {
    super("payment", "charged", options);
  }

  /** Charges `amount` cents; returns the transaction id. */
  async charge(
    request: { amount: number; idempotencyKey: string },
    signal?: AbortSignal,
  ): Promise<{ transactionId: string }> {
    return { transactionId: await this.request(request.idempotencyKey, signal) };
  }
}

export class EmailProvider extends SimulatedProvider {
  constructor(options: ProviderOptions) {
    super("email", "sent", options);
  }

  /** Sends one e-mail; returns the message id. */
  async send(
    request: { to: string; template: string; idempotencyKey: string },
    signal?: AbortSignal,
  ): Promise<{ messageId: string }> {
    return { messageId: await this.request(request.idempotencyKey, signal) };
  }
}

/** Every entry of a ledger file, oldest first (none when it does not exist). */
export async function readLedger(path: string): Promise<LedgerEntry[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as LedgerEntry);
}
