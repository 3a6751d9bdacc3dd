import { afterAll, describe, expect, test } from "bun:test";
import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { attachBuiltColumns, loadCatalog, type Catalog } from "../../../engine/catalog/catalog.ts";
import type { Db } from "../../../engine/warehouse/duckdb.ts";
import { loadProject } from "../../../engine/config/project.ts";
import { repoRoot, tempDir } from "../../helpers.ts";
import { planQuestion } from "../../../tools/planner/plan.ts";
import { DEMO_AT, demoCatalog, plannerOver } from "./demo-planner.ts";

/**
 * The rules of branch mendbook (#15 review gap): a customer success manager's account rows (account-book.ts) read
 * the plan tiers and churn-risk labels the catalog has — the decision's declared labels, the plan tiers a build
 * reads — never the demo's own words (starter|growth|pro|enterprise, high|medium|low). A project whose plans are
 * Basic, Team and Scale and whose churn-risk decision labels at_risk or healthy: its words are read, the demo's are
 * not. And a mean over the rows reads as the average computed, not as the count it divides by.
 */
const dir = tempDir("dp-mendbook-");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** the demo project with the churn-risk decision labelling at_risk or healthy (its metric counts at_risk) */
function otherProject(): Catalog {
  cpSync(join(repoRoot, "project.yaml"), join(dir, "project.yaml"));
  cpSync(join(repoRoot, "models"), join(dir, "models"), { recursive: true });
  cpSync(join(repoRoot, "decisions"), join(dir, "decisions"), { recursive: true });
  const file = join(dir, "decisions", "churn_risk.yml");
  const yaml = readFileSync(file, "utf8");
  const labels = yaml.indexOf("labels:");
  const model = yaml.indexOf("model:");
  writeFileSync(
    file,
    `${yaml.slice(0, labels)}labels:
  at_risk:
    description: clear warning signs
    authority: autonomous
    false_positive: an hour spent on an account that was fine
  healthy:
    description: no warning sign
    authority: autonomous
    false_positive: a risky account is missed
${yaml.slice(model)}`
      .replace(/strong_for: \[high\]/, "strong_for: [at_risk]")
      .replace(/label: (?:high|medium)$/gm, "label: at_risk")
      .replace(/label: low$/gm, "label: healthy")
      .replace("label = 'high'", "label = 'at_risk'"),
  );
  const catalog = loadCatalog(loadProject(dir));
  catalog.dimensionValues = new Map<string, string[]>([
    ["mrr_by_plan_monthly.plan", ["Basic", "Scale", "Team"]],
    ["mrr_by_plan_monthly.currency", ["usd"]],
    ["mrr_monthly.currency", ["usd"]],
    ["churn_risk.plan_tier", ["Basic", "Scale", "Team"]],
    ["deals.owner", ["Ada Park", "Ben Okafor"]],
  ]);
  return catalog;
}
const other = otherProject();
const { plan } = plannerOver(() => other);
const demo = plannerOver(() => demoCatalog());
type Rows = { mart: string; measure: string; label: string; mean?: boolean; count?: boolean; filters: unknown[] };
const rows = (p: ReturnType<typeof plan>) => {
  expect(p.calls).toHaveLength(1);
  expect(p.calls[0]!.name).toBe("top_n");
  return { input: p.calls[0]!.input as Rows, read: p.interpretation!.read_as };
};
const notRisk = { column: "status", op: "!=", value: "rejected" };

describe("the catalog's churn-risk labels and plan tiers, not the demo's", () => {
  test("the decision's labels are in the catalog, on its label column", () => {
    expect(other.mart("churn_risk").columns.find((c) => c.name === "label")?.values).toEqual(["at_risk", "healthy"]);
  });

  test("a build's columns keep the labels declared (the catalog a reader of the snapshot plans on)", async () => {
    const built = loadCatalog(loadProject(dir));
    const columns = ["customer_id", "plan_tier", "mrr", "label", "confidence", "status"];
    const db = {
      all: async () =>
        columns.map((c) => ({ table_schema: "marts", table_name: "churn_risk", column_name: c, data_type: "VARCHAR" })),
    } as unknown as Db;
    await attachBuiltColumns(built, db);
    const label = built.mart("churn_risk").columns.find((c) => c.name === "label");
    expect(label).toMatchObject({ type: "VARCHAR", values: ["at_risk", "healthy"] });
  });

  test.each([
    [
      "how much MRR is sitting in accounts at risk?",
      "churn_risk",
      "mrr",
      [{ column: "label", op: "=", value: "at_risk" }, notRisk],
    ],
    [
      "how many accounts are flagged healthy?",
      "churn_risk",
      "mrr",
      [{ column: "label", op: "=", value: "healthy" }, notRisk],
    ],
    [
      "what's the total MRR of Scale accounts at risk of churning?",
      "churn_risk",
      "mrr",
      [{ column: "label", op: "=", value: "at_risk" }, notRisk, { column: "plan_tier", op: "=", value: "Scale" }],
    ],
    [
      "how many Team accounts are past due?",
      "account_health",
      "mrr",
      [
        { column: "plan_tier", op: "=", value: "Team" },
        { column: "status", op: "=", value: "past_due" },
      ],
    ],
    ["total seats on the Basic plan", "account_health", "seats", [{ column: "plan_tier", op: "=", value: "Basic" }]],
  ])("%p → %s rows kept to the catalog's values", (q, mart, measure, filters) => {
    const { input } = rows(plan(q));
    expect(input).toMatchObject({ mart, measure });
    expect(input.filters).toEqual(filters);
  });

  test("on average how many seats does a Team account have: the mean over the Team rows", () => {
    const { input } = rows(plan("on average how many seats does a Team account have"));
    expect(input).toMatchObject({ mart: "account_health", measure: "seats", mean: true });
    expect(input.filters).toEqual([{ column: "plan_tier", op: "=", value: "Team" }]);
  });

  test("an owner's book is the catalog's owner", () => {
    const { input } = rows(plan("how much MRR is in Ada Park's book?"));
    expect(input).toMatchObject({ mart: "accounts", measure: "mrr" });
    expect(input.filters).toEqual([
      { column: "owner", op: "=", value: "Ada Park" },
      { column: "is_paying", op: "=", value: true },
    ]);
  });

  test.each([
    "how much MRR do we have in accounts at high churn risk?",
    "how many accounts are flagged medium risk?",
    "how many enterprise accounts are past due?",
    "total seats on the enterprise plan",
    "which tier has the most MRR flagged high risk?",
    "on average how many seats does a Pro account have",
  ])("%p: the demo's words are no value here, never a filter on them", (q) => {
    const p = planQuestion(q, other, DEMO_AT);
    if (p.status !== "plan") return;
    const said = JSON.stringify(p.calls.map((c) => c.input));
    expect(said).not.toMatch(/"value":"(?:high|medium|low|enterprise|pro)"/);
  });

  test("the demo reads its own labels and tiers as before", () => {
    expect(rows(demo.plan("how many seats do our Pro accounts hold?")).input.filters).toEqual([
      { column: "plan_tier", op: "=", value: "pro" },
    ]);
    expect(rows(demo.plan("what's the total MRR of accounts at risk of churning?")).input.filters).toEqual([
      { column: "label", op: "=", value: "high" },
      notRisk,
    ]);
    expect(rows(demo.plan("how many accounts are flagged medium risk?")).input.filters).toEqual([
      { column: "label", op: "=", value: "medium" },
      notRisk,
    ]);
  });
});

describe("a mean over the rows reads as the average computed", () => {
  test.each([
    ["what's the average MRR of a pro account?", "Average MRR per customer over the rows of account health now ("],
    ["on average how many seats does an enterprise account have", "Average seats per customer over the rows of"],
    ["mean open deal size", "Average amount per deal over the rows of deals now ("],
  ])("%p reads %p", (q, reading) => {
    const { read } = rows(demo.plan(q));
    expect(read.startsWith(reading)).toBe(true);
    // never the count it divides by, nor the sum beside it
    expect(read).not.toContain("Number of");
    expect(read).not.toContain("summed too");
    expect(read).toContain("summed over the rows ÷ the number of the same rows");
  });

  test("the other project's mean names its tier", () => {
    const { read } = rows(plan("avg MRR of a Scale account?"));
    expect(read).toMatch(/^Average MRR per customer over the rows of account health now \(.*\), plan_tier = Scale \(/);
  });
});
