import { z } from "zod";
import type { Catalog, CatalogModel } from "../../engine/catalog/catalog.ts";
import { labelOf, parseDate, periodSchema, resolvePeriod, type ResolvedPeriod } from "../../engine/catalog/period.ts";
import { DpError } from "../../engine/errors.ts";
import { ident, type SqlValue } from "../../engine/warehouse/duckdb.ts";
import { citationFor } from "../citations.ts";
import type { ToolContext } from "../context.ts";
import { defineTool } from "./tool.ts";

/**
 * A first-paid cohort followed to the last pull (ChartMogul's and Baremetrics' customer cohorts): the customers a
 * count metric groups by the month they first paid (its time column is the cohort key, declared in the metric YAML,
 * e.g. first_paid_customers on customers.first_paid_month), how many of them still pay, how many churned, and their
 * MRR now against the end of each one's first month. No metric reads a group across two times; this tool does, with
 * every identifier taken from the catalog and every value bound.
 */
export const COHORT_MEASURES = [
  "size",
  "still_paying",
  "share_still_paying",
  "churned",
  "mrr_now",
  "mrr_start",
  "mrr_vs_start",
  "mrr_per_paying",
] as const;
export type CohortMeasure = (typeof COHORT_MEASURES)[number];

/** The status column's values a word stands for (value_synonyms: "paying" → active, past_due), from the catalog. */
function statusValues(mart: CatalogModel, word: string): { column: string; values: SqlValue[] } {
  for (const c of mart.columns) {
    const values = c.value_synonyms?.[word];
    if (values?.length) return { column: c.name, values: values as SqlValue[] };
  }
  throw new DpError("USAGE", `${mart.name} declares no value for "${word}"`, {
    where: "cohort",
    fix: `give a status column of ${mart.name} value_synonyms: { ${word}: [...] }`,
  });
}

/**
 * The monthly MRR history the cohort's MRR is read from: another mart with the cohort mart's key, the money column
 * of the catalog's mrr metric and that metric's time column (customer_mrr_monthly: customer_id, month, mrr).
 */
function historyOf(catalog: Catalog, cohortMart: CatalogModel, key: string) {
  const mrr = catalog.metrics.find((m) => m.name === "mrr");
  const month = mrr?.time_column ?? "month";
  for (const mart of catalog.models.values()) {
    if (mart.name === cohortMart.name || mart.schema !== cohortMart.schema) continue;
    const has = (n: string) => mart.columns.some((c) => c.name === n);
    if (has(key) && has(month) && has("mrr") && has("previous_mrr"))
      return { mart, month, currency: mrr?.currency_column && has(mrr.currency_column) ? mrr.currency_column : null };
  }
  return undefined;
}

function num(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  const n = typeof v === "bigint" ? Number(v) : Number(v);
  return Number.isFinite(n) ? n : null;
}

/**
 * The counts and MRR of a group, with what follows from them (the share still paying, MRR now over start, MRR per
 * paying customer): one shape for both groups the tool follows.
 */
function cohortFigures(f: {
  size: number;
  still: number;
  churned: number;
  start: number | null;
  now: number | null;
  month: string | null;
  currency: string | null;
  several: boolean;
}) {
  return {
    at_month: f.month,
    at_label: f.month ? labelOf(parseDate(f.month), "month") : null,
    size: f.size,
    still_paying: f.still,
    share_still_paying: f.size ? f.still / f.size : null,
    churned: f.churned,
    mrr_start: f.start,
    mrr_now: f.now,
    mrr_vs_start: f.start && f.now !== null ? f.now / f.start : null,
    mrr_per_paying: f.now !== null && f.still ? f.now / f.still : null,
    currency: f.currency,
    several_currencies: f.several,
  };
}

/**
 * The customers paying at an instant (MRR > 0 at the end of the month before `period` starts: "the customers paying
 * us on Jan 1") followed to the last pull in the monthly MRR history: still paying is MRR > 0 in its latest month,
 * the rest pay nothing now. Each customer counts once per currency, as the history keeps it.
 */
async function payingAt(
  ctx: ToolContext,
  input: { measure: CohortMeasure },
  metric: string,
  mart: CatalogModel,
  key: string,
  period: ResolvedPeriod,
) {
  const history = historyOf(ctx.catalog, mart, key);
  if (!history)
    throw new DpError("USAGE", `no monthly MRR history with ${mart.name}.${key} to follow the customers paying then`);
  const h = history.mart.relation;
  const m = ident(history.month);
  const k = ident(key);
  const cur = history.currency ? ident(history.currency) : "NULL";
  const sql = [
    `WITH latest AS (SELECT max(${m}) AS month FROM ${h}),`,
    `base AS (SELECT ${k} AS k, ${cur} AS c, previous_mrr AS start_mrr FROM ${h} WHERE ${m} = CAST($1 AS DATE) AND previous_mrr > 0)`,
    `SELECT count(*) AS size, count(*) FILTER (WHERE e.mrr > 0) AS still_paying, count(*) FILTER (WHERE coalesce(e.mrr, 0) = 0) AS churned,`,
    `  sum(base.start_mrr) AS mrr_start, sum(e.mrr) AS mrr_now, any_value(latest.month) AS month,`,
    `  count(DISTINCT base.c) AS currencies, any_value(upper(CAST(base.c AS VARCHAR))) AS currency`,
    `FROM base CROSS JOIN latest LEFT JOIN ${h} e ON e.${k} = base.k AND e.${m} = latest.month${history.currency ? ` AND e.${cur} = base.c` : ""}`,
  ].join("\n");
  const r = (await ctx.query<Record<string, unknown>>(sql, [period.start]))[0] ?? {};
  const size = num(r.size) ?? 0;
  const still = num(r.still_paying) ?? 0;
  const several = (num(r.currencies) ?? 0) > 1;
  const start = several ? null : num(r.mrr_start);
  const now = several ? null : num(r.mrr_now);
  const month = r.month ? String(r.month).slice(0, 10) : null;
  return {
    metric,
    measure: input.measure,
    group: "paying_at" as const,
    cohort: { start: period.start, end: period.end, label: period.label },
    key: `${history.mart.name}.previous_mrr > 0 at ${period.start}`,
    paying_values: ["MRR > 0"] as SqlValue[],
    churned_values: ["MRR = 0"] as SqlValue[],
    ...cohortFigures({
      size,
      still,
      churned: num(r.churned) ?? 0,
      start,
      now,
      month,
      currency: !several && r.currency ? String(r.currency) : null,
      several,
    }),
    sql: [sql],
    citations: [await citationFor(ctx, history.mart.name)],
  };
}

export const cohortTool = defineTool({
  name: "cohort",
  description:
    "Follow a first-paid cohort to the last pull: the customers a count metric groups by the month they first paid (its time column is the cohort key, e.g. first_paid_customers), " +
    "with the cohort's size, how many still pay (the status values the catalog calls paying), the share still paying, how many churned, and its MRR now against the end of each customer's first month. " +
    'Use it for "of the customers who started paying in Q1, how many still pay", "March cohort\'s MRR today vs at start". Not for logo or revenue retention over a span (nrr, grr, logo_retention_rate).',
  authority: "read",
  input: z.strictObject({
    metric: z.string().describe("the count metric whose time column is the cohort key, e.g. first_paid_customers"),
    cohort: periodSchema.describe("the months of first payment that make the cohort, e.g. 2026-Q1 or 2026-03"),
    measure: z
      .enum(COHORT_MEASURES)
      .default("still_paying")
      .describe("the number asked for; the others come beside it"),
    group: z
      .enum(["first_paid", "paying_at"])
      .default("first_paid")
      .describe(
        "first_paid: customers whose first payment was in `cohort`; paying_at: customers paying (MRR > 0) at the start of `cohort`'s first month (the end of the month before), followed to now",
      ),
  }),
  async run(ctx, input) {
    const metric = ctx.catalog.metric(input.metric);
    const mart = ctx.catalog.mart(metric.mart);
    const key = mart.columns.find((c) => c.name.endsWith("_id"))?.name;
    if (!key) throw new DpError("USAGE", `${mart.name} has no key column (…_id) to follow a cohort by`);
    const period: ResolvedPeriod = resolvePeriod(input.cohort);
    if (input.group === "paying_at") return payingAt(ctx, input, metric.name, mart, key, period);
    const paying = statusValues(mart, "paying");
    const churned = statusValues(mart, "churned");
    const params: SqlValue[] = [];
    const bind = (v: SqlValue) => (params.push(v), `$${params.length}`);
    const t = ident(metric.time_column);
    const inCohort = () => `${t} >= CAST(${bind(period.start)} AS DATE) AND ${t} < CAST(${bind(period.end)} AS DATE)`;
    const isIn = (s: { column: string; values: SqlValue[] }) =>
      ` AND ${ident(s.column)} IN (${s.values.map(bind).join(", ")})`;
    // the metric's own expression counts the cohort (its test accounts out), and the members of it in a status
    const counted = (also: () => string) =>
      `(SELECT ${metric.expression} FROM ${mart.relation} WHERE ${inCohort()}${also()})`;
    const sql = [
      `SELECT ${counted(() => "")} AS size, ${counted(() => isIn(paying))} AS still_paying, ${counted(() => isIn(churned))} AS churned`,
    ];
    const got = (await ctx.query<Record<string, unknown>>(sql[0]!, params))[0] ?? {};
    const size = num(got.size) ?? 0;
    const stillPaying = num(got.still_paying) ?? 0;
    const churnedCount = num(got.churned) ?? 0;
    // MRR: each member's first month (its cohort month) and the latest month the history holds (the last pull)
    const history = historyOf(ctx.catalog, mart, key);
    let money: {
      start: number | null;
      now: number | null;
      month: string | null;
      currency: string | null;
      currencies: number;
    } = { start: null, now: null, month: null, currency: null, currencies: 0 };
    if (history) {
      const hp: SqlValue[] = [period.start, period.end];
      const m = ident(history.month);
      const cur = history.currency ? ident(history.currency) : "NULL";
      const mrrSql = [
        `WITH members AS (SELECT ${ident(key)} AS k, ${t} AS first_month FROM ${mart.relation}`,
        `  WHERE ${t} >= CAST($1 AS DATE) AND ${t} < CAST($2 AS DATE)),`,
        `latest AS (SELECT max(${m}) AS month FROM ${history.mart.relation})`,
        `SELECT sum(h.mrr) FILTER (WHERE h.${m} = members.first_month) AS mrr_start,`,
        `  sum(h.mrr) FILTER (WHERE h.${m} = latest.month) AS mrr_now, any_value(latest.month) AS month,`,
        `  count(DISTINCT h.${cur}) AS currencies, any_value(upper(CAST(h.${cur} AS VARCHAR))) AS currency`,
        `FROM ${history.mart.relation} h JOIN members ON h.${ident(key)} = members.k CROSS JOIN latest`,
      ].join("\n");
      sql.push(mrrSql);
      const r = (await ctx.query<Record<string, unknown>>(mrrSql, hp))[0] ?? {};
      const currencies = num(r.currencies) ?? 0;
      // several currencies are never added together: the MRR is left unsaid
      money = {
        start: currencies > 1 ? null : num(r.mrr_start),
        now: currencies > 1 ? null : num(r.mrr_now),
        month: r.month ? String(r.month).slice(0, 10) : null,
        currency: currencies === 1 ? (r.currency ? String(r.currency) : null) : null,
        currencies,
      };
    }
    const citations = [await citationFor(ctx, mart.name)];
    if (history) citations.push(await citationFor(ctx, history.mart.name));
    return {
      metric: metric.name,
      measure: input.measure,
      group: "first_paid" as "first_paid" | "paying_at",
      cohort: { start: period.start, end: period.end, label: period.label },
      key: `${mart.name}.${metric.time_column}`,
      paying_values: paying.values,
      churned_values: churned.values,
      ...cohortFigures({
        size,
        still: stillPaying,
        churned: churnedCount,
        start: money.start,
        now: money.now,
        month: money.month,
        currency: money.currency,
        several: money.currencies > 1,
      }),
      sql,
      citations,
    };
  },
  summarize: (o) =>
    `cohort ${o.cohort.label} (${o.key}): ${o.size} customers, ${o.still_paying} still paying, ${o.churned} churned`,
});
