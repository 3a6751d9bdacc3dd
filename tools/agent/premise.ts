import { formatValue, type MetricFormat } from "../../engine/catalog/metric-format.ts";
import { during } from "../../engine/catalog/period.ts";
import type { ToolCallResult } from "../toolbox/index.ts";

/**
 * A question that presumes a direction ("why did MRR drop?") checked against the comparisons the
 * model ran (compare_periods, or the last two buckets of a finished series): when they show the
 * opposite, or no change, the answer says so first, whatever the model wrote.
 */

const FELL =
  /\b(?:drop(?:ped|s)?|fall(?:en|s)?|fell|declin(?:e|ed|es|ing)|decreas(?:e|ed|es|ing)|go(?:ne)? down|went down|shr[aiu]nk|dip(?:ped)?|plummet(?:ed)?|tank(?:ed)?|lower)\b/i;
const ROSE =
  /\b(?:r[io]se|risen|rising|gr[eo]w(?:n|s)?|growing|increas(?:e|ed|es|ing)|go(?:ne)? up|went up|jump(?:ed)?|climb(?:ed)?|spik(?:e|ed)|higher|surg(?:e|ed))\b/i;

interface Comparison {
  metric: string;
  label: string;
  format: MetricFormat;
  unit: string | null;
  current: { period: { label: string }; value: number | null };
  previous: { period: { label: string }; value: number | null };
}

interface Series {
  label: string;
  format: MetricFormat;
  unit: string | null;
  period: { toDate: boolean };
  grain: string | null;
  group_by: string[];
  rows: { period_label?: string; value: number | null; rows: number }[];
}

/** The two values a result compares: compare_periods' two periods, or the last two buckets of a finished series. */
function comparison(r: ToolCallResult): Comparison | undefined {
  if (r.name === "compare_periods") return r.output as unknown as Comparison;
  if (r.name !== "query_metric") return undefined;
  const o = r.output as unknown as Series;
  const rows = o.rows.filter((row) => row.rows > 0);
  if (!o.grain || o.group_by.length || o.period.toDate || rows.length < 2) return undefined;
  const [prev, last] = rows.slice(-2) as [Series["rows"][number], Series["rows"][number]];
  return {
    metric: "",
    label: o.label,
    format: o.format,
    unit: o.unit,
    current: { period: { label: last.period_label ?? "the last period" }, value: last.value },
    previous: { period: { label: prev.period_label ?? "the period before" }, value: prev.value },
  };
}

export function premiseWarning(question: string, results: ToolCallResult[]): string | undefined {
  const presumed = FELL.test(question) ? "fell" : ROSE.test(question) ? "rose" : undefined;
  if (!presumed) return undefined;
  for (const r of results) {
    const o = comparison(r);
    if (!o) continue;
    const [a, b] = [o.current.value, o.previous.value];
    if (a === null || b === null) continue;
    const moved = a > b ? "rose" : a < b ? "fell" : "did not change";
    if (moved === presumed) continue;
    const f = (v: number) => formatValue(v, o.format, o.unit ?? undefined);
    const said = presumed === "fell" ? "went down" : "went up";
    return `The question assumes ${o.label} ${said}, but it ${moved}: ${f(b)} ${during(o.previous.period.label)} → ${f(a)} ${during(o.current.period.label)}`;
  }
  return undefined;
}
