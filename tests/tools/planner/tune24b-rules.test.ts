import { beforeAll, describe, expect, test } from "bun:test";
import type { Catalog } from "../../../engine/catalog/catalog.ts";
import { planQuestion } from "../../../tools/planner/plan.ts";
import { DEMO_AT, demoCatalog, plannerOver } from "./demo-planner.ts";

/**
 * The rules of branch tune24b (#15, batch 24 "operations people and generalists"), on phrasings in no eval file:
 * verbs and plain phrases for metrics ("did anyone …", "get back to", "happier", "turned into", "came in vs went
 * out", "take in … before refunds", "brings in the most", "which company was our biggest win"), a count said
 * "than last <unit>" (this unit to date against the whole last one, said in the reading), open tickets as a stock,
 * and everyday period words ("the quarter we just finished", a week around Black Friday). Pure: no warehouse.
 */
let catalog: Catalog;
beforeAll(() => {
  catalog = demoCatalog();
});
const { plan, refusal } = plannerOver(() => catalog);
const main = (q: string) => plan(q).calls[0]!.input as Record<string, unknown>;

describe("verbs and plain phrases for metrics", () => {
  test.each([
    ["did anybody leave in Q3?", "churned_customers", "2026-Q3"],
    ["has anyone upgraded last month?", "expanded_customers", "last_month"],
    ["did anyone downgrade in September?", "contracted_customers", "2026-09"],
  ])("'anyone' with a verb of customers is the customers counted: %s", (q, metric, period) => {
    expect(main(q)).toMatchObject({ metric, period });
    expect(plan(q).interpretation?.why.join(" ")).toMatch(/anyone/);
  });

  test("'anyone' with a verb that counts no customers is never read as customers", () => {
    expect(refusal("did anyone close a deal yesterday?").kind).toBe("clarify");
  });

  test.each([
    ["how fast did we get back to people last week?", "last_week"],
    ["how soon did we get back to customers yesterday", "yesterday"],
    ["how fast are we getting back to customers this month?", "this_month"],
  ])("getting back to customers is the first response time: %s", (q, period) => {
    expect(main(q)).toMatchObject({ metric: "first_response_minutes", period });
  });

  test.each([
    ["were customers happier with support in Q3 than in Q2?", "2026-Q3", "2026-Q2", "better"],
    ["are customers unhappier with support this week than last week?", "this_week", "last_week", "worse"],
  ])("'happier' compares CSAT, judged by its direction: %s", (q, current, previous, claim) => {
    const p = plan(q);
    expect(main(q)).toMatchObject({ metric: "csat", current, previous });
    expect(p.interpretation?.yes_no).toMatchObject({ kind: "compare", claim, higher_is_better: true });
  });

  test.each([
    ["how many trials became customers last quarter?", "last_quarter"],
    ["trials that turned into paying customers in September", "2026-09"],
  ])("trials turning into customers are the trials converted: %s", (q, period) => {
    expect(main(q)).toMatchObject({ metric: "trials_converted", period });
  });

  test.each([
    ["what came in vs what went out in Q3", "2026-Q3"],
    ["how much money came in and how much went back out last quarter?", "last_quarter"],
  ])("what came in against what went out is payments before refunds against refunds: %s", (q, period) => {
    const mains = plan(q).calls.filter((c) => c.role === "main");
    expect(mains.map((c) => [c.input.metric, c.input.period])).toEqual([
      ["charges_succeeded", period],
      ["refunds", period],
    ]);
  });

  test.each([
    ["how much did we bring in last month before refunds?", "last_month"],
    ["how much did we collect in Q2, before refunds?", "2026-Q2"],
  ])("money taken in before refunds is the gross payments: %s", (q, period) => {
    expect(main(q)).toMatchObject({ metric: "charges_succeeded", period });
  });

  test("money that went back out is the refunds; 'back' alone names no metric", () => {
    expect(main("how much money went back out in Q2?")).toMatchObject({ metric: "refunds", period: "2026-Q2" });
    expect(refusal("did customers get back to us").kind).toBe("clarify");
  });

  test("money collected after refunds stays the net revenue collected", () => {
    expect(main("cash collected in Q2 after refunds").metric).toBe("revenue_collected");
  });

  test.each([
    ["which plan brings in the least money?", "mrr"],
    ["which tier makes us the most money now?", "mrr"],
  ])("what a plan brings in now is its MRR, ranked: %s", (q, metric) => {
    expect(main(q)).toMatchObject({ metric, group_by: ["plan"] });
  });

  test.each([
    ["which customer was our largest win last quarter?", "2026-07-01"],
    ["which client had the biggest won deal this year?", "2026-01-01"],
  ])("the company of the largest won deal: %s", (q, from) => {
    const input = main(q);
    expect(input).toMatchObject({ mart: "deals", measure: "amount", label: "company_name", n: 1, direction: "top" });
    expect(input.filters).toContainEqual({ column: "is_won", op: "=", value: true });
    expect(input.filters).toContainEqual({ column: "close_date", op: ">=", value: from });
  });
});

describe("a count 'than last <unit>': this unit to date against the whole last one", () => {
  test.each([
    ["did we close fewer deals than last year?", "deals_closed", "this_year", "last_year", "325 of 365 days"],
    [
      "are we getting more new customers than last month?",
      "new_customers",
      "this_month",
      "last_month",
      "21 of 30 days",
    ],
  ])("%s", (q, metric, current, previous, days) => {
    const p = plan(q);
    expect(main(q)).toMatchObject({ metric, current, previous });
    expect(p.interpretation?.read_as).toContain(days);
    expect(p.interpretation?.yes_no?.kind).toBe("compare");
  });

  test("early in the running unit it is asked back: too little of it has passed", () => {
    const early = planQuestion(
      "are we losing more customers than last quarter?",
      catalog,
      new Date("2026-10-10T06:00:00Z"),
    );
    expect(early.status).toBe("refusal");
  });

  test("a level set against last month is still now against its end", () => {
    expect(main("is ARR higher than last month?")).toMatchObject({ metric: "arr", current: "this_month" });
  });
});

describe("open tickets are a stock", () => {
  test.each([
    ["how many tickets are still waiting on us right now?", "latest"],
    ["how many unresolved tickets did we have at the end of October?", "2026-10"],
    ["tickets not yet closed yesterday", "yesterday"],
  ])("%s", (q, period) => {
    expect(main(q)).toMatchObject({ metric: "open_tickets", period });
  });

  test("the stock is the last day's value, not a sum", () => {
    const open = catalog.metrics.find((m) => m.name === "open_tickets")!;
    expect(open.time_rollup).toBe("last");
    expect(open.expression).toContain("open_backlog");
  });

  test("a priority said with open tickets is asked back: the stock has no split by priority", () => {
    expect(refusal("how many urgent tickets are unresolved right now?").kind).toBe("clarify");
    expect(refusal("escalations still sitting open today").kind).toBe("clarify");
  });

  test("tickets opened stay a flow", () => {
    expect(main("how many tickets did we open last week?").metric).toBe("tickets_opened");
    expect(main("new tickets in October").metric).toBe("tickets_opened");
  });
});

describe("everyday period words", () => {
  test.each([
    ["new MRR for the month that just ended", "new_mrr", "last_month"],
    ["churn rate in the just-finished quarter", "churn_rate", "last_quarter"],
    ["deals won the year we just wrapped up", "deals_won", "last_year"],
  ])("a unit just finished is the last one: %s", (q, metric, period) => {
    expect(main(q)).toMatchObject({ metric, period });
  });

  test("the day after Thanksgiving last year is its date, said in the reading", () => {
    const q = "tickets closed the day after thanksgiving last year";
    expect(main(q)).toMatchObject({ metric: "tickets_closed", period: { start: "2025-11-28", end: "2025-11-28" } });
    expect(plan(q).interpretation?.read_as).toContain("fourth Thursday of November");
  });

  test("the week after Cyber Monday 2025: the 7 days after it", () => {
    const q = "how many tickets came in the week after cyber monday 2025?";
    expect(main(q)).toMatchObject({ metric: "tickets_opened", period: { start: "2025-12-02", end: "2025-12-08" } });
    expect(plan(q).interpretation?.read_as).toContain("Cyber Monday 2025 = Mon 1 Dec 2025");
  });

  test("Black Friday without a year is the last one that has passed", () => {
    const q = "high priority tickets during the week before black friday";
    expect(main(q)).toMatchObject({ period: { start: "2025-11-21", end: "2025-11-27" } });
    expect(plan(q).interpretation?.read_as).toContain("the last one that has passed");
  });

  test("a week around Black Friday on a monthly metric is asked back, never the month", () => {
    expect(refusal("new MRR the week before Black Friday last year").kind).toBe("clarify");
  });

  test("yesterday on a daily metric is the day before today", () => {
    expect(main("how many tickets did we solve yesterday?")).toMatchObject({
      metric: "tickets_closed",
      period: "yesterday",
    });
    expect(DEMO_AT.toISOString().slice(0, 10)).toBe("2026-11-21");
  });
});
