import { beforeAll, describe, expect, test } from "bun:test";
import type { Catalog } from "../../../engine/catalog/catalog.ts";
import { spokenRead } from "../../../tools/planner/spoken.ts";
import { demoCatalog, plannerOver } from "./demo-planner.ts";

/**
 * The rules of branch tune26 (#15, batch 26 "phone dictation and non-native English"), on phrasings in no eval file:
 * quarters and amounts said in words, spoken self-corrections with no punctuation, consecutive months taken together,
 * dictation tails and homophones, and the comparatives, word order and false friends of learners (spoken.ts). Pure:
 * no warehouse.
 */
let catalog: Catalog;
beforeAll(() => {
  catalog = demoCatalog();
});
const { plan, refusal } = plannerOver(() => catalog);
const main = (q: string) => plan(q).calls[0]!.input as Record<string, unknown>;

describe("dictated numbers and quarters", () => {
  test.each([
    ["how many deals did we win in q four twenty twenty five", "deals_won", "2025-Q4"],
    ["what was MRR at the end of quarter two", "mrr", "2026-Q2"],
    ["how many tickets were opened in q one", "tickets_opened", "2026-Q1"],
  ])("a quarter said aloud is the quarter: %s", (q, metric, period) => {
    expect(main(q)).toMatchObject({ metric, period });
  });

  test.each([
    ["did we cross two hundred and fifty thousand in ARR in october", 250_000],
    ["was MRR above a hundred thousand in september", 100_000],
    ["was ARR over one point two million at the end of q3", 1_200_000],
    ["was MRR above fifty k in june", 50_000],
  ])("an amount said in words is the threshold checked: %s", (q, value) => {
    expect(plan(q).interpretation?.yes_no).toMatchObject({ kind: "threshold", value });
  });

  test("a lone number word is left to the readings that know its place", () => {
    expect(spokenRead("how many deals did we one in october")).toBe("how many deals did we one in october");
  });
});

describe("spoken self-corrections", () => {
  test.each([
    ["what was ARR in september no wait october", "arr", "2026-10"],
    ["how many new customers did we get in q two sorry q three", "new_customers", "2026-Q3"],
    ["what was the churn rate in march i mean april", "churn_rate", "2026-04"],
  ])("the last-said period is the one asked: %s", (q, metric, period) => {
    expect(main(q)).toMatchObject({ metric, period });
  });

  test("a correction with nothing after it is asked back", () => {
    expect(refusal("what was MRR in august no wait").kind).toBe("clarify");
  });
});

describe("consecutive months taken together", () => {
  test.each([
    [
      "how many tickets did we close in july august and september together",
      "tickets_closed",
      "2026-07-01",
      "2026-09-30",
    ],
    ["what was the win rate in october and november combined", "win_rate", "2026-10-01", "2026-11-30"],
    ["how many new customers in april, may and june all together", "new_customers", "2026-04-01", "2026-06-30"],
  ])("is the range from the first to the last: %s", (q, metric, start, end) => {
    expect(main(q)).toMatchObject({ metric, period: { start, end } });
  });

  test("months that are not consecutive are left as said", () => {
    expect(spokenRead("tickets in july and september together")).toBe("tickets in july and september together");
  });
});

describe("dictation tails and homophones", () => {
  test.each([
    ["which sails rep lost the most deals in q3", "deals_lost", "2026-Q3"],
    ["which sail rep won the most deals last quarter", "deals_won", "last_quarter"],
  ])("'sails' before a rep is sales: %s", (q, metric, period) => {
    expect(main(q)).toMatchObject({ metric, period, group_by: ["owner"] });
  });

  test.each([
    ["did we have more than two thousand customers in october i think so", "active_customers", "2026-10"],
    ["what was the win rate for october like the whole month", "win_rate", "2026-10"],
    ["how much did ARR grow from january to october percentage wise", "arr", undefined],
  ])("a filler or afterthought at the end changes nothing: %s", (q, metric, period) => {
    expect(main(q)).toMatchObject(period ? { metric, period } : { metric });
  });

  test("'their MRR i mean' after a count is never dropped (it names another metric)", () => {
    expect(refusal("how many customers churned in october their MRR i mean").kind).toBe("clarify");
  });
});

describe("learner comparatives, word order and false friends", () => {
  test.each([
    ["is the churn rate of october more high than the one of september", "churn_rate", "2026-10", "2026-09"],
    ["was the win rate of q3 more good than that of q2", "win_rate", "2026-Q3", "2026-Q2"],
    ["is the ARPA of october more small than the one of august", "arpa", "2026-10", "2026-08"],
  ])("'more big than the one of' compares two periods: %s", (q, metric, current, previous) => {
    expect(main(q)).toMatchObject({ metric, current, previous });
  });

  test.each([
    ["what was MRR at the end of the precedent month", "mrr", "last_month"],
    ["how many deals did we win the precedent quarter", "deals_won", "last_quarter"],
    ["how many tickets were opened the month passed", "tickets_opened", "last_month"],
    ["how many tickets were closed in the week passed", "tickets_closed", "last_week"],
  ])("'precedent' and 'the week passed' are the previous period: %s", (q, metric, period) => {
    expect(main(q)).toMatchObject({ metric, period });
  });

  test.each([
    ["how many persons used the product in september", "monthly_active_users", "2026-09"],
    ["how many persons were active in the app yesterday", "daily_active_users", "yesterday"],
    ["how many events have the customers generated yesterday", "product_events", "yesterday"],
  ])("'persons' are people, the events users made are the events: %s", (q, metric, period) => {
    expect(main(q)).toMatchObject({ metric, period });
  });

  test.each([
    ["which commercial won the most money in q3", "won_amount", "2026-Q3"],
    ["which commercial has more deals won this year", "deals_won", "this_year"],
    ["how many deals did we lose in the first trimester", "deals_lost", "2026-Q1"],
  ])("'commercial' is a sales rep, 'trimester' a quarter, 'which … more' the most: %s", (q, metric, period) => {
    expect(main(q)).toMatchObject({ metric, period });
  });

  test.each([
    ["which plan has more clients that pay", "plan_customers", ["plan"]],
    ["which pipeline has more deals open", "open_deals", ["pipeline"]],
  ])("'which … more' ranks what is counted: %s", (q, metric, group_by) => {
    expect(main(q)).toMatchObject({ metric, group_by });
  });

  test("'more' set against two named values stays a comparison, asked back", () => {
    expect(refusal("which plan has more customers, pro or starter").kind).toBe("clarify");
  });

  test("a commercial plan is no sales rep", () => {
    expect(spokenRead("how many customers are on the commercial plan")).toBe(
      "how many customers are on the commercial plan",
    );
  });

  test.each([
    ["how many payments refused in october", "2026-10"],
    ["the refused payments of september, how many they were?", "2026-09"],
  ])("refused payments are the failed payments: %s", (q, period) => {
    expect(main(q)).toMatchObject({ metric: "failed_payments", period });
  });

  test("tickets still opened are the open tickets", () => {
    expect(main("how many tickets are still opened")).toMatchObject({ metric: "open_tickets", period: "latest" });
  });

  test.each([
    ["eventually could you show me the churn rate of october", "churn_rate", "2026-10"],
    ["eventually can you tell me also the ARR of september", "arr", "2026-09"],
  ])("'eventually' opening a request is a politeness: %s", (q, metric, period) => {
    expect(main(q)).toMatchObject({ metric, period });
  });

  test.each([
    ["how much is the win rate of q3", "win_rate", "2026-Q3"],
    ["how much was the mrr churn of october", "revenue_churn_rate", "2026-10"],
    ["how much is the gross revenue churn of august", "revenue_churn_rate", "2026-08"],
  ])("'how much is the X' asks X in its own unit (never churned MRR for a rate): %s", (q, metric, period) => {
    expect(main(q)).toMatchObject({ metric, period });
  });
});
