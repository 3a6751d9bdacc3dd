import { beforeAll, describe, expect, test } from "bun:test";
import type { Catalog } from "../../../engine/catalog/catalog.ts";
import { demoCatalog, plannerOver } from "./demo-planner.ts";

/**
 * The rules of branch tune14 (#15), on phrasings that are in no eval file, written before the code from the vendors'
 * own report names: ChartMogul's Chart Data table and MRR Movements chart list "New Business MRR, Expansion MRR,
 * Contraction MRR, Churn MRR and Reactivation MRR" with a "Net MRR Movements" report, and filter a chart "by Plan"
 * (help.chartmogul.com/hc/en-us/articles/203299912, …/6245832909852); HubSpot deal reports by deal owner and stage
 * (knowledge.hubspot.com); Baremetrics and ProfitWell name ARPA "ARPU". Plans over the demo's catalog at 2026-11-21.
 */
let catalog: Catalog;
beforeAll(() => {
  catalog = demoCatalog();
});
const { plan, refusal } = plannerOver(() => catalog);
const input = (q: string) => plan(q).calls[0]!.input;

describe("a money noun heading the phrase picks the amount, never the rate that shares its stem", () => {
  test.each([
    ["churn MRR last month", "churned_mrr", "last_month"],
    ["Churn MRR for September", "churned_mrr", "2026-09"],
    ["churn mrr in q3 2026", "churned_mrr", "2026-Q3"],
    ["contraction MRR last month", "contraction_mrr", "last_month"],
    ["refund amount in October", "refunds", "2026-10"],
    ["lost deals amount in october", "lost_amount", "2026-10"],
    // HubSpot's deal "Amount" summed over the open deals is the open pipeline (a synonym since tune21)
    ["open deals amount now", "open_pipeline", "latest"],
  ])("%p → %s", (q, metric, period) => {
    expect(input(q)).toMatchObject({ metric, period });
  });

  test.each([
    ["failed payments $ last month", "failed_payments_amount"],
    ["won deals $ in october", "won_amount"],
    ["reactivation amount in q3", "reactivation_mrr"],
  ])("%p: the money said picks the amount of the count it names (%s)", (q, metric) => {
    expect(input(q)).toMatchObject({ metric });
  });

  test.each(["contraction rate last month", "churned customers amount last month"])(
    "%p: a unit no metric of those words has is asked back",
    (q) => {
      expect(refusal(q).kind).toBe("clarify");
    },
  );

  test.each([
    ["MRR churn in Q3", "revenue_churn_rate"],
    ["revenue churn last quarter", "revenue_churn_rate"],
    ["churn MRR rate in Q3", "revenue_churn_rate"],
  ])("%p: the unit said first only qualifies churn, so it stays the rate %s", (q, metric) => {
    expect(input(q)).toMatchObject({ metric });
  });

  test.each(["churn amount in Q3", "churn $ last quarter", "churn dollars last month"])(
    "%p: an amount of churn no metric names whole is asked back, never the customer churn rate",
    (q) => {
      const r = refusal(q);
      expect(r.kind).toBe("clarify");
      expect(r.reason).toContain("an amount");
    },
  );
});

describe("a vendor's report, row or chart framing a metric is read as the metric", () => {
  test.each([
    ["What did the Expansion row of the MRR movements table say for October?", "expansion_mrr", "2026-10"],
    ["What did the Churn row of the MRR movements table say for September?", "churned_mrr", "2026-09"],
    ["the New Business line in the MRR movements report for October", "new_mrr", "2026-10"],
    ["the Win Rate row of the sales dashboard for Q3", "win_rate", "2026-Q3"],
    ["MRR movements for October — how much was Reactivation MRR?", "reactivation_mrr", "2026-10"],
    ["MRR movements for October — what was churn?", "churned_mrr", "2026-10"],
    ["the MRR movements chart for September — what was expansion?", "expansion_mrr", "2026-09"],
    ["Deals won report for October", "deals_won", "2026-10"],
    ["Net MRR movement for September", "net_new_mrr", "2026-09"],
    ["ChartMogul calls it ARPA — what was ours last month?", "arpa", "last_month"],
    ["ProfitWell says ARPU — what's ours in September?", "arpa", "2026-09"],
    ["win rate for Q3 as one rate for the quarter", "win_rate", "2026-Q3"],
  ])("%p → %s %s", (q, metric, period) => {
    expect(input(q)).toMatchObject({ metric, period });
  });

  test("a chart filtered to a plan keeps the plan as a filter", () => {
    expect(input("MRR chart filtered to the Growth plan — what was it at the end of October?")).toMatchObject({
      metric: "mrr",
      period: "2026-10",
      filters: [{ dimension: "plan", op: "=", value: "Growth" }],
    });
  });

  test.each([
    ["MRR by plan chart — which plan has the most MRR?", "mrr", "plan"],
    ["Won amount by owner for Q3 — who came out on top?", "won_amount", "owner"],
    ["Closed won amount by owner for September — who's on top?", "won_amount", "owner"],
  ])("%p: who's on top of a report split by a dimension is its argmax", (q, metric, dim) => {
    const p = plan(q);
    expect(p.intent).toBe("argmax");
    expect(p.calls[0]!.input).toMatchObject({ metric, group_by: [dim] });
  });

  test.each([
    "MRR movements for October",
    "MRR movements table for Q3",
    "the Churn row of the Chart Data table for August",
    "the Expansion row of the customers table for October",
  ])("%p: the movements table as a whole, or a one-word row of a report with no unit, is asked back", (q) => {
    expect(refusal(q).status).toBe("refusal");
  });
});

describe("a definition restated with 'i.e.' is checked against the metric's own", () => {
  test("the five movements restate net new MRR: answered", () => {
    expect(
      input("Net MRR movement for September, i.e. new business + expansion + reactivation − contraction − churn"),
    ).toMatchObject({ metric: "net_new_mrr", period: "2026-09" });
  });

  test("another formula is another number: asked back with the definition", () => {
    const r = refusal("net mrr movement in Q3, i.e. new business plus expansion minus churn");
    expect(r.kind).toBe("clarify");
    expect(r.reason).toContain("is not how Net new MRR is defined");
  });

  test("an 'i.e.' that carries a filter is never dropped: asked back", () => {
    expect(refusal("MRR for October, i.e. Pro only").kind).toBe("clarify");
  });
});

describe("Stripe's payment count and a board deck's net new ARR are metrics of their own", () => {
  test.each([
    ["How many successful payments in September?", "successful_payments", "2026-09"],
    ["number of successful payments last month", "successful_payments", "last_month"],
    ["net new ARR last quarter", "net_new_arr", "last_quarter"],
  ])("%p → %s", (q, metric, period) => {
    expect(input(q)).toMatchObject({ metric, period });
  });

  test.each([
    "how many payments did we get last month",
    "successful payments amount in october",
    "net new arr vs net new mrr",
  ])("%p: payments of any status, an amount of a count, two metrics set against each other: asked back", (q) => {
    expect(refusal(q).status).toBe("refusal");
  });
});

describe("deals created in a period are the deals counted by the day each was created", () => {
  test.each([
    ["how many deals were created in September?", "2026-09-01", "2026-10-01", []],
    ["Deals created vs closed report — how many deals were created in Q3?", "2026-07-01", "2026-10-01", []],
    [
      "how many deals were created in the Enterprise pipeline last quarter",
      "2026-07-01",
      "2026-10-01",
      [{ column: "pipeline", op: "=", value: "Enterprise" }],
    ],
  ])("%p → deals with created_date in the period, counted", (q, start, end, more) => {
    const p = plan(q);
    expect(p.intent).toBe("count_rows");
    expect(p.calls[0]!.input).toMatchObject({ mart: "deals" });
    expect(p.calls[0]!.input.filters).toEqual([
      { column: "created_date", op: ">=", value: start },
      { column: "created_date", op: "<", value: end },
      ...more,
    ]);
  });

  test.each(["how many deals were created", "how many new deals were created in October"])(
    "%p: with no period, or a word it cannot place, asked back",
    (q) => {
      expect(refusal(q).status).toBe("refusal");
    },
  );

  test("a report's name with a value in it keeps the value: never dropped with the report", () => {
    expect(input("Pro plan MRR report — what was MRR in September?")).toMatchObject({
      metric: "mrr",
      filters: [{ dimension: "plan", op: "=", value: "Pro" }],
    });
  });
});

describe("a mart's rows kept to the values its columns' synonyms name, counted now", () => {
  test.each([
    [
      "How many paying customers do we have in France?",
      [
        { column: "country", op: "=", value: "FR" },
        { column: "status", op: "in", value: ["active", "past_due"] },
      ],
    ],
    [
      "how many paying customers in the UK",
      [
        { column: "country", op: "=", value: "GB" },
        { column: "status", op: "in", value: ["active", "past_due"] },
      ],
    ],
  ])("%p → customers counted with those filters", (q, filters) => {
    const p = plan(q);
    expect(p.intent).toBe("count_rows");
    expect(p.calls[0]!.input).toMatchObject({ mart: "customers" });
    expect(p.calls[0]!.input.filters).toEqual(filters);
  });

  test.each([
    "how many customers do we have in Germany",
    "how many paying customers do we have in Germany or France",
    "how many paying customers did we have in Germany last month",
    "how many paying customers have we ever had in Germany",
  ])("%p: no status said, two values of one column, or a period the rows cannot keep: asked back", (q) => {
    expect(refusal(q).status).toBe("refusal");
  });
});
