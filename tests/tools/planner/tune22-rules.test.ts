import { beforeAll, describe, expect, test } from "bun:test";
import type { Catalog } from "../../../engine/catalog/catalog.ts";
import { worldRead } from "../../../tools/planner/world.ts";
import { DEMO_AT, demoCatalog, plannerOver } from "./demo-planner.ts";

/**
 * The rules of branch tune22 (#15, batch 22 "a team spread over the world"), on phrasings in no eval file: numbers and
 * years said in words, what a phone writes for a spoken word, day-first European dates (asked back when nothing
 * settles the order), British and Indian office English, false friends, non-native word order, "turnover" with its
 * basis. Pure: no warehouse.
 */
let catalog: Catalog;
const OWNERS = ["Priya Nair", "Tom Becker", "Maria Lopez", "Sofia Rossi", "James Okafor"];
beforeAll(() => {
  catalog = demoCatalog();
  const values = catalog.dimensionValues ?? new Map<string, string[]>();
  values.set("deals_closed_monthly.owner", OWNERS);
  values.set("pipeline_monthly.owner", OWNERS);
  values.set("pipeline_monthly.stage_label", ["Contract Sent", "Procurement", "Discovery", "Demo"]);
  catalog.dimensionValues = values;
});
const { plan, refusal } = plannerOver(() => catalog);
const main = (q: string) => plan(q).calls[0]!.input as Record<string, unknown>;
const reads = (q: string, metric: string, period: unknown) => {
  const m = main(q);
  expect(m.metric).toBe(metric);
  expect(m.period).toEqual(period);
  expect(m.filters).toEqual([]);
};
const span = (start: string, end: string) => ({ start, end });

describe("numbers, years and days said in words", () => {
  test.each([
    ["what was ARR in march twenty twenty six", "arr", "2026-03"],
    ["new customers in july twenty twenty five", "new_customers", "2025-07"],
    ["refunds in two thousand twenty five", "refunds", "2025"],
    ["tickets opened on the third of november", "tickets_opened", "2026-11-03"],
    ["daily active users on november the twentieth", "daily_active_users", "2026-11-20"],
    ["weekly active users on monday the 16th of november", "weekly_active_users", "2026-11-16"],
  ])("%s", (q, metric, period) => reads(q, metric, period));

  test("a weekday that is not the day's is asked back, naming the day it is", () => {
    const r = refusal("weekly active users on friday the 16th of november");
    expect(r.kind).toBe("clarify");
    expect(r.reason).toMatch(/monday/);
  });

  test("a small number alone is left as said ('which one', 'no one', 'twenty two' is no year)", () => {
    const known = () => false;
    for (const q of ["which one is bigger, mrr or arr", "no one churned in october?"])
      expect(worldRead(q, DEMO_AT, known).text).toBe(q);
    // a count of several words is a count, never the year 2022
    expect(worldRead("top twenty two deals", DEMO_AT, known).text).toBe("top 22 deals");
  });
});

describe("what a phone writes for a spoken word, where the context leaves one reading", () => {
  test.each([
    ["new MRR in cue two", "new_mrr", "2026-Q2"],
    ["deals lost in queue one", "deals_lost", "2026-Q1"],
    ["tickets opened last weak", "tickets_opened", "last_week"],
    ["csat this weak", "csat", "this_week"],
    ["new customers in the past for months", "new_customers", "last_4_months"],
    ["how many deals have we one this year", "deals_won", "this_year"],
    ["so basically what's the m r r now", "mrr", "latest"],
  ])("%s", (q, metric, period) => reads(q, metric, period));

  test("'queue' beside tickets may be a support queue: not read as a quarter", () => {
    expect(refusal("tickets opened in queue three").kind).toBe("clarify");
    expect(worldRead("tickets opened in queue three", DEMO_AT, () => false).text).toBe("tickets opened in queue three");
  });

  test("'one' is won only after we/did we", () => {
    const known = () => false;
    expect(worldRead("how many deals did they one in may", DEMO_AT, known).text).toBe(
      "how many deals did they win in may",
    );
    expect(worldRead("are we one of the top plans", DEMO_AT, known).text).toBe("are we one of the top plans");
  });
});

describe("European dates: day first when settled, asked back naming both readings when not", () => {
  test.each([
    ["refunds between 01/02 and 28/02", "refunds", span("2026-02-01", "2026-02-28")],
    ["tickets closed from 10/11 until 19/11", "tickets_closed", span("2026-11-10", "2026-11-19")],
    ["csat 3.8.–16.8.", "csat", span("2026-08-03", "2026-08-16")],
    ["product events on 25/09", "product_events", "2026-09-25"],
    ["tickets opened on 14.10.2026", "tickets_opened", "2026-10-14"],
    // no day-first reading is a date: month first
    ["tickets opened on 10/25", "tickets_opened", "2026-10-25"],
    // a week said: only the day-first reading spans seven days
    ["tickets closed in the week 5.10.–11.10.", "tickets_closed", span("2026-10-05", "2026-10-11")],
    ["tickets opened in the week 5/10 - 11/10", "tickets_opened", span("2026-10-05", "2026-10-11")],
  ])("%s", (q, metric, period) => reads(q, metric, period));

  test.each([
    ["refunds on 03/04", /3 April 2026.*4 March 2026/],
    ["tickets between 02/03 and 06/03", /2 March 2026 – 6 March 2026.*3 February 2026 – 3 June 2026/],
    ["product events 1.2.–5.2.", /1 February 2026 – 5 February 2026.*2 January 2026 – 2 May 2026/],
  ])("%s is asked back", (q, both) => {
    const r = refusal(q);
    expect(r.kind).toBe("clarify");
    expect(r.reason).toMatch(both);
  });

  test("'24/7' is round the clock, never a date", () => {
    expect(worldRead("what was mrr as of 24/7", DEMO_AT, () => false).text).toBe("what was mrr as of 24/7");
  });
});

describe("periods said another way", () => {
  test.each([
    ["new MRR in the 3 last months", "new_mrr", "last_3_months"],
    ["tickets opened in the two last weeks", "tickets_opened", "last_2_weeks"],
    ["refunds this year until now", "refunds", "ytd"],
    ["failed payments in the year till today", "failed_payments", "ytd"],
    ["csat over the last fortnight", "csat", "last_14_days"],
    ["tickets opened in the first fortnight of september", "tickets_opened", span("2026-09-01", "2026-09-14")],
    ["MRR one year before", "mrr", "2025-11"],
    ["active customers a year earlier", "active_customers", "2025-11"],
    ["new MRR in first half of year", "new_mrr", span("2026-01-01", "2026-06-30")],
  ])("%s", (q, metric, period) => reads(q, metric, period));

  test("a second fortnight of a month (15–28, or to its end?) is asked back", () => {
    expect(refusal("tickets closed in the second fortnight of october").kind).toBe("clarify");
  });
});

describe("office English and false friends frame the ask", () => {
  test.each([
    ["Kindly share the churned MRR for September.", "churned_mrr", "2026-09"],
    ["Please do the needful and give refunds of last quarter.", "refunds", "last_quarter"],
    ["Revert with the ARR for Q1 at the earliest.", "arr", "2026-Q1"],
    ["kindly provide the open deals now, revert asap", "open_deals", "latest"],
    ["eventually are there customers who churned in september? how many", "churned_customers", "2026-09"],
    ["actual ARR", "arr", "latest"],
  ])("%s", (q, metric, period) => reads(q, metric, period));

  test("an action in office English is still refused", () => {
    expect(refusal("do the needful and refund the customers who churned").kind).not.toBe("clarify");
  });
});

describe("non-native word order", () => {
  test.each([
    ["the churn rate is better in august or in july?", "churn_rate", "2026-08", "2026-07"],
    ["the csat was higher in september or in august?", "csat", "2026-09", "2026-08"],
    ["MRR we have now, and how it was one year before?", "mrr", "this_month", "2025-11"],
    ["active customers we have now, and how they were a year ago?", "active_customers", "this_month", "2025-11"],
  ])("%s", (q, metric, current, previous) => {
    const c = plan(q).calls[0]!;
    expect(c.name).toBe("compare_periods");
    expect(c.input).toMatchObject({ metric, current, previous, filters: [] });
  });

  test("'in which month of the first half of year': a month ranked in H1", () => {
    expect(main("in which month of the first half of year we had most new customers?")).toMatchObject({
      metric: "new_customers",
      period: span("2026-01-01", "2026-06-30"),
      grain: "month",
    });
  });

  test.each([
    ["Sofia vs Maria, who won more money in Q3?", "won_amount", "2026-Q3", ["Sofia Rossi", "Maria Lopez"]],
    ["Tom or Priya - who lost more deals last quarter?", "deals_lost", "last_quarter", ["Tom Becker", "Priya Nair"]],
  ])("%s: the two named, compared", (q, metric, period, who) => {
    const mains = plan(q).calls.filter((c) => c.role === "main");
    expect(mains.map((c) => c.input.metric)).toEqual([metric, metric]);
    expect(mains.map((c) => c.input.period)).toEqual([period, period]);
    expect(mains.map((c) => (c.input.filters as { value: string }[])[0]!.value)).toEqual(who);
  });

  test.each([
    ["deals in procurement, how much money is in there?", "Procurement"],
    ["deals in stage discovery, how much money is there inside?", "Discovery"],
  ])("%s: the open pipeline of the stage", (q, stage) => {
    expect(main(q)).toMatchObject({
      metric: "open_pipeline",
      period: "latest",
      filters: [{ dimension: "stage_label", op: "=", value: stage }],
    });
  });
});

describe("turnover with its basis said (metric YAML)", () => {
  test.each([
    ["net turnover for Q3", "revenue_collected", "2026-Q3"],
    ["turnover for Q3, cash basis, net of refunds", "revenue_collected", "2026-Q3"],
    ["gross turnover in october", "charges_succeeded", "2026-10"],
  ])("%s", (q, metric, period) => reads(q, metric, period));

  test("turnover alone names two numbers: not answered", () => {
    expect(refusal("turnover in october").reason).toMatch(/Revenue collected.*Gross payments/);
  });
});

describe("the edges: what is left as typed", () => {
  test.each([
    // an ordinal after a month that does not end the phrase is no day
    "what was the december first response time",
    // a decimal, a fraction: no date without a word that says so
    "is churn above 2.5.",
    "what is 2/3 of customers",
    // "better in A or in B" asked of a ranking is not rewritten into a comparison
    "which plan is better in october or in september?",
    // "the N last" needs a plural unit: "above 3 last month" is a bound and a period
    "is churn above 3 last month?",
  ])("%s", (q) => {
    expect(worldRead(q, DEMO_AT, () => false).text).toBe(q);
  });

  test("a date with its year said still asks back when its order is not settled", () => {
    expect(worldRead("tickets 4/5/2026", DEMO_AT, () => false).askBack).toMatch(/4 May 2026.*5 April 2026/);
  });
});
