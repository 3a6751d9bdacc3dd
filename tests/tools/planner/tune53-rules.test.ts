import { describe, expect, test } from "bun:test";
import { planQuestion } from "../../../tools/planner/plan.ts";
import { DEMO_AT, demoCatalog, plannerOver } from "./demo-planner.ts";

/**
 * The rules of branch tune53 (#15, cohorts, retention and lifecycle), on phrasings in no eval file, written from
 * ChartMogul's and Baremetrics' cohort docs ("customers grouped by the month they first paid", "% of the cohort still
 * subscribed", "cohort MRR ÷ its starting MRR") and how CS leads say movements ("reactivations", "upgrades"): a group
 * named at one time and asked about at another is a first-paid cohort read by the cohort tool, or asked back — never
 * the group's own count with "still paying" dropped; a movement said as a count noun is the count first.
 */
const catalog = demoCatalog();
const { plan, refusal } = plannerOver(() => catalog);

function cohortCall(q: string) {
  const p = plan(q);
  expect(p.intent).toBe("cohort");
  expect(p.calls).toHaveLength(1);
  expect(p.calls[0]!.name).toBe("cohort");
  return { input: p.calls[0]!.input as { metric: string; cohort: unknown; measure: string }, p };
}

describe("a first-paid cohort followed to now is read by the cohort tool, its reading said", () => {
  test.each([
    ["of the customers who first paid in February, how many are still subscribed?", "2026-02", "still_paying"],
    ["how many of the logos we acquired in 2025 still pay us", "2025", "still_paying"],
    ["how many accounts from our April 2026 cohort are still active?", "2026-04", "still_paying"],
    ["what percentage of the April 2026 cohort is still subscribed", "2026-04", "share_still_paying"],
    ["what fraction of the customers we landed in Q2 are still around", "2026-Q2", "share_still_paying"],
    ["how many from the June cohort have cancelled so far", "2026-06", "churned"],
    ["size of the 2025 cohort", "2025", "size"],
    ["the February cohort's MRR now vs its starting MRR", "2026-02", "mrr_vs_start"],
    ["what MRR did the Q1 2026 cohort start with", "2026-Q1", "mrr_start"],
    ["current MRR of the july cohort", "2026-07", "mrr_now"],
  ])("%p", (q, period, measure) => {
    const { input, p } = cohortCall(q);
    expect(input.metric).toBe("first_paid_customers");
    expect(input.cohort).toBe(period);
    expect(input.measure).toBe(measure);
    expect(p.interpretation!.read_as).toContain("customers whose first payment was in");
    expect(p.interpretation!.read_as).toContain("first_paid_month");
  });
  test("still paying is the catalog's paying values, said in the reading", () => {
    const { p } = cohortCall("of the customers who first paid in February, how many are still subscribed?");
    expect(p.interpretation!.read_as).toContain("active or past_due");
  });
});

describe("any other group followed across two times is asked back, never counted alone", () => {
  test.each([
    "the people who signed up in January — how many are still paying?",
    "of the customers on Pro in March, how many are still on Pro?",
    "customers paying us on March 15 — how many still pay?",
    "of the accounts that registered in Q1, how many remain?",
  ])("%p", (q) => {
    expect(refusal(q).kind).toBe("clarify");
  });
  test.each(["how's the May cohort looking", "the Q3 cohort, please"])(
    "%p: a cohort with no number asked is asked back",
    (q) => {
      expect(refusal(q).kind).toBe("clarify");
    },
  );
  test("a group counted in its own period is not a cohort ('how many customers started paying in Q1')", () => {
    const p = plan("how many customers started paying in Q1");
    expect(p.intent).not.toBe("cohort");
  });
});

describe("a movement said as a count noun is the count of movements first, its MRR beside it", () => {
  test.each([
    ["reactivations in October?", "reactivated_customers", "reactivation_mrr"],
    ["upgrades last month", "expanded_customers", "expansion_mrr"],
    ["downgrades in Q3", "contracted_customers", "contraction_mrr"],
    ["how many win-backs did we get in 2026", "reactivated_customers", "reactivation_mrr"],
    ["churns last quarter", "churned_customers", "churned_mrr"],
  ])("%p", (q, count, amount) => {
    const p = plan(q);
    const main = p.calls.find((c) => c.role === "main")!;
    const companion = p.calls.find((c) => c.role === "companion")!;
    expect((main.input as { metric: string }).metric).toBe(count);
    expect((companion.input as { metric: string }).metric).toBe(amount);
  });
  test.each([
    ["how much MRR did upgrades add in September", "expansion_mrr"],
    ["win-backs in dollars this year", "reactivation_mrr"],
    ["revenue from reactivations in Q2", "reactivation_mrr"],
  ])("%p: money words keep the amount", (q, amount) => {
    const main = plan(q).calls.find((c) => c.role === "main")!;
    expect((main.input as { metric: string }).metric).toBe(amount);
  });
});

describe("the customers paying at an instant, followed to now, are counted by the cohort tool", () => {
  test.each([
    ["of the accounts that were paying on March 1, how many remain customers?", "2026-03", "still_paying"],
    ["how many of the subscribers we had at the start of Q2 are still subscribed", "2026-04", "still_paying"],
    ["customers paying us at the end of June: how many still pay?", "2026-07", "still_paying"],
    ["what % of the customers we had at the beginning of the year are still with us", "2026-01", "share_still_paying"],
  ])("%p", (q, month, measure) => {
    const { input, p } = cohortCall(q);
    expect(input).toEqual({ metric: "first_paid_customers", cohort: month, measure, group: "paying_at" } as never);
    expect(p.interpretation!.read_as).toContain(`Customers paying on ${month}-01`);
  });
});

describe("'at risk' is the catalog's churn-risk flag, read with that reading stated", () => {
  test.each(["at-risk accounts right now", "how many accounts are at risk at the moment", "customers at risk today?"])(
    "%p",
    (q) => {
      const p = plan(q);
      expect((p.calls[0]!.input as { metric: string }).metric).toBe("accounts_at_risk");
      expect(p.interpretation!.read_as).toContain("at risk of churning");
    },
  );
});

describe("a state said with no noun is a count of the one mart that holds it", () => {
  test.each([
    ["how many trialing?", "trialing"],
    ["how many in dunning right now", "past_due"],
    ["how many are past due currently", "past_due"],
  ])("%p", (q, value) => {
    const p = plan(q);
    expect(p.intent).toBe("count_rows");
    const input = p.calls[0]!.input as { mart: string; filters: { column: string; value: unknown }[] };
    expect(input.mart).toBe("customers");
    expect(input.filters).toEqual([{ column: "status", op: "=", value }] as never);
  });
  test("churned and not come back is the churned status now", () => {
    const input = plan("how many customers have churned and haven't come back").calls[0]!.input as {
      filters: { value: unknown }[];
    };
    expect(input.filters[0]!.value).toBe("churned");
  });
});

describe("trials due to end in the next N days are the live trials whose trial end falls in that window", () => {
  test.each([
    ["how many trials are ending in the next 3 days", "2026-11-24 06:00:00"],
    ["trials expiring within the next 10 days?", "2026-12-01 06:00:00"],
    ["number of trials that end over the next seven days", "2026-11-28 06:00:00"],
  ])("%p", (q, until) => {
    const p = plan(q);
    expect(p.intent).toBe("count_rows");
    const input = p.calls[0]!.input as { mart: string; filters: unknown[] };
    expect(input.mart).toBe("subscriptions");
    expect(input.filters).toEqual([
      { column: "status", op: "in", value: ["trialing"] },
      { column: "trial_end_at", op: ">=", value: "2026-11-21 06:00:00" },
      { column: "trial_end_at", op: "<", value: until },
    ]);
    expect(p.interpretation!.read_as).toContain("trial_end_at");
  });
});

describe("retention for a group that joined in a period is never the period's logo retention (the joiners dropped)", () => {
  // logo retention over a span follows the customers paying at its start; customers who joined in it are another
  // group. Before its description was worded without "joins", the planner placed "joined" by it and answered 92.3%.
  test.each([
    "retention for customers who joined in Q1",
    "logo retention for customers who joined in March",
    "retention of the customers who joined last year",
    "customer retention for those who joined in Q2",
    "retention of customers who signed up in 2025",
  ])("%p", (q) => {
    const p = planQuestion(q, catalog, DEMO_AT);
    const readsLogoRetention =
      p.status === "plan" && p.calls.some((c) => (c.input as { metric?: string }).metric === "logo_retention_rate");
    expect(readsLogoRetention).toBe(false);
  });

  test("logo retention over a quarter is still answered", () => {
    expect(plan("logo retention in Q3").calls[0]!.input).toMatchObject({ metric: "logo_retention_rate" });
  });
});
