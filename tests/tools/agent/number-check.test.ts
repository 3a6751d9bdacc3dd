import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { modelView } from "../../../tools/agent/view.ts";
import { checkNumbers, valueCells } from "../../../tools/agent/number-check.ts";
import { createToolContext, type ToolContext } from "../../../tools/context.ts";
import { callTool } from "../../../tools/toolbox/index.ts";
import { createFixture, type Fixture } from "../fixture.ts";

/**
 * The views below have the shape modelView() gives the model ({ tool, data, citations }); the
 * numbers in them are placed where real results put dates, as-of stamps, test counts, period
 * labels, row counts and ranks, so that a number the model invents can only "match" through them.
 */
const citation = {
  model: "marts.churn_monthly",
  as_of: "2026-11-21 06:00",
  sources: [{ source: "billing.subscriptions", freshness: "fresh" }],
  tests: { passed: 14, total: 14, failing: [] },
  last_build_failed: false,
};

const churnView = {
  tool: "query_metric",
  data: {
    metric: "churn_rate",
    label: "Customer churn",
    format: "percent",
    unit: null,
    time_rollup: "ratio",
    period: { start: "2026-10-01", end: "2026-11-01", label: "October 2026", toDate: false },
    grain: null,
    group_by: [],
    filters: [],
    rows: [{ value: 0.0412, rows: 21 }],
    truncated: false,
  },
  citations: [citation],
};

const mrrSeries = {
  tool: "query_metric",
  data: {
    metric: "mrr",
    label: "MRR",
    format: "currency",
    unit: "USD",
    time_rollup: "last",
    period: { start: "2026-05-01", end: "2026-11-01", label: "last 6 months", toDate: false },
    grain: "month",
    group_by: [],
    filters: [{ dimension: "plan", op: "=", value: 3 }],
    rows: [
      { period: "2026-09-01", period_label: "Sep 2026", at: "2026-09-01", value: 1_150_220.4, rows: 7 },
      { period: "2026-10-01", period_label: "Oct 2026", at: "2026-10-01", value: 1_187_400.5, rows: 8 },
    ],
    truncated: false,
  },
  citations: [{ ...citation, model: "marts.mrr_monthly" }],
};

const topView = {
  tool: "top_n",
  data: {
    mart: "customers",
    measure: "mrr",
    label_column: "plan",
    direction: "top",
    format: "currency",
    unit: null,
    rows: [
      { rank: 1, label: "enterprise", value: 48_210 },
      { rank: 2, label: "pro", value: 30_115 },
      { rank: 3, label: "basic", value: 9_020 },
      { rank: 4, label: "starter", value: 905 },
      { rank: 5, label: "free", value: 0 },
    ],
  },
  citations: [{ ...citation, model: "marts.customers" }],
};

const compareView = {
  tool: "compare_periods",
  data: {
    metric: "active_customers",
    label: "Active customers",
    format: "number",
    unit: null,
    current: {
      period: { start: "2026-10-01", end: "2026-11-01", label: "October 2026" },
      value: 902,
      at: "2026-10-01",
    },
    previous: { period: { start: "2026-09-01", end: "2026-10-01", label: "September 2026" }, value: 848, at: null },
    change: 54,
    change_ratio: 0.0637,
  },
  citations: [citation],
};

/** the same result with a churn of 6.12% */
const ratioView = { ...churnView, data: { ...churnView.data, rows: [{ value: 0.0612, rows: 21 }] } };

const flagged = (prose: string, views: unknown[], question = "") =>
  checkNumbers(prose, [...views, question]).mismatches.map((m) => m.text);

describe("only value cells of tool results count", () => {
  test("a number found only in a date, an as-of stamp or a period's bounds is not verified", () => {
    // 21 and 6 appear in as_of "2026-11-21 06:00"; 1 in "2026-10-01"; 11 in "2026-11-01"
    expect(flagged("Churn fell 6% in October.", [churnView])).toEqual(["6%"]);
    expect(flagged("21 customers churned in October.", [churnView])).toEqual(["21"]);
    expect(flagged("Churn rose by 1 point.", [churnView])).toEqual(["1 point"]);
    expect(flagged("We lost 11 customers.", [churnView])).toEqual(["11"]);
  });

  test("a test count is not a business number; it verifies only a statement about tests", () => {
    expect(flagged("14 customers churned last month.", [churnView])).toEqual(["14"]);
    expect(flagged("Churn was 4.1%; all 14 of 14 tests passed.", [churnView])).toEqual([]);
    expect(flagged("Churn was 4.1% (14 checks passed).", [churnView])).toEqual([]);
  });

  test("a row count (mart rows behind a value) is not a count of customers", () => {
    expect(flagged("21 churned in October.", [churnView])).toEqual(["21"]);
    expect(flagged("8 customers pay us.", [mrrSeries])).toEqual(["8"]);
    // said as rows, it is what the tool returned
    expect(flagged("MRR in October 2026 was $1.19M (from 8 rows).", [mrrSeries])).toEqual([]);
  });

  test("a period label's number ('last 6 months'), a filter value and a rank are not values", () => {
    expect(flagged("MRR grew 6% over the period.", [mrrSeries])).toEqual(["6%"]);
    expect(flagged("MRR was 3 dollars.", [mrrSeries])).toEqual(["3 dollars"]);
    expect(flagged("5 customers pay nothing.", [topView])).toEqual(["5"]);
    expect(flagged("4 plans earn more than $900.", [topView])).toEqual(["4", "$900"]);
  });

  test("ranks and periods said in prose are labels, not claims: 'top 5', '#1', '2nd', 'last 6 months'", () => {
    expect(flagged("The top 5 plans by MRR: enterprise is #1 with $48.2k, pro 2nd.", [topView])).toEqual([]);
    expect(flagged("Over the last 6 months MRR reached $1,187,400.50.", [mrrSeries])).toEqual([]);
    expect(flagged("Over the past 3 months MRR reached $1.2M.", [mrrSeries])).toEqual([]);
  });
});

describe("units must agree", () => {
  test("a ratio is a percentage: 0.0612 verifies 6.1% and 6%, never 6 as a count", () => {
    expect(flagged("Churn was 6.1% in October 2026.", [ratioView])).toEqual([]);
    expect(flagged("Churn was about 6%.", [ratioView])).toEqual([]);
    expect(flagged("Churn was 6 in October.", [ratioView])).toEqual(["6"]);
    expect(flagged("6 customers churned in October.", [ratioView])).toEqual(["6"]);
    expect(flagged("The churn rate was 0.0612.", [ratioView])).toEqual([]);
  });

  test("money is money: a currency value does not verify a percentage or a count of things", () => {
    expect(flagged("MRR was $1,187,400.50, about $1.2M or 1187k USD.", [mrrSeries])).toEqual([]);
    expect(flagged("MRR was 1.19 million dollars.", [mrrSeries])).toEqual([]);
    expect(flagged("MRR was €1.2M.", [mrrSeries])).toEqual([]);
    expect(flagged("Enterprise earns 48,210%.", [topView])).toEqual(["48,210%"]);
    expect(flagged("We have 48,210 customers on enterprise.", [topView])).toEqual(["48,210"]);
    expect(flagged("MRR reached 1,187,400.50 in October.", [mrrSeries])).toEqual([]);
  });

  test("a count is not money and not a percentage", () => {
    expect(flagged("We had 902 active customers, up 54 (6.4%).", [compareView])).toEqual([]);
    expect(flagged("We had 902 active customers, up 6%.", [compareView])).toEqual([]);
    expect(flagged("Active customers rose to $902.", [compareView])).toEqual(["$902"]);
    expect(flagged("Active customers rose 54%.", [compareView])).toEqual(["54%"]);
    expect(flagged("Active customers rose 9.02%.", [compareView])).toEqual(["9.02%"]);
  });

  test("a change in a ratio is said in points", () => {
    const pp = {
      ...compareView,
      data: {
        ...compareView.data,
        format: "percent",
        current: { ...compareView.data.current, value: 0.041 },
        previous: { ...compareView.data.previous, value: 0.046 },
        change: -0.005,
        change_ratio: -0.1087,
      },
    };
    expect(flagged("Churn fell 0.5 percentage points to 4.1%, a 10.9% relative drop.", [pp])).toEqual([]);
    expect(flagged("Churn fell 0.5 pp from 4.6%.", [pp])).toEqual([]);
    expect(flagged("Churn fell 2 points.", [pp])).toEqual(["2 points"]);
  });

  test("rounding, separators and k/M/B are accepted as before; a wrong digit is not", () => {
    expect(flagged("MRR was $1.19M, $1,187k, $1.2M, 1.1874M.", [mrrSeries])).toEqual([]);
    expect(flagged("September was $1,150,220 and October $1.187M.", [mrrSeries])).toEqual([]);
    expect(flagged("MRR was $1.3M.", [mrrSeries])).toEqual(["$1.3M"]);
    expect(flagged("MRR was $1,178,400.", [mrrSeries])).toEqual(["$1,178,400"]);
    expect(flagged("MRR was $0.00119B.", [mrrSeries])).toEqual([]);
  });

  test("the human's own numbers may be repeated", () => {
    expect(
      flagged("The top 3 plans by MRR: enterprise $48,210, pro $30,115, basic $9,020.", [topView], "top 3 plans"),
    ).toEqual([]);
    expect(flagged("You asked about 12 customers; churn was 4.1%.", [churnView], "did 12 customers churn?")).toEqual(
      [],
    );
  });
});

describe("value cells from real tool results", () => {
  let fx: Fixture;
  let ctx: ToolContext;
  beforeAll(async () => {
    fx = await createFixture();
    ctx = createToolContext(fx.project);
  });
  afterAll(() => {
    ctx.close();
    fx.cleanup();
  });

  test("a query_metric series: its values verify, its dates, row counts and test counts do not", async () => {
    const metric = ctx.catalog.metrics.find((m) => m.format === "currency" && m.time_rollup === "last")!;
    const r = await callTool(ctx, {
      name: "query_metric",
      input: { metric: metric.name, period: "last_6_months", grain: "month" },
    });
    const view = JSON.parse(modelView(r, ctx.catalog, false).content);
    const cells = valueCells(view);
    const values = (r.output.rows as { value: number }[]).map((row) => row.value);
    expect(cells.filter((c) => c.unit === "money").map((c) => c.value)).toEqual(values);
    // every row count, test count and date part is something a model could otherwise "cite"
    const rowCounts = (r.output.rows as { rows: number }[]).map((row) => row.rows);
    for (const n of rowCounts) {
      if (values.some((v) => Math.abs(v - n) < 0.5)) continue;
      expect(flagged(`${n} customers pay us.`, [view])).toEqual([String(n)]);
    }
    const tests = view.citations[0].tests.total as number;
    if (!values.some((v) => Math.abs(v - tests) < 0.5))
      expect(flagged(`${tests} customers.`, [view])).toEqual([String(tests)]);
    for (const v of values) expect(flagged(`MRR was $${Math.round(v).toLocaleString("en-US")}.`, [view])).toEqual([]);
  });
});
