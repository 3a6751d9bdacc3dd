import { beforeAll, describe, expect, test } from "bun:test";
import type { Catalog } from "../../../engine/catalog/catalog.ts";
import { demoCatalog, plannerOver } from "./demo-planner.ts";

/**
 * The rules of branch tune15 (#15, slices), on phrasings in no eval file, written from how report filters are said:
 * HubSpot's segment filters "is none of" / "is any of" (knowledge.hubspot.com/segments/exclude-records-from-an-active-list),
 * ChartMogul's MRR filtered to several plans at once, and a slice said in a clause before the question ("In EMEA, which
 * rep …"). Plans over the demo's catalog at 2026-11-21, with the owners a build of it reads.
 */
let catalog: Catalog;
beforeAll(() => {
  catalog = demoCatalog();
  const owners = ["James Chen", "Maria Lopez", "Priya Nair", "Sofia Rossi", "Tom Becker", "(no owner)"];
  for (const mart of ["pipeline_monthly", "deals_closed_monthly", "deals"])
    catalog.dimensionValues!.set(`${mart}.owner`, owners);
  catalog.dimensionValues!.set("pipeline_monthly.stage_label", ["Appointment Scheduled", "Contract Sent"]);
});
const { plan, refusal } = plannerOver(() => catalog);
const input = (q: string) => plan(q).calls[0]!.input as Record<string, unknown>;

describe("a slice said before the question keeps the ranking and the slice", () => {
  test.each([
    ["Outside the Enterprise pipeline, which rep won the most deals in October?", "!=", "Enterprise"],
    ["Excluding the Enterprise pipeline, who won the most deals last month?", "!=", "Enterprise"],
    ["In the Sales Pipeline, which rep won the most deals in October?", "=", "Sales Pipeline"],
    ["For the Sales Pipeline: which owner closed the most won amount in Q3?", "=", "Sales Pipeline"],
  ])("%p ranks owners, pipeline %s %s", (q, op, value) => {
    const p = plan(q);
    expect(p.intent).toBe("argmax");
    expect(p.calls[0]!.input).toMatchObject({
      group_by: ["owner"],
      filters: [{ dimension: "pipeline", op, value }],
    });
  });

  test.each(["Outside the Enterprise pipeline, deals won in October", "In the Sales Pipeline, deals won in October"])(
    "%p: the pipeline's own name is a slice, never open pipeline as a second metric",
    (q) => {
      const metrics = plan(q).calls.map((c) => (c.input as { metric: string }).metric);
      expect(metrics[0]).toBe("deals_won");
      expect(metrics).not.toContain("open_pipeline");
      expect(metrics).not.toContain("open_deals");
    },
  );

  test("a superlative with a ranking word anywhere is never answered with a total", () => {
    expect(refusal("deals won in October, which one is the most").reason).toContain("most");
  });
});

describe("an exclusion is a negated filter, whatever words say it", () => {
  test.each([
    ["win rate for everyone except Tom in October", "owner", "!=", "Tom Becker"],
    ["won amount in Q3 for everybody except Sofia", "owner", "!=", "Sofia Rossi"],
    ["open pipeline now, leaving out the Enterprise pipeline", "pipeline", "!=", "Enterprise"],
    ["deals won this year, leave out Enterprise", "pipeline", "!=", "Enterprise"],
    ["MRR last month apart from Enterprise", "plan", "!=", "Enterprise"],
    ["open pipeline with the Enterprise pipeline left out", "pipeline", "!=", "Enterprise"],
  ])("%p → %s %s %s", (q, dimension, op, value) => {
    expect(input(q).filters).toContainEqual({ dimension, op, value });
  });

  test.each([
    ["Open deals at the end of Q3 for everyone but Priya and Tom", ["Priya Nair", "Tom Becker"]],
    ["deals lost in October excluding James and Maria", ["James Chen", "Maria Lopez"]],
  ])("%p: first names joined leave both out", (q, values) => {
    const f = (input(q).filters as { op: string; value: string[] }[])[0]!;
    expect(f.op).toBe("not_in");
    expect([...f.value].sort()).toEqual(values);
  });

  test("a value left out of a dimension already kept to another one is the same slice", () => {
    expect(input("average deal size in the sales pipeline (not enterprise) in H1 2026").filters).toEqual([
      { dimension: "pipeline", op: "=", value: "Sales Pipeline" },
    ]);
  });

  test("two kept values of one dimension not joined are asked back", () => {
    refusal("deals won in the sales pipeline in the enterprise pipeline in October");
  });
});

describe("several values together are one filter on all of them", () => {
  test.each([
    ["Priya and Maria together — deals won in September?", "owner", ["Maria Lopez", "Priya Nair"]],
    ["James and Sofia combined, won amount in Q3", "owner", ["James Chen", "Sofia Rossi"]],
    ["ARR for Growth and Pro combined at the end of Q3", "plan", ["Growth", "Pro"]],
  ])("%p → %s in %p", (q, dimension, values) => {
    const f = (input(q).filters as { dimension: string; op: string; value: string[] }[])[0]!;
    expect(f).toMatchObject({ dimension, op: "in" });
    expect([...f.value].sort()).toEqual(values);
  });

  test("a level totalled over months is still asked back", () => {
    expect(refusal("total MRR in Q3").reason).toContain("no total over a range");
  });
});

const rows = (q: string) => {
  const p = plan(q);
  expect(p.intent).toBe("count_rows");
  return p.calls[0]!.input as { mart: string; filters: { column: string; op: string; value: unknown }[] };
};

describe("customers counted as they stand now, by country and status said loosely", () => {
  test.each([
    ["paying customers in Spain", "ES", ["active", "past_due"]],
    ["how many paying customers in FR", "FR", ["active", "past_due"]],
    ["German customers who are paying", "DE", ["active", "past_due"]],
    ["churned customers in the netherlands", "NL", "churned"],
    ["how many trialing customers in the US", "US", "trialing"],
    ["Irish customers who never paid", "IE", "never_paid"],
  ])("%p → country %s, status %p", (q, country, status) => {
    const i = rows(q);
    expect(i.mart).toBe("customers");
    expect(i.filters).toContainEqual({ column: "country", op: "=", value: country });
    expect(i.filters).toContainEqual(
      Array.isArray(status)
        ? { column: "status", op: "in", value: status }
        : { column: "status", op: "=", value: status },
    );
  });

  // tune17c: each side is counted on its own (before, asked back)
  test.each(["UK vs France paying customers", "paying customers in Germany compared with Spain"])(
    "%p: two countries set against each other are two counts, never one",
    (q) => {
      const p = plan(q);
      expect(p.calls.length).toBe(2);
      expect(
        p.calls.map((c) => (c.input.filters as { column: string }[]).filter((f) => f.column === "country").length),
      ).toEqual([1, 1]);
    },
  );

  test("'in the US' is a place, never the pronoun dropped", () => {
    expect(rows("how many paying customers in the US").filters).toContainEqual({
      column: "country",
      op: "=",
      value: "US",
    });
  });
});

describe("a bound on a row's amount, said in words", () => {
  test.each([
    ["open deals worth more than 25,000 dollars — how many?", "deals", { column: "amount", op: ">", value: 25000 }],
    ["how many customers pay more than $300 a month", "customers", { column: "mrr", op: ">", value: 300 }],
    ["French customers paying over $50/mo", "customers", { column: "mrr", op: ">", value: 50 }],
    ["how many open deals over 5000 usd right now", "deals", { column: "amount", op: ">", value: 5000 }],
  ])("%p → %s %p", (q, mart, bound) => {
    const i = rows(q);
    expect(i.mart).toBe(mart);
    expect(i.filters).toContainEqual(bound);
  });
});

describe("only-words and a tier's short form", () => {
  test.each([
    ["solely Pro: MRR last month", "Pro"],
    ["MRR from the Growth plan exclusively, last month", "Growth"],
    ["ent mrr last month", "Enterprise"],
  ])("%p → plan %s", (q, value) => {
    expect(input(q).filters).toContainEqual({ dimension: "plan", op: "=", value });
  });
});

describe("two values of one dimension set against each other: each read on its own, the first named first", () => {
  const sides = (q: string) =>
    plan(q)
      .calls.filter((c) => c.role === "main")
      .map((c) => c.input as { metric: string; filters: { dimension: string; op: string; value: unknown }[] });
  test.each([
    ["growth vs starter arr last month", "arr", "plan", ["Growth", "Starter"]],
    ["Starter customers versus Pro customers in September", "plan_customers", "plan", ["Starter", "Pro"]],
    ["Maria vs Tom: deals won last quarter", "deals_won", "owner", ["Maria Lopez", "Tom Becker"]],
    [
      "open pipeline in the Sales Pipeline compared to the Enterprise pipeline now",
      "open_pipeline",
      "pipeline",
      ["Sales Pipeline", "Enterprise"],
    ],
  ])("%p → %s by %s %p", (q, metric, dimension, values) => {
    const s = sides(q);
    expect(s.map((x) => x.metric)).toEqual([metric, metric]);
    expect(s.map((x) => x.filters.find((f) => f.dimension === dimension)?.value)).toEqual(values);
  });

  test("a side that reads another way (a word of change said as a plan) is asked back", () => {
    refusal("Pro vs Growth MRR growth this year");
  });
});

describe("one segment across two periods", () => {
  test.each([
    ["Growth plan customers, August vs July", "plan_customers", "2026-08", "2026-07"],
    ["growth customers in august vs july", "plan_customers", "2026-08", "2026-07"],
    ["Starter MRR, September versus June", "mrr", "2026-09", "2026-06"],
  ])("%p → %s compared, %s vs %s", (q, metric, current, previous) => {
    const p = plan(q);
    expect(p.intent).toBe("compare");
    expect(p.calls[0]!.input).toMatchObject({ metric, current, previous });
    expect((p.calls[0]!.input as { filters: { dimension: string }[] }).filters[0]!.dimension).toBe("plan");
  });

  test("'MRR growth' said with a vs stays net new MRR compared", () => {
    expect(plan("MRR growth in Q3 vs Q2").calls[0]!.input).toMatchObject({ metric: "net_new_mrr" });
  });
});
