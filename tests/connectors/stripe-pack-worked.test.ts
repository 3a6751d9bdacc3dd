/**
 * Worked examples, one customer per definition (tests/fixtures/stripe/worked.ts): amount-off coupons on
 * monthly and annual prices, a repeating coupon that starts during a trial, a once coupon, 100% off for
 * three months, 2-weekly, 6-monthly and daily prices, a downgrade without proration, paused collection,
 * a payment going unpaid, past_due at now, a trial paused at its end and resumed, an incomplete
 * subscription paid the next day, sales tax, a partial refund, metered usage, EUR customers. Through
 * the real CLI, every month-end value is compared with the reference calculator
 * (tests/fixtures/stripe/reference.ts); then how several currencies are reported and converted.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { expectedValues, type Expected } from "../fixtures/stripe/reference.ts";
import { monthsBetween } from "../fixtures/stripe/reference-metrics.ts";
import { accountData, DP_NOW, type Scenario } from "../fixtures/stripe/scenario.ts";
import { workedScenario } from "../fixtures/stripe/worked.ts";
import { InitProject } from "./packs.ts";

const cents = (units: unknown) => Math.round(Number(units) * 100 * 1e4) / 1e4;
const rate = (x: unknown) => (x === null || x === undefined ? null : Math.round(Number(x) * 1e6) / 1e6);
const ym = (date: string) => date.slice(0, 7);
const MONTHS = monthsBetween("2026-01", "2026-11");

let scenario: Scenario;
let e: Expected;
let project: InitProject;

beforeAll(async () => {
  scenario = await workedScenario();
  e = expectedValues(accountData(scenario.account), "2026-01");
  project = await InitProject.init(["stripe"], {
    STRIPE_API_KEY: scenario.account.fake.apiKey,
    STRIPE_BASE_URL: scenario.account.fake.url,
  });
  await project.run(DP_NOW);
}, 300_000);

afterAll(async () => {
  await scenario?.account.close();
  project?.remove();
});

describe("stripe pack, worked examples", () => {
  test("each customer's month-end MRR and movement is the definition's (the reference calculator's)", async () => {
    const rows = await project.sql<{
      month: string;
      customer_id: string;
      currency: string;
      mrr: number;
      movement: string;
    }>("select month, customer_id, currency, mrr, movement from marts.customer_mrr_monthly", DP_NOW);
    const got = new Map(rows.map((r) => [`${r.customer_id} ${ym(r.month)}`, r]));
    for (const c of e.customers) {
      for (const month of MONTHS) {
        const r = got.get(`${c.id} ${month}`);
        const movement = r && r.movement !== "flat" ? r.movement : undefined;
        expect({ customer: c.name, month, mrr: cents(r?.mrr ?? 0), movement }).toEqual({
          customer: c.name,
          month,
          mrr: c.mrr[month]!,
          movement: c.movements[month],
        });
        if (r) expect({ customer: c.name, currency: r.currency }).toEqual({ customer: c.name, currency: c.currency });
      }
    }
  }, 60_000);

  test("per currency and month: MRR, movements, customers, churn, plans, revenue, failed payments, trials", async () => {
    const mrr = await project.sql<Record<string, number | string>>("select * from marts.mrr_monthly", DP_NOW);
    const plans = await project.sql<Record<string, number | string>>("select * from marts.mrr_by_plan_monthly", DP_NOW);
    const money = await project.sql<Record<string, number | string>>("select * from marts.revenue_monthly", DP_NOW);
    const trials = await project.sql<Record<string, number | string>>("select * from marts.trials_monthly", DP_NOW);
    for (const [currency, c] of Object.entries(e.currencies)) {
      for (const month of MONTHS) {
        const v = c.months[month]!;
        const at = <T extends Record<string, unknown>>(rows: T[]) =>
          rows.find((r) => ym(String(r.month)) === month && r.currency === currency);
        const m = at(mrr);
        // the reference rounds after each subscription it adds, the mart once per plan: equal to 1/100 of a cent
        const hundredth = (x: number) => Math.round(x * 100) / 100;
        const p = Object.fromEntries(
          plans
            .filter((r) => ym(String(r.month)) === month && r.currency === currency)
            .map((r) => [r.plan, hundredth(cents(r.mrr))]),
        );
        const r = at(money);
        const t = at(trials);
        expect({
          currency,
          month,
          mrr: cents(m?.mrr ?? 0),
          start_mrr: cents(m?.start_mrr ?? 0),
          new_mrr: cents(m?.new_mrr ?? 0),
          expansion_mrr: cents(m?.expansion_mrr ?? 0),
          contraction_mrr: cents(m?.contraction_mrr ?? 0),
          churned_mrr: cents(m?.churned_mrr ?? 0),
          reactivation_mrr: cents(m?.reactivation_mrr ?? 0),
          active_customers: Number(m?.active_customers ?? 0),
          churned_customers: Number(m?.churned_customers ?? 0),
          logo_churn_rate: rate(m?.churn_rate),
          revenue_churn_rate: rate(m?.revenue_churn_rate),
          mrr_by_plan: p,
          revenue_collected: cents(r?.revenue_collected ?? 0),
          refunds: cents(r?.refunds ?? 0),
          failed_payments: Number(r?.failed_payments ?? 0),
          trials_ended: Number(t?.trials_ended ?? 0),
          trials_converted: Number(t?.trials_converted ?? 0),
        }).toEqual({
          currency,
          month,
          mrr: v.mrr,
          start_mrr: v.start_mrr,
          new_mrr: v.new_mrr,
          expansion_mrr: v.expansion_mrr,
          contraction_mrr: v.contraction_mrr,
          churned_mrr: v.churned_mrr,
          reactivation_mrr: v.reactivation_mrr,
          active_customers: v.active_customers,
          churned_customers: v.churned_customers,
          logo_churn_rate: v.logo_churn_rate,
          revenue_churn_rate: v.revenue_churn_rate,
          mrr_by_plan: Object.fromEntries(
            Object.entries(v.mrr_by_plan).map(([k, x]) => [k, Math.round(x * 100) / 100]),
          ),
          revenue_collected: v.revenue_collected,
          refunds: v.refunds,
          failed_payments: v.failed_payments,
          trials_ended: v.trials_ended,
          trials_converted: v.trials_converted,
        });
      }
    }
  }, 60_000);

  test("amounts are never added across currencies: a total over USD and EUR is one value per currency, by currency or in one currency it is answered", async () => {
    const plain = await project.ask("what was MRR last month?", DP_NOW);
    expect(plain.status).toBe("answered");
    expect(plain.answer).toContain("MRR in October 2026 was €108.00 (EUR) · $663.75 (USD), one value per currency");
    const split = await project.ask("MRR by currency last month", DP_NOW);
    expect(split.answer).toMatch(/EUR\s+€108\.00/);
    expect(split.answer).toMatch(/USD\s+\$663\.75/);
    project.write(
      "evals/currencies.yaml",
      JSON.stringify({
        now: DP_NOW,
        cases: [
          {
            id: "mrr-in-eur",
            question: "MRR in eur last month",
            expect: { tool: "query_metric", value: e.currencies.eur!.months["2026-10"]!.mrr / 100 },
          },
          {
            id: "nrr-by-currency-q3",
            question: "NRR by currency in Q3 2026",
            expect: {
              tool: "query_metric",
              where: { currency: "eur" },
              value: e.currencies.eur!.periods["2026-Q3"]!.nrr,
            },
          },
          {
            id: "grr-by-currency-ytd",
            question: "GRR by currency this year",
            expect: {
              tool: "query_metric",
              where: { currency: "usd" },
              value: e.currencies.usd!.periods["2026-YTD"]!.grr,
            },
          },
          {
            id: "trial-conversion-april",
            question: "trial conversion in April 2026",
            expect: { tool: "query_metric", value: 0 },
          },
        ],
      }),
    );
    const report = await project.eval(DP_NOW);
    const mine = report.cases.filter((c) =>
      ["mrr-in-eur", "nrr-by-currency-q3", "grr-by-currency-ytd", "trial-conversion-april"].includes(c.id),
    );
    expect(mine.filter((c) => !c.passed).map((c) => `${c.id}: ${c.actual} ${c.why}`)).toEqual([]);
    expect(mine).toHaveLength(4);
  }, 120_000);

  test("vars.reporting_currency with fx_rates converts every amount into one currency; a currency without a rate fails the build by name", async () => {
    project.setVars({ reporting_currency: "usd", fx_rates: { eur: 1.1 } });
    try {
      await project.dp(["build"], DP_NOW);
      const rows = await project.sql<{ month: string; currency: string; mrr: number }>(
        "select month, currency, mrr from marts.mrr_monthly order by month",
        DP_NOW,
      );
      expect(new Set(rows.map((r) => r.currency))).toEqual(new Set(["usd"]));
      for (const month of MONTHS) {
        const want = e.currencies.usd!.months[month]!.mrr + 1.1 * e.currencies.eur!.months[month]!.mrr;
        expect({ month, mrr: cents(rows.find((r) => ym(r.month) === month)?.mrr ?? 0) }).toEqual({
          month,
          mrr: Math.round(want * 1e4) / 1e4,
        });
      }
      const tested = await project.dp(["test"], DP_NOW);
      expect(tested.code).toBe(0);
      const answer = await project.ask("what was MRR last month?", DP_NOW);
      // $663.750001 + 1.1 × €108
      expect(answer.answer).toContain("MRR in October 2026 was $782.55");
      project.setVars({ fx_rates: { gbp: 1.27 } });
      const failed = await project.dp(["build"], DP_NOW, 1);
      expect(`${failed.stdout}${failed.stderr}`).toContain("no rate for eur in vars.fx_rates");
    } finally {
      project.setVars({ reporting_currency: undefined, fx_rates: undefined });
      await project.dp(["build"], DP_NOW);
    }
  }, 180_000);
});
