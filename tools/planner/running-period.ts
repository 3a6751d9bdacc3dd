import { add, truncate, ymd } from "../../engine/catalog/period.ts";

/**
 * "are we losing more customers than last quarter", "did we sign more deals than last year": a count said with no
 * period of its own against the last whole unit is this unit to date against that whole one. That is a fair
 * "more than" only once most of the running unit has passed (at least half its days, today counted): a count to
 * date that already exceeds the whole last unit is more, one that does not is behind so far — the days are said in
 * the reading so the answer is read as "so far". Earlier in the unit it is asked back (undefined).
 */
export interface RunningAgainstWhole {
  unit: "week" | "month" | "quarter" | "year";
  note: string;
}

const LAST_UNIT = /^(?:the\s+)?(?:last|previous|prior)\s+(week|month|quarter|qtr|year)\s*[?.!]*$/;
const DAY_MS = 86_400_000;

export function runningAgainstWhole(right: string, at: Date): RunningAgainstWhole | undefined {
  const said = LAST_UNIT.exec(right.trim());
  if (!said) return undefined;
  const unit = (said[1] === "qtr" ? "quarter" : said[1]) as RunningAgainstWhole["unit"];
  const start = truncate(at, unit);
  const next = add(start, unit, 1);
  const lastStart = add(start, unit, -1);
  const total = Math.round((next.getTime() - start.getTime()) / DAY_MS);
  const elapsed = Math.floor((at.getTime() - start.getTime()) / DAY_MS) + 1;
  if (elapsed * 2 < total) return undefined;
  const through = add(start, "day", elapsed - 1);
  const note = `this ${unit} to date (${ymd(start)} – ${ymd(through)}, ${elapsed} of ${total} days) against the whole last ${unit} (${ymd(lastStart)} – ${ymd(add(start, "day", -1))}): the count so far, not yet a whole ${unit}`;
  return { unit, note };
}
