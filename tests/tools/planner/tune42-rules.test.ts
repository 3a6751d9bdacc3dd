import { describe, expect, test } from "bun:test";
import { demoCatalog, plannerOver } from "./demo-planner.ts";

/**
 * The rules of branch tune42 (#15, recurring revenue in a fractional CFO's words), on phrasings in no eval file,
 * written from how month-end reporting is said: opening and closing stocks ("opening ARR for Q3", "ARPA at the Q2
 * close"), the MRR bridge (starting MRR + new + expansion − contraction − churned (+ reactivation) = ending MRR), "A vs
 * B churn" of two metrics sharing a head noun. Plans over the demo's catalog at 2026-11-21.
 */
const catalog = demoCatalog();
const { plan, refusal } = plannerOver(() => catalog);
const mains = (q: string) =>
  plan(q)
    .calls.filter((c) => c.role === "main")
    .map((c) => {
      const i = c.input as { metric: string; period?: unknown };
      return `${i.metric}@${JSON.stringify(i.period)}`;
    });
const metricsOf = (q: string) => plan(q).calls.map((c) => (c.input as { metric: string }).metric);

describe("two metrics sharing one head noun are both stated, never one of them", () => {
  test.each([
    ["logo vs dollar churn in October", ["churn_rate", "revenue_churn_rate"]],
    ["customer and dollar churn last month", ["churn_rate", "revenue_churn_rate"]],
    ["logo versus revenue churn for Q2", ["churn_rate", "revenue_churn_rate"]],
    ["expansion vs contraction MRR in September", ["expansion_mrr", "contraction_mrr"]],
    ["gross vs net dollar retention for Q2", ["grr", "nrr"]],
  ])("%p states both", (q, want) => {
    const got = metricsOf(q);
    for (const m of want) expect(got).toContain(m);
    expect(got).not.toContain("active_customers");
  });
});

describe("opening and closing stocks, and a period's close", () => {
  test.each([
    ["opening ARR for Q3", "arr", "2026-06"],
    ["what was opening MRR heading into August?", "mrr", "2026-07"],
    ["closing MRR for September", "mrr", "2026-09"],
    ["closing customers in March", "active_customers", "2026-03"],
    ["ARPA at the Q2 close", "arpa", "2026-Q2"],
    ["MRR at September close", "mrr", "2026-09"],
  ])("%p → %s at %s", (q, metric, period) => {
    expect(plan(q).calls[0]!.input).toMatchObject({ metric, period });
  });

  test.each([
    ["ARR growth, June close vs March close", "2026-06", "2026-03"],
    ["customers, Q2 close versus Q1 close", "2026-Q2", "2026-Q1"],
  ])("%p compares the two period ends", (q, current, previous) => {
    const p = plan(q);
    expect(p.intent).toBe("compare");
    expect(p.calls[0]!.input).toMatchObject({ current, previous });
  });

  test("since we started the year is since the end of last year", () => {
    const p = plan("how much has ARR grown since we started the year?");
    expect(p.intent).toBe("compare");
    expect(p.interpretation!.read_as).toContain("the end of 2025");
  });
});

describe("a CFO's and a founder's words for MRR and its movements", () => {
  test.each([
    "what are we billing a month in recurring revenue right now?",
    "how much MRR are we making per month as things stand?",
    "how much recurring revenue are we bringing in each month?",
  ])("%p is MRR now", (q) => {
    expect(plan(q).calls[0]!.input).toMatchObject({ metric: "mrr", period: "latest" });
  });

  test.each([
    ["how much ARR sits on the Growth plan today?", "Growth"],
    ["how much of our MRR was sitting on Starter at the end of September?", "Starter"],
  ])("%p: the plan's MRR or ARR", (q, plan_) => {
    expect(plan(q).calls[0]!.input).toMatchObject({ filters: [{ dimension: "plan", op: "=", value: plan_ }] });
  });

  test.each([
    ["what ARR have we added this year?", "net_new_arr", "this_year"],
    ["how much MRR did we add last month?", "net_new_mrr", "last_month"],
    ["how much ARR did we put on in H1?", "net_new_arr", undefined],
  ])("%p → %s", (q, metric, period) => {
    const input = plan(q).calls[0]!.input as { metric: string; period: unknown };
    expect(input.metric).toBe(metric);
    if (period) expect(input.period).toBe(period);
  });

  test.each([
    ["did new MRR pick up in Q3 compared with Q2?", "new_mrr", "2026-Q3", "2026-Q2"],
    ["has churned MRR slowed down in October vs September?", "churned_mrr", "2026-10", "2026-09"],
    ["did contraction cool off in August versus July?", "contraction_mrr", "2026-08", "2026-07"],
  ])("%p compares the two periods", (q, metric, current, previous) => {
    const p = plan(q);
    expect(p.intent).toBe("compare");
    expect(p.calls[0]!.input).toMatchObject({ metric, current, previous });
  });

  test.each([
    ["which month this year had the nastiest contraction?", "contraction_mrr"],
    ["what was the most painful month for churned MRR in 2026?", "churned_mrr"],
  ])("%p is the month with the most", (q, metric) => {
    const p = plan(q);
    expect(p.intent).toBe("argmax");
    expect(p.calls[0]!.input).toMatchObject({ metric, grain: "month" });
  });

  test("which plan holds the biggest ARR is a ranking of plans", () => {
    const p = plan("which plan holds the biggest ARR right now?");
    expect(p.intent).toBe("argmax");
    expect(p.calls[0]!.input).toMatchObject({ metric: "arr", group_by: ["plan"] });
  });

  test.each([
    ["is new MRR still outpacing churned MRR this month?", ["new_mrr", "churned_mrr"]],
    ["was expansion ahead of contraction in October?", ["expansion_mrr", "contraction_mrr"]],
    ["are reactivations outrunning churn MRR last month?", ["reactivation_mrr", "churned_mrr"]],
  ])("%p states both", (q, want) => {
    const got = metricsOf(q);
    for (const m of want) expect(got).toContain(m);
  });
});

describe("the MRR bridge is the opening stock, each movement and the closing stock", () => {
  test.each([
    ["MRR waterfall for Q2", '"2026-03"', '"2026-Q2"'],
    ["show me September's MRR bridge", '"2026-08"', '"2026-09"'],
    ["the MRR roll-forward for last month", '"2026-09"', '"last_month"'],
  ])("%p", (q, opening, during) => {
    const got = mains(q);
    expect(got[0]).toBe(`mrr@${opening}`);
    expect(got.at(-1)).toBe(`mrr@${during}`);
    for (const m of ["new_mrr", "reactivation_mrr", "expansion_mrr", "contraction_mrr", "churned_mrr"])
      expect(got).toContain(`${m}@${during}`);
  });

  test("a bridge with no period, or of ARR, is never a guessed number", () => {
    expect(refusal("what does the MRR bridge look like?").status).toBe("refusal");
    expect(refusal("ARR bridge for October").status).toBe("refusal");
  });
});
