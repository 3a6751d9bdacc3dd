import { now } from "../../engine/clock.ts";
import type { ToolCallResult } from "../toolbox/index.ts";

type Period = { label?: string; toDate?: boolean; start?: string };

const SAYS_TO_DATE =
  /\b(?:to date|so far|month-to-date|quarter-to-date|year-to-date|mtd|qtd|ytd|through|until now|as of today)\b/i;

function periodsOf(r: ToolCallResult): Period[] {
  const o = r.output as Record<string, any>;
  if (r.name === "query_metric") return [o.period];
  if (r.name === "compare_periods") return [o.current?.period, o.previous?.period];
  return [];
}

/**
 * A period that has not ended (this month, this year) is only part of one: when the model's prose
 * does not say so, a line under it does ("November 2026 is to date, through 2026-11-21").
 */
export function toDateNote(prose: string, results: ToolCallResult[]): string[] {
  if (SAYS_TO_DATE.test(prose)) return [];
  const open = results
    .flatMap(periodsOf)
    .filter((p): p is Period => !!p?.toDate && !!p.label && p.start !== "1900-01-01");
  if (!open.length) return [];
  const label = open[0]!.label!.replace(/\s*\(to date\)$/, "");
  return [`(${label} is to date: through ${now().toISOString().slice(0, 10)}, not a full period.)`];
}
