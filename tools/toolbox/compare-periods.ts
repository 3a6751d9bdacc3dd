import { currencyPairs } from "../../engine/catalog/currency-pairs.ts";
import { z } from "zod";
import { now } from "../../engine/clock.ts";
import { filterSchema } from "../../engine/catalog/metric-query.ts";
import {
  add,
  GRAINS,
  parseDate,
  periodSchema,
  resolvePeriod,
  truncate,
  labelOf,
  ymd,
  type ResolvedPeriod,
} from "../../engine/catalog/period.ts";
import { rowCurrency, runMetricQuery } from "./query-metric.ts";
import { defineTool } from "./tool.ts";

/** The period just before: the previous calendar unit(s), cut to the same number of days when `current` is to date. */
export function previousPeriod(
  current: ResolvedPeriod,
  options: { sameDays: boolean },
  at: Date = now(),
): ResolvedPeriod {
  const start = parseDate(current.start);
  const end = parseDate(current.end);
  for (const g of [...GRAINS].reverse()) {
    if (truncate(start, g).getTime() !== start.getTime()) continue;
    for (let n = 1; n <= 36; n++) {
      if (add(start, g, n).getTime() !== end.getTime()) continue;
      const prevStart = add(start, g, -n);
      if (current.toDate && options.sameDays) {
        const days = Math.round((add(truncate(at, "day"), "day", 1).getTime() - start.getTime()) / 86_400_000);
        const prevEnd = add(prevStart, "day", days);
        return {
          start: ymd(prevStart),
          end: ymd(prevEnd),
          label: `${labelOf(prevStart, g)} (same ${days} days)`,
          toDate: false,
        };
      }
      return {
        start: ymd(prevStart),
        end: current.start,
        label: n === 1 ? labelOf(prevStart, g) : `${ymd(prevStart)} to ${ymd(add(start, "day", -1))}`,
        toDate: false,
      };
    }
  }
  const days = Math.round((end.getTime() - start.getTime()) / 86_400_000);
  const prevStart = add(start, "day", -days);
  return {
    start: ymd(prevStart),
    end: current.start,
    label: `${ymd(prevStart)} to ${ymd(add(start, "day", -1))}`,
    toDate: false,
  };
}

function asInput(p: ResolvedPeriod) {
  return { start: p.start, end: ymd(add(parseDate(p.end), "day", -1)) };
}

export const comparePeriods = defineTool({
  name: "compare_periods",
  description:
    "Compare one metric between two periods: both values, the absolute change and the relative change (change_ratio; for a percent metric the change is in points). " +
    'Use it for "did X go up?", "X this quarter vs last", "how much did X grow", and to check the premise of a "why did X drop/rise" question before explaining it. ' +
    "Omit `previous` to compare with the period just before (a to-date period is compared with the same number of days). " +
    "Example: {metric: mrr, current: last_month} compares last month with the month before. Not for a trend over many periods (query_metric with a grain).",
  authority: "read",
  input: z.strictObject({
    metric: z.string().describe("metric name, from list_metrics"),
    current: periodSchema,
    previous: periodSchema
      .optional()
      .describe(
        "the period to compare with; default: the one just before `current` (same number of days when `current` is to date)",
      ),
    filters: z.array(filterSchema).default([]),
  }),
  async run(ctx, input) {
    const metric = ctx.catalog.metric(input.metric);
    const current = resolvePeriod(input.current);
    // a stock (MRR) is read at a point in time; a flow over a part-period is compared with the same part
    const sameDays = metric.time_rollup === "sum" || metric.time_rollup === "ratio";
    const previous = input.previous ? resolvePeriod(input.previous) : previousPeriod(current, { sameDays });
    const base = { metric: input.metric, filters: input.filters, group_by: [], order: "time" as const };
    const a = await runMetricQuery(ctx, { ...base, period: asInput(current) });
    const b = await runMetricQuery(ctx, { ...base, period: asInput(previous) });
    // one currency in each period but not the same one (USD customers then, EUR now) is per currency too
    const codes = new Set([...a.currencies, ...b.currencies]);
    const split = a.currency_split || b.currency_split || (a.per_currency && codes.size > 1);
    // several currencies: each compared with itself, never a sum of dollars and euros
    const pairs = split
      ? currencyPairs(
          [...codes].sort(),
          (currency, period) => {
            const r = period === "current" ? a : b;
            return r.rows.find((row) => row.rows && rowCurrency(r, row) === currency)?.value ?? null;
          },
          {
            current: a.rows.some((r) => r.rows),
            previous: b.rows.some((r) => r.rows),
            ratio: metric.time_rollup === "ratio",
          },
        )
      : [];
    // one currency says something (the other held nothing, e.g. a lost deal of unknown currency won €0): that
    // currency's values are the metric's, stated in it
    const one = pairs.length === 1 ? pairs[0]! : undefined;
    const va = one ? one.current : !split && a.rows[0]?.rows ? a.rows[0].value : null;
    const vb = one ? one.previous : !split && b.rows[0]?.rows ? b.rows[0].value : null;
    const by_currency = one
      ? []
      : pairs.map((p) => ({ ...p, change: p.current !== null && p.previous !== null ? p.current - p.previous : null }));
    return {
      metric: a.metric,
      label: a.label,
      format: a.format,
      unit: one ? one.currency : split ? null : (a.unit ?? b.unit),
      by_currency,
      converted_to: a.converted_to,
      current: { period: { ...current, label: current.label }, value: va, at: a.rows[0]?.at ?? null },
      previous: { period: previous, value: vb, at: b.rows[0]?.at ?? null },
      change: va !== null && vb !== null ? va - vb : null,
      change_ratio: va !== null && vb !== null && vb !== 0 ? (va - vb) / Math.abs(vb) : null,
      sql: [a.sql, b.sql],
      citations: a.citations,
    };
  },
  summarize: (o) =>
    `${o.metric}: ${o.current.value ?? "n/a"} (${o.current.period.label}) vs ${o.previous.value ?? "n/a"} (${o.previous.period.label})`,
});
