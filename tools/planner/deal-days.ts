import type { Catalog } from "../../engine/catalog/catalog.ts";
import { resolvePeriod, type PeriodInput } from "../../engine/catalog/period.ts";
import type { Plan, Refusal } from "./plan-types.ts";
import { findPeriods, spanOf } from "./periods.ts";
import { rowsInterpretation } from "./understand.ts";

/**
 * Deals won or lost over days that are no whole months (#15, batch 45): "how many deals did we win between Aug 3 and
 * Sep 14", "bookings since Labor Day", "deals lost in 2026-W45". The metrics count deals_closed_monthly by month, but
 * each deal keeps its close date (marts.deals.close_date, the day deals_closed_monthly counts by), so the deals of
 * that state closed on those days are counted from the rows, their amount summed — the same deals the metric counts,
 * cut by day. Read only where the metric's own reading failed for its grain alone: the question, with the days said as
 * a whole month, must read as that metric, with any slice it names (pipeline, owner) a column of the deals.
 */
interface ByRows {
  mart: string;
  state: string;
  date: string;
  measure: string;
  label: string;
  /** a rate: the kept rows over these (won or lost: closed at probability 1 or 0, as is_won and is_lost say) */
  of?: { filters: { column: string; op: string; value: unknown }[]; said: string };
}
const WON_OR_LOST = {
  filters: [
    { column: "is_closed", op: "=", value: true },
    { column: "probability", op: "in", value: [0, 1] },
  ],
  said: "the deals won or lost (closed at probability 0 or 1)",
};
const BY_ROWS: Record<string, ByRows> = {
  deals_won: { mart: "deals", state: "is_won", date: "close_date", measure: "amount", label: "deal_name" },
  won_amount: { mart: "deals", state: "is_won", date: "close_date", measure: "amount", label: "deal_name" },
  deals_lost: { mart: "deals", state: "is_lost", date: "close_date", measure: "amount", label: "deal_name" },
  lost_amount: { mart: "deals", state: "is_lost", date: "close_date", measure: "amount", label: "deal_name" },
  win_rate: {
    mart: "deals",
    state: "is_won",
    date: "close_date",
    measure: "amount",
    label: "deal_name",
    of: WON_OR_LOST,
  },
};
const GRAIN_ONLY = /^(.+) \((\w+) is counted by month\)$/;
/** the words that open a period or join its two ends */
const OPENS = /\b(?:since|from|between|in|on|for|during|over|of)\s+(?:the\s+)?$/;
const JOINS = /^\s*(?:to|through|thru|until|till|and|-|–|—)\s*$/;

export function dealDays(
  text: string,
  planned: Plan | Refusal,
  catalog: Catalog,
  at: Date,
  again: (q: string) => Plan | Refusal,
): Plan | undefined {
  if (planned.status !== "refusal" || planned.unplaced?.length !== 1) return undefined;
  const m = GRAIN_ONLY.exec(planned.unplaced[0]!);
  const rows = m ? BY_ROWS[m[2]!] : undefined;
  const mart = rows && catalog.models.get(rows.mart);
  if (!m || !rows || !mart || !catalog.metrics.some((x) => x.name === m[2])) return undefined;
  // the days said: one period, or two ends of one range
  const found = findPeriods(text, at);
  let period: PeriodInput;
  if (found.length === 1) period = found[0]!.period;
  else if (found.length === 2 && JOINS.test(text.slice(found[0]!.end, found[1]!.start)))
    period = spanOf(found[0]!.period, found[1]!.period, at);
  else return undefined;
  const from = found[0]!.start;
  const to = found.at(-1)!.end;
  const opener = OPENS.exec(text.slice(0, from));
  const start = opener ? opener.index : from;
  // the question with its days as a whole month reads as the metric, and its slices are columns of the rows
  const whole = again(`${text.slice(0, start)} last month ${text.slice(to)}`.replace(/\s+/g, " ").trim());
  if (whole.status !== "plan" || whole.intent !== "metric" || whole.calls.length < 1) return undefined;
  const main = whole.calls.filter((c) => c.role === "main");
  const input = main[0]?.input as { metric?: string; filters?: { dimension: string; op: string; value: unknown }[] };
  if (main.length !== 1 || input.metric !== m[2] || "group_by" in input || "grain" in input) return undefined;
  const columns = new Set(mart.columns.map((c) => c.name));
  const slices = input.filters ?? [];
  if (slices.some((f) => !columns.has(f.dimension))) return undefined;
  const r = resolvePeriod(period, at);
  const filters = [
    ...slices.map((f) => ({ column: f.dimension, op: f.op, value: f.value })),
    { column: rows.state, op: "=", value: true },
    { column: rows.date, op: ">=", value: r.start },
    { column: rows.date, op: "<", value: r.end },
  ];
  const call = {
    mart: rows.mart,
    measure: rows.measure,
    label: rows.label,
    n: 1,
    direction: "top",
    filters,
  };
  const interpretation = rowsInterpretation(call, catalog, at, true, [
    `${m[1]}: ${m[2]} is counted by month, so the ${rows.mart} it counts are read from their rows by ${rows.date.replaceAll("_", " ")}`,
  ]);
  if (!rows.of)
    return {
      status: "plan",
      intent: "count_rows",
      calls: [{ role: "main", name: "top_n", input: call }],
      interpretation,
    };
  // a rate of rows: the kept ones over the population the metric divides by, on the same days and slices
  const population = { ...call, filters: [...filters.filter((f) => f.column !== rows.state), ...rows.of.filters] };
  return {
    status: "plan",
    intent: "count_rows",
    calls: [
      { role: "main", name: "top_n", input: call },
      { role: "share", name: "top_n", input: population },
    ],
    interpretation: {
      ...interpretation,
      read_as: `${interpretation.read_as}, as a share of ${rows.of.said}: the ${(catalog.metrics.find((x) => x.name === m[2])?.label ?? m[2]!).toLowerCase()} of those days`,
      check: { kind: "share_of", of: "rows" },
    },
  };
}
