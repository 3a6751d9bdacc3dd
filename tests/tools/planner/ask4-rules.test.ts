import { beforeAll, describe, expect, test } from "bun:test";
import type { Catalog } from "../../../engine/catalog/catalog.ts";
import { DEMO_AT, demoCatalog, plannerOver } from "./demo-planner.ts";

/**
 * The rules of branch ask4 (#15), on phrasings that are in no eval file: negated filters, "since <day>" and
 * "since last <unit>" ranges, differences and per-unit ratios of two metrics, and the product-usage metrics.
 * Planned over the demo's own catalog with the dimension values a build reads. Pure: no warehouse.
 */
let catalog: Catalog;
const at = DEMO_AT;

beforeAll(() => {
  catalog = demoCatalog();
});
const { plan, refusal } = plannerOver(() => catalog);

function role(q: string, r: string): Record<string, unknown> {
  return plan(q).calls.find((c) => c.role === r)!.input;
}

describe("a negated value is left out, never kept", () => {
  test.each([
    ["paying customers besides the Starter plan", "plan_customers", "Starter"],
    ["arr excl. starter", "arr", "Starter"],
    ["MRR from all plans but Enterprise", "mrr", "Enterprise"],
    ["customers not on the Growth plan", "plan_customers", "Growth"],
    ["won amount ex enterprise pipeline this quarter", "won_amount", "Enterprise"],
  ])("%s", (q, metric, value) => {
    const input = role(q, "main");
    expect(input.metric).toBe(metric);
    expect(input.filters).toContainEqual(expect.objectContaining({ op: "!=", value }));
  });

  test("two values after one negation are both left out", () => {
    const input = role("ARR without Starter or Growth", "main");
    expect(input.filters).toEqual([{ dimension: "plan", op: "not_in", value: ["Starter", "Growth"] }]);
  });

  test("a value said without negation is still kept", () => {
    expect(role("MRR on the Pro plan", "main").filters).toEqual([expect.objectContaining({ op: "=", value: "Pro" })]);
  });
});

describe("since a day, since last month", () => {
  test("a count since a day in words runs from that day to today", () => {
    expect(role("support tickets since September 30th", "main").period).toEqual({
      start: "2026-09-30",
      end: "2026-11-21",
    });
  });
  test("a count since the previous quarter runs from that quarter's start", () => {
    expect(role("refunds since the previous quarter", "main").period).toEqual({
      start: "2026-07-01",
      end: "2026-11-21",
    });
  });
  test("a level since last month is a change and asks back", () => {
    expect(refusal("active customers since last month").kind).toBe("clarify");
  });
});

describe("two metrics: a difference or a per-unit ratio", () => {
  test("a difference borrows the head noun the left side lacks", () => {
    const p = plan("reactivation minus contraction mrr in september");
    expect(p.intent).toBe("arithmetic");
    expect(p.calls.map((c) => [c.role, c.input.metric, c.input.period])).toEqual([
      ["left", "reactivation_mrr", "2026-09"],
      ["minus", "contraction_mrr", "2026-09"],
    ]);
  });
  test("a per-unit ratio over the same period", () => {
    const p = plan("refunds per customer in Q3");
    expect(p.calls.map((c) => [c.role, c.input.metric])).toEqual([
      ["left", "refunds"],
      ["per", "active_customers"],
    ]);
  });
  test("a filter on one side holds for both when each can apply it", () => {
    const p = plan("ARR per Growth customer");
    for (const c of p.calls)
      expect(c.input.filters).toEqual([expect.objectContaining({ dimension: "plan", value: "Growth" })]);
  });
  test("a filter only one side can apply asks back instead of answering without it", () => {
    expect(refusal("new MRR per Growth customer last month").kind).toBe("clarify");
  });
  test("per a dimension is still a breakdown", () => {
    const p = plan("ARR per plan");
    expect(p.intent).toBe("metric");
    expect(p.calls[0]!.input.group_by).toEqual(["plan"]);
  });
  test("a metric named with 'per' stays that metric", () => {
    expect(role("mrr per account last month", "main").metric).toBe("arpa");
  });
});

describe("product usage metrics", () => {
  test.each([
    ["how many users were active in August", "monthly_active_users", "2026-08"],
    ["daily actives on November 2nd", "daily_active_users", "2026-11-02"],
    ["accounts with usage last month", "product_active_accounts", "last_month"],
    ["dau to mau in september", "stickiness", "2026-09"],
  ])("%s", (q, metric, period) => {
    const input = role(q, "main");
    expect(input.metric).toBe(metric);
    expect(input.period).toBe(period);
  });
});

describe("a population the metric defines adds nothing", () => {
  test("MRR of paying subscribers is MRR (paying customers are those with MRR > 0)", () => {
    const p = plan("mrr among paying subscribers in August");
    expect(p.calls[0]!.input).toMatchObject({ metric: "mrr", period: "2026-08", filters: [] });
    expect(p.interpretation!.why.join(" ")).toMatch(/active_customers/);
  });
  test("the population's filter carries over", () => {
    expect(role("MRR from our paying Starter customers", "main").filters).toEqual([
      { dimension: "plan", op: "=", value: "Starter" },
    ]);
  });
  test("a population the description does not tie to the metric still asks back", () => {
    expect(refusal("refunds from paying customers last month").kind).toBe("clarify");
  });
});

describe("'not on' leaves the value out", () => {
  test("customers not on Starter", () => {
    expect(role("customers that are not on starter", "main").filters).toEqual([
      { dimension: "plan", op: "!=", value: "Starter" },
    ]);
  });
});

describe("a level grown since last month", () => {
  test("is the level now against the end of that month", () => {
    const p = plan("how much have active customers grown since the previous month");
    expect(p.intent).toBe("compare");
    expect(p.calls[0]!.input).toMatchObject({
      metric: "active_customers",
      current: "this_month",
      previous: "last_month",
    });
  });
  test("a count 'grown since last month' asks back (a month to date against a whole month)", () => {
    expect(refusal("how much have refunds grown since last month").kind).toBe("clarify");
  });
});

describe("negation edge cases found by probing", () => {
  test("a population left out stays left out when the metric reads it ('MRR from customers other than Starter')", () => {
    expect(role("mrr from customers other than starter in september", "main")).toMatchObject({
      metric: "mrr",
      period: "2026-09",
      filters: [{ dimension: "plan", op: "!=", value: "Starter" }],
    });
  });
  test("'not counting' and a negation before the second of two values", () => {
    expect(role("ARR not counting Pro", "main").filters).toEqual([{ dimension: "plan", op: "!=", value: "Pro" }]);
    expect(role("paying customers not on Starter or Pro", "main").filters).toEqual([
      { dimension: "plan", op: "not_in", value: expect.arrayContaining(["Starter", "Pro"]) },
    ]);
  });
  test("a value that is also a word of change is a value after a negation ('excluding Growth')", () => {
    expect(role("ARR excluding growth", "main").filters).toEqual([{ dimension: "plan", op: "!=", value: "Growth" }]);
  });
});

describe("a difference takes two of a kind", () => {
  test("a level less a month's flow asks back, never one of them", () => {
    expect(refusal("arr less churned mrr in august").status).toBe("refusal");
  });
  test("two flows in one unit are a difference", () => {
    expect(plan("failed payment amount minus refunds in july").intent).toBe("arithmetic");
  });
});
