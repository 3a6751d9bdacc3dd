import { beforeAll, describe, expect, test } from "bun:test";
import type { Catalog } from "../../../engine/catalog/catalog.ts";
import { expandShorthand } from "../../../tools/planner/vocabulary.ts";
import { demoCatalog, plannerOver } from "./demo-planner.ts";

/**
 * The rules of branch trust9 (#15), on phrasings that are in no eval file: a level said to be up or down (or to
 * shrink) is its change; opening/closing figures with no period; Slack words for a month's start ("going into",
 * "heading into", "entering", "top of the month"); "grow more in X than Y" through the catalog's "<x> growth";
 * "deals" alone placed by a dimension only one counting metric has. Planned over the demo's own catalog at
 * 2026-11-21. Pure.
 */
let catalog: Catalog;
beforeAll(() => {
  catalog = demoCatalog();
  catalog.dimensionValues!.set("pipeline_monthly.stage_label", ["Contract Sent", "Negotiation", "Security review"]);
  catalog.dimensionValues!.set("pipeline_monthly.owner", ["Priya Nair", "James Chen"]);
  catalog.dimensionValues!.set("deals_closed_monthly.owner", ["Priya Nair", "James Chen"]);
});
const { plan, refusal } = plannerOver(() => catalog);

describe("direction without 'up or down'", () => {
  test.each([
    ["was arr down in august", "arr", "2026-08"],
    ["are active customers up this quarter", "active_customers", "this_quarter"],
    ["did open deals shrink in september", "open_deals", "2026-09"],
  ])("%p is the change of %s in %s", (q, metric, current) => {
    const p = plan(q);
    expect(p.intent).toBe("compare");
    expect(p.calls[0]!.input).toMatchObject({ metric, current });
  });

  test("'down to' a value and 'we' are left as typed", () => {
    expect(expandShorthand("is churn down to 2")).toBe("is churn down to 2");
    expect(expandShorthand("are we up this month")).toBe("are we up this month");
  });

  test("'is the business growing month over month' is MRR growth of the last whole month", () => {
    expect(plan("is the business growing month over month").calls[0]!.input).toMatchObject({
      metric: "net_new_mrr",
      period: "last_month",
    });
  });
});

describe("a figure at an instant with no period, or in Slack words", () => {
  test.each([
    ["ending arr", "arr", "last_month"],
    ["what's the closing customer count?", "active_customers", "last_month"],
    ["starting arr", "arr", "2026-10"],
  ])("%p reads %s at the end of %s", (q, metric, period) => {
    expect(plan(q).calls[0]!.input).toMatchObject({ metric, period });
  });

  test.each([
    ["arr going into october", "arr", "2026-09"],
    ["open pipeline heading into q3", "open_pipeline", "2026-06"],
    ["customers entering august", "active_customers", "2026-07"],
    ["mrr at the top of the quarter", "mrr", "2026-09"],
    ["start-of-month arr for july", "arr", "2026-06"],
  ])("%p is %s at the end of %s (the period's start)", (q, metric, period) => {
    expect(plan(q).calls[0]!.input).toMatchObject({ metric, period });
  });

  test("'closing date' and 'top 3 plans' keep their reading", () => {
    expect(expandShorthand("closing date")).toBe("closing date");
    expect(expandShorthand("top 3 plans by mrr")).toBe("top 3 plans by mrr");
  });
});

describe("comparisons of growth", () => {
  test("'did mrr increase more in august than july' compares the two months' net new MRR", () => {
    const p = plan("did mrr increase more in august than july");
    expect(p.intent).toBe("compare");
    expect(p.calls[0]!.input).toMatchObject({ metric: "net_new_mrr", current: "2026-08", previous: "2026-07" });
  });

  test("with no '<x> growth' metric, a level's growth is its change over each month (trust10); a flow's is asked back", () => {
    const p = plan("did open pipeline grow more in july than in june");
    expect(p.calls.map((c) => [c.role, c.input.metric, c.input.current])).toEqual([
      ["main", "open_pipeline", "2026-07"],
      ["companion", "open_pipeline", "2026-06"],
    ]);
    expect(refusal("did tickets opened grow more in july than in june").kind).toBe("clarify");
  });
});

describe("'deals' alone placed by a dimension", () => {
  test("a stage holds only open deals: 'what stage has the most deals' ranks open deals", () => {
    const p = plan("what stage has the most deals");
    expect(p.calls[0]!.input).toMatchObject({ metric: "open_deals" });
    expect(p.interpretation!.why.join(" ")).toContain('"deals" read as');
  });

  test("a stage value said: 'deals in negotiation' is open deals in that stage", () => {
    const p = plan("deals in negotiation");
    expect(p.calls[0]!.input).toMatchObject({
      metric: "open_deals",
      filters: [{ dimension: "stage_label", op: "=", value: "Negotiation" }],
    });
  });

  test("an owner (won, lost and open deals all have one) still asks back", () => {
    for (const q of ["which owner has the most deals", "deals for priya"])
      expect(refusal(q).reason).toContain('"deals" is in the names of several metrics');
  });
});
