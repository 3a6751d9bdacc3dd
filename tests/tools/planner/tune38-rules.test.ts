import { beforeAll, describe, expect, test } from "bun:test";
import type { Catalog } from "../../../engine/catalog/catalog.ts";
import { DEMO_AT, demoCatalog, plannerOver } from "./demo-planner.ts";

/**
 * The rules of branch tune38 (#15, batch 38: rows and amounts), on phrasings that are in no eval file: a state said
 * in words placed as the rows' status or asked back, a ranking of rows kept to the state said inside it, a vague size
 * word with no bound asked back, and amounts said in words as a bound on a count of rows. Pure: no warehouse.
 */
let catalog: Catalog;
beforeAll(() => {
  catalog = demoCatalog();
});
void DEMO_AT;
const { plan, refusal } = plannerOver(() => catalog);
const main = (q: string) => plan(q).calls.find((c) => c.role === "main")!;

describe("a state said in words is the rows' status, never an unfiltered count", () => {
  test.each([
    "how many accounts that used to pay us are paying nothing now",
    "number of customers who used to pay but are at $0 now",
    "how many clients used to pay and aren't paying anymore",
  ])("%s", (q) => {
    const call = main(q);
    expect(call.name).toBe("top_n");
    expect(call.input.mart).toBe("customers");
    expect(call.input.filters).toContainEqual({ column: "status", op: "=", value: "churned" });
  });
  test.each([
    "how many customers used to be on Pro",
    "how many accounts used to pay more",
    "customers that used to log in every day — how many",
  ])("a past state not placed asks back: %s", (q) => {
    expect(refusal(q).kind).toBe("clarify");
  });
});

describe("a ranking of rows keeps the state said inside it", () => {
  test.each([
    ["largest open deal", "is_open"],
    ["what's the smallest open deal", "is_open"],
    ["biggest lost deal this year", "is_lost"],
  ])("%s", (q, column) => {
    const call = main(q);
    expect(call.name).toBe("top_n");
    expect(call.input.filters).toContainEqual(expect.objectContaining({ column, op: "=", value: true }));
  });
  test("a word inside the ranking that is no state asks back", () => {
    expect(refusal("biggest stale deal").kind).toBe("clarify");
  });
});

describe("a vague size word with no bound asks back", () => {
  test.each([
    "how many large deals did we win last quarter",
    "how many huge customers do we have",
    "count of big accounts",
    "how many cheap subscriptions are there",
  ])("%s", (q) => {
    expect(refusal(q).kind).toBe("clarify");
  });
  test("a size word with a bound is read", () => {
    expect(main("how many deals bigger than $10k are open").input.filters).toContainEqual(
      expect.objectContaining({ column: "amount", op: ">", value: 10000 }),
    );
  });
});

describe("amounts said in words bound a count of rows", () => {
  test.each([
    ["how many open deals are over five grand", 5000],
    ["open deals worth more than half a million — how many", 500000],
    ["how many open deals are above 15 grand", 15000],
    ["how many open deals under two thousand dollars", 2000],
  ])("%s", (q, value) => {
    const call = main(q);
    expect(call.name).toBe("top_n");
    expect(call.input.filters).toContainEqual(expect.objectContaining({ column: "amount", value }));
    expect(call.input.filters).toContainEqual({ column: "is_open", op: "=", value: true });
  });
});

describe("paying accounts counted by a signal of their health (account_health)", () => {
  test.each([
    ["how many accounts have open tickets right now", [{ column: "open_tickets", op: ">", value: 0 }]],
    ["number of paying customers with several open tickets", [{ column: "open_tickets", op: ">", value: 1 }]],
    ["how many customers have a high priority ticket open", [{ column: "urgent_open_tickets", op: ">", value: 0 }]],
    [
      "how many accounts saw a failed payment in the last 90 days",
      [{ column: "failed_payments_90d", op: ">", value: 0 }],
    ],
    [
      "growth accounts with a payment failing in the past 30 days — how many",
      [
        { column: "plan_tier", op: "=", value: "growth" },
        { column: "failed_payments_30d", op: ">", value: 0 },
      ],
    ],
    [
      "how many accounts on Starter are past due",
      [
        { column: "plan_tier", op: "=", value: "starter" },
        { column: "status", op: "=", value: "past_due" },
      ],
    ],
    [
      "how many pro customers pay more than 300 dollars",
      [
        { column: "plan_tier", op: "=", value: "pro" },
        { column: "mrr", op: ">", value: 300 },
      ],
    ],
  ])("%s", (q, filters) => {
    const call = main(q);
    expect(call.name).toBe("top_n");
    expect(call.input.mart).toBe("account_health");
    for (const f of filters) expect(call.input.filters).toContainEqual(f);
    expect((call.input.filters as unknown[]).length).toBe(filters.length);
  });
  test.each([
    "how many accounts had a failed payment in the last 60 days",
    "how many enterprise accounts have open tickets from October",
  ])("a window or word no column keeps asks back: %s", (q) => {
    expect(refusal(q).kind).toBe("clarify");
  });
});

describe("customers counted by lifetime revenue or an MRR range", () => {
  test.each([
    ["how many customers have paid us over $20k all time", "lifetime_revenue", ">", 20000],
    ["customers whose lifetime revenue is under 500 dollars — how many", "lifetime_revenue", "<", 500],
    ["how many customers spent more than two grand with us in total", "lifetime_revenue", ">", 2000],
  ])("%s", (q, column, op, value) => {
    const call = main(q);
    expect(call.input.mart).toBe("customers");
    expect(call.input.filters).toContainEqual({ column, op, value });
  });
  test.each([
    ["how many customers pay between $50 and $100 a month", 50, 100],
    ["number of customers paying between 1k and 2k per month", 1000, 2000],
  ])("%s", (q, low, high) => {
    const call = main(q);
    expect(call.input.filters).toContainEqual({ column: "mrr", op: ">=", value: low });
    expect(call.input.filters).toContainEqual({ column: "mrr", op: "<=", value: high });
  });
});

describe("an amount shown in thousands or millions is the same amount", () => {
  test.each([
    ["ARR right now, in thousands", "arr"],
    ["new MRR last month in thousands", "new_mrr"],
    ["open pipeline in millions", "open_pipeline"],
  ])("%s", (q, metric) => {
    expect(main(q).input.metric).toBe(metric);
  });
});

describe("the most one row pays is the top row by MRR", () => {
  test.each([
    "what is the most any one customer pays us a month",
    "the most a single account pays per month?",
    "what's the most any client pays monthly",
  ])("%s", (q) => {
    const call = main(q);
    expect(call.name).toBe("top_n");
    expect(call.input).toMatchObject({ measure: "mrr", n: 1, direction: "top" });
  });
});

describe("rows counted by a count column of theirs", () => {
  test.each([
    ["how many subscriptions have more than 3 seats", "subscriptions", "quantity", ">", 3],
    ["how many customers have at least two subscriptions", "customers", "subscriptions", ">=", 2],
    ["number of subscriptions with fewer than 2 seats", "subscriptions", "quantity", "<", 2],
  ])("%s", (q, mart, column, op, value) => {
    const call = main(q);
    expect(call.input.mart).toBe(mart);
    expect(call.input.filters).toContainEqual({ column, op, value });
  });
  test("accounts by their open pipeline", () => {
    const call = main("how many accounts have over $50k of open pipeline");
    expect(call.input.mart).toBe("accounts");
    expect(call.input.filters).toContainEqual({ column: "open_pipeline", op: ">", value: 50000 });
  });
});

describe("'anyone …? how many' counts the customers", () => {
  test.each([
    ["has anyone paid us more than $3k all time? how many", "lifetime_revenue", 3000],
    ["anybody paying over $400 a month — how many?", "mrr", 400],
    ["did anyone spend more than five grand with us in total? how many", "lifetime_revenue", 5000],
  ])("%s", (q, column, value) => {
    const call = main(q);
    expect(call.input.mart).toBe("customers");
    expect(call.input.filters).toContainEqual({ column, op: ">", value });
  });
});

describe("an amount won said as a verb is the won amount checked against it", () => {
  test.each([
    ["did we win $200k in deals last quarter", "last_quarter"],
    ["have we booked a million dollars in deals this year", "this_year"],
    ["have we won over 300 grand in deals this year", "this_year"],
    ["have we closed 250k in won deals this quarter?", "this_quarter"],
  ])("%s", (q, period) => {
    expect(main(q).input).toMatchObject({ metric: "won_amount", period });
  });
  test("closed with no word of winning asks back or reads no count of rows", () => {
    const p = main("have we won over 300 grand in deals this year");
    expect(p.name).toBe("query_metric");
  });
});

describe("open deals expected to close in a period keep to their close date", () => {
  test.each([
    ["how many open deals over $3k are expected to close in Q1 2027", "2027-01-01", "2027-04-01"],
    ["open deals above 8k due to close this quarter — how many", "2026-10-01", "2027-01-01"],
    ["how many open deals under $2k are slated to close this month", "2026-11-01", "2026-12-01"],
  ])("%s", (q, start, end) => {
    const call = main(q);
    expect(call.input.filters).toContainEqual({ column: "is_open", op: "=", value: true });
    expect(call.input.filters).toContainEqual({ column: "close_date", op: ">=", value: start });
    expect(call.input.filters).toContainEqual({ column: "close_date", op: "<", value: end });
    expect(call.input.filters).not.toContainEqual(expect.objectContaining({ column: "is_won" }));
  });
  test("a period already over is no expected close", () => {
    expect(refusal("how many open deals over $8k are expected to close in August").kind).toBe("clarify");
  });
  test("won deals expected to close ask back", () => {
    expect(refusal("how many won deals over $5k are expected to close this month").kind).toBe("clarify");
  });
});
