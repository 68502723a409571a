import { join } from "node:path";
import { Cue, type TaskName, type Work } from "runcue";
import { readJson, writeJsonAtomic } from "./artifacts.js";
import { EmailProvider, PaymentProvider } from "./providers.js";

/** How the shop runs; times are in milliseconds. */
export interface ShopOptions {
  /** Orders to fulfil, named `order-0001` ... */
  orders: number;
  /** Folder of the proofs (`orders/<id>/payment.json`, `email.json`) and the providers' ledgers. */
  out: string;
  /** Rate limit of the payment provider, e.g. `"5/s"`. */
  paymentRate: string;
  /** Rate limit of the e-mail provider, e.g. `"3/s"`. */
  emailRate: string;
  /** Latency of one provider request. */
  latency: number;
  /** The first N e-mail requests fail transiently (see `ProviderOptions.glitches`). */
  emailGlitches: number;
  /** Called after each real charge, before its proof is written (`--crash-after` exits there). */
  afterCharge?: (charges: number) => void;
}

/** One line of the shop's event log. */
export interface ShopEvent {
  /** Milliseconds since the run began. */
  at: number;
  event: "start" | "done" | "skip" | "retry" | "failed";
  task: string;
  order: string;
  detail: string;
}

export interface ShopReport {
  events: ShopEvent[];
  completed: number;
  skipped: number;
  retried: number;
  failed: number;
  elapsed: number;
}

export interface Order {
  orderId: string;
  amount: number;
  email: string;
}

/** Proof that an order was paid: written only after the provider charged it. */
export interface PaymentProof {
  orderId: string;
  amount: number;
  transactionId: string;
  chargedAt: number;
}

/** Proof that the confirmation e-mail went out. */
export interface EmailProof {
  orderId: string;
  to: string;
  messageId: string;
  transactionId: string;
  sentAt: number;
}

/** The day's orders: the same list on every run, as if read from a database. */
export function makeOrders(count: number): Order[] {
  return Array.from({ length: count }, (_, index) => {
    const number = index + 1;
    return {
      orderId: `order-${String(number).padStart(4, "0")}`,
      amount: 1_000 + ((number * 7_331) % 9_000),
      email: `customer${number}@example.com`,
    };
  });
}

export const paymentProofPath = (out: string, orderId: string) =>
  join(out, "orders", orderId, "payment.json");
export const emailProofPath = (out: string, orderId: string) =>
  join(out, "orders", orderId, "email.json");
export const ledgerPath = (out: string, provider: "payment" | "email") =>
  join(out, "ledger", `${provider}.jsonl`);

/**
 * Charges every order, then e-mails its confirmation. Proof artifacts decide
 * what runs: a re-run (after a crash, or just twice) skips what has proof,
 * and the idempotency key covers the gap between a charge and its proof.
 */
export async function runShop(
  options: ShopOptions,
  log: (event: ShopEvent) => void = () => {},
): Promise<ShopReport> {
  const startedAt = Date.now();
  const payments = new PaymentProvider({
    ledger: ledgerPath(options.out, "payment"),
    latency: options.latency,
  });
  const emails = new EmailProvider({
    ledger: ledgerPath(options.out, "email"),
    latency: options.latency,
    glitches: options.emailGlitches,
  });
  const hasPaymentProof = async (orderId: string) =>
    (await readJson<PaymentProof>(paymentProofPath(options.out, orderId))) !== undefined;
  const hasEmailProof = async (orderId: string) =>
    (await readJson<EmailProof>(emailProofPath(options.out, orderId))) !== undefined;

  const report: ShopReport = {
    events: [],
    completed: 0,
    skipped: 0,
    retried: 0,
    failed: 0,
    elapsed: 0,
  };
  const record = (event: ShopEvent["event"], work: Work<Order>, detail = "") => {
    const order = work.params.orderId;
    const entry = { at: Date.now() - startedAt, event, task: work.task, order, detail };
    report.events.push(entry);
    log(entry);
  };

  const cue = new Cue({ pollInterval: 20, stallTimeout: 30_000 });
  cue.service("payment", { rate: options.paymentRate });
  cue.service("email", { rate: options.emailRate });

  let charges = 0;
  const chargePayment = cue.task<Order, PaymentProof>("charge_payment", {
    uses: "payment",
    retry: { attempts: 3, backoff: { initial: 100 } },
    isStale: async (work) => !(await hasPaymentProof(work.params.orderId)),
    run: async (work, ctx) => {
      const { orderId, amount } = work.params;
      const existing = await readJson<PaymentProof>(paymentProofPath(options.out, orderId));
      if (existing !== undefined) return existing;
      // The key makes a repeated charge (after a crash between the charge
      // and its proof) a no-op at the provider.
      const { transactionId } = await payments.charge(
        { amount, idempotencyKey: `charge-${orderId}` },
        ctx.signal,
      );
      options.afterCharge?.(++charges);
      const proof = { orderId, amount, transactionId, chargedAt: Date.now() };
      await writeJsonAtomic(paymentProofPath(options.out, orderId), proof);
      return proof;
    },
  });

  const sendConfirmation = cue.task<Order, EmailProof>("send_confirmation", {
    uses: "email",
    retry: { attempts: 4, backoff: { initial: 100, factor: 2 } },
    isReady: (work) => hasPaymentProof(work.params.orderId),
    isStale: async (work) => !(await hasEmailProof(work.params.orderId)),
    run: async (work, ctx) => {
      const { orderId, email } = work.params;
      const existing = await readJson<EmailProof>(emailProofPath(options.out, orderId));
      if (existing !== undefined) return existing;
      const payment = await readJson<PaymentProof>(paymentProofPath(options.out, orderId));
      if (payment === undefined) throw new Error(`${orderId} has no payment proof`);
      const { messageId } = await emails.send(
        { to: email, template: "order-confirmed", idempotencyKey: `confirm-${orderId}` },
        ctx.signal,
      );
      const proof = {
        orderId,
        to: email,
        messageId,
        transactionId: payment.transactionId,
        sentAt: Date.now(),
      };
      await writeJsonAtomic(emailProofPath(options.out, orderId), proof);
      return proof;
    },
  });

  const orderTasks: TaskName<Order>[] = [chargePayment, sendConfirmation];
  for (const task of orderTasks) {
    cue.onStart(task, (work) => record("start", work, `attempt ${work.attempt}`));
    cue.onSkip(task, (work) => {
      report.skipped++;
      record("skip", work, "proof on disk");
    });
    cue.onRetry(task, (work, error, delay) => {
      report.retried++;
      record("retry", work, `${error.message}; again in ${delay} ms`);
    });
    cue.onFailure(task, (work, error) => {
      report.failed++;
      record("failed", work, error.message);
    });
  }
  cue.onComplete(chargePayment, (work, proof, duration) => {
    report.completed++;
    record("done", work, `${proof.transactionId} in ${Math.round(duration)} ms`);
  });
  cue.onComplete(sendConfirmation, (work, proof, duration) => {
    report.completed++;
    record("done", work, `${proof.messageId} in ${Math.round(duration)} ms`);
  });

  cue.start();
  for (const order of makeOrders(options.orders)) {
    cue.submit(chargePayment, order);
    cue.submit(sendConfirmation, order);
  }
  await cue.idle();
  await cue.stop();
  report.elapsed = Date.now() - startedAt;
  return report;
}
