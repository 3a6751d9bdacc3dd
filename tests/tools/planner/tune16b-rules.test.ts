import { beforeAll, describe, expect, test } from "bun:test";
import type { Catalog } from "../../../engine/catalog/catalog.ts";
import { demoCatalog, plannerOver } from "./demo-planner.ts";

/**
 * The rules of branch tune16b (#15): ratios, shares, rankings and aggregations as board members, investors and
 * analysts ask them, on phrasings that are in no eval file — "how many times larger", "X as a multiple of Y"
 * (investopedia's "times" ratios), "refunds as a percentage of gross payments" (Stripe's refund rate, Baremetrics'
 * "refunds as a % of revenue"), "what proportion of payment attempts failed" (Stripe's payment failure rate: failed
 * over all attempts), "October month-end", "October's ending MRR" (an accountant's closing figure). Plans over the
 * demo's catalog at 2026-11-21.
 */
let catalog: Catalog;
beforeAll(() => {
  catalog = demoCatalog();
});
const { plan, refusal } = plannerOver(() => catalog);
const sides = (q: string) => {
  const p = plan(q);
  expect(p.intent).toBe("arithmetic");
  return p.calls.map((c) => [c.role, c.input.metric, c.input.period, c.input.filters]);
};
const pro = [{ dimension: "plan", op: "=", value: "Pro" }];
const starter = [{ dimension: "plan", op: "=", value: "Starter" }];

describe("a multiple is one number over another, each with its own filters", () => {
  test.each([
    ["How many times larger is Pro MRR than Starter MRR as of the end of October?", "2026-10"],
    ["how many times bigger was Pro MRR than Starter MRR in October", "2026-10"],
    ["Pro MRR as a multiple of Starter MRR in October", "2026-10"],
    ["In October, Pro MRR was how many times Starter MRR?", "2026-10"],
    ["how many times greater is Pro MRR than Starter in October", "2026-10"],
  ])("%p → Pro ÷ Starter", (q, period) => {
    expect(sides(q)).toEqual([
      ["left", "mrr", period, pro],
      ["times", "mrr", period, starter],
    ]);
  });

  test.each([
    ["In October, how many times the value of won deals was the value of lost deals?", "lost_amount", "won_amount"],
    ["how many times the churned MRR was the new MRR last month", "new_mrr", "churned_mrr"],
    ["how many times larger was won amount than lost amount in Q3", "won_amount", "lost_amount"],
  ])("%p: the second said is that many times the first (%s ÷ %s)", (q, num, den) => {
    const s = sides(q);
    expect(s[0]!.slice(0, 2)).toEqual(["left", num]);
    expect(s[1]!.slice(0, 2)).toEqual(["times", den]);
  });

  test.each([
    "how many times larger is new MRR than churn rate last month",
    "how many times larger was won amount than deals won in october",
  ])("%p: two numbers of other units are no multiple: asked back", (q) => {
    expect(refusal(q).kind).toBe("clarify");
  });

  test("how many times an event happened is no multiple", () => {
    expect(refusal("how many times did customers churn last month").kind).toBe("clarify");
  });
});

describe("one metric as a share of another, both named", () => {
  test.each([
    ["Year to date, refunds have been what percent of gross payments?", "ytd"],
    ["In Q3, refunds were what percentage of gross payments?", "2026-Q3"],
    ["refunds as a percentage of gross payments in Q3", "2026-Q3"],
    ["what were refunds as a share of gross payments in Q3", "2026-Q3"],
  ])("%p → refunds over gross payments", (q, period) => {
    expect(sides(q)).toEqual([
      ["left", "refunds", period, []],
      ["share", "charges_succeeded", period, []],
    ]);
  });

  test.each(["new MRR as a percentage of ARR", "churned MRR as a share of MRR last month"])(
    "%p: a flow over a level is no share: asked back",
    (q) => {
      expect(refusal(q).kind).toBe("clarify");
    },
  );

  test.each([
    ["What proportion of payment attempts failed in October?", "2026-10"],
    ["what percentage of payments failed last month", "last_month"],
    ["what fraction of payment attempts failed in Q3", "2026-Q3"],
  ])("%p: failed payments over all attempts (failed + successful)", (q, period) => {
    expect(sides(q)).toEqual([
      ["left", "failed_payments", period, []],
      ["share", "payment_attempts", period, []],
    ]);
  });
});

describe("the end of a named period said after it", () => {
  test.each([
    ["What percentage of October's ending MRR came from the Enterprise plan?", "share"],
    ["Which plan had the fewest customers at October month-end?", "argmax"],
    ["ARR at September month-end", "metric"],
    ["what was Q3 closing ARR", "metric"],
  ])("%p reads the period's end (%s)", (q, intent) => {
    const p = plan(q);
    expect(intent === "share" ? String(p.calls[1]!.role) : String(p.intent)).toBe(intent);
    expect(p.interpretation?.read_as).toMatch(/the end of (October|September|Q3) 2026/);
  });
});

describe("a ranking of a dimension's members, said the board-room way", () => {
  test.each([
    ["Rank our plans by MRR at the end of October — which one leads?", "mrr", "plan", "most"],
    ["rank the plans by customers, which one is on top", "plan_customers", "plan", "most"],
    ["which plan leads on MRR in October", "mrr", "plan", "most"],
    [
      "As of the end of October, which stage holds the largest share of open pipeline?",
      "open_pipeline",
      "stage",
      "most",
    ],
    ["which owner accounts for the biggest share of won amount this year", "won_amount", "owner", "most"],
    ["which plan makes up the smallest share of MRR in October", "mrr", "plan", "least"],
    ["Who is our best-performing rep by won amount in Q3?", "won_amount", "owner", "most"],
    ["Which sales rep had the lowest win rate in H1?", "win_rate", "owner", "least"],
  ])("%p → %s by %s, the %s", (q, metric, dimension, direction) => {
    const p = plan(q);
    expect(p.intent).toBe("argmax");
    expect(p.calls[0]!.input).toMatchObject({ metric, group_by: [dimension] });
    expect(p.interpretation?.argmax?.direction).toBe(direction as "most" | "least");
  });

  test.each([
    ["In which month of this year did we refund the most money?", "refunds", "most"],
    ["What has been our best month for bookings so far in 2026?", "won_amount", "most"],
    ["Which month this year delivered the most new MRR, and how much was it?", "new_mrr", "most"],
    ["during which month of 2026 was our weakest net new MRR", "net_new_mrr", "least"],
    ["which quarter of 2025 had the strongest new MRR", "new_mrr", "most"],
  ])("%p → the month (quarter) with the %s %s", (q, metric) => {
    const p = plan(q);
    expect(p.intent).toBe("argmax");
    expect(p.calls[0]!.input.metric).toBe(metric);
    expect(p.calls[0]!.input.grain).toBeDefined();
  });

  test("a ranking asked without its leader is left as typed (asked back)", () => {
    expect(refusal("rank plans by customers").kind).toBe("clarify");
  });
});

describe("a mean or a median of a flow's months", () => {
  test.each([
    [
      "On average, how many new customers did we add per month in 2026, leaving out November since it is incomplete?",
      "new_customers",
    ],
    ["on average how many deals did we win per month this year", "deals_won"],
    ["on average, how much new MRR did we add each month in Q3", "new_mrr"],
  ])("%p → the mean per month of %s", (q, metric) => {
    const p = plan(q);
    expect(p.intent).toBe("average");
    expect(p.calls[0]!.input).toMatchObject({ metric, grain: "month" });
    expect(p.interpretation?.statistic).toBeUndefined();
  });

  test.each([
    ["What was the median monthly net cash collected across January to September 2026?", "revenue_collected"],
    ["median new customers per month this year", "new_customers"],
  ])("%p → the median per month of %s", (q, metric) => {
    const p = plan(q);
    expect(p.intent).toBe("average");
    expect(p.calls[0]!.input).toMatchObject({ metric, grain: "month" });
    expect(p.interpretation?.statistic).toBe("median");
    expect(p.interpretation?.read_as).toContain("the median per month");
  });

  test("the running month left out of a plain total ends the period where that month starts", () => {
    const p = plan("new customers this year leaving out November since it is incomplete");
    expect(p.calls[0]!.input).toMatchObject({
      metric: "new_customers",
      period: { start: "2026-01-01", end: "2026-10-31" },
    });
  });

  test("a month named that is not the running one is not read away", () => {
    expect(refusal("average new customers per month this year excluding october").kind).toBe("clarify");
  });
});

describe("a run of months past a bound, ending at the period said", () => {
  test.each([
    ["As of October, for how many consecutive months has monthly logo churn been above 3%?", "2026-10-31"],
    ["how many months in a row has churn rate been above 3% as of september", "2026-09-30"],
    ["for how many straight months have failed payments been over 40 as of october", "2026-10-31"],
  ])("%p → the months up to %s, a streak", (q, end) => {
    const p = plan(q);
    expect(p.intent).toBe("bucket_count");
    expect(p.calls[0]!.input.grain).toBe("month");
    expect((p.calls[0]!.input.period as { end: string }).end).toBe(end);
    expect(p.interpretation?.threshold?.streak).toBe(true);
  });

  test("a rate's bound said as a count is asked back", () => {
    expect(refusal("for how many consecutive months has churn rate been above 3 as of october").kind).toBe("clarify");
  });
});

describe("an average asked per its own denominator is that average", () => {
  test.each([
    ["What was the average value per won deal in Q3?", "2026-Q3"],
    ["average amount per deal won last month", "last_month"],
  ])("%p → average_won_deal_size", (q, period) => {
    expect(plan(q).calls[0]!.input).toMatchObject({ metric: "average_won_deal_size", period });
  });

  test("an average per another count is still asked back", () => {
    expect(refusal("ARPA per new customer last month").kind).toBe("clarify");
  });
});

describe("the whole said first: 'what percentage of B were A'", () => {
  test("'what percentage of gross payments were refunds this year' → refunds over gross payments", () => {
    expect(sides("What percentage of gross payments were refunds this year?")).toEqual([
      ["left", "refunds", "this_year", []],
      ["share", "charges_succeeded", "this_year", []],
    ]);
  });

  test("a part said to come from another metric is not assumed inside it (asked back)", () => {
    expect(refusal("what share of new MRR came from expansion MRR last month").kind).toBe("clarify");
  });

  test("a share of one metric cut by a value stays a share of that metric", () => {
    expect(sides("what percent of our MRR is Pro in October")).toEqual([
      ["left", "mrr", "2026-10", pro],
      ["share", "mrr", "2026-10", []],
    ]);
  });
});
