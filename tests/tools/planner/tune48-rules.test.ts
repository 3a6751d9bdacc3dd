import { describe, expect, test } from "bun:test";
import { composeAnswer } from "../../../tools/ask/compose.ts";
import { planQuestion } from "../../../tools/planner/plan.ts";
import { DEMO_AT, demoCatalog, plannerOver } from "./demo-planner.ts";

/**
 * The rules of branch tune48 (#15, combined asks), on phrasings in no eval file: a constraint of the question that the
 * reading lost — a flow per day (week), a mean over a breakdown's members, "average" with no measure, a billing
 * interval, a segment named with no measure of it across two periods — asks back instead of stating another number.
 * Plans over the demo's catalog at 2026-11-21.
 */
const catalog = demoCatalog();
const { plan, refusal } = plannerOver(() => catalog);
const main = (q: string) => plan(q).calls[0]!.input as Record<string, unknown>;

describe("a flow per day (week) over a longer period is its total over the period's days (÷ 7)", () => {
  test.each([
    ["refunds per week in September", "refunds", "week", 30],
    ["failed payments per day last month", "failed_payments", "day", 31],
    ["new customers per week this quarter", "new_customers", "week", 52],
    ["tickets opened per day in Q3", "tickets_opened", "day", 92],
    ["new customers per day on average in September", "new_customers", "day", 30],
  ])("%p → %s per %s over %d days", (q, metric, per, days) => {
    const p = plan(q);
    expect(p.intent).toBe("average");
    expect(main(q)).toMatchObject({ metric });
    expect(main(q).grain).toBeUndefined();
    expect(p.interpretation?.rate).toEqual({ per: per as "day" | "week", days });
  });

  test.each(["tickets opened per weekday in October", "refunds per day this week vs last week"])(
    "%p, which it cannot count, is asked back",
    (q) => {
      expect(refusal(q).kind).toBe("clarify");
    },
  );

  test("the average said is read as before", () => {
    expect(plan("on average, how many events a day did users fire in October?").intent).toBe("average");
    expect(plan("average tickets per week in October").interpretation?.rate).toBeUndefined();
  });

  test("a rate per day is no flow: DAU by day stays", () => {
    expect(main("daily active users per day last week")).toMatchObject({ metric: "daily_active_users" });
  });
});

describe("a mean over a breakdown's members is no breakdown", () => {
  test.each([
    ["on average how many deals did each rep win in Q3", "deals_won", "2026-Q3"],
    ["deals won per owner on average this year", "deals_won", "this_year"],
    ["on average, how many tickets were opened per support rep last month", undefined, undefined],
  ])("%p is the mean over the breakdown's members, or asked back", (q, metric, period) => {
    const p = planQuestion(q, catalog, DEMO_AT);
    if (metric === undefined) {
      expect(p.status).toBe("refusal");
      return;
    }
    expect(p.status === "plan" && p.intent).toBe("average");
    expect(main(q)).toMatchObject({ metric, period, group_by: ["owner"] });
    expect(plan(q).interpretation?.mean_over).toBe("owner");
  });

  test("'avg deals won per rep': the mean count, or average deal size by rep — asked back", () => {
    expect(refusal("avg deals won per rep last quarter").kind).toBe("clarify");
  });

  test.each([
    ["deals won per rep last quarter", "deals_won"],
    ["average deal size per rep in Q3", "average_won_deal_size"],
  ])("%p stays a breakdown of %s", (q, metric) => {
    expect(main(q)).toMatchObject({ metric, group_by: ["owner"] });
    expect(plan(q).intent).toBe("metric");
  });
});

describe("'average per <x>' with no measure named is asked back", () => {
  test.each([
    "what's the average per owner this year",
    "what was the average per rep in October?",
    "the avg per salesperson for Q3",
  ])("%p", (q) => {
    expect(refusal(q).kind).toBe("clarify");
  });
});

describe("a billing interval said that the reading does not keep", () => {
  test.each([
    "ARR from customers billed annually right now",
    "active customers paying yearly",
    "ARR of our annual plans as of today",
  ])("%p is asked back", (q) => {
    expect(refusal(q).kind).toBe("clarify");
  });

  test("kept on the paying accounts' rows, it is read", () => {
    expect(main("how much MRR is sitting in paying accounts billed yearly")).toMatchObject({
      filters: [{ column: "billing_interval", op: "=", value: "year" }],
    });
  });

  test("'pay us every month' is no billing interval", () => {
    expect(main("what do all our customers pay us every month, as of today?")).toMatchObject({ metric: "mrr" });
  });
});

describe("a segment named with no measure of it, across two periods", () => {
  test.each([
    "Sales Pipeline, October vs September — what % change?",
    "Enterprise pipeline this quarter vs last quarter",
    "how did the Sales Pipeline do in Q3 compared with Q2",
  ])("%p is asked back", (q) => {
    expect(refusal(q).kind).toBe("clarify");
  });

  test.each([
    ["Enterprise pipeline win rate for Q3 vs Q2", "win_rate"],
    ["how much did open pipeline grow from end of Q2 to end of Q3, in percent", "open_pipeline"],
    ["is the pipeline bigger now than at the end of Q3?", "open_pipeline"],
  ])("%p is still compared (%s)", (q, metric) => {
    expect(main(q)).toMatchObject({ metric });
  });
});

describe("the answer to a rate: the period's total over its days (÷ 7)", () => {
  const result = (total: number, format: string) => ({
    role: "main" as const,
    name: "query_metric",
    input: {},
    output: {
      metric: "m",
      label: "Tickets closed",
      format,
      unit: null,
      currency_column: null,
      currencies: format === "currency" ? ["usd"] : [],
      per_currency: false,
      currency_split: false,
      reporting_currency: null,
      converted_to: null,
      time_rollup: "sum",
      period: { start: "2026-10-01", end: "2026-11-01", label: "October 2026", toDate: false },
      grain: null,
      group_by: [],
      filters: [],
      rows: [{ period: "2026-10-01", value: total, rows: 31 }],
    },
  });

  test("per week: 79 over 31 days is 17.84 a week", () => {
    const [line] = composeAnswer("average", [result(79, "number")] as never, undefined, undefined, {
      rate: { per: "week", days: 31 },
    });
    expect(line).toContain("averaged 17.84 per week over October 2026");
  });

  test("per day: 208 over 21 days is 9.905 a day", () => {
    const [line] = composeAnswer("average", [result(208, "number")] as never, undefined, undefined, {
      rate: { per: "day", days: 21 },
    });
    expect(line).toContain("averaged 9.905 per day");
  });
});

describe("a constraint said twice or implied", () => {
  test.each([
    ["what percentage of payment attempts failed in September, in %", "failed_payments"],
    ["what share of tickets last month were high priority, as a percentage", "high_priority_tickets"],
    ["what fraction of our paying customers are on Pro, in percent", "plan_customers"],
  ])("%p: the share's unit said again adds nothing", (q, metric) => {
    const p = plan(q);
    expect(p.intent).toBe("arithmetic");
    expect(main(q)).toMatchObject({ metric });
    expect(p.calls.some((c) => c.role === "share")).toBe(true);
  });

  test.each([
    ["seats per pro account", "seats", "pro"],
    ["open tickets per growth customer", "open_tickets", "growth"],
    ["tickets in the last 30 days per starter account", "tickets_last_30d", "starter"],
  ])("%p: a column of the accounts' rows per account is their mean", (q, measure, tier) => {
    expect(main(q)).toMatchObject({ measure, mean: true, filters: [{ column: "plan_tier", value: tier }] });
  });

  test.each([
    ["median days to close for deals we won last quarter", "sales_cycle_days"],
    ["average time to close for closed-won deals this year", "average_sales_cycle_days"],
    ["sales cycle of the deals they won in October", "sales_cycle_days"],
  ])("%p: 'won' restates the sales cycle's own deals", (q, metric) => {
    expect(
      plan(q)
        .calls.filter((c) => c.role === "main")
        .map((c) => c.input.metric),
    ).toEqual([metric]);
  });
});

describe("a quotient restated with its sum's unit said once, on the other side", () => {
  test.each([
    ["gross MRR churn in August (churn + downgrades over starting MRR)", "2026-08"],
    ["revenue churn rate for Q2 — churn + contraction over opening MRR", "2026-Q2"],
  ])("%p is the revenue churn rate", (q, period) => {
    expect(main(q)).toMatchObject({ metric: "revenue_churn_rate", period });
  });

  test.each([
    "gross MRR churn in Q2 (churn + expansion over starting MRR)",
    "gross mrr churn for Q3 (churn + downgrades over ending MRR)",
  ])("%p, another quotient, is asked back", (q) => {
    expect(refusal(q).kind).toBe("clarify");
  });
});

describe("a series said, then its extreme asked: the bucket with the extreme", () => {
  test.each([
    ["new MRR for each month of this year, which was the best one?", "new_mrr", "most"],
    ["win rate for each month of Q3: what was the best one", "win_rate", "most"],
    ["customer churn rate in percent for each month of Q2 — which was the worst?", "churn_rate", "most"],
  ])("%p → %s by month, the %s", (q, metric, direction) => {
    const p = plan(q);
    expect(p.intent).toBe("argmax");
    expect(main(q)).toMatchObject({ metric, grain: "month" });
    expect(p.interpretation?.argmax?.direction).toBe(direction as "most" | "least");
  });

  test("a percentage said of an amount is no unit of it: asked back", () => {
    expect(refusal("refunds as a percent for each month of Q3 — what was the worst one?").kind).toBe("clarify");
  });
});

describe("a code column's value said that the reading does not keep", () => {
  test.each(["average MRR per customer in the US", "average MRR of our US customers"])(
    "%p is asked back, never every customer's mean",
    (q) => {
      const r = refusal(q);
      expect(r.kind).toBe("clarify");
      expect(r.reason).toContain("country");
    },
  );

  test("kept, it is read", () => {
    expect(main("how much MRR do we get from customers in Germany right now")).toMatchObject({
      filters: [{ column: "country", value: "DE" }, { column: "status" }],
    });
  });

  test.each(["is the US our biggest market?", "is Germany our largest market", "is France our biggest market?"])(
    "%p ranks the countries: the value is kept by the ranking, not asked back",
    (q) => {
      expect(main(q)).toMatchObject({ label: "country", n: 1 });
    },
  );

  test("'US dollars' is a currency, not the country", () => {
    expect(main("what's MRR in US dollars right now")).toMatchObject({ metric: "mrr" });
  });
});

describe("the answer to a mean over a breakdown", () => {
  test("78 deals over 5 owners is 15.6 per owner", () => {
    const output = {
      metric: "deals_won",
      label: "Deals won",
      format: "number",
      unit: null,
      currency_column: null,
      currencies: [],
      per_currency: false,
      currency_split: false,
      reporting_currency: null,
      converted_to: null,
      time_rollup: "sum",
      period: { start: "2026-07-01", end: "2026-10-01", label: "Q3 2026", toDate: false },
      grain: null,
      group_by: ["owner"],
      filters: [],
      rows: [20, 18, 15, 14, 11].map((value, i) => ({ owner: `o${i}`, value, rows: 3 })),
    };
    const [line] = composeAnswer(
      "average",
      [{ role: "main", name: "query_metric", input: {}, output }] as never,
      undefined,
      undefined,
      {
        mean_over: "owner",
      },
    );
    expect(line).toContain("averaged 15.6 per owner");
  });
});
