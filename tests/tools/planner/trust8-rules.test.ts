import { beforeAll, describe, expect, test } from "bun:test";
import type { Catalog } from "../../../engine/catalog/catalog.ts";
import { expandShorthand } from "../../../tools/planner/vocabulary.ts";
import { demoCatalog, plannerOver } from "./demo-planner.ts";

/**
 * The rules of branch trust8 (#15), on phrasings that are in no eval file: a level at an instant said as an
 * opening/closing figure, "at month end" or the 1st of a month; comparisons said with "up or down" or "higher …
 * than"; "at its peak" and "when"; growth and selling said as verbs; a level "since the end of" a period.
 * Planned over the demo's own catalog at 2026-11-21. Pure.
 */
let catalog: Catalog;
beforeAll(() => {
  catalog = demoCatalog();
  catalog.dimensionValues!.set("deals_closed_monthly.owner", ["Priya Nair", "James Chen", "Tom Becker", "Maria Lopez"]);
});
const { plan, refusal } = plannerOver(() => catalog);
const main = (q: string) => plan(q).calls.find((c) => c.role === "main" || c.role === undefined)!.input;

describe("a level at an instant", () => {
  test.each([
    ["closing mrr for august", "mrr", "2026-08"],
    ["opening arr in q3", "arr", "2026-06"],
    ["what was our ending customer count in may", "active_customers", "2026-05"],
    ["starting open pipeline for september", "open_pipeline", "2026-08"],
  ])("an opening or closing figure: %p reads %s at the end of %s", (q, metric, period) => {
    const p = plan(q);
    expect(p.intent).toBe("metric");
    expect(p.calls[0]!.input).toMatchObject({ metric, period });
  });

  test("'paying customers at month end' is the level now, this month to date", () => {
    expect(plan("paying customers at month end").calls[0]!.input).toMatchObject({
      metric: "active_customers",
      period: "this_month",
    });
  });

  test.each([
    ["mrr as of 1 july", "mrr", "2026-06"],
    ["how many paying accounts did we have on aug 1", "active_customers", "2026-07"],
  ])("the 1st of a month opens it: %p reads %s at the end of %s", (q, metric, period) => {
    expect(plan(q).calls[0]!.input).toMatchObject({ metric, period });
  });

  test("a day inside a month still asks back, naming both month ends", () => {
    const r = refusal("arr on august 15");
    expect(r.kind).toBe("clarify");
    expect(r.reason).toContain("ask for the end of July 2026 or the end of August 2026");
  });

  test("deals, trials and rates said with closing/ending keep their own reading", () => {
    expect(plan("closing deals in october").calls[0]!.input).toMatchObject({
      metric: "deals_closed",
      period: "2026-10",
    });
    expect(plan("trials ending in october").calls[0]!.input).toMatchObject({
      metric: "trials_ended",
      period: "2026-10",
    });
    expect(expandShorthand("mrr as of last month end")).toBe("mrr as of last month end");
  });
});

describe("comparisons and verbs", () => {
  test("'lower in September than in August' compares the two months, the first said as current", () => {
    const p = plan("was new mrr lower in september than in august");
    expect(p.intent).toBe("compare");
    expect(p.calls[0]!.input).toMatchObject({ metric: "new_mrr", current: "2026-09", previous: "2026-08" });
  });

  test("'grow more in X than in Y' compares two growths, not two levels (trust10: the change over each, both stated)", () => {
    const p = plan("did arr grow more in july than in june");
    expect(p.calls.map((c) => [c.role, c.name, c.input.current, c.input.previous])).toEqual([
      ["main", "compare_periods", "2026-07", undefined],
      ["companion", "compare_periods", "2026-06", undefined],
    ]);
  });

  test("'up or down' is a change; 'than' before a number is left as typed", () => {
    const p = plan("did arr go up or down in q3");
    expect(p.intent).toBe("compare");
    expect(p.calls[0]!.input).toMatchObject({ metric: "arr", current: "2026-Q3" });
    expect(expandShorthand("customers with more than 5 seats")).toBe("customers with more than 5 seats");
  });

  test("a level since the end of a month: now against that month's end", () => {
    expect(main("how much has mrr gone up since the end of march")).toMatchObject({
      metric: "mrr",
      current: "this_month",
      previous: "2026-03",
    });
  });

  test("'when … at their peak' ranks the metric's months, never a dimension in its name", () => {
    const p = plan("when were open deals at their peak in 2026");
    expect(p.intent).toBe("argmax");
    expect(p.calls[0]!.input).toMatchObject({ metric: "open_deals", grain: "month" });
    expect(p.interpretation!.argmax).toEqual({ dimension: "period", direction: "most" });
  });

  test("growth said of the company is MRR growth; 'grow customers' keeps its metric; 'fast enough' is not placed", () => {
    expect(plan("have we grown this quarter").calls[0]!.input).toMatchObject({
      metric: "net_new_mrr",
      period: "this_quarter",
    });
    expect(expandShorthand("did we grow customers in q2")).toBe("did we grow customers in q2");
    expect(expandShorthand("are we growing fast enough")).toBe("are we growing fast enough");
  });

  test("'how much have we sold this year' is the closed-won amount", () => {
    expect(plan("how much have we sold this year").calls[0]!.input).toMatchObject({
      metric: "won_amount",
      period: "this_year",
    });
  });
});

describe("a ranking of rows kept to a state, a period and a value", () => {
  test("'the 2 largest deals tom won in q1' keeps won deals closed in Q1 owned by Tom Becker", () => {
    expect(main("the 2 largest deals tom won in q1")).toMatchObject({
      mart: "deals",
      measure: "amount",
      n: 2,
      direction: "top",
      filters: [
        { column: "is_won", op: "=", value: true },
        { column: "close_date", op: ">=", value: "2026-01-01" },
        { column: "close_date", op: "<", value: "2026-04-01" },
        { column: "owner", op: "=", value: "Tom Becker" },
      ],
    });
  });

  test("'smallest open deal in the sales pipeline' keeps open deals of that pipeline", () => {
    expect(main("smallest open deal in the sales pipeline")).toMatchObject({
      mart: "deals",
      direction: "bottom",
      filters: [
        { column: "is_open", op: "=", value: true },
        { column: "pipeline", op: "=", value: "Sales Pipeline" },
      ],
    });
  });

  test("a value said with its column's name ('the enterprise pipeline') keeps to that value", () => {
    expect(main("biggest deal in the enterprise pipeline lost in q1")).toMatchObject({
      filters: [
        { column: "is_lost", op: "=", value: true },
        { column: "close_date", op: ">=", value: "2026-01-01" },
        { column: "close_date", op: "<", value: "2026-04-01" },
        { column: "pipeline", op: "=", value: "Enterprise" },
      ],
    });
  });

  test("a period with no state, or a word no column holds, still asks back", () => {
    expect(refusal("largest deal from last month").kind).toBe("clarify");
    expect(refusal("biggest deal maria won from a retailer").kind).toBe("clarify");
  });
});

describe("more ways to say an instant or a change", () => {
  test.each([
    ["end of quarter arr", "arr", "this_quarter"],
    ["what was mrr at the close of q2", "mrr", "2026-Q2"],
  ])("%p reads %s at %s's end", (q, metric, period) => {
    expect(plan(q).calls[0]!.input).toMatchObject({ metric, period });
  });

  test.each([
    ["did active customers fall in september", "active_customers", "2026-09"],
    ["has new mrr increased this quarter", "new_mrr", "this_quarter"],
  ])("a verb of rise or fall after the metric is its change: %p", (q, metric, current) => {
    const p = plan(q);
    expect(p.intent).toBe("compare");
    expect(p.calls[0]!.input).toMatchObject({ metric, current });
  });

  test("a verb of falling said of people, and 'customers at start of month' (a metric's name), are left as typed", () => {
    expect(expandShorthand("how many customers dropped off")).toBe("how many customers dropped off");
    expect(expandShorthand("customers at start of month", ["customers at start of month"])).toBe(
      "customers at start of month",
    );
  });

  test("'peak arr quarter' ranks quarters by ARR", () => {
    const p = plan("peak arr quarter this year");
    expect(p.intent).toBe("argmax");
    expect(p.calls[0]!.input).toMatchObject({ metric: "arr", grain: "quarter" });
  });
});

describe("a count of rows above or below an amount", () => {
  test("'how many deals maria won for at least $12k in q2' counts won deals of Q2 with amount >= 12000 owned by Maria Lopez", () => {
    const p = plan("how many deals maria won for at least $12k in q2");
    expect(p.intent).toBe("count_rows");
    expect(p.calls[0]!.input).toMatchObject({
      mart: "deals",
      measure: "amount",
      filters: [
        { column: "amount", op: ">=", value: 12000 },
        { column: "is_won", op: "=", value: true },
        { column: "close_date", op: ">=", value: "2026-04-01" },
        { column: "close_date", op: "<", value: "2026-07-01" },
        { column: "owner", op: "=", value: "Maria Lopez" },
      ],
    });
  });

  test("'open deals under 1.5k' counts open deals below 1500; a bound with no money mark is left to ask back", () => {
    expect(plan("open deals under 1.5k").calls[0]!.input).toMatchObject({
      filters: [
        { column: "amount", op: "<", value: 1500 },
        { column: "is_open", op: "=", value: true },
      ],
    });
    expect(refusal("how many open deals are over 3").kind).toBe("clarify");
  });

  test("deals over an amount with no state said ('deals' alone) ask which: open, won or lost", () => {
    const r = refusal("how many deals are bigger than $7k");
    expect(r.kind).toBe("clarify");
    expect(r.reason).toContain("won, lost, open");
  });

  test("a count of won or lost deals over an amount with no period asks which period, quoting no figure", () => {
    const r = refusal("lost deals above $9k");
    expect(r.kind).toBe("clarify");
    expect(r.reason).toContain("over which period?");
    expect(r.reason).not.toMatch(/\d/);
  });
});
