import { beforeAll, describe, expect, test } from "bun:test";
import { loadCatalog, type Catalog } from "../../../engine/catalog/catalog.ts";
import { loadProject } from "../../../engine/config/project.ts";
import { findPeriods } from "../../../tools/planner/periods.ts";
import { planQuestion, type Plan, type Refusal } from "../../../tools/planner/plan.ts";
import { expandShorthand } from "../../../tools/planner/vocabulary.ts";
import { repoRoot } from "../../helpers.ts";

/**
 * The rules of the third #15 pass (branch ask3), each on a phrasing that is in no eval file: a change between two
 * named periods, a side compared against now, a level at a mid-month day, instants of a year, names of customers,
 * a deal with no owner, people by first name, durations with no period, half years, shorthand.
 */
let catalog: Catalog;
const at = new Date("2026-11-21T06:00:00Z");
const owners = ["Priya Nair", "James Chen", "Tom Becker", "Maria Lopez", "Sofia Rossi"];

beforeAll(() => {
  catalog = loadCatalog(loadProject(repoRoot));
  catalog.dimensionValues = new Map<string, string[]>([
    ["mrr_by_plan_monthly.plan", ["Pro", "Starter", "Enterprise", "Growth"]],
    ["mrr_by_plan_monthly.currency", ["usd"]],
    ["mrr_monthly.currency", ["usd"]],
    ["pipeline_monthly.owner", owners],
    ["pipeline_monthly.pipeline", ["Sales Pipeline", "Enterprise"]],
    ["deals_closed_monthly.owner", owners],
    ["deals_closed_monthly.pipeline", ["Sales Pipeline", "Enterprise"]],
    ["deals.owner", owners],
    ["deals.pipeline", ["Sales Pipeline", "Enterprise"]],
  ]);
});

function plan(q: string, c: Catalog = catalog): Plan {
  const p = planQuestion(q, c, at);
  if (p.status !== "plan") throw new Error(`${q}: refused (${p.reason})`);
  return p;
}

function main(q: string, c: Catalog = catalog): Record<string, unknown> {
  return plan(q, c).calls.find((x) => x.role === "main")!.input;
}

function refusal(q: string, c: Catalog = catalog): Refusal {
  const p = planQuestion(q, c, at);
  if (p.status !== "refusal") throw new Error(`${q}: answered with ${JSON.stringify(p.calls[0]?.input)}`);
  return p;
}

describe("a change between two named periods compares the level at each", () => {
  test("'by how much did MRR change between June and August' is MRR at the end of August vs June, not net new MRR summed", () => {
    const p = plan("by how much did MRR change between June and August");
    expect(p.intent).toBe("compare");
    expect(p.calls[0]!.input).toMatchObject({ metric: "mrr", current: "2026-08", previous: "2026-06" });
    expect(p.interpretation!.read_as).toBe(
      "MRR: the end of August 2026 vs the end of June 2026, test accounts excluded",
    );
  });

  test("a flow named without a change word still sums over the range ('net new MRR from June to August')", () => {
    const p = plan("net new MRR from June to August");
    expect(p.intent).toBe("metric");
    expect(main("net new MRR from June to August")).toMatchObject({
      metric: "net_new_mrr",
      period: { start: "2026-06-01", end: "2026-08-31" },
    });
  });
});

describe("one period said against now", () => {
  test("'open deals currently compared with last month': now is current, last month the side compared against", () => {
    expect(plan("open deals currently compared with last month").calls[0]!.input).toMatchObject({
      metric: "open_deals",
      current: "this_month",
      previous: "last_month",
    });
  });

  test("'ARR versus last quarter': the period after versus is the previous side", () => {
    expect(plan("ARR versus last quarter").calls[0]!.input).toMatchObject({
      metric: "arr",
      current: "this_month",
      previous: "last_quarter",
    });
  });
});

describe("a level at a day", () => {
  test("a mid-month day of a past month asks back, naming the month ends around it", () => {
    const r = refusal("open pipeline as of October 10");
    expect(r.kind).toBe("clarify");
    expect(r.unplaced!.join(" ")).toMatch(/Oct 10, 2026 .*month ends.*end of September 2026.*end of October 2026/);
  });

  test("a month's last day is that month's end ('the 31st of August')", () => {
    expect(main("MRR on the 31st of August")).toMatchObject({ metric: "mrr", period: "2026-08" });
  });

  test("days in words are periods; a day not in the calendar is none", () => {
    expect(findPeriods("tickets on nov 3rd", at).map((p) => p.period)).toEqual(["2026-11-03"]);
    expect(findPeriods("tickets on 2 march 2025", at).map((p) => p.period)).toEqual(["2025-03-02"]);
    expect(findPeriods("tickets on feb 30", at).map((p) => p.period)).toEqual(["2026-02"]);
  });
});

describe("instants of a year", () => {
  test("'at the beginning of 2026' is the end of December 2025 for a level; 'the end of 2025' is December 2025", () => {
    expect(main("paying customers at the beginning of 2026")).toMatchObject({
      metric: "active_customers",
      period: "2025-12",
    });
    expect(main("open pipeline at the end of 2025")).toMatchObject({ metric: "open_pipeline", period: "2025" });
  });
});

describe("personal data", () => {
  test.each(["give me the name of our top account", "who are the newest customers"])("%p is refused", (q) =>
    expect(refusal(q).kind).toBe("refuse"),
  );
});

describe("a deal with no owner", () => {
  test("'pipeline with no owner' filters on the value the catalog's value_synonyms give", () => {
    expect(main("pipeline with no owner")).toMatchObject({
      metric: "open_pipeline",
      filters: [{ dimension: "owner", op: "=", value: "(no owner)" }],
    });
  });

  test("a filtered sum also asks for the unfiltered total (a filter no row matches is 0 only when the period has rows)", () => {
    const calls = plan("unowned open deals").calls;
    expect(calls.find((c) => c.role === "total")?.input).toMatchObject({ metric: "open_deals", filters: [] });
  });
});

describe("people by first name", () => {
  test("a first name exactly one owner has is that owner", () => {
    expect(main("deals Maria won in Q3")).toMatchObject({
      metric: "deals_won",
      filters: [{ dimension: "owner", op: "=", value: "Maria Lopez" }],
    });
  });

  test("a first name two owners share asks back; a first name on a dimension of no people is never matched", () => {
    const twoToms = loadCatalog(loadProject(repoRoot));
    twoToms.dimensionValues = new Map([["deals_closed_monthly.owner", [...owners, "Tom Hardy"]]]);
    expect(refusal("deals Tom won in Q3", twoToms).kind).toBe("clarify");
    const plans = loadCatalog(loadProject(repoRoot));
    plans.dimensionValues = new Map([["mrr_by_plan_monthly.plan", ["Pro Annual", "Starter"]]]);
    expect(refusal("mrr for pro customers", plans).kind).toBe("clarify");
  });
});

describe("a duration with no period", () => {
  test("'what's the average time to close' reads the year to date and says so", () => {
    const p = plan("what's the average time to close");
    expect(p.calls[0]!.input).toMatchObject({ metric: "average_sales_cycle_days", period: "ytd" });
    expect(p.interpretation!.why.join(" ")).toMatch(/duration in days, read over the year to date/);
    expect(p.interpretation!.read_as).toMatch(/over 2026 to date as one mean/);
  });

  test("a duration in minutes keeps the last full month", () => {
    expect(main("how quickly we reply")).toMatchObject({ metric: "first_response_minutes", period: "last_month" });
  });
});

describe("half years", () => {
  test("'H1' is January to June; the current half runs to today", () => {
    expect(main("cash collected in H1")).toMatchObject({
      metric: "revenue_collected",
      period: { start: "2026-01-01", end: "2026-06-30" },
    });
    expect(findPeriods("the 2nd half of this year", at)[0]!.period).toEqual({ start: "2026-07-01", end: "2026-11-21" });
    expect(findPeriods("first half of last year", at)[0]!.period).toEqual({ start: "2025-01-01", end: "2025-06-30" });
    expect(refusal("deals won in the second half of 2027").kind).toBe("clarify");
  });
});

describe("shorthand", () => {
  test("'wat' and 'wht' are what", () => {
    expect(expandShorthand("wht is mrr")).toBe("what is mrr");
    expect(main("wat were refunds in october")).toMatchObject({ metric: "refunds", period: "2026-10" });
  });
});

describe("two periods in one question", () => {
  test("two months joined by 'and' that meet end to end are one range ('deals lost in july and august')", () => {
    expect(main("deals lost in july and august")).toMatchObject({
      metric: "deals_lost",
      period: { start: "2026-07-01", end: "2026-08-31" },
    });
  });

  test("two months with a gap are never cut to the first one said", () => {
    expect(refusal("refunds in may 2026 and august").unplaced!.join(" ")).toMatch(/one period or one range/);
  });

  test("'vs the quarter before' and 'the prior month' after the same month are the period before", () => {
    expect(plan("won amount this quarter vs the quarter before").calls[0]!.input).toMatchObject({
      metric: "won_amount",
      current: "this_quarter",
    });
    const same = plan("refunds last month compared with the prior month").calls[0]!.input;
    expect(same).toMatchObject({ metric: "refunds", current: "last_month" });
    expect(same.previous).toBeUndefined();
  });

  test("'the end of the quarter' is the current quarter", () => {
    expect(findPeriods("open deals at the end of the quarter", at).map((p) => p.period)).toEqual(["this_quarter"]);
  });
});

describe("rankings, shares, pairs of metrics and years ago", () => {
  test("a ranking with a period it cannot apply asks back; a size word ranks by the money column", () => {
    // a period with no state ("in q2": created or closed?) is never guessed; "closed" with it is won (trust8)
    expect(refusal("the biggest deal in q2").unplaced).toEqual(["q2"]);
    expect(main("the biggest deal we closed in q2")).toMatchObject({
      mart: "deals",
      filters: [
        { column: "is_won", op: "=", value: true },
        { column: "close_date", op: ">=", value: "2026-04-01" },
        { column: "close_date", op: "<", value: "2026-07-01" },
      ],
    });
    expect(planQuestion("who had the largest deal last quarter", catalog, at).status).toBe("refusal");
    expect(main("smallest deal")).toMatchObject({ mart: "deals", measure: "amount", direction: "bottom", n: 1 });
  });

  test("'what proportion of …' asks for a percentage: never a count", () => {
    expect(main("what proportion of closed deals did we win in september")).toMatchObject({
      metric: "win_rate",
      period: "2026-09",
    });
  });

  test("'deals won and lost' is deals won and deals lost (one noun for both), each in the reading", () => {
    const p = plan("how many deals were won and lost in september");
    expect(p.calls.filter((c) => c.role === "main").map((c) => c.input.metric)).toEqual(["deals_won", "deals_lost"]);
    expect(p.interpretation!.read_as).toMatch(/also Deals lost/);
  });

  test("'a year ago' is this month a year back; 'the year before last' is a calendar year", () => {
    expect(main("active customers a year ago")).toMatchObject({ metric: "active_customers", period: "2025-11" });
    expect(findPeriods("refunds the year before last", at)[0]!.period).toBe("2024");
  });
});

describe("instants in comparisons and words never corrected", () => {
  test("'open pipeline today against the beginning of the year': the start side is the end of December 2025", () => {
    expect(plan("open pipeline now against the beginning of the year").calls[0]!.input).toMatchObject({
      metric: "open_pipeline",
      current: "this_month",
      previous: "2025-12",
    });
  });

  test("words of an instant never name a metric ('paying customers … the start of the year' is active customers)", () => {
    expect(
      plan("how have paying customers changed since the start of the year vs now").interpretation!.metric,
    ).not.toBe("customers_at_start");
  });

  test("'started' is an English word, never corrected to the plan Starter", () => {
    expect(refusal("subscriptions started in october").unplaced).toContain("started");
  });
});

describe("places, states and percentages of change", () => {
  test("'US' before customers or revenue is a place: 'ARR from US accounts' asks back", () => {
    expect(refusal("ARR from US accounts").unplaced).toContain("us");
  });

  test("'open tickets' is a state: the open tickets now (a stock, tune24b), never the tickets opened in a month", () => {
    expect(main("how many support tickets are still open")).toMatchObject({ metric: "open_tickets", period: "latest" });
    expect(main("support tickets opened in september")).toMatchObject({ metric: "tickets_opened", period: "2026-09" });
  });

  test("'by what percent did ARR grow this year' compares ARR now with the end of last year", () => {
    const p = plan("by what percent did ARR grow this year");
    expect(p.intent).toBe("compare");
    expect(p.calls[0]!.input).toMatchObject({ metric: "arr", current: "this_year" });
  });
});

describe("rows are not a number", () => {
  test.each(["list the subscriptions on growth", "which accounts downgraded in october"])(
    "%p is refused, never answered with a count",
    (q) => expect(refusal(q).kind).toBe("refuse"),
  );

  test("'which plan …' is still an argmax over a dimension", () => {
    expect(plan("which plan has the fewest paying customers").intent).toBe("argmax");
  });
});

describe("a comparison of two metrics", () => {
  test("'how did expansion and contraction MRR compare in q3' asks back: no tool subtracts one metric from another", () => {
    const r = refusal("how did expansion and contraction MRR compare in q3");
    expect(r.kind).toBe("clarify");
    expect(r.reason).toMatch(/one metric between two periods/);
  });
});

describe("more shorthand", () => {
  test("'u', 'eoq' and 'MM/YYYY' are read; a month 13 is none", () => {
    expect(expandShorthand("can u pull arr at eoq")).toBe("can you pull arr at the end of the quarter");
    expect(findPeriods("refunds for 09/2026", at).map((p) => p.period)).toEqual(["2026-09"]);
    expect(findPeriods("refunds for 13/2026", at).map((p) => p.period)).toEqual(["2026"]);
  });
});

describe("each, due to, verbs of a flow", () => {
  test("'each rep' is a breakdown by owner", () => {
    expect(main("won amount for each rep this year")).toMatchObject({ metric: "won_amount", group_by: ["owner"] });
    expect(main("bookings each owner had in q2")).toMatchObject({ metric: "won_amount", group_by: ["owner"] });
  });

  test("'due to' is 'to'; 'add' says a flow happened, and never places a level", () => {
    expect(main("contraction MRR due to downgrades in august")).toMatchObject({ metric: "contraction_mrr" });
    expect(main("how much did reactivations add in q2")).toMatchObject({
      metric: "reactivation_mrr",
      period: "2026-Q2",
    });
    expect(refusal("how much open pipeline did James add in october").unplaced).toContain("add");
  });
});

describe("year over year", () => {
  test("'YoY growth of deals won in q2' compares Q2 2026 with Q2 2025, not with Q1", () => {
    expect(plan("YoY growth of deals won in q2").calls[0]!.input).toMatchObject({
      metric: "deals_won",
      current: "2026-Q2",
      previous: "2025-Q2",
    });
  });

  test("'this time last year' is this month a year back", () => {
    expect(main("open deals this time last year")).toMatchObject({ metric: "open_deals", period: "2025-11" });
  });
});

describe("all of a dimension", () => {
  test("'won amount for all pipelines in q3' is the unfiltered total; a value after 'all' still filters", () => {
    const p = plan("won amount for all pipelines in q3");
    expect(p.calls[0]!.input).toMatchObject({ metric: "won_amount", period: "2026-Q3", filters: [] });
    expect(p.calls[0]!.input.group_by).toBeUndefined();
  });
});

describe("a percentage said outright", () => {
  test("'how many trials converted as a percentage of trials ended in q2' is never the count of trials converted", () => {
    const p = planQuestion("how many trials converted as a percentage of trials ended in q2", catalog, at);
    if (p.status === "plan") expect(p.calls[0]!.input.metric).toBe("trial_conversion_rate");
    else expect(p.kind).toBe("clarify");
  });
});

describe("ranges said without from/between, and all time", () => {
  test("'refunds aug through oct' and 'refunds in aug, sep and oct' are one range; a list with a gap asks back", () => {
    const range = { metric: "refunds", period: { start: "2026-08-01", end: "2026-10-31" } };
    expect(main("refunds aug through oct")).toMatchObject(range);
    expect(main("refunds in aug, sep and oct")).toMatchObject(range);
    expect(refusal("refunds in aug, sep and nov").kind).toBe("clarify");
  });

  test("'all time' never names a metric: 'bookings all time' is not the sales cycle ('time to win')", () => {
    const p = planQuestion("how many deals did Tom win all time", catalog, at);
    expect(p.status === "plan" ? p.calls[0]!.input.metric : "asked back").not.toBe("sales_cycle_days");
  });
});

describe("the reading of a comparison", () => {
  test("interpretation.period is the current side and grain is none ('open deals growth month over month')", () => {
    const i = plan("open deals growth month over month").interpretation!;
    expect(i.grain).toBeNull();
    expect(i.period).toMatchObject({ start: "2026-11-01", end: "2026-11-21", to_date: true });
    expect(i.read_as).toBe("Open deals: now (November 2026, to date) vs the end of October 2026");
  });
});

describe("more comparison edges", () => {
  test("'how much did trials ended grow in september' compares the count (how much is the size of the change)", () => {
    expect(plan("how much did trials ended grow in september").calls[0]!.input).toMatchObject({
      metric: "trials_ended",
      current: "2026-09",
    });
  });

  test("three periods in one comparison ask back; a level 'since last quarter' asks back (since its start, its end?)", () => {
    expect(refusal("ARR in q1 vs q2 vs q3").unplaced!.join(" ")).toMatch(/two periods at a time/);
    expect(refusal("ARR since last quarter").unplaced).toContain("since");
    // a count since last quarter is that quarter and this one to date (branch ask4)
    expect(main("deals won since last quarter").period).toEqual({ start: "2026-07-01", end: "2026-11-21" });
  });
});

describe("a dimension's suffix word", () => {
  test("plan_tier is also said 'tier' ('accounts at risk split by tier')", () => {
    expect(main("accounts at risk split by tier")).toMatchObject({
      metric: "accounts_at_risk",
      group_by: ["plan_tier"],
    });
  });
});
