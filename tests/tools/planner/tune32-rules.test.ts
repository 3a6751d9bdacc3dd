import { beforeAll, describe, expect, test } from "bun:test";
import type { Catalog } from "../../../engine/catalog/catalog.ts";
import { demoCatalog, plannerOver } from "./demo-planner.ts";

/**
 * The rules of branch tune32 (#15, batch 32 "slices"), on phrasings in no eval file: a filter said in words is placed
 * or asked back, never dropped (slices.ts, models/** value synonyms). Pure: no warehouse.
 */
let catalog: Catalog;
beforeAll(() => {
  catalog = demoCatalog();
  catalog.dimensionValues?.set("customers.country", ["US", "GB", "DE", "FR", "CA", "AU", "IN", "NL"]);
  catalog.dimensionValues?.set("pipeline_monthly.stage_label", [
    "Appointment Scheduled",
    "Qualified To Buy",
    "Presentation Scheduled",
    "Contract Sent",
    "Discovery",
    "Technical evaluation",
    "Security review",
    "Procurement",
  ]);
  catalog.dimensionValues?.set("customers.status", ["active", "past_due", "trialing", "churned", "never_paid"]);
});
const { plan, refusal } = plannerOver(() => catalog);
const main = (q: string) => plan(q).calls[0]!.input as Record<string, unknown>;

describe("accounts on a plan are the plan's customers, never another metric's accounts", () => {
  test.each([
    ["how many accounts are on Pro right now", "Pro"],
    ["accounts on the starter plan", "Starter"],
    ["how many clients are on the enterprise tier", "Enterprise"],
    ["number of accounts on growth at the end of september", "Growth"],
  ])("%s", (q, value) => {
    expect(main(q)).toMatchObject({ metric: "plan_customers", filters: [{ dimension: "plan", value }] });
  });
  test("accounts at risk on a plan stay at risk", () => {
    catalog.dimensionValues?.set("churn_risk.plan_tier", ["starter", "growth", "pro", "enterprise"]);
    expect(main("how many accounts at risk are on growth")).toMatchObject({ metric: "accounts_at_risk" });
    catalog.dimensionValues?.delete("churn_risk.plan_tier");
  });
});

describe("two values said with + or plus, together, are summed", () => {
  test.each([
    ["Starter + Growth ARR combined for September", "arr", ["Starter", "Growth"]],
    ["pro plus enterprise customers together at the end of october", "plan_customers", ["Pro", "Enterprise"]],
    ["Enterprise & Pro MRR in total last month", "mrr", ["Enterprise", "Pro"]],
  ])("%s", (q, metric, value) => {
    const input = main(q);
    expect(input).toMatchObject({ metric });
    expect((input.filters as { op: string; value: string[] }[])[0]).toMatchObject({ op: "in" });
    expect([...(input.filters as { value: string[] }[])[0]!.value].sort()).toEqual([...value].sort());
  });
});

describe("a country said as a name, an adjective or '-based' is the country filter, or asked back", () => {
  test.each([
    ["how many paying customers are US-based", "US"],
    ["american customers who pay us, how many", "US"],
    ["how many Canadian customers pay us", "CA"],
    ["how many UK-based customers are trialing", "GB"],
    ["dutch paying customers, how many?", "NL"],
    ["how many US paying customers do we have", "US"],
  ])("%s", (q, value) => {
    const input = main(q);
    expect(input.filters).toContainEqual({ column: "country", op: "=", value });
  });
  test.each([
    "how many US-based customers churned in Q3",
    "MRR from German customers last month",
    "how many US trialing accounts converted in october",
  ])("a country said of a metric with no country is never dropped: %s", (q) => {
    expect(() => refusal(q)).not.toThrow();
  });
  test("who pays us the most is a person, never the paying count", () => {
    expect(refusal("which customer pays us the most").kind).not.toBe("plan");
    expect(() => refusal("which client pays us the most")).not.toThrow();
  });
  test("a -based place no value names is asked back, never dropped", () => {
    expect(refusal("how many Atlantis-based paying customers do we have").kind).toBe("clarify");
  });
});

describe("a vague qualifier before the subject is asked back", () => {
  test.each([
    "what's the ARR of our important customers",
    "how much MRR do the main accounts bring in",
    "MRR from our large clients last month",
    "how many key accounts churned in Q3",
  ])("%s", (q) => {
    expect(refusal(q).kind).toBe("clarify");
  });
  test("a ranking of the biggest stays a ranking", () => {
    expect(plan("top 5 customers by mrr").calls[0]!.name).toBe("top_n");
  });
});

describe("a breakdown or an exclusion of a mart's rows said in words", () => {
  test.each([
    ["churned customers by country", "country", { column: "status", op: "=", value: "churned" }],
    ["trialing accounts across countries", "country", { column: "status", op: "=", value: "trialing" }],
    ["paying customers per status", "status", undefined],
  ])("%s", (q, label, filter) => {
    const call = plan(q).calls[0]!;
    if (!filter) return expect(call.name).toBe("top_n");
    expect(call.input).toMatchObject({ label, count: true });
    expect((call.input as { n: number }).n).toBeGreaterThan(1);
    expect((call.input as { filters: unknown[] }).filters).toContainEqual(filter);
  });
  test.each([
    ["excluding the UK, which country has the most paying customers?", "GB"],
    ["other than germany, which country has the most paying customers", "DE"],
    ["how many paying customers outside the US", "US"],
    ["how many trialing customers not in France", "FR"],
  ])("%s", (q, value) => {
    // the value left out, as `!=` (slices.ts) or as a one-value `not_in` (after-value.ts reads "other than X" first)
    const filters = (main(q).filters as { column: string; op: string; value: unknown }[]) ?? [];
    const out = filters.find((f) => f.column === "country" && (f.op === "!=" || f.op === "not_in"));
    expect(out && (out.op === "!=" ? [out.value] : out.value)).toEqual([value]);
  });
});

describe("stage values said loosely", () => {
  test.each([
    ["how many open deals are sitting in procurement", "Procurement"],
    ["what's stuck in technical evaluation right now, in dollars of open pipeline", "Technical evaluation"],
    ["how many deals have a contract out to the customer", "Contract Sent"],
    ["open pipeline with contracts out", "Contract Sent"],
  ])("%s", (q, value) => {
    expect(main(q).filters).toContainEqual({ dimension: "stage_label", op: "=", value });
  });
  test.each([
    ["which rep has the most money tied up in open deals", "open_pipeline"],
    ["which pipeline has the least money sitting in it", "open_pipeline"],
  ])("%s", (q, metric) => {
    expect(main(q)).toMatchObject({ metric });
  });
});

describe("values set against each other, then asked of each", () => {
  test.each([
    ["starter vs enterprise: what's the arr for each at the end of Q2", "arr", "Starter"],
    ["Enterprise versus Growth — how many customers on each last month?", "plan_customers", "Enterprise"],
  ])("%s", (q, metric, first) => {
    const p = plan(q);
    expect(p.calls.length).toBeGreaterThan(1);
    expect(p.calls[0]!.input).toMatchObject({ metric, filters: [{ dimension: "plan", value: first }] });
  });
  test("high-priority stuff is the high-priority tickets", () => {
    expect(main("how much urgent stuff came in during september")).toMatchObject({
      metric: "high_priority_tickets",
      period: "2026-09",
    });
  });
});
