import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { type LedgerEntry, readLedger } from "../src/providers.js";
import {
  type EmailProof,
  emailProofPath,
  ledgerPath,
  makeOrders,
  runShop,
  type ShopOptions,
} from "../src/shop.js";

const folders: string[] = [];
async function freshFolder(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), "orders-"));
  folders.push(folder);
  return folder;
}
afterAll(async () => {
  for (const folder of folders) await rm(folder, { recursive: true, force: true });
});

const settings = (out: string, emailGlitches = 0): ShopOptions => ({
  orders: 6,
  out,
  paymentRate: "100/s",
  emailRate: "100/s",
  latency: 5,
  emailGlitches,
});

/** How many real side effects (`charged` or `sent`) each idempotency key caused at the provider. */
function effectsByKey(entries: LedgerEntry[]): Map<string, number> {
  const effects = new Map<string, number>();
  for (const entry of entries) {
    if (entry.outcome === "charged" || entry.outcome === "sent") {
      effects.set(entry.key, (effects.get(entry.key) ?? 0) + 1);
    }
  }
  return effects;
}

async function expectEachOrderChargedAndMailedOnce(out: string) {
  const orders = makeOrders(6).map((order) => order.orderId);
  const charges = effectsByKey(await readLedger(ledgerPath(out, "payment")));
  const emails = effectsByKey(await readLedger(ledgerPath(out, "email")));
  expect(Object.fromEntries(charges)).toEqual(
    Object.fromEntries(orders.map((order) => [`charge-${order}`, 1])),
  );
  expect(Object.fromEntries(emails)).toEqual(
    Object.fromEntries(orders.map((order) => [`confirm-${order}`, 1])),
  );
}

describe("order fulfilment with proof artifacts", () => {
  it("charges and e-mails each order once, and a second run calls no provider at all", async () => {
    const out = await freshFolder();
    const first = await runShop(settings(out));
    expect(first).toMatchObject({ completed: 12, skipped: 0, failed: 0 });
    await expectEachOrderChargedAndMailedOnce(out);

    const paymentLedger = await readFile(ledgerPath(out, "payment"), "utf8");
    const emailLedger = await readFile(ledgerPath(out, "email"), "utf8");
    const second = await runShop(settings(out));
    expect(second).toMatchObject({ completed: 0, skipped: 12, failed: 0 });
    expect(await readFile(ledgerPath(out, "payment"), "utf8")).toBe(paymentLedger);
    expect(await readFile(ledgerPath(out, "email"), "utf8")).toBe(emailLedger);
  });

  it("retries an e-mail that failed transiently and still sends it exactly once", async () => {
    const out = await freshFolder();
    // The first request is rejected outright; the second is sent but its answer is lost.
    const report = await runShop(settings(out, 2));
    expect(report.failed).toBe(0);
    expect(report.retried).toBe(2);
    await expectEachOrderChargedAndMailedOnce(out);

    const emails = await readLedger(ledgerPath(out, "email"));
    const lost = emails.find((entry) => entry.outcome === "sent" && !entry.acknowledged);
    expect(lost).toBeDefined();
    const retried = emails.find(
      (entry) => entry.key === lost?.key && entry.outcome === "duplicate",
    );
    expect(retried?.id).toBe(lost?.id);
    const orderId = lost!.key.replace("confirm-", "");
    const proof = JSON.parse(await readFile(emailProofPath(out, orderId), "utf8")) as EmailProof;
    expect(proof.messageId).toBe(lost?.id);
  });

  it("starts at most as many charges in any second as the payment rate allows", async () => {
    const report = await runShop({ ...settings(await freshFolder()), paymentRate: "3/s" });
    const starts = report.events
      .filter((event) => event.event === "start" && event.task === "charge_payment")
      .map((event) => event.at);
    expect(starts).toHaveLength(6);
    // Any 4 consecutive starts span at least a second (a few ms of slack: the log's clock
    // is read in the listener, a moment after runcue's own).
    for (let index = 0; index + 3 < starts.length; index++) {
      expect(starts[index + 3]! - starts[index]!).toBeGreaterThanOrEqual(990);
    }
  });

  it("charges nobody twice after a crash between a charge and its proof", async () => {
    const out = await freshFolder();
    const tsx = createRequire(import.meta.url).resolve("tsx/cli");
    const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));
    const crashed = await promisify(execFile)(process.execPath, [
      tsx,
      main,
      ...["--orders", "6", "--payment-rate", "100/s", "--latency", "5", "--crash-after", "2"],
      ...["--out", out],
    ]).catch((error: { code: number; stdout: string }) => error);
    expect(crashed).toMatchObject({ code: 1 });
    expect(crashed.stdout).toContain("simulated crash right after charge 2");

    const report = await runShop(settings(out));
    expect(report.failed).toBe(0);
    await expectEachOrderChargedAndMailedOnce(out);
    // At least the crashed order was charged again with the same key: the provider answered
    // from its first charge instead of charging twice.
    const payments = await readLedger(ledgerPath(out, "payment"));
    expect(payments.filter((entry) => entry.outcome === "duplicate").length).toBeGreaterThan(0);
  });
});
