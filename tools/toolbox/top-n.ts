import { z } from "zod";
import { ident, type SqlValue } from "../../engine/warehouse/duckdb.ts";
import { DpError } from "../../engine/errors.ts";
import type { CatalogModel } from "../../engine/catalog/catalog.ts";
import { citationFor } from "../citations.ts";
import { FILTER_OPS } from "../../engine/catalog/metric-query.ts";
import type { MetricFormat } from "../../engine/catalog/metric-format.ts";
import { fxOf, rateOf } from "../fx.ts";
import { maskValue } from "../pii.ts";
import { defineTool } from "./tool.ts";

const NUMERIC =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|REAL|DOUBLE|DECIMAL)/i;

function column(mart: CatalogModel, name: string, role: string): CatalogModel["columns"][number] {
  const col = mart.columns.find((c) => c.name === name);
  if (!col) {
    throw new DpError("USAGE", `${mart.name} has no column "${name}"`, {
      where: role,
      fix: `use one of: ${mart.columns.map((c) => c.name).join(", ")}`,
    });
  }
  return col;
}

/**
 * The column holding each row's currency for an amount: the amount column's own currency_column, else one a
 * metric on the mart declares, else a column named currency. Amounts in two currencies are never added or
 * ranked against each other (#15, #22).
 */
function currencyColumnOf(
  ctx: { catalog: { metrics: { mart: string; currency_column?: string }[] } },
  mart: CatalogModel,
  amount: CatalogModel["columns"][number],
) {
  if (amount.currency_column === false) return null;
  const declared =
    amount.currency_column ??
    ctx.catalog.metrics.find((m) => m.mart === mart.name && m.currency_column)?.currency_column;
  return mart.columns.find((c) => c.name === (declared ?? "currency"))?.name ?? null;
}

/** the code of amounts whose row names no currency (as the sales marts write it) */
const UNKNOWN_CURRENCY = "(unknown currency)";

const scalar = z.union([z.string(), z.number(), z.boolean()]);

/** a row filter's ops: a metric's, and is_null (value true) for the rows with no value in the column ("no owner") */
const ROW_OPS = [...FILTER_OPS, "is_null"] as const;

export const topN = defineTool({
  name: "top_n",
  description:
    "Rank the rows of a mart by a numeric column: the label column and the measure summed per label, highest first (or lowest, direction: bottom). " +
    'Use it for individual records: "top 5 customers by mrr" → {mart: customers, measure: mrr, label: customer_id, n: 5}. ' +
    'For a metric split by one of its dimensions ("MRR by plan", "which plan has most customers") use query_metric with group_by instead. ' +
    "An amount over rows in several currencies is never ranked or summed across them: with vars.reporting_currency and a rate for each it is converted (converted_to, fx_rates: say so), else each currency is ranked and summed on its own (currency_split: true, each row's currency, matched.by_currency): state each with its own currency, never one total. " +
    "Columns tagged PII are masked; ranking by a column that is no metric's dimension is row-level data, which may stay on the human's machine (the result then says rows_withheld: refer to the table shown below your answer).",
  authority: "read",
  input: z.strictObject({
    mart: z.string().describe("mart name, e.g. customers"),
    measure: z.string().describe("a numeric column of the mart to rank by"),
    label: z.string().describe("the column that names each ranked item, e.g. customer_id or company_name"),
    n: z.number().int().min(1).max(100).default(5).describe("how many to return"),
    direction: z.enum(["top", "bottom"]).default("top"),
    count: z
      .boolean()
      .default(false)
      .describe(
        'rank each label by how many rows it has, not by the measure: "which country has the most paying customers" → {mart: customers, label: country, count: true, filters: [status in (active, past_due)]}',
      ),
    also: z
      .array(z.string())
      .max(3)
      .default([])
      .describe(
        'columns shown beside each ranked label, e.g. the owner of a deal: "who closed the biggest deal" → {mart: deals, measure: amount, label: deal_name, n: 1, also: [owner]}; a label over several rows lists each value once',
      ),
    filters: z
      .array(
        z.strictObject({
          column: z.string().describe("a column of the mart"),
          op: z.enum(ROW_OPS),
          value: z.union([scalar, z.array(scalar).min(1)]),
        }),
      )
      .default([])
      .describe(
        "keep only matching rows, e.g. status = active; {column: owner, op: is_null, value: true} keeps the rows with no owner (value false: the rows with one)",
      ),
    mean: z
      .boolean()
      .default(false)
      .describe(
        'also the mean of the measure over the kept rows (matched.mean: their sum ÷ their count): "average seats of a Pro account" → {mart: account_health, measure: seats, label: customer_id, n: 1, mean: true, filters: [plan_tier = pro]}',
      ),
  }),
  async run(ctx, input) {
    await ctx.db();
    const mart = ctx.catalog.mart(input.mart);
    const measure = column(mart, input.measure, "measure");
    if (measure.type && !NUMERIC.test(measure.type)) {
      const numeric = mart.columns.filter((c) => c.type && NUMERIC.test(c.type)).map((c) => c.name);
      throw new DpError("USAGE", `${mart.name}.${measure.name} is ${measure.type}, not a number`, {
        where: "measure",
        fix: `rank by one of: ${numeric.join(", ")}`,
      });
    }
    const label = column(mart, input.label, "label");
    const shown = input.also.map((name) => column(mart, name, "also"));
    const params: SqlValue[] = [];
    const bind = (v: SqlValue) => (params.push(v), `$${params.length}`);
    // a bound on the amount ranked ("mrr over 50"): over several currencies it holds for the converted amount
    const bound = (f: (typeof input.filters)[number]) => f.column === measure.name && /^[<>]=?$/.test(f.op);
    const whereFor = (amount: string | null) =>
      input.filters
        .filter((f) => amount !== null || !bound(f))
        .map((f) => {
          const col = amount && bound(f) ? amount : ident(column(mart, f.column, "filters").name);
          // value false: the rows that have one ("top 4 countries": a row with no country is no country)
          if (f.op === "is_null") return `${col} IS ${f.value === false ? "NOT " : ""}NULL`;
          const values = Array.isArray(f.value) ? f.value : [f.value];
          if (f.op === "in" || f.op === "not_in")
            return `${col} ${f.op === "in" ? "IN" : "NOT IN"} (${values.map(bind).join(", ")})`;
          if (values.length !== 1)
            throw new DpError("USAGE", `filter ${f.column} ${f.op} takes one value`, {
              where: "filters",
              fix: "use op in / not_in for a list",
            });
          return `${col} ${f.op} ${bind(values[0]!)}`;
        });
    const clause = (where: string[]) => (where.length ? `WHERE ${where.join(" AND ")}` : "");
    const sameName = ctx.catalog.metrics.find(
      (m) =>
        m.mart === mart.name &&
        (m.name === measure.name || m.expression.replace(/\s+/g, "") === `sum(${measure.name})`),
    );
    const measured: MetricFormat =
      sameName?.format ?? (/mrr|arr|revenue|amount|price|arpa|value/i.test(measure.name) ? "currency" : "number");
    // a count of rows per label is a number; its rows are kept apart by currency only when a bound on the amount
    // ("mrr over 50") must hold in each currency
    const format: MetricFormat = input.count ? "number" : measured;
    const curCol =
      measured === "currency" && (!input.count || input.filters.some(bound))
        ? currencyColumnOf(ctx, mart, measure)
        : null;
    const code = curCol ? `coalesce(nullif(upper(CAST(${ident(curCol)} AS VARCHAR)), ''), '${UNKNOWN_CURRENCY}')` : "";
    // a row with nothing in the amount is in no currency at all: an account that never paid has no currency and
    // MRR 0, and ranks as 0 beside the others, never as a currency of its own (an empty code crashed the
    // answer's money format, "top 7 accounts"); a row with an amount and no currency is "(unknown currency)"
    const valued = `coalesce(${ident(measure.name)}, 0) <> 0`;
    const currencies = curCol
      ? (
          await ctx.query<{ c: string }>(
            `SELECT DISTINCT ${code} AS c FROM ${mart.relation} ${clause([...whereFor(null), valued])} ORDER BY 1`,
            params.splice(0),
          )
        ).map((r) => String(r.c))
      : [];
    // several currencies: converted with project.yaml's vars.reporting_currency and fx_rates when every one has a
    // rate (as query_metric's marts are), else ranked and summed within each currency, never € against $
    const fx = currencies.length ? fxOf(ctx.project.config.vars) : null;
    const missingRates = fx && currencies.length > 1 ? currencies.filter((c) => rateOf(fx, c) === null) : [];
    const convert = !!fx && currencies.length > 1 && !missingRates.length;
    const split = currencies.length > 1 && !convert;
    const amount = convert
      ? `(${ident(measure.name)} * CASE ${code} ${currencies.map((c) => `WHEN ${bind(c)} THEN ${bind(rateOf(fx!, c)!)}`).join(" ")} END)`
      : ident(measure.name);
    const filtered = clause(whereFor(amount));
    // each label's value: its rows counted, or its measure summed
    const valueOf = input.count ? "count(*)" : `sum(${amount})`;
    const dir = input.direction === "top" ? "DESC" : "ASC";
    const limit = Math.min(input.n, ctx.rowCap);
    // one row past the limit is read to tell a tie at the cut: "the biggest deal" is never one of two equal ones
    // shown as if alone. The window sums run over every group before the LIMIT: the rows the filters keep and
    // their measure ("how many open deals are over $5k" is that count); split, all of it within each currency
    const by = split ? ` PARTITION BY ${code}` : "";
    const sql = [
      `SELECT ${ident(label.name)} AS label, ${split ? `${code} AS currency, ` : ""}${valueOf} AS value,${shown.map((c, i) => ` string_agg(DISTINCT CAST(${ident(c.name)} AS VARCHAR), ', ') AS also_${i},`).join("")}`,
      `  sum(count(*)) OVER (${by}) AS kept_rows, sum(${valueOf}) OVER (${by}) AS kept_total${input.mean ? `, sum(count(${amount})) OVER (${by}) AS kept_valued` : ""}`,
      `FROM ${mart.relation}`,
      filtered,
      split
        ? `GROUP BY 1, 2 QUALIFY row_number() OVER (${by} ORDER BY ${valueOf} ${dir} NULLS LAST, ${ident(label.name)}) <= ${limit + 1}\nORDER BY 2, 3 ${dir} NULLS LAST, 1`
        : `GROUP BY 1 ORDER BY 2 ${dir} NULLS LAST, 1 LIMIT ${limit + 1}`,
    ]
      .filter(Boolean)
      .join("\n");
    const got = await ctx.query<{
      label: unknown;
      currency?: unknown;
      value: unknown;
      kept_rows: unknown;
      kept_total: unknown;
      kept_valued?: unknown;
      [also: `also_${number}`]: unknown;
    }>(sql, params);
    const unit = input.count
      ? null
      : convert
        ? fx!.to
        : currencies.length === 1
          ? currencies[0]! || null
          : (sameName?.unit ?? null);
    const groups = split ? currencies.map((c) => got.filter((r) => String(r.currency) === c)) : [got];
    const parts = groups.map((group, g) => {
      const read = group.map((r, i) => ({
        rank: i + 1,
        label: label.pii ? maskValue(r.label) : r.label === null ? null : String(r.label),
        value: r.value === null ? null : Number(r.value),
        currency: split ? currencies[g]! : unit,
        /** the also columns' values beside the label (masked when PII); only when some were asked */
        ...(shown.length
          ? {
              also: Object.fromEntries(
                shown.map((c, k) => {
                  const v = (r as Record<string, unknown>)[`also_${k}`];
                  return [c.name, v === null || v === undefined ? null : c.pii ? String(maskValue(v)) : String(v)];
                }),
              ) as Record<string, string | null>,
            }
          : {}),
      }));
      const rows = read.slice(0, limit);
      const past = read[limit];
      const kept = group[0];
      return {
        currency: split ? currencies[g]! : unit,
        rows,
        tied: past && past.value !== null && past.value === rows.at(-1)?.value ? past.label : null,
        matched: {
          rows: Number(kept?.kept_rows ?? 0),
          total: kept?.kept_total === null || kept?.kept_total === undefined ? null : Number(kept.kept_total),
        },
        // a row with no value in the measure is in no mean (as SQL's avg): the sum ÷ the rows that have one
        mean:
          input.mean &&
          !input.count &&
          kept?.kept_total !== null &&
          kept?.kept_total !== undefined &&
          Number(kept.kept_valued)
            ? Number(kept.kept_total) / Number(kept.kept_valued)
            : null,
        valued: input.mean ? Number(kept?.kept_valued ?? 0) : null,
      };
    });
    const one = parts[0]!;
    return {
      mart: mart.name,
      measure: measure.name,
      label_column: label.name,
      label_masked: label.pii,
      /** the columns shown beside each label (rows[].also) */
      also: shown.map((c) => c.name),
      direction: input.direction,
      /** each label ranked by its count of rows (value), not its measure */
      counted: input.count,
      /** the mean over the kept rows was asked (matched.mean; matched.by_currency[].mean when split) */
      averaged: input.mean && !input.count,
      /** the first row left out by the limit when its value equals the last row's (a tie at the cut), else null */
      tied_past_limit: split ? null : one.tied,
      /** the filters the rows were kept to, as asked */
      filters: input.filters,
      /** the rows the filters keep (all of them, not only the n ranked) and their measure summed */
      matched: {
        rows: parts.reduce((a, p) => a + p.matched.rows, 0),
        /** null when the rows are in several currencies and not converted: by_currency has one total each */
        total: split ? null : one.matched.total,
        /** asked with mean: the measure summed over the kept rows ÷ those with a value (null when split by currency) */
        mean: split ? null : one.mean,
        /** asked with mean: the kept rows with a value in the measure (the mean's divisor) */
        valued: split ? null : one.valued,
        by_currency: split
          ? parts.map((p) => ({
              currency: p.currency!,
              rows: p.matched.rows,
              total: p.matched.total,
              tied_past_limit: p.tied,
              /** asked with mean: this currency's measure summed ÷ its rows with a value */
              mean: p.mean,
            }))
          : [],
      },
      format,
      unit,
      /** the column holding each row's currency, for a money measure */
      currency_column: curCol,
      /** the currencies (ISO codes) of the kept rows */
      currencies,
      /** rows in several currencies, ranked and summed within each (each row says its currency), never across */
      currency_split: split,
      /** every amount was converted to vars.reporting_currency with vars.fx_rates (project.yaml) */
      // as query_metric: rows all in the reporting currency were converted by the marts (int_stripe__fx_rates)
      converted_to: convert || (fx && currencies.length === 1 && currencies[0] === fx.to) ? fx!.to : null,
      /** the rates used (reporting units per unit), when converted */
      fx_rates: convert ? Object.fromEntries(currencies.map((c) => [c, rateOf(fx!, c)!])) : null,
      reporting_currency: fx?.to ?? null,
      /** split: a filter bounding the measure ("mrr > 50") was applied to each currency's own amounts */
      bound_in_each_currency: split && input.filters.some(bound),
      /** currencies of the kept rows vars.fx_rates has no rate for (so nothing was converted) */
      missing_rates: missingRates,
      rows: parts.flatMap((p) => p.rows),
      sql,
      params,
      citations: [await citationFor(ctx, mart.name)],
    };
  },
  summarize: (o) =>
    `${o.direction} ${o.rows.length} ${o.mart} by ${o.measure}${o.label_masked ? " (labels masked)" : ""}`,
});
