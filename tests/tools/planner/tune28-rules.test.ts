import { beforeAll, describe, expect, test } from "bun:test";
import type { Catalog } from "../../../engine/catalog/catalog.ts";
import { supportSaid } from "../../../tools/planner/support-words.ts";
import { demoCatalog, plannerOver } from "./demo-planner.ts";

/**
 * The rules of branch tune28 (#15, batch 28 "support and product coverage"), on phrasings in no eval file: the team as
 * the subject, the queue and the backlog, reply speed, busiest and quietest support days, people in the app on a day,
 * how sticky the product is, the plan most customers pick, the share of trials that turned paying, and "all of" a
 * period (support-words.ts and the metric YAML synonyms). Pure: no warehouse.
 */
let catalog: Catalog;
beforeAll(() => {
  catalog = demoCatalog();
});
const { plan } = plannerOver(() => catalog);
const main = (q: string) => plan(q).calls[0]!.input as Record<string, unknown>;
const ranked = (q: string, metric: string, grain: string, direction: "most" | "least") => {
  const p = plan(q);
  expect(main(q)).toMatchObject({ metric, grain });
  expect(p.interpretation!.argmax).toMatchObject({ direction });
};

describe("the team as the subject is we", () => {
  test.each([
    ["how many tickets has the support team closed this month", "tickets_closed", "this_month"],
    ["how many tickets did our team solve in q2", "tickets_closed", "2026-Q2"],
    ["how many deals did the sales team win in september", "deals_won", "2026-09"],
    ["tickets the team resolved last week", "tickets_closed", "last_week"],
  ])("%s", (q, metric, period) => {
    expect(main(q)).toMatchObject({ metric, period });
  });
});

describe("the queue and the backlog are the open tickets", () => {
  test.each([
    ["how long is the ticket queue today", "open_tickets"],
    ["what was the backlog at the end of september", "open_tickets"],
    ["queue size at the end of q3", "open_tickets"],
  ])("%s", (q, metric) => {
    expect(main(q).metric).toBe(metric);
  });

  test("the backlog now vs a month end is a comparison of the stock", () => {
    expect(main("is the support queue smaller now than at the end of september")).toMatchObject({
      metric: "open_tickets",
      current: "this_month",
      previous: "2026-09",
    });
  });
});

describe("how fast we reply is the first response time", () => {
  test.each([
    ["how quickly are we responding to customers in october", "2026-10"],
    ["how fast did we get back to tickets last week", "last_week"],
    ["how quickly do we answer support tickets this year", "this_year"],
  ])("%s", (q, period) => {
    expect(main(q)).toMatchObject({ metric: "first_response_minutes", period });
  });

  test.each<[string, "most" | "least"]>([
    ["which month last year were we fastest to respond", "least"],
    ["what week this quarter were we slowest to reply to customers", "most"],
    ["which month had the slowest first response this year", "most"],
  ])("slowest / fastest to reply ranks the response time: %s", (q, direction) => {
    expect(main(q).metric).toBe("first_response_minutes");
    expect(plan(q).interpretation!.argmax).toMatchObject({ direction });
  });
});

describe("busiest and quietest support days", () => {
  test.each<[string, string, "most" | "least"]>([
    ["what was our busiest support day in october", "day", "most"],
    ["quietest day for support this month?", "day", "least"],
    ["busiest ticket week this quarter", "week", "most"],
  ])("%s", (q, grain, direction) => ranked(q, "tickets_opened", grain, direction));

  test("a busiest day with nothing of support said is left to the rest of the planner", () => {
    expect(supportSaid("busiest day last week?")).toBe("busiest day last week?");
  });
});

describe("people in the app on a day, how sticky the product is", () => {
  test.each<[string, string, string, "most" | "least"]>([
    ["which day this month had the fewest people in the app", "daily_active_users", "day", "least"],
    ["what day last week had the most users on the product", "daily_active_users", "day", "most"],
    ["busiest day in the app last month", "daily_active_users", "day", "most"],
    ["which month this year had the most people using the app", "monthly_active_users", "month", "most"],
    ["which month of q3 was the app most sticky", "stickiness", "month", "most"],
    ["stickiest month this year?", "stickiness", "month", "most"],
  ])("%s", (q, metric, grain, direction) => ranked(q, metric, grain, direction));

  test("how sticky the product was is the stickiness", () => {
    expect(main("how sticky was the product in september")).toMatchObject({ metric: "stickiness", period: "2026-09" });
  });

  test("product activity is the events", () => {
    expect(main("product activity last week")).toMatchObject({ metric: "product_events" });
  });
});

describe("the plan most customers pick", () => {
  test.each([
    "which plan do most of our customers choose",
    "what's the most popular plan",
    "which plan did most companies sign up for",
  ])("%s", (q) => {
    expect(main(q)).toMatchObject({ metric: "plan_customers", group_by: ["plan"] });
    expect(plan(q).interpretation!.argmax).toMatchObject({ dimension: "plan", direction: "most" });
  });
});

describe("the share of trials that turned paying is the conversion rate", () => {
  test.each([
    ["what percentage of trials converted to paid in q3", "2026-Q3"],
    ["what share of our free trials became paying customers in september", "2026-09"],
    ["what fraction of trials turned into customers this year", "this_year"],
  ])("%s", (q, period) => {
    expect(main(q)).toMatchObject({ metric: "trial_conversion_rate", period });
  });
});

describe("all of a period is the period", () => {
  test.each([
    ["did we close more tickets this month than in all of september", "tickets_closed", "this_month", "2026-09"],
    ["were there more new customers in october than the whole of q2", "new_customers", "2026-10", "2026-Q2"],
    [
      "did we get more escalations in q3 than during the entire first quarter",
      "high_priority_tickets",
      "2026-Q3",
      "2026-Q1",
    ],
    [
      "were more tickets opened this month than in the whole month of september",
      "tickets_opened",
      "this_month",
      "2026-09",
    ],
  ])("%s", (q, metric, current, previous) => {
    expect(main(q)).toMatchObject({ metric, current, previous });
  });

  test("all of something that is no period is left as typed", () => {
    expect(supportSaid("all of our customers on pro")).toBe("all of our customers on pro");
    expect(supportSaid("what share of all of october's tickets were urgent")).toBe(
      "what share of all of october's tickets were urgent",
    );
  });
});
