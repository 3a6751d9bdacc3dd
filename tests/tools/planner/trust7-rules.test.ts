import { beforeAll, describe, expect, test } from "bun:test";
import type { Catalog } from "../../../engine/catalog/catalog.ts";
import { expandShorthand } from "../../../tools/planner/vocabulary.ts";
import { demoCatalog, plannerOver } from "./demo-planner.ts";

/**
 * The rules of branch trust7 (#15), on phrasings that are in no eval file: a top-N of a dimension or of months, a
 * ranking with no measure, a share whose part is a value spelt like a measure word, a deal closed by a person,
 * clipped shorthand, and a word in several metrics' names. Planned over the demo's own catalog. Pure.
 */
let catalog: Catalog;
const owners = ["Priya Nair", "James Chen", "Tom Becker", "Maria Lopez", "Sofia Rossi"];

beforeAll(() => {
  catalog = demoCatalog();
  for (const mart of ["pipeline_monthly", "deals_closed_monthly", "deals"])
    catalog.dimensionValues!.set(`${mart}.owner`, owners);
});
const { plan, refusal } = plannerOver(() => catalog);
const main = (q: string) => plan(q).calls.find((c) => c.role === "main")!.input;

describe("a top-N of a dimension lists N of it", () => {
  test.each([
    ["the top four plans by arr", "arr", "plan", 4, "most"],
    ["bottom 2 sales reps by won deals in q2", "deals_won", "owner", 2, "least"],
    ["top 3 sellers by open pipeline right now", "open_pipeline", "owner", 3, "most"],
  ])("%p ranks %s by %s, %d of them", (q, metric, dim, n, direction) => {
    const p = plan(q);
    expect(p.intent).toBe("argmax");
    expect(p.calls[0]!.input).toMatchObject({ metric, group_by: [dim] });
    expect(p.interpretation!.argmax).toEqual({ dimension: dim, direction: direction as "most" | "least", n });
    expect(p.interpretation!.read_as).toContain(`the ${n} ${dim === "owner" ? "owner" : dim}s with the ${direction}`);
  });

  test("the top 2 weeks of tickets in October rank weeks; a single 'top' still names one", () => {
    const p = plan("top 2 weeks for tickets opened in october");
    expect(p.calls[0]!.input).toMatchObject({ metric: "tickets_opened", grain: "week" });
    expect(p.interpretation!.argmax).toEqual({ dimension: "period", direction: "most", n: 2 });
    expect(plan("top plan by arr").interpretation!.argmax).toEqual({ dimension: "plan", direction: "most" });
  });

  test("a superlative, the metric, then the bucket: 'highest expansion mrr quarter this year' ranks quarters", () => {
    const p = plan("highest expansion mrr quarter this year");
    expect(p.intent).toBe("argmax");
    expect(p.calls[0]!.input).toMatchObject({ metric: "expansion_mrr", period: "this_year", grain: "quarter" });
  });

  test.each([
    ["show me the top 3 plans by arr", "arr", "plan", 3],
    ["what are the top two plans by mrr last month", "mrr", "plan", 2],
    ["which 2 plans have the fewest customers", "plan_customers", "plan", 2],
  ])("a request's framing or a count after 'which' keeps the count: %p", (q, metric, dim, n) => {
    const p = plan(q);
    expect(p.calls[0]!.input).toMatchObject({ metric, group_by: [dim] });
    expect(p.interpretation!.argmax!.n).toBe(n);
  });

  test("'4 best months for new mrr this year' ranks months, four of them", () => {
    const p = plan("4 best months for new mrr this year");
    expect(p.calls[0]!.input).toMatchObject({ metric: "new_mrr", grain: "month", period: "this_year" });
    expect(p.interpretation!.argmax).toEqual({ dimension: "period", direction: "most", n: 4 });
  });

  test("'what is the least popular plan' ranks plans though the metric's name took the word 'plan'", () => {
    const p = plan("what is the least popular plan");
    expect(p.calls[0]!.input).toMatchObject({ metric: "plan_customers", group_by: ["plan"] });
    expect(p.interpretation!.argmax).toEqual({ dimension: "plan", direction: "least" });
  });

  test("a ranking of a dimension with no measure asks back with the metrics it could be", () => {
    const r = refusal("the top two plans");
    expect(r.kind).toBe("clarify");
    expect(r.reason).toContain("by no measure");
    expect(r.reason).toContain("mrr");
    expect(r.suggestions).toContain("MRR by plan");
    expect(refusal("top 3 plans by arpa").reason).toContain('"arpa" is no metric split by plans');
  });

  test.each([
    ["3 biggest customers", 3],
    ["our ten largest deals", 10],
    ["the two smallest deals", 2],
  ])("a count before the superlative of rows is the count: %p lists %d", (q, n) => {
    expect(plan(q).calls[0]).toMatchObject({ name: "top_n", input: { n } });
  });

  test("rows are still ranked as rows: 'top 10 customers by mrr' is a top_n of the customers mart", () => {
    expect(plan("top 10 customers by mrr").calls[0]).toMatchObject({
      name: "top_n",
      input: { mart: "customers", n: 10 },
    });
  });
});

describe("a share's part said by a value alone is the value", () => {
  test("'what percent of arr is growth' is the Growth plan's ARR over all ARR, and says why", () => {
    const p = plan("what percent of arr is growth");
    expect(p.intent).toBe("arithmetic");
    expect(p.calls.map((c) => c.input)).toEqual([
      { metric: "arr", period: "latest", filters: [{ dimension: "plan", op: "=", value: "Growth" }] },
      { metric: "arr", period: "latest", filters: [] },
    ]);
    expect(p.interpretation!.why.join(" ")).toContain('"growth" is the plan');
  });

  test("'how much of our arr comes from pro' is a share too", () => {
    const p = plan("how much of our arr comes from pro");
    expect(p.intent).toBe("arithmetic");
    expect(p.calls[0]!.input.filters).toEqual([{ dimension: "plan", op: "=", value: "Pro" }]);
  });

  test("a value before the metric's own name is the value ('growth arr', as 'pro arr'); after it, a change", () => {
    expect(main("growth arr last month")).toMatchObject({
      metric: "arr",
      filters: [{ dimension: "plan", op: "=", value: "Growth" }],
    });
    expect(plan("arr growth last month").interpretation!.filters).toEqual([]);
  });

  test("'top 3 stages by pipeline': after a ranking, 'by' a word of the metric's name is its measure, no split", () => {
    const p = plan("top 3 stages by pipeline");
    expect(p.calls[0]!.input).toMatchObject({ metric: "open_pipeline", group_by: ["stage"] });
    expect(p.interpretation!.group_by).toEqual([]);
    expect(p.interpretation!.read_as).not.toContain("by pipeline");
  });

  test("'how many of our deals are in the enterprise pipeline' keeps its count cue: open deals, not pipeline $", () => {
    const p = plan("how many of our deals are in the enterprise pipeline");
    expect(p.intent).toBe("arithmetic");
    expect(p.calls[0]!.input).toMatchObject({ metric: "open_deals", filters: [{ value: "Enterprise" }] });
  });

  test("a change of MRR said outright is still a change, not a share", () => {
    expect(plan("mrr growth last month").interpretation!.metric).toBe("net_new_mrr");
  });
});

describe("a deal closed by a person is a deal won", () => {
  test.each([
    ["who closed the most deals in q3", "deals_won"],
    ["which salesperson closed the fewest deals this year", "deals_won"],
    ["how many deals did tom close in september", "deals_won"],
    ["who's closed the most deals this quarter", "deals_won"],
  ])("%p reads %s", (q, metric) => {
    const p = plan(q);
    expect(p.calls[0]!.input.metric).toBe(metric);
    expect(p.interpretation!.why.join(" ")).toContain('"closed" said of a person');
  });

  test("deals closed by the team, or closed won/lost, keep their words", () => {
    expect(main("deals closed in september").metric).toBe("deals_closed");
    expect(main("how many deals did we close in september").metric).toBe("deals_closed");
  });
});

describe("clipped shorthand", () => {
  test("lst, prio, rte, rev, acct, amt, pipe, biz, conv, mo, ttm, m/m are the words they clip", () => {
    expect(expandShorthand("lst qtr high prio churn rte rev per acct won amt open pipe")).toBe(
      "last qtr high priority churn rate revenue per account won amount open pipeline",
    );
    expect(expandShorthand("new biz last mo, nrr ttm, trial conv, mrr m/m, how r we doing")).toBe(
      "new business last month, nrr last 12 months, trial conversion, mrr month over month, how are we doing",
    );
    expect(expandShorthand("tix this wk, dau yday, ave deal size")).toBe(
      "tickets this week, dau yesterday, average deal size",
    );
    expect(main("churn rte lst month").metric).toBe("churn_rate");
    expect(main("open pipe for maria").filters).toEqual([{ dimension: "owner", op: "=", value: "Maria Lopez" }]);
  });
});

describe("a word in several metrics' names and the whole name of none", () => {
  test("'how many users do we have' is not answered with one of DAU, WAU, MAU", () => {
    const r = refusal("how many users do we have");
    expect(r.reason).toContain('"users" is in the names of several metrics');
    expect(r.reason).toContain("Monthly active users (MAU)");
  });

  test("a metric's name with 'today' in it needs the day said: 'users active in august' is MAU", () => {
    expect(main("how many users were active in august").metric).toBe("monthly_active_users");
    expect(main("users today").metric).toBe("daily_active_users");
  });
});

describe("periods from a start up to now", () => {
  test.each([
    ["new customers since q3", { start: "2026-07-01", end: "2026-11-21" }],
    ["churned customers since the start of q2", { start: "2026-04-01", end: "2026-11-21" }],
    ["new mrr since the beginning of september", { start: "2026-09-01", end: "2026-11-21" }],
    ["deals won from the start of the year", "ytd"],
  ])("%p is that start up to today, never the quarter or month alone", (q, period) => {
    expect(main(q).period).toEqual(period);
  });

  test("'from the start of the year to june' is January to June, never the start alone", () => {
    expect(main("new customers from the start of the year to june").period).toEqual({
      start: "2026-01-01",
      end: "2026-06-30",
    });
  });
});

describe("'last December' and an average per bucket", () => {
  test("'last <month>' is the latest whole month of that name: last November is 2025's, last March 2026's", () => {
    expect(main("new customers last november").period).toBe("2025-11");
    expect(main("new customers last march").period).toBe("2026-03");
  });

  test("'average new mrr per month this year' is new MRR by month, averaged; the reading says so", () => {
    const p = plan("average new mrr per month this year");
    expect(p.intent).toBe("average");
    expect(p.calls[0]!.input).toEqual({ metric: "new_mrr", period: "this_year", filters: [], grain: "month" });
    expect(p.interpretation!.read_as).toContain("the average per month over 2026 (to date)");
    expect(plan("avg weekly tickets opened last quarter").calls[0]!.input).toMatchObject({ grain: "week" });
  });

  test("an average that is a metric's own name is that metric; a level averaged per month is asked back", () => {
    expect(main("average active users per day last month").metric).toBe("daily_active_users");
    expect(refusal("average mrr per month this year").kind).toBe("clarify");
  });
});

describe("'when … the most' and 'ever' in a ranking of periods", () => {
  test("'when did we lose the most customers this year' ranks months, never the year's total", () => {
    const p = plan("when did we lose the most customers this year");
    expect(p.intent).toBe("argmax");
    expect(p.calls[0]!.input).toMatchObject({ metric: "churned_customers", period: "this_year", grain: "month" });
  });

  test("'our best month ever for new mrr' ranks every month with data", () => {
    const p = plan("our best month ever for new mrr");
    expect(p.calls[0]!.input).toMatchObject({ metric: "new_mrr", period: "all", grain: "month" });
    expect(p.interpretation!.read_as).toContain("all time");
  });
});

describe("the ranked noun said before 'with the most'", () => {
  test.each([
    ["plan with the most customers", "plan_customers", { group_by: ["plan"] }],
    ["show the sales rep with the highest won amount this year", "won_amount", { group_by: ["owner"] }],
    ["the month with the fewest new customers this year", "new_customers", { grain: "month" }],
    ["in which quarter did we win the most deals", "deals_won", { grain: "quarter" }],
  ])("%p ranks it, never the total", (q, metric, shape) => {
    const p = plan(q);
    expect(p.intent).toBe("argmax");
    expect(p.calls[0]!.input).toMatchObject({ metric, ...shape });
  });
});

describe("comparatives", () => {
  test("'which plan has more customers' ranks plans as 'the most' does; 'which plan brings in less mrr' the least", () => {
    expect(plan("which plan has more customers").interpretation!.argmax).toEqual({
      dimension: "plan",
      direction: "most",
    });
    expect(plan("which plan brings in less mrr").interpretation!.argmax).toEqual({
      dimension: "plan",
      direction: "least",
    });
  });

  test("a comparative with nothing to rank asks back, never the total ('what has more customers')", () => {
    expect(refusal("what has more customers").kind).toBe("clarify");
  });

  test("'which pipeline has more deals': the ranked dimension is no word of the metric, and 'deals' alone asks back", () => {
    expect(refusal("which pipeline has more deals").reason).toContain("several metrics");
    expect(plan("which pipeline won the most deals this year").calls[0]!.input).toMatchObject({
      metric: "deals_won",
      group_by: ["pipeline"],
    });
  });

  test("'more customers on Pro or Starter' sets the two against each other: asked back, never their sum", () => {
    const r = refusal("do we have more customers on pro or starter");
    expect(r.kind).toBe("clarify");
    expect(r.reason).toContain('"pro or starter"');
    expect(main("customers on pro or starter").filters).toEqual([
      { dimension: "plan", op: "in", value: ["Pro", "Starter"] },
    ]);
  });
});

describe("a bucket of time ranked by no metric", () => {
  test("'best month this year' asks back which metric, with ranking questions it can answer", () => {
    const r = refusal("best month this year");
    expect(r.kind).toBe("clarify");
    expect(r.reason).toContain('"best month" ranks months by no metric');
    expect(r.suggestions!.length).toBeGreaterThan(0);
    expect(plan(r.suggestions![0]!).intent).toBe("argmax");
  });
});
