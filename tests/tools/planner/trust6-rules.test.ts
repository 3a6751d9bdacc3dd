import { beforeAll, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import type { Catalog } from "../../../engine/catalog/catalog.ts";
import { loadProject } from "../../../engine/config/project.ts";
import { loadModels } from "../../../engine/transform/models.ts";
import { writeProject } from "../../helpers.ts";
import { correctTypos, lexiconOf } from "../../../tools/planner/lexicon.ts";
import { findPeriods } from "../../../tools/planner/periods.ts";
import { DEMO_AT, demoCatalog, plannerOver } from "./demo-planner.ts";

/**
 * The rules of branch trust6 (#15), on phrasings that are in no eval file: ranges said with "through"/"thru"/a dash,
 * "the first half" alone, a swapped stop word, definitions, a leading superlative with a period, a ranking of no
 * dimension, and a share of a total. Planned over the demo's own catalog. Pure.
 */
let catalog: Catalog;
const at = DEMO_AT;

beforeAll(() => {
  catalog = demoCatalog();
});
const { plan, refusal } = plannerOver(() => catalog);
const main = (q: string) => plan(q).calls.find((c) => c.role === "main")!.input;

describe("a range said with through, thru or a dash is one range", () => {
  test.each([
    ["won deals from april thru june", "deals_won", "2026-04-01", "2026-06-30"],
    ["expansion mrr june-august", "expansion_mrr", "2026-06-01", "2026-08-31"],
    ["churned mrr from march through may", "churned_mrr", "2026-03-01", "2026-05-31"],
    ["new mrr in july and august altogether", "new_mrr", "2026-07-01", "2026-08-31"],
  ])("%p sums %s over the whole range", (q, metric, start, end) => {
    const input = main(q);
    expect(input.metric).toBe(metric);
    expect(input.period).toEqual({ start, end });
    expect(input.grain).toBeUndefined();
  });

  test("'may' and 'march' are months after through/thru/until and around a dash, not verbs", () => {
    const labels = (t: string) => findPeriods(t, at).map((f) => f.period);
    expect(labels("from january through may")).toEqual(["2026-01", "2026-05"]);
    expect(labels("march-june")).toEqual(["2026-03", "2026-06"]);
    expect(labels("we may grow")).toEqual([]);
  });

  test("'the first half' alone is this year's January–June; 'the first half of October' is not read as it", () => {
    expect(main("net new mrr over the first half").period).toEqual({ start: "2026-01-01", end: "2026-06-30" });
    expect(findPeriods("the first half of october", at).map((f) => f.period)).toEqual(["2026-10"]);
  });

  test("a total of a level over a range asks back, though the range alone reads as a monthly series", () => {
    const r = refusal("total arr from april through june");
    expect(r.kind).toBe("clarify");
    expect(r.reason).toContain("level at an instant");
    expect(main("arr from april through june").grain).toBe("month");
  });
});

describe("typos of short function words", () => {
  test("two swapped letters of a stop word are that word; a swap two stop words fit stays unplaced", () => {
    const lex = lexiconOf(catalog);
    expect(correctTypos("hte mrr", lex).text).toBe("the mrr");
    expect(correctTypos("waht is arr", lex).text).toBe("what is arr");
    expect(correctTypos("hwo many", lex).text).toBe("hwo many");
    expect(main("hte mrr last month")).toMatchObject({ metric: "mrr", period: "last_month" });
  });
});

describe("a definition question describes the metric, never states a number", () => {
  test.each([
    ["what counts as a paying customer", "active_customers"],
    ["explain the nrr metric", "nrr"],
    ["how do we count churned customers", "churned_customers"],
    ["what qualifies as expansion mrr", "expansion_mrr"],
  ])("%p describes %s", (q, metric) => {
    const p = plan(q);
    expect(p.intent).toBe("describe_metric");
    expect(p.calls[0]!.input).toEqual({ metric });
  });
});

describe("a superlative that opens the question ranks a dimension or a month, with its period", () => {
  test("'top seller by deals won last quarter' ranks owners over Q3", () => {
    const p = plan("top seller by deals won last quarter");
    expect(p.intent).toBe("argmax");
    expect(p.calls[0]!.input).toMatchObject({ metric: "deals_won", period: "last_quarter", group_by: ["owner"] });
  });

  test("'highest month for churned mrr this year' ranks the months of the year", () => {
    const p = plan("highest month for churned mrr this year");
    expect(p.intent).toBe("argmax");
    expect(p.calls[0]!.input).toMatchObject({ metric: "churned_mrr", period: "this_year", grain: "month" });
  });

  test("a measure of several words after 'by' is the measure ranked by: 'smallest plan by monthly recurring revenue'", () => {
    const p = plan("smallest plan by monthly recurring revenue");
    expect(p.intent).toBe("argmax");
    expect(p.calls[0]!.input).toMatchObject({ metric: "mrr", group_by: ["plan"] });
    expect(p.interpretation?.argmax).toEqual({ dimension: "plan", direction: "least" });
  });

  test("a ranking of rows with a count still ranks the mart's rows: 'top 3 deals by amount'", () => {
    const p = plan("top 3 deals by amount");
    expect(p.intent).toBe("top_n");
    expect(p.calls[0]!.input).toMatchObject({ mart: "deals", n: 3 });
  });

  test("a ranking of something that is no dimension asks back instead of stating the metric's total", () => {
    for (const q of ["which customer brought in the most revenue", "which account has the highest mrr"]) {
      const r = refusal(q);
      expect(r.kind).toBe("clarify");
    }
  });
});

describe("a share of a total is the filtered metric over the same metric unfiltered", () => {
  test.each([
    ["what fraction of mrr comes from starter", "mrr", "Starter"],
    ["growth plan share of customers", "plan_customers", "Growth"],
    ["what percent of our paying customers are on pro", "plan_customers", "Pro"],
    ["the proportion of arr from enterprise", "arr", "Enterprise"],
  ])("%p: %s with plan %s over all of it", (q, metric, plan_) => {
    const p = plan(q);
    expect(p.intent).toBe("arithmetic");
    const [part, whole] = p.calls;
    expect(part!.role).toBe("left");
    expect(part!.input).toMatchObject({ metric, filters: [{ dimension: "plan", op: "=", value: plan_ }] });
    expect(whole!.role).toBe("share");
    expect(whole!.input).toMatchObject({ metric, filters: [] });
    expect(whole!.input.period).toEqual(part!.input.period);
    expect(p.interpretation?.read_as).toContain("as a share of all");
  });

  test("a share with no part named, or of a rate, is no share: asked back, never a total", () => {
    expect(refusal("what share of new mrr").kind).toBe("clarify");
    expect(plan("what fraction of mrr comes from starter").intent).toBe("arithmetic");
    expect(refusal("what percentage of arpa is from pro").status).toBe("refusal");
  });
});

describe("a metric named through its dimension, said by the dimension's synonym", () => {
  test("'most popular package right now' is the most popular plan: plan_customers ranked by plan", () => {
    const p = plan("most popular package right now");
    expect(p.intent).toBe("argmax");
    expect(p.calls[0]!.input).toMatchObject({ metric: "plan_customers", group_by: ["plan"] });
    expect(p.interpretation?.why.join(" ")).toContain("a dimension named by its synonym");
  });

  test("no metric with the synonym said as its dimension either: still refused", () => {
    expect(refusal("who is the top rep").status).toBe("refusal");
    expect(refusal("most popular region").status).toBe("refusal");
  });
});

describe("a metric declared part_of another: its share of that whole", () => {
  test("'what percentage of tickets were urgent this week' is high-priority tickets over tickets opened", () => {
    const p = plan("what percentage of tickets were urgent this week");
    expect(p.intent).toBe("arithmetic");
    expect(p.calls.map((c) => [c.role, c.input.metric, c.input.period])).toEqual([
      ["left", "high_priority_tickets", "this_week"],
      ["share", "tickets_opened", "this_week"],
    ]);
    expect(p.interpretation?.read_as).toContain("as a share of all Tickets opened");
  });

  const project = (partOf: string) => ({
    "project.yaml": "name: parts\n",
    "models/marts/t.sql": "select date '2026-10-01' as day, 3 as opened, 1 as high\n",
    "models/marts/t.yml": `version: 1
models:
  - name: t
metrics:
  - { name: opened, description: opened, mart: t, time_column: day, grain: day, expression: sum(opened) }
  - { name: high, description: high, mart: t, time_column: day, grain: day, expression: sum(high), part_of: ${partOf} }
  - { name: avg_high, description: a ratio, mart: t, time_column: day, grain: day, expression: avg(high), time_rollup: ratio }
`,
  });
  test("part_of must name a summed metric of the same mart and format: else a CONFIG error with the nearest name", () => {
    for (const [partOf, said] of [
      ["opend", "which is not a metric"],
      ["avg_high", "which is no summed metric of its mart"],
    ] as const) {
      const dir = writeProject(project(partOf));
      try {
        expect(() => loadModels(loadProject(dir))).toThrow(`metric "high" has part_of ${partOf}, ${said}`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    const ok = writeProject(project("opened"));
    try {
      expect(loadModels(loadProject(ok)).metrics.find((m) => m.name === "high")?.part_of).toBe("opened");
    } finally {
      rmSync(ok, { recursive: true, force: true });
    }
  });
});
