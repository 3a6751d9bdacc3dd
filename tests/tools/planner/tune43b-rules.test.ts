import { describe, expect, test } from "bun:test";
import { planQuestion as planWith } from "../../../tools/planner/plan.ts";
import { DEMO_AT, demoCatalog, plannerOver } from "./demo-planner.ts";

/**
 * The rules of branch tune43b (#15, customer success capabilities), on phrasings in no eval file: logo retention as
 * 1 − logo churn over the same period, a filter for rows with no value in a dimension ("accounts with no owner"), and
 * a mean over rows (the sum over the rows ÷ the count of the same rows). Plans over the demo's catalog at 2026-11-21.
 */
const catalog = demoCatalog();
const { plan, refusal } = plannerOver(() => catalog);
const planQuestion = (q: string) => planWith(q, catalog, DEMO_AT);

describe("logo retention is a metric: 1 − logo churn over the same period", () => {
  test.each([
    ["logo retention in Q2", "2026-Q2"],
    ["what's our customer retention rate for August?", "2026-08"],
    ["customer retention last quarter", "last_quarter"],
    ["logo retention rate so far this year", "this_year"],
  ])("%p → logo_retention_rate", (q, period) => {
    const p = plan(q);
    expect(p.calls[0]!.input).toMatchObject({ metric: "logo_retention_rate", period });
  });
});

type RowsInput = {
  mart: string;
  measure: string;
  mean?: boolean;
  filters: { column: string; op: string; value: unknown }[];
};
const rowsOf = (q: string) => {
  const p = plan(q);
  expect(p.calls).toHaveLength(1);
  expect(p.calls[0]!.name).toBe("top_n");
  return { input: p.calls[0]!.input as RowsInput, read: p.interpretation!.read_as };
};

describe("rows with no value in a dimension: the accounts with no owner", () => {
  test.each([
    ["how much MRR is on accounts without an owner?"],
    ["MRR on unassigned accounts"],
    ["what's the total recurring revenue of customers nobody owns"],
    ["how much mrr sits in ownerless accounts right now"],
  ])("%p sums the MRR of the paying accounts whose owner is empty", (q) => {
    const { input, read } = rowsOf(q);
    expect(input).toMatchObject({ mart: "accounts", measure: "mrr" });
    expect(input.filters).toContainEqual({ column: "owner", op: "is_null", value: true });
    expect(read).toContain("no owner");
  });

  test.each([
    ["how many paying accounts have no owner?"],
    ["how many unassigned paying customers are there"],
    ["how many paying logos are without an owner"],
  ])("%p counts the paying accounts with no owner", (q) => {
    const { input, read } = rowsOf(q);
    expect(input.filters).toEqual([
      { column: "owner", op: "is_null", value: true },
      { column: "is_paying", op: "=", value: true },
    ]);
    expect(read).toContain("no owner");
  });

  test("a count of every CRM account with no owner, paying or not, is asked back", () => {
    expect(refusal("how many accounts have no owner").status).toBe("refusal");
  });
});

describe("a mean over rows: the sum over the rows ÷ the count of the same rows", () => {
  test.each([
    ["on average how many seats does a Pro account have", "seats", "pro"],
    ["what's the mean number of open tickets per enterprise account", "open_tickets", "enterprise"],
    ["average seats per customer on the growth plan", "seats", "growth"],
    ["avg MRR of a starter account?", "mrr", "starter"],
    ["how many tickets has a paying customer opened in the past 30 days, on average?", "tickets_last_30d", undefined],
  ])("%p → the mean of %s", (q, measure, tier) => {
    const { input, read } = rowsOf(q);
    expect(input).toMatchObject({ mart: "account_health", measure, mean: true });
    if (tier) expect(input.filters).toContainEqual({ column: "plan_tier", op: "=", value: tier });
    expect(read).toContain("summed over the rows ÷ the number of the same rows");
  });

  test.each([["average tickets per paying account"], ["average seats"]])(
    "%p (which tickets? of which rows?) is not read as a mean of rows",
    (q) => {
      const p = planQuestion(q);
      expect(p.status === "plan" && p.calls.some((c) => (c.input as { mean?: boolean }).mean)).toBe(false);
    },
  );
});

describe("a mean over the open deals' rows, never the won deals' average", () => {
  test.each([
    ["average amount of an open deal"],
    ["mean open deal size"],
    ["what is the average value of deals that are still open?"],
  ])("%p → the mean amount of the open deals", (q) => {
    const { input, read } = rowsOf(q);
    expect(input).toMatchObject({ mart: "deals", measure: "amount", mean: true });
    expect(input.filters).toEqual([{ column: "is_open", op: "=", value: true }]);
    expect(read).toContain("Average amount per deal");
    expect(read).toContain("open");
  });

  test("average deal size stays the won deals' average", () => {
    expect(plan("average deal size").calls[0]!.input).toMatchObject({ metric: "average_won_deal_size" });
  });
});
