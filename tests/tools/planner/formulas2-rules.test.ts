import { describe, expect, test } from "bun:test";
import { composeAnswer } from "../../../tools/ask/compose.ts";
import type { Plan } from "../../../tools/planner/plan-types.ts";
import { DEMO_AT, demoCatalog, plannerOver } from "./demo-planner.ts";

/**
 * The rules of branch formulas2 (#15, formulas said in the question), on phrasings in no eval file, written from the
 * SaaS glossaries: ChartMogul (quick ratio = (new + expansion + reactivation MRR) ÷ (churned + contraction MRR); LTV
 * = ARPA ÷ customer churn rate; gross and net MRR retention from the MRR movements), Baremetrics (LTV, revenue churn),
 * SaaS Capital (net new ARR), a16z (CMGR). A formula of three or more operands, parentheses or a power is parsed;
 * each leaf is a metric reading of its own (query_metric call) with its own period or the formula's; the answer
 * computes the result with every leaf stated; units are checked; a leaf no metric reads is asked back naming it.
 */
const catalog = demoCatalog();
const { plan, refusal } = plannerOver(() => catalog);

const leaves = (p: Plan) =>
  p.calls.map((c) => {
    const i = c.input as { metric: string; period: unknown; filters?: unknown[] };
    return [c.role, i.metric, i.period, (i.filters ?? []).length] as const;
  });

/** The answer's line for a formula plan, given each leaf's value (a one-row query_metric result). */
function answer(p: Plan, values: number[]): string {
  const results = p.calls.map((c, i) => {
    const input = c.input as { metric: string };
    const m = catalog.metrics.find((x) => x.name === input.metric)!;
    return {
      role: c.role,
      name: c.name,
      output: {
        metric: m.name,
        label: m.label ?? m.name,
        format: m.format,
        filters: [],
        group_by: [],
        period: { label: "August 2026" },
        rows: [{ value: values[i], rows: 1 }],
        citations: [],
      },
    };
  });
  // (a minimal stand-in for the tool's output)
  return composeAnswer(p.intent, results as any, undefined, undefined, p.interpretation).join("\n");
}

describe("a formula of three or more MRR movements is each movement its own call, over the period said", () => {
  test.each([
    [
      "(new + expansion + reactivation) / (contraction + churned) MRR for August",
      ["new_mrr", "expansion_mrr", "reactivation_mrr", "contraction_mrr", "churned_mrr"],
    ],
    [
      "(new MRR + expansion MRR) − (contraction MRR + churned MRR) in August",
      ["new_mrr", "expansion_mrr", "contraction_mrr", "churned_mrr"],
    ],
    [
      "SaaS quick ratio, August: (new + expansion) ÷ (churn + contraction)",
      ["new_mrr", "expansion_mrr", "churned_mrr", "contraction_mrr"],
    ],
    ["new + reactivation + expansion MRR in August", ["new_mrr", "reactivation_mrr", "expansion_mrr"]],
  ])("%p", (q, metrics) => {
    const p = plan(q);
    expect(p.intent).toBe("arithmetic");
    expect(leaves(p)).toEqual(metrics.map((m) => ["leaf", m, "2026-08", 0] as const));
    expect(p.interpretation!.formula).toBeDefined();
  });

  test("the quick ratio is computed and every leaf stated", () => {
    const p = plan("(new + expansion + reactivation) / (contraction + churned) MRR for August");
    const text = answer(p, [4000, 1500, 500, 300, 1200]);
    expect(text).toContain("New MRR $4,000");
    expect(text).toContain("Churned MRR $1,200");
    expect(text).toContain("= 4,");
    expect(text).toMatch(/= 4\b/);
  });
});

describe("retention and churn said as their formula over the starting MRR are percentages", () => {
  test.each([
    [
      "net revenue retention in August = (starting MRR + expansion − contraction − churned) ÷ starting MRR",
      ["mrr", "expansion_mrr", "contraction_mrr", "churned_mrr", "mrr"],
    ],
    [
      "gross MRR churn for August: (churned MRR + contraction MRR) ÷ starting MRR",
      ["churned_mrr", "contraction_mrr", "mrr"],
    ],
    ["(opening MRR − churned − contraction) / opening MRR, August", ["mrr", "churned_mrr", "contraction_mrr", "mrr"]],
  ])("%p", (q, metrics) => {
    const p = plan(q);
    expect(leaves(p).map((l) => l[1])).toEqual(metrics);
    // the starting level is July's month end, the movements August's
    for (const l of leaves(p)) expect(l[2]).toBe(l[1] === "mrr" ? "2026-07" : "2026-08");
    expect(p.interpretation!.formula!.percent).toBe(true);
  });
});

describe("LTV = ARPA ÷ a month's churn rate is an amount; over more than a month it is asked back", () => {
  test.each([
    ["customer lifetime value = ARPA ÷ churn rate, September", "2026-09"],
    ["LTV for July: ARPA / churn rate", "2026-07"],
    ["lifetime value (ARPA divided by monthly churn rate) for August", "2026-08"],
  ])("%p", (q, month) => {
    const p = plan(q);
    expect(leaves(p)).toEqual([
      ["leaf", "arpa", month, 0],
      ["leaf", "churn_rate", month, 0],
    ]);
    expect(p.interpretation!.formula!.unit).toBe("currency");
    expect(answer(p, [100, 0.04])).toContain("$2,500");
  });
  test.each([
    "LTV = ARPA / churn rate over H1",
    "ARPA ÷ monthly churn rate for Q2, i.e. LTV",
    "LTV: ARPA / churn rate last quarter",
  ])("%p asks which month", (q) => {
    expect(refusal(q).kind).toBe("clarify");
  });
});

describe("each leaf keeps the period it says", () => {
  test.each([
    [
      "ARPA in August minus ARPA in May",
      [
        ["arpa", "2026-08"],
        ["arpa", "2026-05"],
      ],
      "currency",
    ],
    [
      "(MRR at the end of August − MRR at the end of May) / MRR at the end of May",
      [
        ["mrr", "2026-08"],
        ["mrr", "2026-05"],
        ["mrr", "2026-05"],
      ],
      "ratio",
    ],
    [
      "net new ARR for Q2 = ending ARR minus starting ARR",
      [
        ["arr", "2026-Q2"],
        ["arr", "2026-03"],
      ],
      "currency",
    ],
  ])("%p", (q, want, unit) => {
    const p = plan(q);
    expect(leaves(p).map((l) => [l[1], l[2]])).toEqual(want);
    expect(p.interpretation!.formula!.unit as string).toBe(unit);
  });
  test("a growth said as (later − earlier) ÷ earlier is a percentage", () => {
    const p = plan("(Aug MRR − May MRR) / May MRR");
    expect(p.interpretation!.formula!.percent).toBe(true);
    expect(answer(p, [55000, 50000, 50000])).toContain("10.0%");
  });
});

describe("a leaf no metric reads, or units that make no number, are asked back", () => {
  test.each([
    ["(MRR − COGS) / MRR for October", "cogs"],
    ["LTV = ARPA × gross margin ÷ churn rate, August", "gross margin"],
    ["(new MRR − marketing spend) / new customers in August", "marketing spend"],
  ])("%p names the unread part", (q, part) => {
    const r = refusal(q);
    expect(r.kind).toBe("clarify");
    expect(r.unplaced).toContain(part);
  });
  test.each([
    "MRR + new customers + churned MRR in October",
    "(new customers + expansion MRR) / churned MRR for August",
    "ARPA × MRR × 12 for August",
  ])("%p asks back", (q) => {
    expect(refusal(q).kind).toBe("clarify");
  });
});

describe("a formula with two readings is asked back, never answered with one of them", () => {
  test.each([
    // logo churn or revenue churn
    "net retention = 1 − churn for July",
    "gross retention: 1 − churn, August",
    // customers at the start of the month or at its end
    "customer churn = churned / customers, August",
    "logo churn rate for July: lost customers ÷ paying customers",
    // a level now against a flow of which months?
    "pipeline coverage = open pipeline ÷ won amount",
    "expected bookings: open pipeline × win rate",
  ])("%p", (q) => {
    const r = refusal(q);
    expect(r.kind).toBe("clarify");
    // an ask-back states no figure of its own
    expect(r.reason).not.toMatch(/\d/);
  });
});

describe("a what-if on today's facts is arithmetic on today's values", () => {
  test.each([
    ["what would MRR be if we signed 15 more customers at today's ARPA", 15],
    ["MRR if we landed 8 new customers at the current ARPA", 8],
  ])("%p", (q, n) => {
    const p = plan(q);
    expect(leaves(p)).toEqual([
      ["leaf", "mrr", "latest", 0],
      ["leaf", "arpa", "latest", 0],
    ]);
    expect(answer(p, [60000, 100])).toContain(`$${(60000 + n * 100).toLocaleString("en-US")}`);
  });
  test.each([
    ["how many customers would we need to hit $80k MRR at current ARPA", ["arpa"], 801],
    ["how many more customers do we need to reach 150k MRR if ARPA stays the same", ["arpa", "active_customers"], 902],
  ])("%p: customers needed, rounded up (80k ÷ $99.90 is 800.8: 801)", (q, metrics, want) => {
    const p = plan(q);
    expect(leaves(p).map((l) => l[1])).toEqual(metrics);
    expect(answer(p, [99.9, 600])).toContain(`= ${want.toLocaleString("en-US")}`);
  });
  test("a level moved by a share moves a multiple the catalog defines of it by that share", () => {
    const p = plan("what would ARR be if MRR was 20% higher than today");
    expect(leaves(p)).toEqual([["leaf", "arr", "latest", 0]]);
    expect(answer(p, [100000])).toContain("$120,000");
  });
  test.each([
    "MRR if we add 10 Pro customers at current ARPA",
    "MRR if ARPA were 5% lower",
    "what would ARR be if we signed 12 more customers at today's ARPA",
  ])("%p asks back", (q) => {
    expect(refusal(q).kind).toBe("clarify");
  });
});

describe("prose with dashes is no formula", () => {
  test.each([
    ["hi – quick one – what's MRR?", "mrr"],
    ["churn rate Jul–Sep", "churn_rate"],
  ])("%p", (q, metric) => {
    const p = plan(q);
    expect(p.interpretation!.formula).toBeUndefined();
    expect((p.calls[0]!.input as { metric: string }).metric).toBe(metric);
  });
});

test("DEMO_AT is the eval files' now", () => {
  expect(DEMO_AT.toISOString()).toBe("2026-11-21T06:00:00.000Z");
});
