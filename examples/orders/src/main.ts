import { rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { Command, InvalidArgumentError } from "commander";
import { parseRate } from "runcue";
import { readLedger } from "./providers.js";
import { ledgerPath, runShop, type ShopEvent } from "./shop.js";

// `--version` prints this example's version and the runcue it runs on.
const require = createRequire(import.meta.url);
const version = `${require("../package.json").version} (runcue ${require("runcue/package.json").version})`;

function wholeNumber(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) {
    throw new InvalidArgumentError("expected a whole number");
  }
  return number;
}

function rate(value: string): string {
  try {
    parseRate(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
  return value;
}

const program = new Command()
  .name("orders")
  .description(
    "Charge each order, then e-mail its confirmation; proof artifacts make a re-run charge and send nothing twice.",
  )
  .option("--orders <n>", "orders to fulfil", wholeNumber, 8)
  .option("--payment-rate <rate>", "payment provider rate limit", rate, "5/s")
  .option("--email-rate <rate>", "e-mail provider rate limit", rate, "3/s")
  .option("--latency <ms>", "latency of one provider request", wholeNumber, 80)
  .option("--email-glitches <n>", "the first N e-mail requests fail transiently", wholeNumber, 2)
  .option(
    "--crash-after <n>",
    "exit abruptly after the Nth charge, before its proof is written",
    wholeNumber,
  )
  .option("--out <dir>", "artifact folder", "output/orders")
  .option("--fresh", "delete the artifact folder (proofs and ledgers) first", false)
  .version(version, "--version", "print the version and exit")
  // A usage error exits 2 (as runcue-sim does) with a hint; --help and --version exit 0.
  .showHelpAfterError("(run with --help for the flags)")
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2))
  .parse();

const options = program.opts<{
  orders: number;
  paymentRate: string;
  emailRate: string;
  latency: number;
  emailGlitches: number;
  crashAfter?: number;
  out: string;
  fresh: boolean;
}>();
const crashAfter = options.crashAfter;

const symbols: Record<ShopEvent["event"], string> = {
  start: "▶",
  done: "✓",
  skip: "·",
  retry: "↻",
  failed: "✗",
};

if (options.fresh) await rm(options.out, { recursive: true, force: true });
console.log(
  `Fulfilling ${options.orders} orders: payments ${options.paymentRate}, e-mails ${options.emailRate}`,
);
const report = await runShop(
  {
    orders: options.orders,
    out: options.out,
    paymentRate: options.paymentRate,
    emailRate: options.emailRate,
    latency: options.latency,
    emailGlitches: options.emailGlitches,
    afterCharge: (charges) => {
      if (charges !== crashAfter) return;
      console.log(`💥 simulated crash right after charge ${charges}, before its proof was written`);
      process.exit(1);
    },
  },
  (event) => {
    const at = `+${(event.at / 1000).toFixed(3)}s`.padStart(9);
    const what = `${symbols[event.event]} ${event.event}`.padEnd(8);
    console.log(
      `${at}  ${what} ${event.task.padEnd(18)} ${event.order}  ${event.detail}`.trimEnd(),
    );
  },
);

const payments = await readLedger(ledgerPath(options.out, "payment"));
const emails = await readLedger(ledgerPath(options.out, "email"));
const count = (entries: typeof payments, outcome: string) =>
  entries.filter((entry) => entry.outcome === outcome).length;
console.log(
  `Done in ${(report.elapsed / 1000).toFixed(2)} s: ${report.completed} ran, ${report.skipped} skipped, ` +
    `${report.retried} retries, ${report.failed} failed.`,
);
console.log(
  `Provider ledgers (all runs): ${count(payments, "charged")} charges, ` +
    `${count(payments, "duplicate")} duplicate charge requests answered without charging; ` +
    `${count(emails, "sent")} e-mails sent, ${count(emails, "duplicate")} duplicates, ` +
    `${count(emails, "rejected")} rejected.`,
);
if (report.failed > 0) process.exitCode = 1;
