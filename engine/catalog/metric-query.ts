import { z } from "zod";
import type { Catalog } from "./catalog.ts";
import { ident, type SqlValue } from "../warehouse/duckdb.ts";
import { DpError } from "../errors.ts";
import type { MetricDef } from "../transform/model-schema.ts";
import { GRAINS, grainSchema, periodSchema, type Grain, type ResolvedPeriod } from "./period.ts";

const scalar = z.union([z.string(), z.number(), z.boolean()]);

export const FILTER_OPS = ["=", "!=", "in", "not_in", ">", ">=", "<", "<="] as const;

export const filterSchema = z
  .strictObject({
    dimension: z.string().describe("one of the metric's declared dimensions (describe_metric lists them)"),
    op: z.enum(FILTER_OPS).describe("comparison; in/not_in take a list"),
    value: z
      .union([scalar, z.array(scalar).min(1)])
      .describe("the value(s) to compare with; always bound as a parameter"),
  })
  .describe("keep only rows whose dimension matches");

export const metricQuerySchema = z.strictObject({
  metric: z.string().describe("a metric name from list_metrics, e.g. mrr or churn_rate"),
  period: periodSchema,
  grain: grainSchema
    .optional()
    .describe(
      "bucket the result by day/week/month/quarter/year; omit for one value over the whole period. Not finer than the metric's own grain",
    ),
  filters: z.array(filterSchema).default([]),
  group_by: z.array(z.string()).default([]).describe("dimensions to split by, from the metric's declared dimensions"),
  order: z.enum(["time", "value_desc", "value_asc"]).default("time").describe("row order: by period, or by value"),
  limit: z.number().int().positive().max(1000).optional().describe("max rows (capped by dp)"),
});

export type MetricQueryInput = z.output<typeof metricQuerySchema>;
export type Filter = z.output<typeof filterSchema>;

export interface BuiltQuery {
  sql: string;
  params: SqlValue[];
  limit: number;
}

const GRAIN_RANK: Record<Grain, number> = { day: 0, week: 1, month: 2, quarter: 3, year: 4 };

export function checkDimension(metric: MetricDef, name: string, role: string): string {
  if (!metric.dimensions.includes(name)) {
    throw new DpError("USAGE", `"${name}" is not a dimension of metric ${metric.name}`, {
      where: role,
      fix: metric.dimensions.length
        ? `use one of: ${metric.dimensions.join(", ")}`
        : `${metric.name} has no dimensions; drop the ${role}`,
    });
  }
  return ident(name);
}

function filterSql(metric: MetricDef, f: Filter, params: SqlValue[]): string {
  const col = checkDimension(metric, f.dimension, "filters");
  const bind = (v: SqlValue) => (params.push(v), `$${params.length}`);
  if (f.op === "in" || f.op === "not_in") {
    const values = Array.isArray(f.value) ? f.value : [f.value];
    return `${col} ${f.op === "in" ? "IN" : "NOT IN"} (${values.map(bind).join(", ")})`;
  }
  if (Array.isArray(f.value)) {
    throw new DpError("USAGE", `filter ${f.dimension} ${f.op} takes one value, got a list`, {
      where: "filters",
      fix: "use op in / not_in for a list",
    });
  }
  return `${col} ${f.op} ${bind(f.value)}`;
}

/**
 * A metric call → SQL. Identifiers come only from the catalog (the metric's mart, time column and
 * declared dimensions); every value is a bound parameter; the expression is the project author's.
 */
export function buildMetricQuery(
  catalog: Catalog,
  input: MetricQueryInput,
  period: ResolvedPeriod,
  rowCap: number,
): BuiltQuery {
  const metric = catalog.metric(input.metric);
  const mart = catalog.mart(metric.mart);
  if (input.grain && !GRAINS.includes(input.grain))
    throw new DpError("USAGE", `unknown grain ${input.grain}`, { fix: `use one of: ${GRAINS.join(", ")}` });
  if (input.grain && GRAIN_RANK[input.grain] < GRAIN_RANK[metric.grain]) {
    throw new DpError("USAGE", `${metric.name} is recorded per ${metric.grain}; it cannot be split by ${input.grain}`, {
      where: "grain",
      fix: `use ${GRAINS.filter((g) => GRAIN_RANK[g] >= GRAIN_RANK[metric.grain]).join(", ")}, or omit grain`,
    });
  }
  const dims = [...new Set(input.group_by)].map((d) => checkDimension(metric, d, "group_by"));
  const params: SqlValue[] = [period.start, period.end];
  const time = `CAST(${ident(metric.time_column)} AS DATE)`;
  const inPeriod = `${time} >= CAST($1 AS DATE) AND ${time} < CAST($2 AS DATE)`;
  const filters = input.filters.map((f) => filterSql(metric, f, params));
  const where = [inPeriod, ...filters].join(" AND ");
  const bucket = (expr: string) => (input.grain ? `CAST(date_trunc('${input.grain}', ${expr}) AS DATE)` : undefined);
  const limit = Math.min(input.limit ?? rowCap, rowCap);
  const periodCol = input.grain ? ["_dp_period"] : [];
  const orderBy =
    input.order === "time"
      ? [...periodCol, ...dims]
      : [`value ${input.order === "value_desc" ? "DESC" : "ASC"} NULLS LAST`, ...periodCol, ...dims];
  const order = orderBy.length ? `ORDER BY ${orderBy.join(", ")}` : "";
  let sql: string;
  if (metric.time_rollup === "last" || metric.time_rollup === "first") {
    // a stock: the value at the last (first) mart period inside each output period
    const pick = metric.time_rollup === "last" ? "max" : "min";
    const pickBucket = bucket(time);
    const groupKeys = ["picks._dp_at", ...(pickBucket ? ["picks._dp_period"] : []), ...dims];
    sql = [
      `WITH scoped AS (SELECT * FROM ${mart.relation} WHERE ${inPeriod}),`,
      `picks AS (SELECT ${pickBucket ? `${pickBucket} AS _dp_period, ` : ""}${pick}(${time}) AS _dp_at FROM scoped${pickBucket ? " GROUP BY 1" : ""})`,
      `SELECT ${[...groupKeys, `(${metric.expression}) AS value`, "count(*) AS _dp_rows"].join(", ")}`,
      `FROM scoped JOIN picks ON ${time} = picks._dp_at`,
      filters.length ? `WHERE ${filters.join(" AND ")}` : "",
      `GROUP BY ${groupKeys.join(", ")}`,
      order.replace("_dp_period", "picks._dp_period"),
      `LIMIT ${limit + 1}`,
    ]
      .filter(Boolean)
      .join("\n");
  } else {
    const b = bucket(time);
    const keys = [...(b ? [b] : []), ...dims];
    const select = [
      ...(b ? [`${b} AS _dp_period`] : []),
      ...dims,
      `(${metric.expression}) AS value`,
      "count(*) AS _dp_rows",
    ];
    sql = [
      `SELECT ${select.join(", ")}`,
      `FROM ${mart.relation}`,
      `WHERE ${where}`,
      keys.length ? `GROUP BY ${keys.map((_, i) => i + 1).join(", ")}` : "",
      order,
      `LIMIT ${limit + 1}`,
    ]
      .filter(Boolean)
      .join("\n");
  }
  return { sql, params, limit };
}

/**
 * The first and last periods a metric's mart holds (any filter aside): the last is period "latest"; both say where
 * the data starts and ends when a period asked for has none.
 */
export function dataRangeQuery(catalog: Catalog, metricName: string): string {
  const metric = catalog.metric(metricName);
  const time = `CAST(${ident(metric.time_column)} AS DATE)`;
  return `SELECT CAST(min(${time}) AS VARCHAR) AS first, CAST(max(${time}) AS VARCHAR) AS last FROM ${catalog.mart(metric.mart).relation}`;
}

/**
 * The currencies (upper-case ISO codes) in the rows a metric call reads: the period and the filters, as
 * buildMetricQuery scopes them. Null when the metric declares no currency_column.
 */
export function currencyScopeQuery(
  catalog: Catalog,
  input: MetricQueryInput,
  period: ResolvedPeriod,
): { sql: string; params: SqlValue[] } | null {
  const metric = catalog.metric(input.metric);
  if (!metric.currency_column) return null;
  const col = checkDimension(metric, metric.currency_column, "currency_column");
  const params: SqlValue[] = [period.start, period.end];
  const time = `CAST(${ident(metric.time_column)} AS DATE)`;
  const where = [
    `${time} >= CAST($1 AS DATE) AND ${time} < CAST($2 AS DATE)`,
    `${col} IS NOT NULL`,
    ...input.filters.map((f) => filterSql(metric, f, params)),
  ].join(" AND ");
  const sql = `SELECT DISTINCT upper(CAST(${col} AS VARCHAR)) AS currency FROM ${catalog.mart(metric.mart).relation} WHERE ${where} ORDER BY 1`;
  return { sql, params };
}

/** A metric's currency days: [day as YYYY-MM-DD, its currencies in currencyScopeQuery's order], days in order. */
export type CurrencyDays = [day: string, currencies: string[]][];

/** The most days a catalog cache keeps for one mart's currencies; a mart with more is read by query. */
export const MAX_CURRENCY_DAYS = 1000;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Metrics on one mart, currency column and time column share their currency days. */
export function currencyDaysKey(metric: MetricDef): string {
  return `${metric.mart}\t${metric.currency_column ?? ""}\t${metric.time_column}`;
}

/**
 * What currencyScopeQuery reads for every period with no filter, day by day, for the catalog cache (the snapshot is
 * immutable): each day of the time column with the currencies on it. Null when the answer could differ from the
 * query's: no currency column among the dimensions, or a time column whose day depends on the session's time zone.
 */
export function currencyDaysQuery(catalog: Catalog, metric: MetricDef): string | null {
  if (!metric.currency_column || !metric.dimensions.includes(metric.currency_column)) return null;
  const mart = catalog.mart(metric.mart);
  const type = mart.columns.find((c) => c.name === metric.time_column)?.type;
  if (!type || !/^(DATE|TIMESTAMP)$/i.test(type)) return null;
  const col = ident(metric.currency_column);
  const time = `CAST(${ident(metric.time_column)} AS DATE)`;
  return `SELECT CAST(${time} AS VARCHAR) AS day, list(DISTINCT upper(CAST(${col} AS VARCHAR))) AS currencies
FROM ${mart.relation} WHERE ${col} IS NOT NULL AND ${time} IS NOT NULL GROUP BY 1 ORDER BY 1 LIMIT ${MAX_CURRENCY_DAYS + 1}`;
}

/** The query's rows as currency days, or null when they are too many or not plain days and ASCII codes. */
export function currencyDaysOf(rows: { day: unknown; currencies: unknown }[]): CurrencyDays | null {
  if (rows.length > MAX_CURRENCY_DAYS) return null;
  const out: CurrencyDays = [];
  for (const r of rows) {
    const codes = r.currencies;
    if (typeof r.day !== "string" || !DAY.test(r.day) || !Array.isArray(codes)) return null;
    // ASCII only: the union below is sorted as JavaScript compares strings, which is DuckDB's byte order for ASCII
    if (!codes.every((c) => typeof c === "string" && /^[\x20-\x7e]*$/.test(c))) return null;
    out.push([r.day, codes as string[]]);
  }
  return out;
}

/**
 * currencyScopeQuery's answer for a call with no filters, from the currency days: the currencies of the days in
 * [start, end), sorted. Undefined when a bound is no plain day.
 */
export function currenciesOnDays(days: CurrencyDays, period: { start: string; end: string }): string[] | undefined {
  if (!DAY.test(period.start) || !DAY.test(period.end)) return undefined;
  const seen = new Set<string>();
  for (const [day, codes] of days) if (day >= period.start && day < period.end) for (const c of codes) seen.add(c);
  return [...seen].sort();
}
