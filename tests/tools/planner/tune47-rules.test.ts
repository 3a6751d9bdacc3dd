import { describe, expect, test } from "bun:test";
import { demoCatalog, plannerOver } from "./demo-planner.ts";

/**
 * The rules of branch tune47 (#15, records, extremes and streaks over time), on phrasings in no eval file: a record
 * said without "ever" (record month for, all-time high, in a single day, peaked), "is <period> our best month" checks,
 * the first (last) bucket past a bound or below the one before, and runs of growth. Plans over the demo's catalog at
 * 2026-11-21.
 */
const catalog = demoCatalog();
const { plan, refusal } = plannerOver(() => catalog);
const main = (q: string) => plan(q).calls[0]!.input as Record<string, unknown>;

describe("a record said without 'ever' ranks every bucket with data", () => {
  test.each([
    ["record month for refunds", "refunds", "month", "most"],
    ["what was the record week for new tickets", "tickets_opened", "week", "most"],
    ["the record number of failed payments in one month", "failed_payments", "month", "most"],
    ["all-time low for churn rate", "churn_rate", "month", "least"],
    ["what's our all-time high for weekly actives", "weekly_active_users", "day", "most"],
    ["the most refunds we've had in a single month", "refunds", "month", "most"],
    ["which day did open tickets peak", "open_tickets", "day", "most"],
    ["lowest MRR we've ever had", "mrr", "month", "least"],
  ])("%p → %s by %s, all time", (q, metric, grain, direction) => {
    const p = plan(q);
    expect(p.intent).toBe("argmax");
    expect(main(q)).toMatchObject({ metric, grain, period: "all" });
    expect(p.interpretation?.argmax?.direction).toBe(direction as "most" | "least");
  });

  test("a ranking of every day is asked for by value, so the row cap never cuts the record off", () => {
    expect(main("busiest day ever for product events")).toMatchObject({ grain: "day", order: "value_desc" });
    expect(main("quietest day ever for new tickets")).toMatchObject({ grain: "day", order: "value_asc" });
  });

  test.each([
    ["slowest month for new MRR this year", "new_mrr", "least"],
    ["the quietest full week for new tickets since August", "tickets_opened", "least"],
    ["weakest month for deals won in 2026", "deals_won", "least"],
  ])("%p ranks the fewest", (q, metric, direction) => {
    expect(main(q).metric).toBe(metric);
    expect(plan(q).interpretation?.argmax?.direction).toBe(direction as "most" | "least");
  });
});

describe("'is <period> our best month' is the ranking with the period checked", () => {
  test.each([
    ["is last month our worst ever for refunds?", "refunds", "2026-10-01"],
    ["is September already our best month for expansion MRR", "expansion_mrr", "2026-09-01"],
    ["are failed payments this month already the worst we've ever had", "failed_payments", "2026-11-01"],
    ["is this month our biggest ever for deals won", "deals_won", "2026-11-01"],
  ])("%p → %s all time, %s checked", (q, metric, bucket) => {
    const p = plan(q);
    expect(main(q)).toMatchObject({ metric, period: "all", grain: "month" });
    expect(p.interpretation?.check).toMatchObject({ kind: "winner", bucket });
  });
});

describe("the first (last) bucket past a bound, or below the one before", () => {
  test.each([
    ["when did ARR first cross $400k", "arr", { op: ">", value: 400000, pick: "first" }],
    ["first month active customers went above 200", "active_customers", { op: ">", value: 200, pick: "first" }],
    ["when did WAU first hit 1,000", "weekly_active_users", { op: ">", value: 1000, pick: "first" }],
    ["when was MRR last below $40k", "mrr", { op: "<", value: 40000, pick: "last" }],
  ])("%p", (q, metric, threshold) => {
    const p = plan(q);
    expect(p.intent).toBe("bucket_count");
    expect(main(q)).toMatchObject({ metric, period: "all" });
    expect(p.interpretation?.threshold).toMatchObject(threshold);
  });

  test.each([
    ["when did active customers first go down month over month", "active_customers", "<"],
    ["first time ARR fell", "arr", "<"],
    ["when did open pipeline last grow", "open_pipeline", ">"],
  ])("%p reads each bucket against the one before", (q, metric, op) => {
    const p = plan(q);
    expect(main(q)).toMatchObject({ metric, period: "all" });
    expect(p.interpretation?.threshold).toMatchObject({ op, value: 0, move: true });
  });

  test.each(["when did we first pass 100k?", "when did it first go over 2,000", "first time we went down"])(
    "%p has no metric: asked back",
    (q) => {
      expect(refusal(q).status).toBe("refusal");
    },
  );
});

describe("a run of growth is counted back from the month said", () => {
  test.each([
    ["how many months in a row has ARR grown", "arr", "2026-11-30"],
    ["how many consecutive months have active customers increased through September", "active_customers", "2026-09-30"],
    ["how many months running has MAU gone up, up to August?", "monthly_active_users", "2026-08-31"],
  ])("%p", (q, metric, end) => {
    const p = plan(q);
    expect(p.intent).toBe("bucket_count");
    expect(main(q)).toMatchObject({ metric, grain: "month", period: { end } });
    expect(p.interpretation?.threshold).toMatchObject({ streak: true, move: true });
  });

  test("a streak past a bound stopped before this month ends last month", () => {
    expect(main("not counting this month, how many months in a row were refunds above $500?")).toMatchObject({
      metric: "refunds",
      period: { end: "2026-10-31" },
    });
  });

  test.each(["how many months in a row has it grown?", "how many months running have we gone up"])(
    "%p has no metric: asked back",
    (q) => {
      expect(refusal(q).status).toBe("refusal");
    },
  );
});
