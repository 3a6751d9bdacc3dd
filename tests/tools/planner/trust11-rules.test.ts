import { beforeAll, describe, expect, test } from "bun:test";
import type { Catalog } from "../../../engine/catalog/catalog.ts";
import { findPeriods } from "../../../tools/planner/periods.ts";
import { planQuestion } from "../../../tools/planner/plan.ts";
import { expandShorthand } from "../../../tools/planner/vocabulary.ts";
import { DEMO_AT, demoCatalog, plannerOver } from "./demo-planner.ts";

/**
 * The rules of branch trust11 (#15), on phrasings that are in no eval file: a metric's `verbs` from its YAML (placed
 * when said with it, and standing for the event word of its names), verbs of having said of a level, windows of
 * whole months ("trailing 3 full months", "rolling", "prior", "L3M", "T12M") and usage words. Planned over the demo's
 * own catalog at 2026-11-21. Pure.
 */
let catalog: Catalog;
beforeAll(() => {
  catalog = demoCatalog();
  catalog.dimensionValues!.set("pipeline_monthly.owner", ["Priya Nair", "James Chen"]);
  catalog.dimensionValues!.set("deals_closed_monthly.owner", ["Priya Nair", "James Chen"]);
});
const { plan, refusal } = plannerOver(() => catalog);

describe("a metric's declared verbs", () => {
  test.each([
    // placed when said with the metric's own name
    ["how much expansion revenue did we book in august", "expansion_mrr", "2026-08"],
    ["how many new customers did we onboard in july", "new_customers", "2026-07"],
    // standing for the event word of a name: "accounts lost", "money collected", "customers signed"
    ["how many accounts did we shed in september", "churned_customers", "2026-09"],
    ["how much money did we bring in in september", "revenue_collected", "2026-09"],
    ["how many customers did we land in july", "new_customers", "2026-07"],
  ])("%p → %s in %s", (q, metric, period) => {
    expect(plan(q).calls[0]!.input).toMatchObject({ metric, period });
  });

  test("a noun and verb fitting two metrics' names asks back with both", () => {
    const r = refusal("how much revenue did we bring in in q3");
    expect(r.kind).toBe("clarify");
    expect(r.reason).toContain("Revenue collected");
    expect(r.reason).toContain("Closed-won amount");
  });

  test("said as part of a longer name of another metric, it asks back ('revenue lost to downgrades')", () => {
    const r = refusal("how much revenue did we lose in august");
    expect(r.kind).toBe("clarify");
    expect(r.reason).toContain("Contraction MRR");
  });

  test("a verb declared for other metrics is not placed for this one: 'pipeline we generated' is no open pipeline", () => {
    expect(refusal("how much pipeline did we generate in q3").unplaced).toContain("generate");
  });

  test("'book' said of a level asks back (booked MRR: new, expansion, or won?)", () => {
    expect(refusal("how much mrr did we book last month").kind).toBe("clarify");
  });

  test("verbs come from the catalog: one declared on tickets_closed reads 'knock out' as solving", () => {
    const own = demoCatalog();
    expect(planQuestion("how many tickets did we knock out last month", own, DEMO_AT).status).toBe("refusal");
    const closed = own.metrics.find((m) => m.name === "tickets_closed")!;
    closed.verbs = ["solve", "resolve", "close", "knock out"];
    const p = planQuestion("how many tickets did we knock out last month", own, DEMO_AT);
    expect(p.status).toBe("plan");
    if (p.status === "plan")
      expect(p.calls[0]!.input).toMatchObject({ metric: "tickets_closed", period: "last_month" });
  });
});

describe("verbs of having, said of a level", () => {
  test("'who holds the most open deals' ranks owners by open deals now", () => {
    const p = plan("who holds the most open deals");
    expect(p.calls[0]!.input).toMatchObject({ metric: "open_deals" });
    expect(JSON.stringify(p.calls[0]!.input)).toContain("owner");
  });

  test.each([
    ["how much arr are we carrying", "arr"],
    ["how many customers do we hold on the growth plan", "plan_customers"],
    ["how much pipeline does priya own", "open_pipeline"],
  ])("%p is %s now", (q, metric) => {
    expect(plan(q).calls[0]!.input).toMatchObject({ metric });
  });

  test("a count over a period is never held: 'new customers we held in october' asks back", () => {
    expect(refusal("how many new customers did we hold in october").unplaced).toContain("hold");
  });

  test("customers we kept are the ones retained, which no level says: asked back, never active customers", () => {
    expect(refusal("how many customers did we keep last month").unplaced).toContain("keep");
  });

  test("a usage verb needs its object: 'accounts we touched' (sales outreach?) asks back", () => {
    expect(refusal("how many accounts did we touch last month").kind).toBeDefined();
    expect(plan("how many customers touched the app in september").calls[0]!.input).toMatchObject({
      metric: "product_active_accounts",
      period: "2026-09",
    });
  });
});

describe("windows of whole months", () => {
  test.each([
    ["churned mrr trailing 6 full months", "last_6_months"],
    ["new mrr rolling 12 months", "last_12_months"],
    ["tickets over the prior 3 complete months", "last_3_months"],
    ["refunds the last 2 closed months", "last_2_months"],
  ])("%p → %s", (q, period) => {
    expect(findPeriods(q, DEMO_AT).map((p) => p.period)).toEqual([period]);
  });

  test("finance shorthand: L6M, T3M", () => {
    expect(expandShorthand("l6m churned mrr")).toBe("last 6 months churned mrr");
    expect(expandShorthand("refunds t3m")).toBe("refunds last 3 months");
  });

  test("a rolling window of a monthly count is the whole months before this one, and the reading says so", () => {
    const p = plan("churned customers rolling 3 months");
    expect(p.calls[0]!.input).toMatchObject({ metric: "churned_customers", period: "last_3_months" });
    expect(p.interpretation!.why.join("\n")).toContain(
      "the 3 whole months before this one (November 2026 to date left out)",
    );
    expect(p.interpretation!.period).toMatchObject({ start: "2026-08-01", end: "2026-10-31", to_date: false });
  });

  test("a window of days on a metric known only by month asks back", () => {
    expect(refusal("churned customers over the past 60 days").kind).toBe("clarify");
  });
});

describe("usage words", () => {
  test.each([
    ["how many users opened the app last month", "monthly_active_users"],
    ["how many accounts logged in during september", "product_active_accounts"],
    ["number of customers using the app in august", "product_active_accounts"],
  ])("%p → %s", (q, metric) => {
    expect(plan(q).calls[0]!.input).toMatchObject({ metric });
  });
});

describe("a count of those active in a month is no level at an instant", () => {
  test.each([["how many people using the product today"], ["how many customers logged in this week"]])(
    "%p: the month to date is not today's or this week's: asked back",
    (q) => {
      const r = refusal(q);
      expect(r.kind).toBe("clarify");
      expect(r.reason).toContain("counts activity over a whole month");
    },
  );

  test.each([
    ["how many users logged in today", "daily_active_users", "today"],
    ["how many users used the product this week", "weekly_active_users", "this_week"],
  ])("%p is %s %s (the metric of that grain, through its verbs)", (q, metric, period) => {
    expect(plan(q).calls[0]!.input).toMatchObject({ metric, period });
  });
});
