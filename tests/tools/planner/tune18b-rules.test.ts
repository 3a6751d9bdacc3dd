import { beforeAll, describe, expect, test } from "bun:test";
import type { Catalog } from "../../../engine/catalog/catalog.ts";
import { beliefLines } from "../../../tools/ask/belief-lines.ts";
import type { RoledResult } from "../../../tools/ask/compose.ts";
import { DEMO_AT, demoCatalog, plannerOver } from "./demo-planner.ts";

/**
 * The rules of branch tune18b (#15, batch 18 "belief checks"), on phrasings in no eval file — the ways founders and
 * RevOps put a check in public writing (Baremetrics' "expansion MRR for the month exceeds the churn MRR", the
 * "net new MRR is negative: you're shrinking" of MRR glossaries, NDR's "expansion enough to offset losses", a rep
 * "top closer"): a superlative belief over periods or people is the ranking with the named one checked, two metrics
 * "which is bigger" are both stated, a share against a bound is the share, and a share asked in two periods is each
 * period's part over its whole — never the part's own change. Pure: no warehouse.
 */
let catalog: Catalog;
beforeAll(() => {
  catalog = demoCatalog();
  // the owners a build reads (the pure demo catalog carries no deal owners): a person is checked only when known
  catalog.dimensionValues?.set("deals_closed_monthly.owner", ["Sofia Rossi", "Maria Lopez", "James Chen"]);
});
const { plan, refusal } = plannerOver(() => catalog);
const main = (q: string) => plan(q).calls.find((c) => c.role === "main")!.input;

describe("a named month checked against the ranking of the span's months", () => {
  test.each([
    ["was March our best month this year for new MRR?", "new_mrr", "most", "2026-03-01"],
    [
      "Is it true that June was our strongest month for new customers this year?",
      "new_customers",
      "most",
      "2026-06-01",
    ],
    ["was may our biggest month ever for revenue collected", "revenue_collected", "most", "2026-05-01"],
    ["was July really our worst month for churned MRR this year?", "churned_mrr", "most", "2026-07-01"],
    ["was February our best month for churn rate this year", "churn_rate", "least", "2026-02-01"],
    ["am I right that October was our record month for new MRR?", "new_mrr", "most", "2026-10-01"],
    ["Was August the month we lost the most customers this year?", "churned_customers", "most", "2026-08-01"],
    ["was April the month with the most failed payments this year", "failed_payments", "most", "2026-04-01"],
    ["was last month our best month this year for expansion MRR", "expansion_mrr", "most", "2026-10-01"],
  ])("%s", (q, metric, direction, bucket) => {
    const p = plan(q);
    expect(p.intent).toBe("argmax");
    expect(main(q).metric).toBe(metric);
    expect(p.interpretation!.argmax).toMatchObject({ dimension: "period", direction });
    expect(p.interpretation!.check).toMatchObject({ kind: "winner", bucket });
  });

  test("'best' for a metric where lower is better ranks the lowest first", () => {
    expect(plan("was September our best month this year for churned MRR").interpretation!.argmax!.direction).toBe(
      "least",
    );
  });

  test("'ever' ranks every month with data, not this year's", () => {
    const p = plan("was August our best month ever for new MRR?");
    expect(p.interpretation!.period.text).toMatch(/all time/);
  });

  test("a span that is not one bucket of the grain is not a month checked", () => {
    // "Q3" is no month: read nothing here, never the ranking with a wrong bucket checked
    const p = planQuestion("was Q3 our best month this year for new MRR?");
    expect(p.status === "refusal" || !(p.interpretation as { check?: unknown })?.check).toBe(true);
  });
});

describe("a named person checked against the ranking of owners", () => {
  test.each([
    ["Was Sofia our top closer last quarter by closed-won value?", "won_amount"],
    ["is Maria our best rep this year by won amount", "won_amount"],
    ["was sofia rossi our top seller in Q3 by deals won", "deals_won"],
  ])("%s", (q, metric) => {
    const p = plan(q);
    expect(p.interpretation!.argmax!.dimension).toBe("owner");
    expect(main(q).metric).toBe(metric);
    expect(p.interpretation!.check!.kind).toBe("winner");
  });

  test("a name that is no owner is not checked (no ranking guessed)", () => {
    refusal("was Zed our top closer last quarter by closed-won value?");
  });

  test("a top closer with no measure is asked back", () => {
    refusal("was Sofia our top closer last quarter?");
  });
});

describe("a level that fell in some bucket: the lowest net new, the running month counted", () => {
  test.each([
    ["Has there been a single month this year where MRR went down?", "net_new_mrr"],
    ["was there any month this year when our ARR declined", "net_new_arr"],
    ["did MRR ever drop in any month this year?", "net_new_mrr"],
    ["have we had a month in 2025 where MRR shrank", "net_new_mrr"],
  ])("%s", (q, metric) => {
    const p = plan(q);
    expect(main(q).metric).toBe(metric);
    expect(p.interpretation!.argmax!.direction).toBe("least");
    expect(p.interpretation!.check).toEqual({ kind: "negative" });
  });
});

describe("which is bigger, A or B: both over the one period", () => {
  test.each([
    ["which is bigger, expansion or contraction in Q2?", ["expansion_mrr", "contraction_mrr"]],
    ["what's larger: new MRR or churned MRR last month", ["new_mrr", "churned_mrr"]],
    ["which was higher in October, deals won or deals lost?", ["deals_won", "deals_lost"]],
    ["did expansion MRR offset churned MRR in Q3?", ["expansion_mrr", "churned_mrr"]],
    ["does new MRR cover the MRR we lost to cancellations this year", ["new_mrr", "churned_mrr"]],
    ["Did expansion make up for the MRR lost to cancellations last quarter?", ["expansion_mrr", "churned_mrr"]],
  ])("%s", (q, metrics) => {
    const p = plan(q);
    // both stated, in whatever order; the first-named is the one checked against the other
    expect(
      p.calls
        .filter((c) => c.role === "main")
        .map((c) => c.input.metric)
        .sort(),
    ).toEqual([...metrics].sort());
    expect((p.interpretation!.check as { first: string }).first).toBe(metrics[0]!);
    expect(["bigger", "covers"]).toContain(p.interpretation!.check!.kind);
  });

  test("a number on one side is no second metric", () => {
    const p = planQuestion("did new MRR cover 5000 last month?");
    expect(p.status === "refusal" || !(p.interpretation as { check?: unknown })?.check).toBe(true);
  });
});

describe("a share of a total against a bound: the share, only of an additive metric", () => {
  test.each([
    ["Is Starter less than 10% of our MRR right now?", "Starter", "<", 0.1],
    ["is Enterprise more than half of our MRR now", "Enterprise", ">", 0.5],
    ["is Pro at least 25% of MRR", "Pro", ">=", 0.25],
    ["is most of our MRR from Pro?", "Pro", ">", 0.5],
  ] as [string, string, string, number][])("%s", (q, plan_, op, value) => {
    const p = plan(q);
    expect(p.intent).toBe("arithmetic");
    expect(p.calls.map((c) => c.role)).toEqual(["left", "share"]);
    expect(p.calls[0]!.input.filters).toContainEqual(expect.objectContaining({ value: plan_ }));
    expect(p.interpretation!.check).toMatchObject({ kind: "share", op, value });
  });

  test.each([
    // a rate or an average is no sum of its parts: a plan's churn rate is no share of the total's
    "is Starter less than 10% of our churn rate?",
    "is Pro more than half of our ARPA?",
    "is Enterprise over 50% of our win rate this year",
  ])("%s is not shared", (q) => {
    refusal(q);
  });
});

describe("a share of a mart's rows where no metric has the dimension: kept rows over the same population", () => {
  test.each([
    ["Is it true that most of our paying customers are in the US?", "US", "rows"],
    ["are more than half of our paying customers in the UK", "GB", "rows"],
    ["are most of our customers based in Germany?", "DE", "rows"],
    ["Do US customers account for more than half of our MRR?", "US", "total"],
    ["do german customers make up more than 10% of our MRR", "DE", "total"],
  ])("%s", (q, country, of) => {
    const p = plan(q);
    expect(p.intent).toBe("count_rows");
    const [part, whole] = p.calls.map((c) => c.input.filters as { column: string; value: unknown }[]);
    expect(part).toContainEqual(expect.objectContaining({ column: "country", value: country }));
    // the population is the paying customers, with and without the country
    expect(whole).toEqual(part!.filter((f) => f.column !== "country"));
    expect(whole).toContainEqual(expect.objectContaining({ column: "status" }));
    expect(p.interpretation!.check).toMatchObject({ kind: "share", of });
  });

  test("a share of an amount the rows do not carry is not read from them", () => {
    const p = planQuestion("do US customers account for more than half of our churn rate?");
    expect(p.status === "refusal" || p.intent !== "count_rows").toBe(true);
  });
});

describe("a share asked in two periods: each period's part over its whole, or asked back", () => {
  test("high-priority tickets as a share of all tickets, Q3 against Q2", () => {
    const p = plan("Is a bigger proportion of our tickets high priority in Q3 than in Q2, as a share of all tickets?");
    expect(p.intent).toBe("arithmetic");
    expect(p.calls.map((c) => [c.role, c.input.metric])).toEqual([
      ["left", "high_priority_tickets"],
      ["share", "tickets_opened"],
      ["left", "high_priority_tickets"],
      ["share", "tickets_opened"],
    ]);
    expect(p.calls[0]!.input.period).not.toEqual(p.calls[2]!.input.period);
  });

  test("a share in one period is the share", () => {
    const p = plan("high priority tickets as a percentage of all tickets last month");
    expect(p.calls.map((c) => c.role)).toEqual(["left", "share"]);
  });

  test("the part's own change is never the answer to a share", () => {
    // the count compared (216 vs 158, +36.7%) answers another question; asked back unless read as shares
    const p = planQuestion("did high priority tickets go up in October vs September as a share of tickets closed");
    if (p.status === "plan") expect(p.calls.some((c) => c.role === "share")).toBe(true);
  });

  test("a ranking by share is the ranking by value, and is kept", () => {
    expect(plan("which stage holds the largest share of open pipeline at the end of October").intent).toBe("argmax");
  });
});

describe("the verdict is written from the results", () => {
  const ranked = (rows: [string, number][], toDate = true) =>
    ({
      role: "main",
      name: "query_metric",
      input: {},
      summary: "",
      ms: 0,
      output: {
        label: "New customers",
        format: "number",
        group_by: [],
        grain: "month",
        time_rollup: "sum",
        period: { label: "in 2026 (to date)", toDate },
        rows: rows.map(([period, value]) => ({ period, value, rows: 1 })),
        citations: [],
      },
    }) as unknown as RoledResult;

  test("a tie for the lead says so", () => {
    const r = ranked([
      ["2026-05-01", 53],
      ["2026-09-01", 52],
      ["2026-10-01", 53],
      ["2026-11-01", 35],
    ]);
    expect(beliefLines({ kind: "winner", named: "may", bucket: "2026-05-01" }, [r])[0]).toMatch(/ties/);
    expect(beliefLines({ kind: "winner", named: "september", bucket: "2026-09-01" }, [r])[0]).toMatch(/^So no/);
  });

  test("the month still running is not ranked, and the answer says so", () => {
    const r = ranked([
      ["2026-10-01", 53],
      ["2026-11-01", 60],
    ]);
    expect(beliefLines({ kind: "winner", named: "november", bucket: "2026-11-01" }, [r])[0]).toMatch(/still running/);
  });

  test("'best' for a lower-is-better ranking is the lowest", () => {
    const r = ranked([
      ["2026-01-01", 8],
      ["2026-02-01", 3],
      ["2026-03-01", 13],
    ]);
    expect(beliefLines({ kind: "winner", named: "february", bucket: "2026-02-01" }, [r], "least")[0]).toMatch(
      /^So yes/,
    );
  });

  test("a fall in the month to date counts", () => {
    const r = ranked([
      ["2026-10-01", 5071],
      ["2026-11-01", -120],
    ]);
    expect(beliefLines({ kind: "negative" }, [r])[0]).toMatch(/^So yes: .*November 2026 \(to date\)/);
  });
});

function planQuestion(q: string) {
  const { planQuestion: p } =
    require("../../../tools/planner/plan.ts") as typeof import("../../../tools/planner/plan.ts");
  return p(q, catalog, DEMO_AT);
}
