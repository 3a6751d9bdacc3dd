import { beforeAll, describe, expect, test } from "bun:test";
import type { Catalog } from "../../../engine/catalog/catalog.ts";
import { demoCatalog, plannerOver } from "./demo-planner.ts";

/**
 * The rules of branch tune23 (#15, batch 23 "data people's shorthand"), on phrasings in no eval file — the shorthand
 * of dashboards and spreadsheets: a window said in shorthand is kept or asked back, never dropped; EOM/EOQ of a named
 * period is that one period; "delta" is the difference of a comparison; ex-/w/o exclude; #1, n=, rank … top 1;
 * run-rate is ARR; a ratio spelled with ÷ or "as % of" is read against catalog metrics or asked back. Pure: no
 * warehouse.
 */
let catalog: Catalog;
beforeAll(() => {
  catalog = demoCatalog();
});
const { plan, refusal } = plannerOver(() => catalog);
const main = (q: string) => plan(q).calls[0]!.input as Record<string, unknown>;
const second = (q: string) => plan(q).calls[1]!.input as Record<string, unknown>;

describe("a window said in shorthand is never dropped", () => {
  test.each([
    ["cash collected after refunds, L6M", "revenue_collected", "last_6_months"],
    ["revenue collected less refunds TTM", "revenue_collected", "last_12_months"],
    ["net cash collected net of refunds T12M", "revenue_collected", "last_12_months"],
    ["cash collected net of refunds, trailing 6 months", "revenue_collected", "last_6_months"],
  ])("a window after a netted metric: %s", (q, metric, period) => {
    expect(main(q).metric).toBe(metric);
    expect(main(q).period).toBe(period);
  });

  test.each([
    ["support tickets L14D", "tickets_opened", "last_14_days"],
    ["high priority tickets T7D", "high_priority_tickets", "last_7_days"],
    ["DAU rolling 14-day avg", "daily_active_users", "last_14_days"],
    ["tickets opened, rolling 28 days", "tickets_opened", "last_28_days"],
  ])("a window of days on a daily metric is read: %s", (q, metric, period) => {
    expect(main(q).metric).toBe(metric);
    expect(main(q).period).toBe(period);
  });

  test.each(["new MRR L30D", "refunds L14D", "churned customers rolling 7-day"])(
    "a window of days on a monthly metric is asked back, naming the grain: %s",
    (q) => {
      const r = refusal(q);
      expect(r.kind).toBe("clarify");
      expect(r.reason).toMatch(/counted by month/);
    },
  );

  test("a window of days after a netted monthly metric is asked back, never the default month", () => {
    expect(refusal("cash collected after refunds L7D").kind).toBe("clarify");
    expect(refusal("revenue collected net of refunds, rolling 30 days").kind).toBe("clarify");
  });

  test("a rolling N-day average per day is the days' mean over that window", () => {
    const p = plan("rolling 14-day avg high priority tickets/day");
    expect(main("rolling 14-day avg high priority tickets/day")).toMatchObject({
      metric: "high_priority_tickets",
      period: "last_14_days",
      grain: "day",
    });
    expect(p.interpretation!.read_as).toMatch(/average per day/);
  });
});

describe("EOM/EOQ/EOY of a named period is that one period", () => {
  test.each([
    ["ARR as of EOM Aug", "arr", "2026-08"],
    ["open deals EOM of Sep", "open_deals", "2026-09"],
    ["MAU at EOM June 2026", "monthly_active_users", "2026-06"],
    ["customers EOQ Q2", "active_customers", "2026-Q2"],
    ["open pipeline as of EOQ Q1", "open_pipeline", "2026-Q1"],
    ["MRR EOY 2025", "mrr", "2025"],
  ])("%s", (q, metric, period) => {
    expect(main(q).metric).toBe(metric);
    expect(main(q).period).toBe(period);
  });

  test("EOM Jul vs EOM Jun is one comparison of two month ends", () => {
    expect(main("ARPA EOM Jul vs EOM Jun")).toMatchObject({ metric: "arpa", current: "2026-07", previous: "2026-06" });
  });
});

describe("delta is the difference of a comparison", () => {
  test.each([
    ["churned customers MoM delta, Aug vs Jul", "churned_customers", "2026-08", "2026-07"],
    ["ARR delta QoQ, EOQ Q2 vs EOQ Q1", "arr", "2026-Q2", "2026-Q1"],
    ["tickets delta, Sep vs Aug", "tickets_opened", "2026-09", "2026-08"],
    ["open deals deltas EOM Aug vs EOM Jul", "open_deals", "2026-08", "2026-07"],
  ])("%s", (q, metric, current, previous) => {
    expect(main(q)).toMatchObject({ metric, current, previous });
  });
});

describe("a MoM (QoQ, WoW) word beside 'vs same month last year' names two comparisons: asked back", () => {
  test.each([
    "ARR MoM, Aug vs same month last year",
    "new customers QoQ %, Q2 vs same quarter last year",
    "tickets WoW vs the same week last year",
  ])("%s", (q) => {
    const r = refusal(q);
    expect(r.kind).toBe("clarify");
    expect(r.reason).toMatch(/two comparisons/);
  });

  test("MoM delta with a month is that month against the one before", () => {
    expect(main("churned MRR MoM delta, Aug")).toMatchObject({
      metric: "churned_mrr",
      current: "2026-08",
      previous: "2026-07",
    });
  });
});

describe("YoY said beside 'vs same month last year' is one comparison", () => {
  test.each([
    ["MRR YoY — Sep '26 vs same month last year", "mrr", "2026-09", "2025-09"],
    ["new customers y/y, Q2 vs same quarter last year", "new_customers", "2026-Q2", "2025-Q2"],
    ["won amount year-over-year %, Aug 2026 vs the same month last year", "won_amount", "2026-08", "2025-08"],
  ])("%s", (q, metric, current, previous) => {
    expect(main(q)).toMatchObject({ metric, current, previous });
  });

  test("a year written '25 is 2025", () => {
    expect(main("churned MRR Aug '25").period).toBe("2025-08");
  });
});

describe("ex-, excl., w/o exclude a value", () => {
  test.each([
    ["ARR ex-Starter, EOM Sep", "arr", "plan", "Starter", "2026-09"],
    ["won amount w/o the Enterprise pipeline, Q3", "won_amount", "pipeline", "Enterprise", "2026-Q3"],
    ["MRR ex-Pro EOQ Q2", "mrr", "plan", "Pro", "2026-Q2"],
  ])("%s", (q, metric, dimension, value, period) => {
    expect(main(q).metric).toBe(metric);
    expect(main(q).period).toBe(period);
    expect(main(q).filters).toEqual([{ dimension, op: "!=", value }]);
  });
});

describe("#, #1 and n= in a question", () => {
  test.each([
    ["n= new customers Aug", "new_customers", "2026-08"],
    ["# churned customers EOQ Q3", "churned_customers", "2026-Q3"],
  ])("a count: %s", (q, metric, period) => {
    expect(main(q).metric).toBe(metric);
    expect(main(q).period).toBe(period);
  });

  test("n= on a value of a breakdown is that value's count", () => {
    expect(main("open deals split by pipeline, EOM Aug — n= on Enterprise?")).toMatchObject({
      metric: "open_deals",
      period: "2026-08",
      filters: [{ dimension: "pipeline", op: "=", value: "Enterprise" }],
    });
  });

  test.each<[string, string, string, "most" | "least"]>([
    ["ARR by plan as of EOM Sep — which plan is #1?", "arr", "plan", "most"],
    ["#1 rep by deals won Q2", "deals_won", "owner", "most"],
  ])("#1 is the top of a breakdown: %s", (q, metric, dimension, direction) => {
    const p = plan(q);
    expect(main(q).metric).toBe(metric);
    expect(p.interpretation!.argmax).toEqual({ dimension, direction });
  });
});

describe("rank … top 1 / by <dim>, top <one>?", () => {
  test.each<[string, string, string, string, "most" | "least"]>([
    ["rank months this year by new MRR — top 1", "new_mrr", "this_year", "period", "most"],
    ["rank months YTD by tickets, bottom 1?", "tickets_opened", "ytd", "period", "least"],
    ["rank reps by won amount Q2, bottom 1", "won_amount", "2026-Q2", "owner", "least"],
    ["deals won Q2 by owner, top rep?", "deals_won", "2026-Q2", "owner", "most"],
    ["win rate YTD by owner — worst rep?", "win_rate", "ytd", "owner", "least"],
  ])("%s", (q, metric, period, dimension, direction) => {
    const p = plan(q);
    expect(main(q).metric).toBe(metric);
    expect(main(q).period).toBe(period);
    expect(p.interpretation!.argmax).toEqual({ dimension, direction });
  });
});

describe("run-rate is ARR; a monthly run rate is MRR", () => {
  test.each([
    ["run-rate EOM Sep", "arr", "2026-09"],
    ["run rate, end of Q2", "arr", "2026-Q2"],
    ["revenue run rate as of EOQ Q2", "arr", "2026-Q2"],
    ["monthly run-rate in August", "mrr", "2026-08"],
  ])("%s", (q, metric, period) => {
    expect(main(q).metric).toBe(metric);
    expect(main(q).period).toBe(period);
  });
});

describe("a ratio spelled with ÷, /, 'divided by' or 'as % of' is read against catalog metrics, or asked back", () => {
  test.each([
    ["failed payments ÷ payment attempts, Sep", "failed_payments", "payment_attempts", "2026-09"],
    ["deals won / deals closed Q2", "deals_won", "deals_closed", "2026-Q2"],
    ["high priority tickets divided by tickets opened in August", "high_priority_tickets", "tickets_opened", "2026-08"],
    ["refunds as % of gross charges, Q2", "refunds", "charges_succeeded", "2026-Q2"],
    ["high-pri tickets as pct of tickets opened, Sep", "high_priority_tickets", "tickets_opened", "2026-09"],
  ])("%s", (q, left, right, period) => {
    expect(main(q)).toMatchObject({ metric: left, period });
    expect(second(q)).toMatchObject({ metric: right, period });
  });

  test.each(["failed payments / all payments, Sep", "churned customers ÷ everything in Q2"])(
    "a side that is no metric is asked back, never the first side alone: %s",
    (q) => {
      expect(refusal(q).kind).toBe("clarify");
    },
  );

  test.each([
    ["payment failure rate Sep (failed / attempts)", "failed_payments", "payment_attempts", "2026-09"],
    ["ticket escalation rate Q3 (high priority ÷ opened)", "high_priority_tickets", "tickets_opened", "2026-Q3"],
  ])("a rate defined in parentheses as a count over its whole is that share: %s", (q, left, right, period) => {
    expect(main(q)).toMatchObject({ metric: left, period });
    expect(second(q)).toMatchObject({ metric: right, period });
    expect(plan(q).interpretation!.read_as).toMatch(/share/);
  });

  test("a rate defined in parentheses by two parts that are no count and its whole is asked back", () => {
    expect(refusal("payment failure rate Aug (failed ÷ successful)").kind).toBe("clarify");
    expect(refusal("refund rate Aug (refunds ÷ charges)").kind).toBe("clarify");
  });

  test("a slash inside a metric's own name is no ratio sign", () => {
    expect(main("DAU/MAU Sep").metric).toBe("stickiness");
  });
});

describe("high-pri is high priority", () => {
  test("high-pri tickets in Q3", () => {
    expect(main("high-pri tickets in Q3")).toMatchObject({ metric: "high_priority_tickets", period: "2026-Q3" });
  });
});
