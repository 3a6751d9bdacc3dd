import { beforeAll, describe, expect, test } from "bun:test";
import type { Catalog } from "../../../engine/catalog/catalog.ts";
import { compareSaid } from "../../../tools/planner/compare-words.ts";
import { demoCatalog, plannerOver } from "./demo-planner.ts";

/**
 * The rules of branch tune31 (#15, batch 31 "comparisons and change over time"), on phrasings in no eval file:
 * comparisons said as a founder types them (compare-words.ts), one month against the year's average month
 * (average-month.ts) and the biggest move of a series (biggest-move.ts). Pure: no warehouse.
 */
let catalog: Catalog;
beforeAll(() => {
  catalog = demoCatalog();
});
const { plan, refusal } = plannerOver(() => catalog);
const calls = (q: string) => plan(q).calls.map((c) => ({ role: c.role, ...(c.input as Record<string, unknown>) }));
const main = (q: string) => calls(q)[0]!;

describe("a stock 'more than at the end of <period>' with no first side is now against that instant", () => {
  test.each([
    ["is MRR higher than at the end of June?", "mrr", "2026-06"],
    ["do we have more open deals than at the end of last quarter", "open_deals", "last_quarter"],
    ["is ARR bigger than at the end of last year?", "arr", "last_year"],
  ])("%s", (q, metric, previous) => {
    expect(main(q)).toMatchObject({ metric, current: "this_month", previous });
  });
  test("a first side said is kept", () => {
    expect(main("was MRR in October higher than at the end of June?")).toMatchObject({
      metric: "mrr",
      current: "2026-10",
    });
  });
});

describe("how many more … now than at the start of the year: now against the end of last year", () => {
  test.each([
    ["how many more open deals do we have now than at the start of the year?", "open_deals", "last_year"],
    ["how many fewer open tickets are there now than at the end of last quarter?", "open_tickets", "last_quarter"],
    ["how many more customers do we have today than at the beginning of the year", "active_customers", "last_year"],
  ])("%s", (q, metric, previous) => {
    expect(main(q)).toMatchObject({ metric, current: "this_month", previous });
  });
});

describe("for each of the last N months: one value a month", () => {
  test.each([
    ["ARR for each of the last 4 months", "arr", "last_4_months"],
    ["new customers every month for the past 3 months", "new_customers", "last_3_months"],
    ["failed payments each month over the last 6 months", "failed_payments", "last_6_months"],
  ])("%s", (q, metric, period) => {
    expect(main(q)).toMatchObject({ metric, period, grain: "month" });
  });
});

describe("higher / better / more in A or B: both periods, the later checked against the other", () => {
  test.each([
    ["was expansion MRR higher in July or August?", "expansion_mrr", "2026-08", "2026-07"],
    ["were there more upgrades in Q2 or Q3?", "expanded_customers", "2026-Q3", "2026-Q2"],
    ["was CSAT better in September or October?", "csat", "2026-10", "2026-09"],
    ["were there more cancellations in August or September", "churned_customers", "2026-09", "2026-08"],
  ])("%s", (q, metric, current, previous) => {
    const p = plan(q);
    expect(p.calls[0]!.input).toMatchObject({ metric, current, previous });
    expect(p.interpretation?.yes_no).toMatchObject({ kind: "compare", either: true });
  });
});

describe("better or worse, more often, faster: the two periods set against each other", () => {
  test.each([
    ["CSAT — better or worse in Q3 than Q2?", "csat", "2026-Q3", "2026-Q2"],
    ["how quickly do we respond to tickets in October vs September", "first_response_minutes", "2026-10", "2026-09"],
    ["how satisfied are customers with support in Q3 vs Q2", "csat", "2026-Q3", "2026-Q2"],
    [
      "are trials converting into customers more often in Q3 than in Q2?",
      "trial_conversion_rate",
      "2026-Q3",
      "2026-Q2",
    ],
    ["are deals closing quicker this quarter than last quarter?", "sales_cycle_days", "this_quarter", "last_quarter"],
    ["were deals closing slower in Q2 than in Q1?", "sales_cycle_days", "2026-Q2", "2026-Q1"],
    ["net new MRR in % and absolute, October vs September", "net_new_mrr", "2026-10", "2026-09"],
  ])("%s", (q, metric, current, previous) => {
    expect(main(q)).toMatchObject({ metric, current, previous });
  });
});

describe("which month brought in the most cash: revenue collected by month", () => {
  test.each([
    ["which month this year pulled in the most money?", "this_year", "month"],
    ["which quarter brought in the most cash in 2025", "2025", "quarter"],
    ["what month brings in the least cash this year", "this_year", "month"],
  ])("%s", (q, period, grain) => {
    expect(main(q)).toMatchObject({ metric: "revenue_collected", period, grain });
  });
});

describe("a month against the year's average month", () => {
  test.each([
    ["how does September's churned MRR compare to the average month this year", "churned_mrr", "2026-09"],
    ["deals won in August vs our typical month in 2026", "deals_won", "2026-08"],
    ["was September a quieter month for support than our average this year?", "tickets_opened", "2026-09"],
  ])("%s", (q, metric, period) => {
    const c = calls(q);
    expect(c[0]).toMatchObject({ role: "main", metric, period });
    expect(c.find((x) => x.role === "mean")).toMatchObject({ metric, grain: "month" });
  });
  test("a rate has no average month: asked back", () => {
    expect(refusal("how does October's churn rate compare to our average month this year").kind).toBe("clarify");
  });
});

describe("the biggest drop or rise of a series: month to month", () => {
  test.each([
    ["which month had the biggest drop in MAU in 2026", "monthly_active_users", "2026", "drop"],
    ["biggest spike in refunds this year", "refunds", "this_year", "rise"],
    ["when was the sharpest fall in CSAT this year?", "csat", "this_year", "drop"],
  ])("%s", (q, metric, period, role) => {
    expect(calls(q)).toEqual([expect.objectContaining({ role, metric, period, grain: "month" })]);
  });
});

test("words with no comparison are left as typed", () => {
  for (const q of ["mrr last month", "how many customers since the start of the year", "top 5 customers by mrr"])
    expect(compareSaid(q)).toBe(q);
});

test("a check of one period against another, with no 'or', is no question of which", () => {
  expect(plan("was churn higher in Q3 than in Q2?").interpretation?.yes_no?.either).toBeUndefined();
});
