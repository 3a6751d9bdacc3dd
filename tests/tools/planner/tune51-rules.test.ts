import { describe, expect, test } from "bun:test";
import { planQuestion } from "../../../tools/planner/plan.ts";
import { DEMO_AT, demoCatalog, plannerOver } from "./demo-planner.ts";

/**
 * The rules of branch tune51 (#15, formulas and arithmetic said in the question), on phrasings in no eval file, as
 * founders and finance leads type them: a growth RATE of a level over a quarter or a half is asked back (end against
 * end, or the mean monthly rate), never answered with an amount; a part over the whole it is declared a part of,
 * spelled with a sign ("/", "÷", "divided by"), is that share, said as a percentage.
 */
const catalog = demoCatalog();
const { plan, refusal } = plannerOver(() => catalog);

describe("a growth rate of a level over more than a month is asked back", () => {
  test.each([
    "what was our ARR growth rate in H1?",
    "MRR growth % over the last quarter",
    "rate of growth of MRR in Q2",
    "paying customers growth rate for Q3",
  ])("%p asks which rate", (q) => {
    const r = refusal(q);
    expect(r.kind).toBe("clarify");
  });
  test("a month's growth rate is its end against the month before", () => {
    const p = plan("MRR growth rate for October");
    expect(p.intent).toBe("compare");
  });
  test("two periods named are compared as said", () => {
    const p = plan("MRR growth from Q2 to Q3");
    expect(p.intent).toBe("compare");
  });
});

describe("a part over its declared whole, spelled with a sign, is a share", () => {
  test.each([
    ["converted trials divided by trials that ended in Q3", "trials_converted", "trials_ended", "2026-Q3"],
    ["trials converted ÷ trials ended for september", "trials_converted", "trials_ended", "2026-09"],
    ["failed payments / payment attempts in October", "failed_payments", "payment_attempts", "2026-10"],
  ])("%p", (q, part, whole, period) => {
    const p = plan(q);
    expect(p.intent).toBe("arithmetic");
    expect(p.calls.map((c) => [c.role, (c.input as { metric: string }).metric])).toEqual([
      ["left", part],
      ["share", whole],
    ]);
    expect((p.calls[0]!.input as { period: string }).period).toBe(period);
    expect(p.interpretation!.read_as).toContain("as a share of");
  });
});

describe("a flow over the level its period began at is a share of that starting level", () => {
  test.each([
    ["contraction MRR divided by MRR at the start of September", "contraction_mrr", "2026-09", "2026-08"],
    ["new MRR / starting MRR in August", "new_mrr", "2026-08", "2026-07"],
    ["what percent of starting MRR was churned MRR in Q2", "churned_mrr", "2026-Q2", "2026-03"],
    [
      "net new MRR as a percentage of opening MRR for H1",
      "net_new_mrr",
      { start: "2026-01-01", end: "2026-06-30" },
      "2025-12",
    ],
  ] as [string, string, unknown, string][])("%p", (q, flow, period, start) => {
    const p = plan(q);
    expect(p.intent).toBe("arithmetic");
    expect(p.calls.map((c) => [c.role, (c.input as { metric: string }).metric])).toEqual([
      ["left", flow],
      ["share", "mrr"],
    ]);
    expect((p.calls[0]!.input as { period: unknown }).period).toEqual(period);
    expect((p.calls[1]!.input as { period: unknown }).period).toEqual(start);
  });
  test("a level over the same period without 'start' is not read at the period before", () => {
    const p = plan("churned MRR / MRR for Q3");
    expect((p.calls[1]!.input as { period: unknown }).period).toBe("2026-Q3");
  });
});

describe("two metrics of a kind added or subtracted with a sign, each its own call over one period", () => {
  test.each([
    ["new plus reactivated customers in October", "new_customers", "plus", "reactivated_customers"],
    ["expansion MRR + new MRR for Q3", "expansion_mrr", "plus", "new_mrr"],
    ["new – churned customers last quarter", "new_customers", "minus", "churned_customers"],
    ["(expansion − contraction) MRR in September", "expansion_mrr", "minus", "contraction_mrr"],
  ])("%p", (q, left, op, right) => {
    const p = plan(q);
    expect(p.intent).toBe("arithmetic");
    expect(p.calls.map((c) => [c.role, (c.input as { metric: string }).metric])).toEqual([
      ["left", left],
      [op, right],
    ]);
  });
  test("churned customers plus new MRR in Q3 is not answered as two of a kind", () => {
    expect(refusal("churned customers plus new MRR in Q3").kind).toBe("clarify");
  });
  // (three operands are a formula since branch formulas2: each its own call, never two of a kind)
  test("new + expansion + reactivation MRR for october is three leaves of a formula, not two of a kind", () => {
    const p = plan("new + expansion + reactivation MRR for october");
    expect(p.calls.map((c) => [c.role, (c.input as { metric: string }).metric])).toEqual([
      ["leaf", "new_mrr"],
      ["leaf", "expansion_mrr"],
      ["leaf", "reactivation_mrr"],
    ]);
  });
});

describe("one metric times a constant said in the question", () => {
  test.each([
    ["MRR * 12 last month", "mrr", 12],
    ["new MRR times 12 in Q3", "new_mrr", 12],
    ["20% of churned MRR in Q3", "churned_mrr", 0.2],
    ["what is 15 percent of ARR right now?", "arr", 0.15],
  ])("%p", (q, metric, factor) => {
    const p = plan(q);
    expect(p.intent).toBe("arithmetic");
    expect(p.calls).toHaveLength(1);
    expect((p.calls[0]!.input as { metric: string }).metric).toBe(metric);
    expect(p.interpretation!.scale!.factor).toBeCloseTo(factor as number);
  });
  test.each([
    "(total MRR − Enterprise MRR) × 12 for October",
    "ARR if MRR were 10% higher than today",
    "what's 10% of revenue",
  ])("%p is not one metric scaled", (q) => {
    // (since branch formulas2 the first two are formulas — two MRR readings, and ARR moved by a share — never a scale)
    const p = planQuestion(q, catalog, DEMO_AT);
    if (p.status === "plan") {
      expect(p.interpretation!.scale).toBeUndefined();
      expect(p.interpretation!.formula).toBeDefined();
    } else expect(p.status).toBe("refusal");
  });
});

describe("a metric cut by a value over the same metric whole is that value's share", () => {
  test.each([
    ["Pro MRR divided by all MRR at the end of Q3", "Pro"],
    ["Starter MRR / MRR in September", "Starter"],
    ["Growth MRR ÷ total MRR last month", "Growth"],
  ])("%p", (q, value) => {
    const p = plan(q);
    expect(p.calls.map((c) => c.role)).toEqual(["left", "share"]);
    expect((p.calls[0]!.input as { filters: { value: unknown }[] }).filters.map((f) => f.value)).toEqual([value]);
    expect((p.calls[1]!.input as { filters: unknown[] }).filters).toEqual([]);
  });
});
