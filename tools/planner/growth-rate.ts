import { resolvePeriod } from "../../engine/catalog/period.ts";
import { testSaid } from "./may-match.ts";
import type { Understood } from "./understand.ts";

/**
 * "MRR growth rate for Q3", "ARR growth % over H1", "what was our customer growth rate this year": a growth RATE of a
 * level over a period longer than a month, with no second period named, is two different numbers people mean — the
 * period's end against the end of the period before, or the mean monthly rate over its months (CMGR) — and neither is
 * an amount. Asked back, naming both, rather than answered with a level or a difference. A month ("MRR growth rate
 * in October") has one reading (its end against the month before) and is left to the comparison.
 */
const RATE =
  /\b(?:growth\s+(?:rate|%|percent(?:age)?|pct)|rate\s+of\s+growth|(?:%|percent(?:age)?|pct)\s+growth|growth\s+in\s+(?:%|percent(?:age)?|pct))(?!\w)/;

export function growthRateAskBack(text: string, read: Understood, at: Date): string | undefined {
  if (!read.compare || read.periods.length > 1 || read.shift || read.interpretation.kind !== "stock") return undefined;
  if (!testSaid(RATE, text)) return undefined;
  const span = resolvePeriod(read.period === "latest" ? "this_month" : read.period, at);
  const months = (d: string) => Number(d.slice(0, 4)) * 12 + Number(d.slice(5, 7));
  if (months(span.end) - months(span.start) <= 1) return undefined;
  const name = read.interpretation.metric_label;
  const when = span.label;
  return `"${name} growth rate" over ${when} is one of two rates: ${name} at the end of ${when} against the end of the period before it, or the mean monthly growth rate over its months; say which`;
}
