/**
 * The Stripe pack on the dev scenario (tests/fixtures/stripe/dev.ts), exactly as a founder runs it:
 * `dp init acme --with stripe`, STRIPE_API_KEY and STRIPE_BASE_URL in .env, one `dp run`, then the
 * marts through `dp sql --json` and the questions through `dp ask --offline` / `dp eval --offline`.
 * Every value is compared with dev.expected.json (the reference calculator, checked against hand-worked
 * values), then the hour-later batch is pulled and November must move by exactly those changes.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { parse } from "yaml";
import { devScenario } from "../fixtures/stripe/dev.ts";
import type { Expected, MonthValues } from "../fixtures/stripe/reference.ts";
import { DP_LATER, DP_NOW, type Scenario } from "../fixtures/stripe/scenario.ts";
import { InitProject } from "./packs.ts";

const expected = (await Bun.file(
  new URL("../fixtures/stripe/dev.expected.json", import.meta.url),
).json()) as DevExpected;
const usd = expected.currencies.usd!;
const MONTHS = Object.keys(usd.months);

/** Marts hold currency units; the expected values are cents rounded to 4 decimals (r4). */
const cents = (dollars: unknown) => Math.round(Number(dollars) * 100 * 1e4) / 1e4;
const rate = (x: unknown) => (x === null ? null : Math.round(Number(x) * 1e6) / 1e6);
const ym = (date: string) => date.slice(0, 7);

let scenario: Scenario;
let project: InitProject;

beforeAll(async () => {
  scenario = await devScenario();
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

describe("stripe pack on the dev account, first pull at DP_NOW", () => {
  test("dp init --with stripe writes the source block with the pack's streams and expansions", () => {
    const yaml = project.read("project.yaml");
    expect(yaml).toContain('api_key: "${STRIPE_API_KEY}"');
    expect(yaml).toContain("base_url:");
    expect(yaml).toMatch(
      /streams: \[customers, products, prices, coupons, subscriptions, invoices, charges, refunds, events\]/,
    );
    expect(yaml).toContain("expand: { subscriptions: [discounts], invoices: [discounts] }");
    // Stripe hides canceled subscriptions unless asked: the pull asked
    const subs = scenario.account.fake.server.answered("/v1/subscriptions");
    expect(subs.length).toBeGreaterThan(0);
    expect(subs.every((r) => r.query.get("status") === "all")).toBe(true);
  });

  test("month by month (May–Nov): MRR, ARR, ARPA, customers, movements and churn are the expected values", async () => {
    const rows = await project.sql<Record<string, number | string>>(
      "select * from marts.mrr_monthly where currency = 'usd' order by month",
      DP_NOW,
    );
    const byMonth = new Map(rows.map((r) => [ym(String(r.month)), r]));
    for (const month of MONTHS) {
      const e = usd.months[month]!;
      const r = byMonth.get(month)!;
      expect<Record<string, unknown>>({ month, ...pickMoney(r), ...pickCounts(r) }).toEqual({ month, ...wanted(e) });
    }
  }, 60_000);

  test("every customer's month-end MRR and movement since the account began", async () => {
    const rows = await project.sql<{ month: string; customer_id: string; mrr: number; movement: string }>(
      "select month, customer_id, mrr, movement from marts.customer_mrr_monthly",
      DP_NOW,
    );
    const got = new Map(rows.map((r) => [`${r.customer_id} ${ym(r.month)}`, r]));
    for (const c of expected.customers) {
      for (const [month, mrr] of Object.entries(c.mrr)) {
        const r = got.get(`${c.id} ${month}`);
        expect({ customer: c.name, month, mrr: cents(r?.mrr ?? 0) }).toEqual({ customer: c.name, month, mrr });
        const movement = r && r.movement !== "flat" ? r.movement : undefined;
        expect({ customer: c.name, month, movement }).toEqual({
          customer: c.name,
          month,
          movement: c.movements[month],
        });
      }
    }
  }, 60_000);

  test("MRR by plan (product) each month; the plans add up to the month's MRR", async () => {
    const rows = await project.sql<{ month: string; plan: string; mrr: number }>(
      "select month, plan, mrr from marts.mrr_by_plan_monthly where currency = 'usd'",
      DP_NOW,
    );
    for (const month of MONTHS) {
      const plans = Object.fromEntries(rows.filter((r) => ym(r.month) === month).map((r) => [r.plan, cents(r.mrr)]));
      expect({ month, plans }).toEqual({ month, plans: usd.months[month]!.mrr_by_plan });
    }
  }, 60_000);

  test("revenue collected, refunds and failed payments by month; trials ended and converted", async () => {
    const money = await project.sql<Record<string, number | string>>("select * from marts.revenue_monthly", DP_NOW);
    const trials = await project.sql<Record<string, number | string>>("select * from marts.trials_monthly", DP_NOW);
    for (const month of MONTHS) {
      const e = usd.months[month]!;
      const m = money.find((r) => ym(String(r.month)) === month)!;
      const t = trials.find((r) => ym(String(r.month)) === month);
      expect({
        month,
        charges_succeeded: cents(m.charges_succeeded),
        refunds: cents(m.refunds),
        revenue_collected: cents(m.revenue_collected),
        failed_payments: Number(m.failed_payments),
        failed_payments_amount: cents(m.failed_payments_amount),
        trials_ended: Number(t?.trials_ended ?? 0),
        trials_converted: Number(t?.trials_converted ?? 0),
        trial_conversion_rate: rate(t?.trial_conversion_rate ?? null),
      }).toEqual({
        month,
        charges_succeeded: e.charges_succeeded,
        refunds: e.refunds,
        revenue_collected: e.revenue_collected,
        failed_payments: e.failed_payments,
        failed_payments_amount: e.failed_payments_amount,
        trials_ended: e.trials_ended,
        trials_converted: e.trials_converted,
        trial_conversion_rate: e.trial_conversion_rate,
      });
    }
  }, 60_000);

  test("the founder questions, through the offline planner and the metrics: every dev answer, NRR/GRR per month, Q3 and year to date", async () => {
    project.write("evals/dev-values.yaml", devEvalFile());
    const report = await project.eval(DP_NOW);
    const failed = report.cases.filter((c) => !c.passed).map((c) => `${c.id}: ${c.question} → ${c.actual} (${c.why})`);
    expect(failed).toEqual([]);
    expect(report.passed).toBe(report.total);
  }, 120_000);

  test("the five questions of the issue, asked as a founder would (dp ask --offline --json), answer with the definitions' numbers", async () => {
    const answers: Record<string, RegExp[]> = {
      "what was MRR last month?": [/MRR in October 2026 was \$1,147\b/],
      "churn last month?": [/churn rate in October 2026 was 11\.1% \(2 of 18 /],
      "new MRR in September": [/New MRR in September 2026 was \$0\.00/],
      "MRR by plan": [
        /MRR in November 2026 \(to date\) was \$1,326; by plan:/,
        /Priority Support\s+\$49\.00/,
        /Pro\s+\$1,080/,
        /Starter\s+\$197\.00/,
      ],
      "how many active customers?": [/Active customers in November 2026 \(to date\) was 19\b/],
    };
    for (const [question, patterns] of Object.entries(answers)) {
      const r = await project.ask(question, DP_NOW);
      expect({ question, status: r.status }).toEqual({ question, status: "answered" });
      for (const p of patterns) expect(r.answer).toMatch(p);
    }
  }, 60_000);

  test("past_due_counts_in_mrr: false leaves past-due subscriptions out (mrr_excluding_past_due)", async () => {
    project.setVars({ past_due_counts_in_mrr: false });
    try {
      await project.dp(["build"], DP_NOW);
      const rows = await project.sql<{ month: string; mrr: number }>(
        "select month, mrr from marts.mrr_monthly where currency = 'usd'",
        DP_NOW,
      );
      for (const month of MONTHS)
        expect({ month, mrr: cents(rows.find((r) => ym(r.month) === month)!.mrr) }).toEqual({
          month,
          mrr: usd.months[month]!.mrr_excluding_past_due,
        });
    } finally {
      project.setVars({ past_due_counts_in_mrr: undefined });
      await project.dp(["build"], DP_NOW);
    }
  }, 120_000);

  test("an hour later, after Acme adds a seat, Kite Kitchens cancels and Yarrow Yoga subscribes, a second dp run moves November by exactly that", async () => {
    const before = await project.sql<{ mrr: number }>(
      "select mrr from marts.mrr_monthly where month = '2026-11-01' and currency = 'usd'",
      DP_NOW,
    );
    scenario.runLater();
    await project.run(DP_LATER);
    const after = await project.sql<Record<string, number | string>>(
      "select * from marts.mrr_monthly where month = '2026-11-01' and currency = 'usd'",
      DP_LATER,
    );
    const e = expected.later.currencies.usd!;
    const r = after[0]!;
    // +$24 (Acme 5 → 6 seats at 20% off) − $109 (Kite) + $29 (Yarrow)
    expect(cents(r.mrr) - cents(before[0]!.mrr)).toBe(-5600);
    expect<Record<string, unknown>>({ ...pickMoney(r), ...pickCounts(r) }).toEqual(wanted(e));
    const plans = await project.sql<{ plan: string; mrr: number }>(
      "select plan, mrr from marts.mrr_by_plan_monthly where month = '2026-11-01' and currency = 'usd'",
      DP_LATER,
    );
    expect(Object.fromEntries(plans.map((p) => [p.plan, cents(p.mrr)]))).toEqual(e.mrr_by_plan);
    const money = await project.sql<Record<string, number>>(
      "select * from marts.revenue_monthly where month = '2026-11-01' and currency = 'usd'",
      DP_LATER,
    );
    expect(cents(money[0]!.revenue_collected)).toBe(e.revenue_collected);
    // the months before are history: the second pull changed none of them
    const october = await project.sql<{ mrr: number }>(
      "select mrr from marts.mrr_monthly where month = '2026-10-01' and currency = 'usd'",
      DP_LATER,
    );
    expect(cents(october[0]!.mrr)).toBe(usd.months["2026-10"]!.mrr);
  }, 300_000);
});

/** The expected month as mrr_monthly names its columns. */
function wanted(e: MonthValues): Record<string, unknown> {
  return {
    mrr: e.mrr,
    arr: e.arr,
    arpa: e.arpa,
    start_mrr: e.start_mrr,
    new_mrr: e.new_mrr,
    expansion_mrr: e.expansion_mrr,
    contraction_mrr: e.contraction_mrr,
    churned_mrr: e.churned_mrr,
    reactivation_mrr: e.reactivation_mrr,
    net_new_mrr: e.net_new_mrr,
    active_customers: e.active_customers,
    customers_at_start: e.start_active_customers,
    new_customers: e.new_customers,
    reactivated_customers: e.reactivated_customers,
    churned_customers: e.churned_customers,
    churn_rate: e.logo_churn_rate,
    revenue_churn_rate: e.revenue_churn_rate,
  };
}

function pickMoney(r: Record<string, number | string>): Record<string, unknown> {
  const keys = [
    "mrr",
    "arr",
    "arpa",
    "start_mrr",
    "new_mrr",
    "expansion_mrr",
    "contraction_mrr",
    "churned_mrr",
    "reactivation_mrr",
    "net_new_mrr",
  ];
  return Object.fromEntries(keys.map((k) => [k, cents(r[k])]));
}

function pickCounts(r: Record<string, number | string>): Record<string, unknown> {
  return {
    active_customers: Number(r.active_customers),
    customers_at_start: Number(r.customers_at_start),
    new_customers: Number(r.new_customers),
    reactivated_customers: Number(r.reactivated_customers),
    churned_customers: Number(r.churned_customers),
    churn_rate: rate(r.churn_rate ?? null),
    revenue_churn_rate: rate(r.revenue_churn_rate ?? null),
  };
}

/**
 * The pack's evals/stripe.yaml questions with the dev account's answers added, plus NRR and GRR for
 * every month, Q3 and the year to date, asked the way a founder would.
 */
function devEvalFile(): string {
  const asked = new Map(expected.questions.map((q) => [q.question, q]));
  const shipped = parse(project.read("evals/stripe.yaml")) as {
    cases: { id: string; question: string; expect: Record<string, unknown> }[];
  };
  const cases: unknown[] = [];
  for (const c of shipped.cases) {
    const q = asked.get(c.question);
    if (!q || q.unit === "money_by_plan") continue;
    // money answers are rounded to cents (ARPA $71.6875 is asked as $71.69)
    const tolerance = q.unit === "money" ? 0.005 : 0.000001;
    cases.push({ ...c, id: `dev-${c.id}`, expect: { ...c.expect, value: q.answer.usd, tolerance } });
  }
  const byPlan = asked.get("MRR by plan")!.answer.usd as Record<string, number>;
  for (const [plan, value] of Object.entries(byPlan))
    cases.push({
      id: `dev-mrr-plan-${plan.toLowerCase().replace(/\W+/g, "-")}`,
      question: "MRR by plan",
      expect: { tool: "query_metric", input: { metric: "mrr", group_by: ["plan"] }, where: { plan }, value },
    });
  const monthName = (m: string) =>
    new Date(`${m}-01T00:00:00Z`).toLocaleString("en-US", { month: "long", year: "numeric", timeZone: "UTC" });
  for (const month of MONTHS) {
    for (const [metric, phrase] of [
      ["nrr", "net revenue retention"],
      ["grr", "gross revenue retention"],
    ] as const) {
      cases.push({
        id: `dev-${metric}-${month}`,
        question: `${phrase} in ${monthName(month)}`,
        expect: { tool: "query_metric", input: { metric, period: month }, value: usd.months[month]![metric] },
      });
    }
  }
  for (const [period, phrase] of [
    ["2026-Q3", "in Q3 2026"],
    ["2026-YTD", "this year"],
  ] as const) {
    const p = usd.periods[period]!;
    cases.push({
      id: `dev-nrr-${period.toLowerCase()}`,
      question: `NRR ${phrase}`,
      expect: { tool: "query_metric", value: p.nrr },
    });
    cases.push({
      id: `dev-grr-${period.toLowerCase()}`,
      question: `GRR ${phrase}`,
      expect: { tool: "query_metric", value: p.grr },
    });
    cases.push({
      id: `dev-logo-retention-${period.toLowerCase()}`,
      question: `logo retention ${phrase}`,
      expect: { tool: "query_metric", input: { metric: "logo_retention_rate" }, value: p.logo_retention },
    });
  }
  return JSON.stringify({ now: DP_NOW, tolerance: 0.000001, cases });
}

type DevExpected = Pick<Expected, "currencies" | "customers"> & {
  later: { currencies: Record<string, MonthValues> };
  questions: { question: string; unit: string; answer: Record<string, unknown> }[];
};
