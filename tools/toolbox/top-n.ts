import { z } from "zod";
import { ident, type SqlValue } from "../../engine/warehouse/duckdb.ts";
import { DpError } from "../../engine/errors.ts";
import type { CatalogModel } from "../../engine/catalog/catalog.ts";
import { citationFor } from "../citations.ts";
import { FILTER_OPS } from "../../engine/catalog/metric-query.ts";
import type { MetricFormat } from "../../engine/catalog/metric-format.ts";
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

const scalar = z.union([z.string(), z.number(), z.boolean()]);

export const topN = defineTool({
  name: "top_n",
  description:
    "Rank the rows of a mart by a numeric column: the label column and the measure summed per label, highest first (or lowest, direction: bottom). " +
    'Use it for individual records: "top 5 customers by mrr" → {mart: customers, measure: mrr, label: customer_id, n: 5}. ' +
    'For a metric split by one of its dimensions ("MRR by plan", "which plan has most customers") use query_metric with group_by instead. ' +
    "Columns tagged PII are masked; ranking by a column that is no metric's dimension is row-level data, which may stay on the human's machine (the result then says rows_withheld: refer to the table shown below your answer).",
  authority: "read",
  input: z.strictObject({
    mart: z.string().describe("mart name, e.g. customers"),
    measure: z.string().describe("a numeric column of the mart to rank by"),
    label: z.string().describe("the column that names each ranked item, e.g. customer_id or company_name"),
    n: z.number().int().min(1).max(100).default(5).describe("how many to return"),
    direction: z.enum(["top", "bottom"]).default("top"),
    filters: z
      .array(
        z.strictObject({
          column: z.string().describe("a column of the mart"),
          op: z.enum(FILTER_OPS),
          value: z.union([scalar, z.array(scalar).min(1)]),
        }),
      )
      .default([])
      .describe("keep only matching rows, e.g. status = active"),
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
    const params: SqlValue[] = [];
    const bind = (v: SqlValue) => (params.push(v), `$${params.length}`);
    const where = input.filters.map((f) => {
      const col = ident(column(mart, f.column, "filters").name);
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
    const dir = input.direction === "top" ? "DESC" : "ASC";
    const limit = Math.min(input.n, ctx.rowCap);
    // one row past the limit is read to tell a tie at the cut: "the biggest deal" is never one of two equal ones
    // shown as if alone. The window sums run over every group before the LIMIT: the rows the filters keep and
    // their measure ("how many open deals are over $5k" is that count)
    const sql = [
      `SELECT ${ident(label.name)} AS label, sum(${ident(measure.name)}) AS value,`,
      `  sum(count(*)) OVER () AS kept_rows, sum(sum(${ident(measure.name)})) OVER () AS kept_total`,
      `FROM ${mart.relation}`,
      where.length ? `WHERE ${where.join(" AND ")}` : "",
      `GROUP BY 1 ORDER BY 2 ${dir} NULLS LAST, 1 LIMIT ${limit + 1}`,
    ]
      .filter(Boolean)
      .join("\n");
    const got = await ctx.query<{ label: unknown; value: unknown; kept_rows: unknown; kept_total: unknown }>(
      sql,
      params,
    );
    const kept = got[0];
    const read = got.map((r, i) => ({
      rank: i + 1,
      label: label.pii ? maskValue(r.label) : r.label === null ? null : String(r.label),
      value: r.value === null ? null : Number(r.value),
    }));
    const rows = read.slice(0, limit);
    const past = read[limit];
    const tiedPast = past && past.value !== null && past.value === rows.at(-1)?.value ? past.label : null;
    const sameName = ctx.catalog.metrics.find(
      (m) =>
        m.mart === mart.name &&
        (m.name === measure.name || m.expression.replace(/\s+/g, "") === `sum(${measure.name})`),
    );
    const format: MetricFormat =
      sameName?.format ?? (/mrr|arr|revenue|amount|price|arpa|value/i.test(measure.name) ? "currency" : "number");
    return {
      mart: mart.name,
      measure: measure.name,
      label_column: label.name,
      label_masked: label.pii,
      direction: input.direction,
      /** the first row left out by the limit when its value equals the last row's (a tie at the cut), else null */
      tied_past_limit: tiedPast,
      /** the filters the rows were kept to, as asked */
      filters: input.filters,
      /** the rows the filters keep (all of them, not only the n ranked) and their measure summed */
      matched: {
        rows: Number(kept?.kept_rows ?? 0),
        total: kept?.kept_total === null || kept?.kept_total === undefined ? null : Number(kept.kept_total),
      },
      format,
      unit: sameName?.unit ?? null,
      rows,
      sql,
      params,
      citations: [await citationFor(ctx, mart.name)],
    };
  },
  summarize: (o) =>
    `${o.direction} ${o.rows.length} ${o.mart} by ${o.measure}${o.label_masked ? " (labels masked)" : ""}`,
});
