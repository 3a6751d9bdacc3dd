import { beforeAll, describe, expect, test } from "bun:test";
import type { Catalog } from "../../../engine/catalog/catalog.ts";
import { DEMO_AT, demoCatalog, plannerOver } from "./demo-planner.ts";
import { investorPeriods } from "../../../tools/planner/investor-periods.ts";

/**
 * The rules of branch tune2527 (#15, batches 25 "investors and advisors" and 27 "spreadsheet users"), on phrasings
 * in no eval file: trailing windows (trailing quarter, TTM, "N months through <month>"), "from <month> to now", a
 * month "vs prior month", "as of end of <month>", a remembered figure from an update or a deck, investor words
 * (logos, upsell, won back, the pipe, ACV, people in the product), a number against a target the catalog lacks, and
 * spreadsheet verbs (pivot, group … sort, COUNTIF, count of … where, distinct count, avg of, sum of). Pure.
 */
let catalog: Catalog;
beforeAll(() => {
  catalog = demoCatalog();
});
const { plan, refusal } = plannerOver(() => catalog);
const main = (q: string) => plan(q).calls[0]!.input as Record<string, unknown>;
const range = (start: string, end: string) => ({ start, end });

describe("trailing windows", () => {
  test.each([
    ["expansion MRR, trailing quarter", "expansion_mrr"],
    ["churned customers on a trailing quarter basis", "churned_customers"],
    ["win rate for the trailing qtr", "win_rate"],
  ])("a trailing quarter is the last whole quarter: %s", (q, metric) => {
    expect(main(q)).toMatchObject({ metric, period: "last_quarter" });
  });

  test.each([
    ["revenue churn rate TTM", "revenue_churn_rate"],
    ["NRR LTM", "nrr"],
    ["GRR on a trailing twelve-month basis", "grr"],
  ])("TTM is the last twelve whole months: %s", (q, metric) => {
    expect(main(q)).toMatchObject({ metric, period: "last_12_months" });
  });

  test.each([
    ["GRR on a trailing twelve-month basis through September", "grr", range("2025-10-01", "2026-09-30")],
    ["churn rate for the 12 months ending August", "churn_rate", range("2025-09-01", "2026-08-31")],
    ["revenue churn rate TTM through December 2025", "revenue_churn_rate", range("2025-01-01", "2025-12-31")],
    ["new customers the last 3 months through September", "new_customers", range("2026-07-01", "2026-09-30")],
    ["deals won in the last two months through January", "deals_won", range("2025-12-01", "2026-01-31")],
  ])("N months through a month end with that month, never today's: %s", (q, metric, period) => {
    expect(main(q)).toMatchObject({ metric, period });
  });

  test("an accounting period ending on a day is left to the accountant's reading", () => {
    expect(investorPeriods("new customers in the three months ended june 30, 2026", DEMO_AT)).toBe(
      "new customers in the three months ended june 30, 2026",
    );
  });

  test("the rewrite itself: twelve months through October run from November a year before", () => {
    expect(investorPeriods("nrr ttm through october", DEMO_AT)).toBe("nrr from November 2025 through October 2026");
  });

  test.each([
    ["how has MRR moved from March to now?", "mrr", range("2026-03-01", "2026-11-21")],
    ["new customers between June and now", "new_customers", range("2026-06-01", "2026-11-21")],
    ["ARR from February until right now", "arr", range("2026-02-01", "2026-11-21")],
  ])("from a month to now is up to today: %s", (q, metric, period) => {
    expect(main(q)).toMatchObject({ metric, period });
  });

  test("a trailing window of days on a monthly metric is still asked back", () => {
    expect(refusal("refunds trailing 90 days").kind).toBe("clarify");
  });
});

describe("a month against the prior month, and stocks as of a month end", () => {
  test.each([
    ["churned MRR delta vs prior month, Sep", "churned_mrr", "2026-09", "2026-08"],
    ["deals won vs the previous month for August", "deals_won", "2026-08", "2026-07"],
    ["new customers in July (Jul minus Jun)", "new_customers", "2026-07", "2026-06"],
    ["tickets opened delta vs prior month for May 2026", "tickets_opened", "2026-05", "2026-04"],
    ["churned customers vs prior month, October… thanks!", "churned_customers", "2026-10", "2026-09"],
    ["MRR vs prior month, January", "mrr", "2026-01", "2025-12"],
  ])("%s", (q, metric, current, previous) => {
    expect(main(q)).toMatchObject({ metric, current, previous });
  });

  test.each([
    ["open deals as of end of September", "open_deals", "2026-09"],
    ["customers as of the end of Q2", "active_customers", "2026-Q2"],
    ["open ticket backlog as at end of August", "open_tickets", "2026-08"],
  ])("%s", (q, metric, period) => {
    expect(main(q)).toMatchObject({ metric, period });
  });
});

describe("a figure remembered from an update or a deck", () => {
  test.each([
    ["you said MRR was around 58k in the September update — right?", "mrr", "2026-09"],
    [
      "churned customers were about 20 in September from the board deck, does that hold?",
      "churned_customers",
      "2026-09",
    ],
    ["new customers about 50 last month if I remember correctly?", "new_customers", "last_month"],
  ])("%s", (q, metric, period) => {
    const p = plan(q);
    expect(main(q)).toMatchObject({ metric, period });
    expect(p.interpretation?.read_as).toMatch(/checked: about/);
  });

  test("a reply's opening and 'for reference' are set aside", () => {
    expect(main("Loved the Q3 memo. What was ARR at the end of June, for reference?")).toMatchObject({
      metric: "arr",
      period: "2026-06",
    });
    expect(plan("What was MRR at the end of August, for comparison?").calls[0]!.input).not.toHaveProperty("previous");
  });
});

describe("investor words", () => {
  test.each([
    ["how many lost logos did we win back in Q3?", "reactivated_customers", "2026-Q3"],
    ["on a normal day in September, how many users were in the app?", "daily_active_users", "2026-09"],
    ["gross dollar churn in Q2, including downgrades", "revenue_churn_rate", "2026-Q2"],
    ["revenue churn rate last month with contraction included", "revenue_churn_rate", "last_month"],
    ["ACV of closed-won deals in Q2", "average_won_deal_size", "2026-Q2"],
    ["average deal value on won deals last quarter", "average_won_deal_size", "last_quarter"],
    ["what is a typical customer worth per month in September?", "arpa", "2026-09"],
    ["how many logos did we lose in Q2?", "churned_customers", "2026-Q2"],
    ["upsell MRR last quarter", "expansion_mrr", "last_quarter"],
    ["how much expansion did our existing accounts bring in last quarter", "expansion_mrr", "last_quarter"],
    ["how many deals in the pipe at the end of August", "open_deals", "2026-08"],
    ["days from created to closed-won in Q3", "sales_cycle_days", "2026-Q3"],
    ["how fast does the support team get back to customers in September?", "first_response_minutes", "2026-09"],
    ["how quickly did our team reply last month", "first_response_minutes", "last_month"],
  ])("%s", (q, metric, period) => {
    expect(main(q)).toMatchObject({ metric, period });
  });

  test.each([
    // churned MRR leaves downgrades out by its definition: the words are not dropped
    "churned MRR in Q3, downgrades included",
    // new customers add MRR too: "existing customers" is no expansion there
    "how much MRR did existing customers add in October?",
    // a period after the target belongs to the number as well
    "MRR vs budget for October",
  ])("asked back: %s", (q) => {
    expect(refusal(q).kind).toBe("clarify");
  });

  test("a number against a quota the catalog lacks is the number, the quota said unanswered", () => {
    const p = plan("won amount in Q3 vs the sales quota");
    expect(main("won amount in Q3 vs the sales quota")).toMatchObject({ metric: "won_amount", period: "2026-Q3" });
    expect(p.interpretation?.unanswered?.words).toEqual(["quota"]);
  });
});

describe("spreadsheet verbs", () => {
  test.each([
    ["pivot ARR by plan for Q3 — which plan is the smallest row?", "arr", "2026-Q3", "plan"],
    ["group deals won by owner last quarter, sort descending", "deals_won", "last_quarter", "owner"],
    ["pivot won amount by owner in Q3, who is the top one?", "won_amount", "2026-Q3", "owner"],
  ])("%s", (q, metric, period, by) => {
    expect(main(q)).toMatchObject({ metric, period, group_by: [by] });
  });

  test.each([
    ["COUNTIF deals lost in September", "deals_lost", "2026-09"],
    ["distinct count of daily active users yesterday", "daily_active_users", "yesterday"],
    ["avg of csat last month", "csat", "last_month"],
    ["sum of refunds in Q3", "refunds", "2026-Q3"],
  ])("%s", (q, metric, period) => {
    expect(main(q)).toMatchObject({ metric, period });
  });

  test("count of … where a dimension = a value keeps that value", () => {
    expect(main("count of customers where plan = Starter")).toMatchObject({
      metric: "plan_customers",
      filters: [{ dimension: "plan", op: "=", value: "Starter" }],
    });
  });
});
