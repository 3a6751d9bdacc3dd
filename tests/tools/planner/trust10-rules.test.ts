import { beforeAll, describe, expect, test } from "bun:test";
import type { Catalog } from "../../../engine/catalog/catalog.ts";
import { demoCatalog, plannerOver } from "./demo-planner.ts";

/**
 * Branch trust10 (#15): "did <a level> grow more in X than in Y" is the level's change over X set against its change
 * over Y, both periods stated; a flow's "growth" is still asked back. Planned over the demo's own catalog at
 * 2026-11-21. Pure.
 */
let catalog: Catalog;
beforeAll(() => {
  catalog = demoCatalog();
});
const { plan, refusal } = plannerOver(() => catalog);

describe("a level's growth in one period vs another", () => {
  test.each([
    ["did arr grow more in q3 than in q2", "arr", "2026-Q3", "2026-Q2"],
    ["did active customers grow more in october than in september?", "active_customers", "2026-10", "2026-09"],
    ["did open pipeline increase more in august than july", "open_pipeline", "2026-08", "2026-07"],
  ])("%p: the change of %s over %s vs over %s", (q, metric, first, second) => {
    const p = plan(q);
    expect(p.intent).toBe("compare");
    expect(p.calls.map((c) => [c.role, c.name, c.input])).toEqual([
      ["main", "compare_periods", { metric, filters: [], current: first }],
      ["companion", "compare_periods", { metric, filters: [], current: second }],
    ]);
    expect(p.interpretation!.read_as).toContain("its change over");
  });

  test("a filter said once holds for both periods", () => {
    const p = plan("did pro mrr grow more in q3 than in q2");
    for (const c of p.calls) expect(c.input.filters).toEqual([{ dimension: "plan", op: "=", value: "Pro" }]);
  });

  test("a flow's growth has no one reading: still asked back", () => {
    expect(refusal("did new mrr grow more in q3 than in q2").kind).toBe("clarify");
    expect(refusal("did tickets opened grow more in october than in september").kind).toBe("clarify");
  });
});
