import type { Catalog } from "../../engine/catalog/catalog.ts";
import type { MetricDef } from "../../engine/transform/model-schema.ts";
import { citationFor, type Citation } from "../citations.ts";
import type { ToolContext } from "../context.ts";
import { fxOf, rateOf } from "../fx.ts";
import { metricLabel, type MetricFormat } from "../../engine/catalog/metric-format.ts";
import {
  buildMetricQuery,
  currencyScopeQuery,
  dataRangeQuery,
  metricQuerySchema,
  type MetricQueryInput,
} from "../../engine/catalog/metric-query.ts";
import {
  add,
  bucketLabel,
  isLatest,
  labelOf,
  parseDate,
  resolvePeriod,
  truncate,
  ymd,
  type Grain,
  type ResolvedPeriod,
} from "../../engine/catalog/period.ts";
import { now } from "../../engine/clock.ts";
import { maskRows } from "../pii.ts";
import { defineTool } from "./tool.ts";

/** A row's currency as an upper-case ISO code: its currency column's value, else the metric's unit. */
export function rowCurrency(r: MetricResult, row?: MetricRow): string | undefined {
  const code = r.currency_column && row ? row[r.currency_column] : undefined;
  if (typeof code === "string" && code) return code.toUpperCase();
  return r.unit ?? undefined;
}

export interface MetricRow {
  /** start of the bucket, when a grain was asked for */
  period?: string;
  period_label?: string;
  /** for last/first metrics: the mart period the value was taken from */
  at?: string;
  value: number | null;
  /** mart rows behind the value; 0 means no data */
  rows: number;
  [dimension: string]: unknown;
}

export interface MetricResult {
  metric: string;
  label: string;
  format: MetricFormat;
  unit: string | null;
  /** the dimension holding each row's currency, when the metric declares one */
  currency_column: string | null;
  /** the currencies (ISO codes) in the rows read; one value per currency when split */
  currencies: string[];
  /** a money metric or money ratio (currencies: split): its value is in one currency, never across */
  per_currency: boolean;
  /** the metric had rows in several currencies and was split by currency_column (no silent sum) */
  currency_split: boolean;
  /** project.yaml's vars.reporting_currency, for a metric with a currency_column */
  reporting_currency: string | null;
  /**
   * a count or rate counted over several currencies together (currencies: combined), one value: the same metric
   * in each currency beside it (EUR 1 · USD 15), so a founder who bills in two sees both parts
   */
  by_currency?: { currency: string; value: number | null; rows: number }[];
  /** when no row holds data: the first and last periods the mart holds, so the answer can say where data starts */
  data_range?: { first: string | null; last: string | null };
  /** the amounts were converted to vars.reporting_currency with vars.fx_rates (project.yaml), or from it to the currency asked for */
  converted_to: string | null;
  /** a currency asked for that is not the reporting currency: its vars.fx_rates rate (reporting units per unit), null when none */
  fx_rate?: number | null;
  time_rollup: string;
  period: ResolvedPeriod;
  grain: Grain | null;
  group_by: string[];
  filters: MetricQueryInput["filters"];
  rows: MetricRow[];
  truncated: boolean;
  sql: string;
  params: (string | number | boolean | null)[];
  citations: Citation[];
}

async function resolveFor(ctx: ToolContext, catalog: Catalog, input: MetricQueryInput): Promise<ResolvedPeriod> {
  if (!isLatest(input.period)) return resolvePeriod(input.period);
  const metric = catalog.metric(input.metric);
  const row = (await ctx.query<{ last: string | null }>(dataRangeQuery(catalog, metric.name), []))[0];
  if (!row?.last) return resolvePeriod("this_month");
  const start = parseDate(row.last.slice(0, 10));
  const end = add(start, metric.grain, 1);
  // the current month is read at the last pull: say "to date" (#15)
  const toDate = end > add(truncate(now(), "day"), "day", 1);
  return {
    start: ymd(start),
    end: ymd(end),
    label: `${labelOf(start, metric.grain)}${toDate ? " (to date)" : ""}`,
    toDate,
  };
}

/** project.yaml's vars.reporting_currency (upper case), which the pack's marts convert amounts into. */
function reportingCurrency(ctx: ToolContext): string | null {
  return fxOf(ctx.project.config.vars)?.to ?? null;
}

/**
 * "MRR in EUR" when the marts hold every amount converted to the reporting currency (USD): no row is in EUR
 * any more, so the amounts are read in USD over every currency and divided by EUR's rate; a money ratio is the
 * same in any currency. `rate` null: vars.fx_rates has none for it.
 */
interface Recast {
  to: string;
  from: string;
  rate: number | null;
  input: MetricQueryInput;
}

function recastFor(ctx: ToolContext, metric: MetricDef, asked: MetricQueryInput): Recast | null {
  const fx = fxOf(ctx.project.config.vars);
  const col = metric.currency_column;
  if (!fx || !col || metric.currencies !== "split") return null;
  const f = asked.filters.find((x) => x.dimension === col && x.op === "=" && typeof x.value === "string");
  if (!f || String(f.value).toUpperCase() === fx.to) return null;
  const to = String(f.value).toUpperCase();
  return { to, from: fx.to, rate: rateOf(fx, to), input: { ...asked, filters: asked.filters.filter((x) => x !== f) } };
}

export async function runMetricQuery(ctx: ToolContext, asked: MetricQueryInput): Promise<MetricResult> {
  const metric = ctx.catalog.metric(asked.metric);
  await ctx.db();
  const recast = recastFor(ctx, metric, asked);
  if (recast) return recastResult(ctx, metric, asked, recast);
  const period = await resolveFor(ctx, ctx.catalog, asked);
  const scope = currencyScopeQuery(ctx.catalog, asked, period);
  // with no filter the catalog cache knows the currencies of every day of the snapshot: no query
  const currencies = scope
    ? ((!asked.filters.length ? ctx.cachedCurrencies?.(metric, period) : undefined) ??
      (await ctx.query<{ currency: string }>(scope.sql, scope.params)).map((r) => String(r.currency)))
    : [];
  const col = metric.currency_column;
  // dollars and euros are never added up: a money metric over several currencies answers per currency
  const split = !!col && metric.currencies === "split" && currencies.length > 1 && !asked.group_by.includes(col);
  // the limit applies within each currency ("the top plan" is the top plan in each), after the query
  const input = split ? { ...asked, group_by: [...asked.group_by, col], limit: undefined } : asked;
  const built = buildMetricQuery(ctx.catalog, input, period, ctx.rowCap);
  const queried = await ctx.query(built.sql, built.params);
  const seen = new Map<unknown, number>();
  const raw =
    split && asked.limit
      ? queried.filter((r) => {
          const n = (seen.get(r[col!]) ?? 0) + 1;
          seen.set(r[col!], n);
          return n <= asked.limit!;
        })
      : queried;
  const truncated = raw.length > built.limit;
  const rows: MetricRow[] = raw.slice(0, built.limit).map((r) => {
    const row: MetricRow = {
      value: r.value === null || r.value === undefined ? null : Number(r.value),
      rows: Number(r._dp_rows ?? 0),
    };
    if (input.grain && r._dp_period) {
      row.period = String(r._dp_period);
      row.period_label = bucketLabel(row.period, input.grain);
    }
    if (r._dp_at) row.at = String(r._dp_at);
    for (const d of input.group_by) row[d] = r[d];
    return row;
  });
  const byCurrency =
    col && metric.currencies === "combined" && currencies.length > 1 && !input.group_by.length && !input.grain
      ? await perCurrencyParts(ctx, metric, input, period, currencies)
      : undefined;
  const noData = rows.every((r) => !r.rows);
  // all time ("since launch") is dated by the data itself: the answer says from which month
  // a total over a period the data only partly covers ("new customers in 2025" when billing starts in May 2025)
  // says where the data starts: read for a sum or ratio over a period, kept only when the period starts before it
  const summed = metric.time_rollup !== "last" && metric.time_rollup !== "first" && !input.grain;
  const read =
    noData || input.period === "all" || summed
      ? (
          await ctx.query<{ first: string | null; last: string | null }>(dataRangeQuery(ctx.catalog, metric.name), [])
        )[0]
      : undefined;
  const range =
    read && (noData || input.period === "all" || (read.first && period.start < read.first.slice(0, 10)))
      ? read
      : undefined;
  const mart = ctx.catalog.mart(metric.mart);
  const pii = new Set(mart.columns.filter((c) => c.pii && input.group_by.includes(c.name)).map((c) => c.name));
  return {
    metric: metric.name,
    label: metricLabel(metric),
    format: metric.format,
    unit: currencies.length === 1 && metric.currencies === "split" ? currencies[0]! : (metric.unit ?? null),
    currency_column: col ?? null,
    currencies,
    per_currency: !!col && metric.currencies === "split",
    currency_split: split,
    reporting_currency: col ? reportingCurrency(ctx) : null,
    ...(byCurrency ? { by_currency: byCurrency } : {}),
    ...(range ? { data_range: { first: range.first, last: range.last } } : {}),
    // the rows are all in the reporting currency: the marts converted them (int_stripe__fx_rates)
    converted_to:
      metric.currencies === "split" && currencies.length === 1 && currencies[0] === reportingCurrency(ctx)
        ? currencies[0]!
        : null,
    time_rollup: metric.time_rollup,
    period,
    grain: input.grain ?? null,
    group_by: input.group_by,
    filters: input.filters,
    rows: maskRows(rows, pii),
    truncated,
    sql: built.sql,
    params: built.params.map((p) => (p instanceof Date ? p.toISOString() : typeof p === "bigint" ? Number(p) : p)),
    citations: [await citationFor(ctx, metric.mart)],
  };
}

/**
 * The combined metric in each currency: a currency with no rows in the period counts 0 for a count or a level
 * (no customer churned in EUR), and has no value for a ratio (no EUR customer to churn).
 */
async function perCurrencyParts(
  ctx: ToolContext,
  metric: MetricDef,
  input: MetricQueryInput,
  period: ResolvedPeriod,
  currencies: string[],
): Promise<NonNullable<MetricResult["by_currency"]>> {
  const col = metric.currency_column!;
  const built = buildMetricQuery(ctx.catalog, { ...input, group_by: [col], limit: undefined }, period, ctx.rowCap);
  const rows = await ctx.query(built.sql, built.params);
  const got = new Map(rows.map((r) => [String(r[col]).toUpperCase(), r]));
  return currencies.map((currency) => {
    const r = got.get(currency);
    const value = r?.value === null || r?.value === undefined ? null : Number(r.value);
    return {
      currency,
      value: value ?? (metric.time_rollup === "ratio" ? null : 0),
      rows: Number(r?._dp_rows ?? 0),
    };
  });
}

/** The metric over every currency in the reporting currency, stated in the currency asked for (see Recast). */
async function recastResult(
  ctx: ToolContext,
  metric: MetricDef,
  asked: MetricQueryInput,
  recast: Recast,
): Promise<MetricResult> {
  const col = metric.currency_column!;
  const base = recast.rate === null ? null : await runMetricQuery(ctx, recast.input);
  const money = metric.format === "currency";
  const rows = (base?.rows ?? []).map((r) => ({
    ...r,
    value: r.value === null || !money ? r.value : r.value / recast.rate!,
    ...(col in r ? { [col]: recast.to.toLowerCase() } : {}),
  }));
  const period = base?.period ?? (await resolveFor(ctx, ctx.catalog, asked));
  return {
    ...(base ?? {
      metric: metric.name,
      label: metricLabel(metric),
      format: metric.format,
      currency_column: col,
      per_currency: true,
      currency_split: false,
      time_rollup: metric.time_rollup,
      period,
      grain: asked.grain ?? null,
      group_by: asked.group_by,
      truncated: false,
      sql: "",
      params: [],
      citations: [await citationFor(ctx, metric.mart)],
    }),
    unit: recast.to,
    currencies: [recast.to],
    reporting_currency: recast.from,
    converted_to: recast.rate === null ? null : recast.to,
    fx_rate: recast.rate,
    filters: asked.filters,
    rows,
  };
}

export const queryMetric = defineTool({
  name: "query_metric",
  description:
    "Compute a named metric over a period: one value, a series by time grain, or a split by the metric's dimensions, optionally filtered. " +
    'Use it for any number about the business: "MRR last month" → {metric: mrr, period: last_month}; "churn by plan in Q3" → ' +
    '{metric: churn_rate, period: 2026-Q3, group_by: [plan]}; "new customers per month this year" → {metric: new_customers, period: this_year, grain: month}; ' +
    '"MRR on the pro plan" → filters: [{dimension: plan, op: "=", value: pro}]; "which plan has the most customers" → group_by + order: value_desc, limit: 1. ' +
    "Stocks (time_rollup last, e.g. MRR) take the value at the last period inside the range (a range total of a stock is not a sum); flows (sum) add up over the range; ratios are computed over the whole range. " +
    'A period that has not ended (this month, this year) comes back with toDate: true and a label ending "(to date)": say "to date" or "so far". ' +
    "Not for comparing two periods (compare_periods), ranking rows of a mart by a column (top_n), or metrics that don't exist (say so; propose_metric). " +
    "Filters and group_by take only the metric's dimensions. " +
    'A money metric over rows in several currencies comes back split by currency (currency_split: true, one row per currency): state each value with its own currency, never a sum; converted_to says the amounts were converted to vars.reporting_currency. With reporting_currency set, a filter on the currency column naming another currency ("MRR in EUR") gives every currency converted into that one (fx_rate: reporting units per unit; say so), or no rows and fx_rate null when vars.fx_rates has no rate for it (say that).',
  authority: "read",
  input: metricQuerySchema,
  run: runMetricQuery,
  summarize: (o) =>
    `${o.metric} ${o.period.label}${o.grain ? ` by ${o.grain}` : ""}${o.group_by.length ? ` by ${o.group_by.join(", ")}` : ""}: ${o.rows.length} row${o.rows.length === 1 ? "" : "s"}`,
});
