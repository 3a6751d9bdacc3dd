import { loadCatalog, type Catalog } from "../../../engine/catalog/catalog.ts";
import { loadProject } from "../../../engine/config/project.ts";
import { planQuestion, type Plan, type Refusal } from "../../../tools/planner/plan.ts";
import { repoRoot } from "../../helpers.ts";

/** The instant the demo's questions are planned at (the eval files' `now`). */
export const DEMO_AT = new Date("2026-11-21T06:00:00Z");

/** The demo's own catalog with the dimension values a build of it reads. Pure: no warehouse. */
export function demoCatalog(): Catalog {
  const catalog = loadCatalog(loadProject(repoRoot));
  catalog.dimensionValues = new Map<string, string[]>([
    ["mrr_by_plan_monthly.plan", ["Pro", "Starter", "Enterprise", "Growth"]],
    ["mrr_by_plan_monthly.currency", ["usd"]],
    ["mrr_monthly.currency", ["usd"]],
    ["pipeline_monthly.pipeline", ["Sales Pipeline", "Enterprise"]],
    ["deals_closed_monthly.pipeline", ["Sales Pipeline", "Enterprise"]],
    // the plan tier the churn-risk decision carries from the health rows (its accounts_at_risk metric's dimension)
    ["churn_risk.plan_tier", ["enterprise", "growth", "pro", "starter"]],
  ]);
  return catalog;
}

/** A planner over one catalog whose plan() and refusal() throw, naming the question, when it did the other. */
export function plannerOver(catalog: () => Catalog) {
  const plan = (q: string): Plan => {
    const p = planQuestion(q, catalog(), DEMO_AT);
    if (p.status !== "plan") throw new Error(`${q}: refused (${p.reason})`);
    return p;
  };
  const refusal = (q: string): Refusal => {
    const p = planQuestion(q, catalog(), DEMO_AT);
    if (p.status !== "refusal") throw new Error(`${q}: planned ${JSON.stringify(p.calls.map((c) => c.input))}`);
    return p;
  };
  return { plan, refusal };
}
