import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Db } from "../../engine/warehouse/duckdb.ts";
import { createToolContext, type ToolContext } from "../../tools/context.ts";
import { callTool } from "../../tools/toolbox/index.ts";
import { resolvePeriod } from "../../engine/catalog/period.ts";
import type { MetricResult } from "../../tools/toolbox/query-metric.ts";
import { createFixture, FIXTURE_NOW, type Fixture } from "./fixture.ts";

let fx: Fixture;
let ctx: ToolContext;
let db: Db;
const STG = "staging.stg_billing__subscriptions";

beforeAll(async () => {
  fx = await createFixture();
  ctx = createToolContext(fx.project);
  db = await ctx.db();
});
afterAll(() => {
  ctx.close();
  fx.cleanup();
});

async function metric(input: Record<string, unknown>): Promise<MetricResult> {
  return (await callTool(ctx, { name: "query_metric", input })).output as unknown as MetricResult;
}

async function scalar(sql: string): Promise<number> {
  const row = await db.one<{ v: number }>(sql);
  return Number(row!.v);
}

/** churned and at-start counts straight from the staging rows, for one month */
const CHURN_PARTS = (month: string) => `
  WITH prev AS (SELECT customer_id FROM ${STG} WHERE month = DATE '${month}' - INTERVAL 1 MONTH),
       cur AS (SELECT customer_id FROM ${STG} WHERE month = DATE '${month}')
  SELECT (SELECT count(*) FROM prev WHERE customer_id NOT IN (SELECT customer_id FROM cur)) AS churned, (SELECT count(*) FROM prev) AS at_start`;

describe("periods", () => {
  test("resolve against DP_NOW: last month is the previous full calendar month", () => {
    const at = new Date(FIXTURE_NOW);
    expect(resolvePeriod("last_month", at)).toMatchObject({
      start: "2026-10-01",
      end: "2026-11-01",
      label: "October 2026",
    });
    expect(resolvePeriod("this_quarter", at)).toMatchObject({ start: "2026-10-01", end: "2027-01-01", toDate: true });
    expect(resolvePeriod("last_quarter", at)).toMatchObject({
      start: "2026-07-01",
      end: "2026-10-01",
      label: "Q3 2026",
    });
    expect(resolvePeriod("2026-09", at)).toMatchObject({ start: "2026-09-01", end: "2026-10-01" });
    expect(resolvePeriod("2026-Q2", at)).toMatchObject({ start: "2026-04-01", end: "2026-07-01" });
    expect(resolvePeriod("last_8_months", at)).toMatchObject({ start: "2026-03-01", end: "2026-11-01" });
    expect(resolvePeriod("ytd", at)).toMatchObject({ start: "2026-01-01", end: "2027-01-01" });
    expect(resolvePeriod({ start: "2026-06-01", end: "2026-06-30" }, at)).toMatchObject({
      start: "2026-06-01",
      end: "2026-07-01",
    });
    expect(() => resolvePeriod("fortnight", at)).toThrow(/not a period/);
  });
});

describe("query builder against independent SQL", () => {
  test("ratio rollup, one month: churn_rate in October 2026", async () => {
    const r = await metric({ metric: "churn_rate", period: "last_month" });
    const parts = (await db.one<{ churned: number; at_start: number }>(CHURN_PARTS("2026-10-01")))!;
    expect(r.rows).toHaveLength(1);
    expect(r.rows[0]!.value).toBeCloseTo(Number(parts.churned) / Number(parts.at_start), 10);
  });

  test("ratio rollup over a quarter aggregates numerator and denominator, not the monthly rates", async () => {
    const r = await metric({ metric: "churn_rate", period: "2026-Q3" });
    let churned = 0;
    let atStart = 0;
    for (const m of ["2026-07-01", "2026-08-01", "2026-09-01"]) {
      const p = (await db.one<{ churned: number; at_start: number }>(CHURN_PARTS(m)))!;
      churned += Number(p.churned);
      atStart += Number(p.at_start);
    }
    expect(r.rows[0]!.value).toBeCloseTo(churned / atStart, 10);
  });

  test("sum rollup by quarter: new customers in 2026", async () => {
    const r = await metric({ metric: "new_customers", period: "2026", grain: "quarter" });
    const expected = await db.all<{ q: string; n: number }>(`
      SELECT CAST(date_trunc('quarter', first_month) AS VARCHAR) AS q, count(*) AS n
      FROM (SELECT customer_id, min(month) AS first_month FROM ${STG} GROUP BY 1)
      WHERE first_month >= DATE '2026-01-01' GROUP BY 1 ORDER BY 1`);
    const got = Object.fromEntries(r.rows.filter((x) => x.value).map((x) => [x.period, x.value]));
    expect(got).toEqual(Object.fromEntries(expected.map((e) => [e.q.slice(0, 10), Number(e.n)])));
  });

  test("last rollup: MRR for a quarter is the MRR of its last month so far, split by plan", async () => {
    const r = await metric({ metric: "mrr", period: "this_quarter", group_by: ["plan"] });
    const expected = await db.all<{ plan: string; v: number }>(
      `SELECT plan, sum(mrr) AS v FROM ${STG} WHERE month = DATE '2026-11-01' GROUP BY 1 ORDER BY 1`,
    );
    expect(r.rows.map((x) => [x.plan, x.value])).toEqual(expected.map((e) => [e.plan, Number(e.v)]));
    expect(r.rows.every((x) => x.at === "2026-11-01")).toBe(true);
  });

  test("last rollup by quarter picks each quarter's last month; by year the year's last month", async () => {
    const q = await metric({ metric: "mrr", period: "2026", grain: "quarter" });
    const at = (m: string) => scalar(`SELECT sum(mrr) AS v FROM ${STG} WHERE month = DATE '${m}'`);
    expect(q.rows.map((x) => x.value)).toEqual([
      await at("2026-03-01"),
      await at("2026-06-01"),
      await at("2026-09-01"),
      await at("2026-11-01"),
    ]);
    const y = await metric({ metric: "mrr", period: { start: "2025-01-01", end: "2026-12-31" }, grain: "year" });
    expect(y.rows.map((x) => [x.period, x.value])).toEqual([
      ["2025-01-01", await at("2025-12-01")],
      ["2026-01-01", await at("2026-11-01")],
    ]);
  });

  test("month grain with a filter: active customers on the pro plan, last 8 months", async () => {
    const r = await metric({
      metric: "active_customers",
      period: "last_8_months",
      grain: "month",
      filters: [{ dimension: "plan", op: "=", value: "pro" }],
    });
    const expected = await db.all<{ m: string; n: number }>(`
      SELECT CAST(month AS VARCHAR) AS m, count(*) AS n FROM ${STG}
      WHERE plan = 'pro' AND month >= DATE '2026-03-01' AND month < DATE '2026-11-01' GROUP BY 1 ORDER BY 1`);
    expect(r.rows.map((x) => [x.period, x.value])).toEqual(expected.map((e) => [e.m, Number(e.n)]));
  });

  test("in filter and value order", async () => {
    const r = await metric({
      metric: "mrr",
      period: "last_month",
      group_by: ["plan"],
      filters: [{ dimension: "plan", op: "in", value: ["pro", "basic"] }],
      order: "value_desc",
    });
    const expected = await db.all<{ plan: string; v: number }>(
      `SELECT plan, sum(mrr) AS v FROM ${STG} WHERE month = DATE '2026-10-01' AND plan IN ('pro', 'basic') GROUP BY 1 ORDER BY 2 DESC`,
    );
    expect(r.rows.map((x) => [x.plan, x.value])).toEqual(expected.map((e) => [e.plan, Number(e.v)]));
  });

  test("compare_periods: MRR this month vs last month", async () => {
    const out = (await callTool(ctx, { name: "compare_periods", input: { metric: "mrr", current: "this_month" } }))
      .output as any;
    const nov = await scalar(`SELECT sum(mrr) AS v FROM ${STG} WHERE month = DATE '2026-11-01'`);
    const oct = await scalar(`SELECT sum(mrr) AS v FROM ${STG} WHERE month = DATE '2026-10-01'`);
    expect([out.current.value, out.previous.value, out.change]).toEqual([nov, oct, nov - oct]);
  });

  test("a grain finer than the mart's is refused with the grains that work", async () => {
    await expect(metric({ metric: "mrr", period: "last_month", grain: "day" })).rejects.toThrow(/recorded per month/);
  });
});

describe("identifiers come only from the catalog; values are bound", () => {
  const evil = "'; DROP TABLE marts.mrr_monthly; --";
  const stillThere = async () => expect(await scalar("SELECT count(*) AS v FROM marts.mrr_monthly")).toBeGreaterThan(0);

  test("as a metric, a dimension, a filter dimension, a period: rejected with the valid names", async () => {
    await expect(metric({ metric: evil, period: "last_month" })).rejects.toThrow(/unknown metric[\s\S]*/);
    await expect(metric({ metric: "mrr", period: "last_month", group_by: [evil] })).rejects.toThrow(
      /not a dimension of metric mrr/,
    );
    await expect(
      metric({ metric: "mrr", period: "last_month", filters: [{ dimension: evil, op: "=", value: "x" }] }),
    ).rejects.toThrow(/not a dimension/);
    await expect(metric({ metric: "mrr", period: evil })).rejects.toThrow(/not a period/);
    await expect(
      callTool(ctx, { name: "top_n", input: { mart: "customers", measure: evil, label: "customer_id" } }),
    ).rejects.toThrow(/no column/);
    await expect(
      callTool(ctx, { name: "top_n", input: { mart: evil, measure: "mrr", label: "customer_id" } }),
    ).rejects.toThrow(/unknown mart/);
    try {
      await metric({ metric: "mrr", period: "last_month", group_by: ["region"] });
    } catch (e) {
      expect((e as { fix?: string }).fix).toBe("use one of: plan");
    }
    await stillThere();
  });

  test("as a filter value: bound as a parameter, matches nothing, executes nothing", async () => {
    const r = await metric({
      metric: "mrr",
      period: "last_month",
      filters: [{ dimension: "plan", op: "=", value: evil }],
    });
    expect(r.params).toContain(evil);
    expect(r.sql).not.toContain("DROP");
    expect(r.rows.every((x) => x.rows === 0)).toBe(true);
    await stillThere();
  });

  test("tools take no SQL: no input schema has a sql field", async () => {
    const { toolSpecs } = await import("../../tools/toolbox/index.ts");
    const specs = toolSpecs();
    expect(specs.map((s) => s.name).sort()).toEqual([
      "cohort",
      "compare_periods",
      "describe_mart",
      "describe_metric",
      "explain_lineage",
      "export_mart",
      "get_freshness",
      "list_metrics",
      "notify",
      "propose_metric",
      "query_metric",
      "search_catalog",
      "top_n",
    ]);
    for (const s of specs) expect(JSON.stringify(s.input_schema)).not.toMatch(/"sql"/);
    expect(Object.fromEntries(specs.filter((s) => s.authority !== "read").map((s) => [s.name, s.authority]))).toEqual({
      export_mart: "act",
      notify: "act",
      propose_metric: "recommend",
    });
  });
});

describe("PII", () => {
  test("top_n masks labels from a column tagged pii", async () => {
    const out = (
      await callTool(ctx, { name: "top_n", input: { mart: "customers", measure: "mrr", label: "email", n: 3 } })
    ).output as any;
    const expected = await db.all<{ email: string; mrr: number }>(
      `SELECT email, mrr FROM marts.customers ORDER BY mrr DESC NULLS LAST, email LIMIT 3`,
    );
    expect(out.label_masked).toBe(true);
    expect(out.rows.map((r: any) => r.value)).toEqual(expected.map((e) => Number(e.mrr)));
    for (const [i, r] of out.rows.entries()) {
      expect(r.label).not.toBe(expected[i]!.email);
      expect(r.label).toMatch(/^u\*\*\*@e\*\*\*$/);
    }
    const plain = (
      await callTool(ctx, { name: "top_n", input: { mart: "customers", measure: "mrr", label: "customer_id", n: 1 } })
    ).output as any;
    expect(plain.label_masked).toBe(false);
  });

  test("describe_mart shows which columns are PII", async () => {
    const out = (await callTool(ctx, { name: "describe_mart", input: { mart: "customers" } })).output as any;
    expect(
      out.mart.columns
        .filter((c: any) => c.pii)
        .map((c: any) => c.name)
        .sort(),
    ).toEqual(["company_name", "email"]);
  });
});

describe("citations", () => {
  test("every tool result cites the mart, its upstream models, raw sources, as_of and tests", async () => {
    const r = await metric({ metric: "churn_rate", period: "last_month" });
    expect(r.citations).toHaveLength(1);
    expect(r.citations[0]).toMatchObject({
      model: "marts.churn_monthly",
      upstream: ["staging.stg_billing__subscriptions"],
      sources: [{ source: "billing", stream: "subscriptions", freshness: "fresh" }],
      as_of: "2026-11-21T05:30:00.000Z",
      last_build_failed: false,
      tests: { passed: 1, total: 1, failing: [] },
    });
  });
});
