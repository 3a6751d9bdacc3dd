import { describe, expect, test } from "bun:test";
import { planQuestion } from "../../../tools/planner/plan.ts";
import { DEMO_AT, demoCatalog, plannerOver } from "./demo-planner.ts";

/**
 * The rules of branch tune52 (#15, thresholds and count-ifs), on phrasings in no eval file: a share of rows asked
 * for is a share (the kept rows over the whole said), or asked back — never the count; the top N taken together is
 * their sum (or its share of all); a bound checked "at any point" / "in any month" is checked against the range's
 * extreme, not its end; "top N <rows>" with nothing to rank by is asked back.
 */
const catalog = demoCatalog();
const { plan, refusal } = plannerOver(() => catalog);
type Row = { column: string; op: string; value: unknown };
const filters = (p: { calls: { input: Record<string, unknown> }[] }, i: number) =>
  (p.calls[i]!.input.filters ?? []) as Row[];

describe("a share of rows kept to a condition is the share, never the count", () => {
  test.each([
    ["what fraction of paying customers have mrr above $500", "mrr", ">", 500, "status"],
    ["% of paying customers on more than $200/mo", "mrr", ">", 200, "status"],
    ["what proportion of paying customers have an mrr under $50", "mrr", "<", 50, "status"],
    ["what share of open deals are over 10k", "amount", ">", 10000, "is_open"],
    ["what percentage of open deals are worth more than $5,000", "amount", ">", 5000, "is_open"],
  ] as [string, string, string, number, string][])("%p", (q, column, op, value, whole) => {
    const p = plan(q);
    expect(p.calls.map((c) => c.role)).toEqual(["main", "share"]);
    expect(filters(p, 0)).toContainEqual({ column, op, value });
    expect(filters(p, 1).map((f) => f.column)).toEqual([whole]);
    expect(p.interpretation!.check).toEqual({ kind: "share_of", of: "rows" });
  });
  test.each(["what percentage of customers pay over $300 a month", "what % of customers over $100 are in the US"])(
    "%p, whose whole can't be told, is asked back",
    (q) => {
      expect(refusal(q).kind).toBe("clarify");
    },
  );
  test("the count asked without a share stays a count", () => {
    const p = plan("how many paying customers pay at least $100 a month");
    expect(p.calls.length).toBe(1);
  });
});

describe("the top N taken together is their sum, or its share of all", () => {
  test.each([
    ["total MRR of our 12 biggest customers", "customers", 12, false],
    ["how much MRR do our top 20 customers bring in combined", "customers", 20, false],
    ["what are the 4 largest open deals worth altogether", "deals", 4, false],
    ["what percent of MRR comes from the top 10 customers", "customers", 10, true],
    ["how much of our MRR comes from our 25 biggest customers", "customers", 25, true],
  ] as [string, string, number, boolean][])("%p", (q, mart, n, share) => {
    const p = plan(q);
    expect(p.intent).toBe("top_n");
    expect(p.calls[0]!.input).toMatchObject({ mart, n, direction: "top" });
    expect(p.interpretation!.check).toEqual({ kind: "top_sum", share });
  });
  test("a plain ranking is no sum", () => {
    expect(plan("top 5 customers by mrr").interpretation?.check).toBeUndefined();
  });
});

describe("a bound at any point of a range is checked against its extreme", () => {
  test.each([
    ["was MRR ever above $60k this year", "mrr", ">"],
    ["did churn rate go above 4% in any month this year", "churn_rate", ">"],
    ["did ARPA fall under $92 at some point this year", "arpa", "<"],
    ["did more than 60 new customers sign up in any month this year", "new_customers", ">"],
  ] as [string, string, string][])("%p", (q, metric, op) => {
    const p = plan(q);
    expect(p.intent).toBe("argmax");
    expect(p.calls[0]!.input).toMatchObject({ metric, grain: "month" });
    expect(p.interpretation!.check).toMatchObject({ kind: "any_bucket", op });
  });
});

describe("a ranking with nothing to rank by is asked back", () => {
  test.each(["top 3 customers", "show me the top 12 deals", "bottom 4 accounts", "our top 20 customers"])("%p", (q) => {
    expect(refusal(q).kind).toBe("clarify");
  });
  test.each(["top 10 accounts by mrr", "our 3 biggest open deals"])("%p is ranked", (q) => {
    expect(plan(q).intent).toBe("top_n");
  });
});

describe("a money bound on rows holding several amounts, with none named, is asked back", () => {
  test.each(["how many customers are over $250?", "customers above $1,000", "count of customers below $40"])(
    "%p",
    (q) => {
      expect(refusal(q).kind).toBe("clarify");
    },
  );
  test.each([
    ["how many customers pay over $250 a month", "mrr"],
    ["customers with lifetime revenue above $2k", "lifetime_revenue"],
    ["customers paying less than $40/mo", "mrr"],
  ])("%p names it", (q, column) => {
    expect(filters(plan(q), 0).map((f) => f.column)).toContain(column);
  });
});

describe("rows said as a list's title are read as their count", () => {
  test.each([
    ["deals created in the last 20 days", "created_date"],
    ["deals we won in Q2, not counting ones under $2k", "amount"],
    ["deals lost last month excluding those below $500", "amount"],
  ])("%p", (q, column) => {
    const p = plan(q);
    expect(p.intent).toBe("count_rows");
    expect(filters(p, 0).map((f) => f.column)).toContain(column);
  });
  test("a bound left out from below keeps the rest from that bound up", () => {
    expect(filters(plan("deals we lost in Q2, not counting ones under $2k"), 0)).toContainEqual({
      column: "amount",
      op: ">=",
      value: 2000,
    });
  });
  test.each([
    ["accounts we haven't seen in over two weeks", 14],
    ["paying accounts not seen for more than 3 days", 3],
    ["accounts that we have not seen in over a day", 1],
  ] as [string, number][])("%p", (q, days) => {
    expect(filters(plan(q), 0)).toContainEqual({ column: "days_since_last_seen", op: ">", value: days });
  });
});

describe("the top N values of a dimension by a count of rows", () => {
  test.each([
    ["top 3 countries by paying customers", 3],
    ["top 6 countries by number of paying customers", 6],
    ["bottom 2 countries by paying customers", 2],
  ] as [string, number][])("%p", (q, n) => {
    const p = plan(q);
    expect(p.calls[0]!.input).toMatchObject({ label: "country", count: true, n });
    // a row with no country is no country
    expect(filters(p, 0)).toContainEqual({ column: "country", op: "is_null", value: false });
  });
});

describe("what the new readings leave alone", () => {
  test("'ever' with no range said is not read over a default range", () => {
    expect(refusal("has ARPA ever been under $80?").kind).toBe("clarify");
  });
  test("a ranking asked after rows titled is never their count", () => {
    const r = planQuestion("deals lost in Q3, which one was the biggest", catalog, DEMO_AT);
    expect(r.status === "plan" && r.intent === "count_rows").toBe(false);
  });
});
