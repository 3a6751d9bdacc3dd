/**
 * Excluded customers (ChartMogul's "exclude customers from metrics"): a small Stripe account with two real
 * customers and four of the team's own (a "TEST …" name, a qa@example.com address, a metadata flag, an id
 * listed by hand), pulled by the real connector from the fake and built by the Stripe pack. Without vars every
 * one counts; with project.yaml's vars.excluded_* the four leave every MRR, customer, churn, revenue and trial
 * number, and stay in the customers and subscriptions marts, flagged.
 *
 * Month-end MRR (hand-worked): Acme Pro $100 from Jun 1; Bolt Basic $20 Jun 5 → canceled Oct 3 (churn);
 * "TEST Sandbox" Pro $100 from Jun 2; "QA Bot" (qa+1@example.com) Basic $20 from Jul 1, its Sep charge
 * refunded Oct 2; "Staff Seat" (metadata.internal = "true") Pro $100 Jun 3 → canceled Oct 10 (churn);
 * "Partner Demo" (cus_partnerdemo) Basic with a 14-day trial from Sep 20, converting Oct 4 ($20, new).
 * All six: Sep 30 $340, 5 active; Oct 31 $240, 4 active, 2 churned of 5. Real ones only: Sep 30 $120,
 * Oct 31 $100, 1 active, 1 churned of 2.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { StripeAccount } from "../fakes/stripe-account.ts";
import type { StripeObject } from "../fakes/stripe.ts";
import { DP_NOW, Script } from "../fixtures/stripe/scenario.ts";
import { stripePackOn } from "./packs.ts";

async function accountWithTestCustomers(): Promise<StripeAccount> {
  const a = await StripeAccount.start({ seed: "dp-excluded", start: "2026-05-01T09:00:00Z", retryDays: [3, 7] });
  const basic = a.product({ name: "Basic" });
  const pro = a.product({ name: "Pro" });
  const P = {
    basic: a.price(basic, { unitAmount: 2000, interval: "month" }),
    pro: a.price(pro, { unitAmount: 10000, interval: "month" }),
  };
  const s = new Script();
  const subs: Record<string, StripeObject> = {};
  const customers: Record<string, StripeObject> = {};
  const start = (
    name: string,
    when: string,
    price: StripeObject,
    who: { email?: string; metadata?: Record<string, string>; id?: string; trialDays?: number } = {},
  ) =>
    s.step(when, () => {
      const email = who.email ?? `billing@${name.toLowerCase().replace(/\W+/g, "")}.example`;
      customers[name] = a.customer({ name, email, metadata: who.metadata, id: who.id });
      subs[name] = a.subscribe(customers[name]!, [{ price }], who.trialDays ? { trialDays: who.trialDays } : {});
    });
  start("Acme Inc", "2026-06-01T10:00:00Z", P.pro);
  start("TEST Sandbox", "2026-06-02T10:00:00Z", P.pro);
  start("Staff Seat", "2026-06-03T10:00:00Z", P.pro, { metadata: { internal: "true" } });
  start("Bolt LLC", "2026-06-05T10:00:00Z", P.basic);
  start("QA Bot", "2026-07-01T10:00:00Z", P.basic, { email: "qa+1@example.com" });
  start("Partner Demo", "2026-09-20T10:00:00Z", P.basic, { id: "cus_partnerdemo", trialDays: 14 });
  s.step("2026-10-02T10:00:00Z", () =>
    a.refund(a.charges(customers["QA Bot"]!).find((c) => (c.created as number) >= Date.parse("2026-09-01") / 1000)!),
  );
  s.step("2026-10-03T10:00:00Z", () => a.cancelNow(subs["Bolt LLC"]!));
  s.step("2026-10-10T10:00:00Z", () => a.cancelNow(subs["Staff Seat"]!));
  s.runUntil(a, DP_NOW);
  return a;
}

const EXCLUDE = {
  excluded_customer_ids: ["cus_partnerdemo"],
  excluded_email_domains: ["Example.com"],
  excluded_customer_names: ["test %"],
  excluded_customer_metadata: { internal: "true" },
};

interface Month {
  month: string;
  mrr: number;
  active_customers: number;
  churned_customers: number;
  customers_at_start: number;
  churn_rate: number;
}

async function months(): Promise<Record<string, unknown>[]> {
  const rows = await pack.project.sql<Month>(
    `select month, mrr, active_customers, churned_customers, customers_at_start, churn_rate, new_customers
     from marts.mrr_monthly where month between '2026-09-01' and '2026-10-01' order by month`,
    DP_NOW,
  );
  return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, k === "month" ? v : Number(v)])));
}

async function money(): Promise<Record<string, number>> {
  const [r] = await pack.project.sql<Record<string, number>>(
    `select
       (select sum(revenue_collected) from marts.revenue_monthly where month = '2026-10-01') as oct_revenue,
       (select sum(refunds) from marts.revenue_monthly where month = '2026-10-01') as oct_refunds,
       (select coalesce(sum(trials_ended), 0) from marts.trials_monthly) as trials_ended,
       (select sum(mrr) from marts.mrr_by_plan_monthly where month = '2026-10-01') as oct_plans_mrr`,
    DP_NOW,
  );
  return Object.fromEntries(Object.entries(r!).map(([k, v]) => [k, Number(v)]));
}

const pack = stripePackOn(accountWithTestCustomers, DP_NOW);

describe("excluded customers", () => {
  test("without vars every customer counts: Oct 31 MRR $240, 4 active, 2 of 5 churned", async () => {
    expect(await months()).toEqual([
      {
        month: "2026-09-01",
        mrr: 340,
        active_customers: 5,
        churned_customers: 0,
        customers_at_start: 5,
        churn_rate: 0,
        new_customers: 0,
      },
      {
        month: "2026-10-01",
        mrr: 240,
        active_customers: 4,
        churned_customers: 2,
        customers_at_start: 5,
        churn_rate: 0.4,
        new_customers: 1,
      },
    ]);
    // Oct charges: Acme $100, TEST $100, Staff's Oct 3 renewal $100, QA $20, Partner's first $20 (Bolt canceled
    // before its Oct 5 renewal), less QA's $20 refund
    expect(await money()).toEqual({ oct_revenue: 320, oct_refunds: 20, trials_ended: 1, oct_plans_mrr: 240 });
  }, 60_000);

  describe("with vars.excluded_customer_ids, _email_domains, _names and _metadata", () => {
    beforeAll(async () => {
      pack.project.setVars(EXCLUDE);
      await pack.project.dp(["build"], DP_NOW);
    }, 300_000);

    test("MRR, customers and churn count only Acme and Bolt: Sep 30 $120, Oct 31 $100, 1 of 2 churned", async () => {
      expect(await months()).toEqual([
        {
          month: "2026-09-01",
          mrr: 120,
          active_customers: 2,
          churned_customers: 0,
          customers_at_start: 2,
          churn_rate: 0,
          new_customers: 0,
        },
        {
          month: "2026-10-01",
          mrr: 100,
          active_customers: 1,
          churned_customers: 1,
          customers_at_start: 2,
          churn_rate: 0.5,
          new_customers: 0,
        },
      ]);
    }, 60_000);

    test("revenue, refunds and trials leave them out too: October's $100 is Acme's, no refund, no trial", async () => {
      expect(await money()).toEqual({ oct_revenue: 100, oct_refunds: 0, trials_ended: 0, oct_plans_mrr: 100 });
      const [n] = await pack.project.sql<{ n: number }>(
        `select count(*) as n from marts.customer_mrr_monthly
         where customer_name not in ('Acme Inc', 'Bolt LLC') or customer_name is null`,
        DP_NOW,
      );
      expect(Number(n!.n)).toBe(0);
    }, 60_000);

    test("the customers mart keeps every row: the four flagged with the rule that caught them, status excluded, no MRR", async () => {
      const rows = await pack.project.sql<Record<string, unknown>>(
        `select customer_name, status, mrr, is_excluded, excluded_because, lifetime_revenue > 0 as paid
         from marts.customers order by customer_name`,
        DP_NOW,
      );
      expect(
        rows.map((r) => [r.customer_name, r.status, Number(r.mrr), r.is_excluded, r.excluded_because, r.paid]),
      ).toEqual([
        ["Acme Inc", "active", 100, false, null, true],
        ["Bolt LLC", "churned", 0, false, null, true],
        ["Partner Demo", "excluded", 0, true, "customer id", true],
        ["QA Bot", "excluded", 0, true, "email domain example.com", true],
        ["Staff Seat", "excluded", 0, true, "metadata.internal = true", true],
        ["TEST Sandbox", "excluded", 0, true, "name like 'test %'", true],
      ]);
      const subs = await pack.project.sql<Record<string, unknown>>(
        `select customer_name, status, mrr, is_excluded from marts.subscriptions where status = 'active' order by customer_name`,
        DP_NOW,
      );
      expect(subs.map((r) => [r.customer_name, r.status, Number(r.mrr), r.is_excluded])).toEqual([
        ["Acme Inc", "active", 100, false],
        ["Partner Demo", "active", 0, true],
        ["QA Bot", "active", 0, true],
        ["TEST Sandbox", "active", 0, true],
      ]);
    }, 60_000);

    test("dp ask answers without them", async () => {
      const mrr = await pack.project.ask("what was MRR last month?", DP_NOW);
      expect(mrr.answer).toContain("MRR in October 2026 was $100.00");
      const churn = await pack.project.ask("churn last month?", DP_NOW);
      expect(churn.answer).toContain("50.0%");
    }, 60_000);
  });
});
