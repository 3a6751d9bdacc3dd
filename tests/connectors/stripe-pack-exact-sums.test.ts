/**
 * The plans of a month add up to its MRR exactly, however many customers there are.
 *
 * At 97k demo customers the pack's `stripe_plans_add_up` test failed: each customer's MRR was rounded
 * to a millionth on its own and each plan's on its own, so the two totals drifted by up to 5e-7 per
 * customer. 400 customers on a $10/year price (0.8333… a month each) are enough to show it: rounded per
 * customer the month is 333.3332, rounded per plan 333.333333, 1.3e-4 apart. Item amounts are now
 * rounded once, before anything sums them, so every total is an exact decimal sum of the same values.
 */
import { describe, expect, test } from "bun:test";
import { StripeAccount } from "../fakes/stripe-account.ts";
import { stripePackOn } from "./packs.ts";

const NOW = "2026-11-21T06:00:00Z";
const CUSTOMERS = 400;

/** 400 customers on a $10/year price; every 7th also on a weekly price, 3 seats ($91 a month) */
async function liteAccount(): Promise<StripeAccount> {
  const account = await StripeAccount.start({ seed: "exact-sums", start: "2026-09-01T00:00:00Z" });
  const lite = account.product({ name: "Lite annual" });
  const price = account.price(lite, { unitAmount: 1000, interval: "year" });
  const team = account.product({ name: "Team weekly" });
  const weekly = account.price(team, { unitAmount: 700, interval: "week" });
  for (let i = 0; i < CUSTOMERS; i++) {
    const c = account.customer({ name: `Lite ${i}`, email: `owner${i}@lite${i}.example` });
    account.subscribe(c, [{ price }]);
    if (i % 7 === 0) account.subscribe(c, [{ price: weekly, quantity: 3 }]);
  }
  return account.at(NOW);
}

// dp run exits 0 only if every data test passes, stripe_plans_add_up included
const pack = stripePackOn(liteAccount, NOW);

describe("MRR totals are exact sums", () => {
  test("the plans of each month sum to the month's MRR to the last decimal, and the data test passed", async () => {
    const rows = await pack.project.sql<{ month: string; mrr: string; plans: string }>(
      `select m.month::varchar as month, m.mrr::varchar as mrr, sum(p.mrr)::varchar as plans
       from marts.mrr_monthly m join marts.mrr_by_plan_monthly p using (month, currency)
       group by all order by month`,
      NOW,
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r.plans).toBe(r.mrr);
    const oct = rows.find((r) => r.month.startsWith("2026-10"))!;
    // 400 × 1000/12 cents + 58 customers × 3 × 700 × 52/12 cents, each item rounded to a millionth of a dollar
    expect(Number(oct.mrr)).toBeCloseTo(400 * 0.833333 + 58 * 91, 6);
  }, 120_000);
});
