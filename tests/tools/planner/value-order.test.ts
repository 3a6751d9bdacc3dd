import { describe, expect, test } from "bun:test";
import { planQuestion } from "../../../tools/planner/plan.ts";
import { DEMO_AT, demoCatalog } from "./demo-planner.ts";

// A DISTINCT over a mart returns a dimension's values in hash order, which moved from build to build; the
// same question on the same data must read the same whichever order the catalog holds them in.
const ORDERS = [
  ["Pro", "Starter", "Enterprise", "Growth"],
  ["Enterprise", "Growth", "Pro", "Starter"],
  ["Starter", "Growth", "Enterprise", "Pro"],
];

function reading(question: string, order: string[]) {
  const catalog = demoCatalog();
  catalog.dimensionValues = new Map([...catalog.dimensionValues!, ["mrr_by_plan_monthly.plan", order]]);
  const plan = planQuestion(question, catalog, DEMO_AT);
  if (plan.status !== "plan") return plan.status;
  const main = plan.calls.find((c) => c.role === "main")!.input;
  const filters = (main.filters as { dimension: string; op: string; value: unknown }[]) ?? [];
  return JSON.stringify({
    metric: main.metric,
    filters: filters.map((f) => ({ ...f, value: Array.isArray(f.value) ? [...f.value].sort() : f.value })),
  });
}

describe("a dimension's values, in any order", () => {
  test.each([
    "mrr of the starter and enterprise plans",
    "customers on the growth or starter plans last month",
    "arr of enterprise and pro plans",
    "mrr excluding the starter and growth plans",
  ])("%p reads the same whatever order the catalog lists the plans in", (question) => {
    const readings = ORDERS.map((order) => reading(question, order));
    expect(readings[0]).toContain('"op"');
    expect(new Set(readings).size).toBe(1);
  });
});
