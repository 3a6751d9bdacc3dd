import type { Catalog } from "../../engine/catalog/catalog.ts";
import { now } from "../../engine/clock.ts";
import {
  add,
  GRAINS,
  parseDate,
  resolvePeriod,
  truncate,
  ymd,
  type Grain,
  type PeriodInput,
} from "../../engine/catalog/period.ts";
import type { Plan } from "../planner/plan.ts";
import { findPeriods } from "../planner/periods.ts";
import { normalize } from "../planner/text.ts";

const UNIT = "(day|week|month|quarter|year)";
const BEFORE = new RegExp(
  `\\b(?:the\\s+)?${UNIT}\\s+before\\b|\\bprevious\\s+${UNIT}\\b|\\b(?:a|one)\\s+${UNIT}\\s+(?:earlier|before)\\b|\\bprior\\s+${UNIT}\\b`,
);
const AFTER = new RegExp(
  `\\b(?:the\\s+)?${UNIT}\\s+after\\b|\\bfollowing\\s+${UNIT}\\b|\\b(?:a|one)\\s+${UNIT}\\s+later\\b`,
);
const LEAD = /^(?:and|what about|how about|same for|and for|and in|and what about|then)\b/;

/** "and the month before?", "what about September?": short, and leans on the previous question. */
export function isFollowUp(question: string): boolean {
  const text = normalize(question).replace(/[?!.]+$/, "");
  return text.split(" ").length <= 8 && (LEAD.test(text) || BEFORE.test(text) || AFTER.test(text));
}

/** An aligned single unit as the calendar period the planner would write; anything else as dates. */
function asPeriod(start: Date, end: Date): PeriodInput {
  for (const g of [...GRAINS].reverse()) {
    if (truncate(start, g).getTime() !== start.getTime() || add(start, g, 1).getTime() !== end.getTime()) continue;
    const y = start.getUTCFullYear();
    const m = String(start.getUTCMonth() + 1).padStart(2, "0");
    if (g === "year") return String(y);
    if (g === "quarter") return `${y}-Q${Math.floor(start.getUTCMonth() / 3) + 1}`;
    if (g === "month") return `${y}-${m}`;
    if (g === "day") return ymd(start);
  }
  return { start: ymd(start), end: ymd(add(end, "day", -1)) };
}

function shift(period: PeriodInput, grain: Grain, n: number, at: Date): PeriodInput {
  const r = resolvePeriod(period, at);
  return asPeriod(add(parseDate(r.start), grain, n), add(parseDate(r.end), grain, n));
}

const PERIOD_KEYS = ["period", "current", "previous"] as const;

function shiftPlan(plan: Plan, grain: Grain, n: number, at: Date): Plan {
  return {
    ...plan,
    calls: plan.calls.map((c) => {
      const input = { ...c.input };
      for (const k of PERIOD_KEYS)
        if (input[k] !== undefined && input[k] !== "latest") input[k] = shift(input[k] as PeriodInput, grain, n, at);
      return { ...c, input };
    }),
  };
}

function grainOf(period: PeriodInput, at: Date): Grain | undefined {
  const r = resolvePeriod(period, at);
  const start = parseDate(r.start);
  return [...GRAINS]
    .reverse()
    .find((g) => truncate(start, g).getTime() === start.getTime() && ymd(add(start, g, 1)) === r.end);
}

/**
 * The offline planner's follow-ups: the previous plan, moved in time. "the month before" shifts
 * every period of the plan one month back; a named period ("what about September?") moves the
 * main period there and the rest by the same distance.
 */
export function followUpPlan(previous: Plan, question: string, catalog: Catalog, at: Date = now()): Plan | undefined {
  void catalog;
  const text = normalize(question).replace(/[?!.]+$/, "");
  const before = BEFORE.exec(text);
  const after = AFTER.exec(text);
  const unit = (before ?? after)?.slice(1).find(Boolean) as Grain | undefined;
  if (unit) return shiftPlan(previous, unit, before ? -1 : 1, at);
  const named = findPeriods(text, at);
  const main = previous.calls.find((c) => c.role === "main");
  const mainPeriod = (main?.input.period ?? main?.input.current) as PeriodInput | undefined;
  if (named.length !== 1 || !mainPeriod || mainPeriod === "latest") return undefined;
  const target = resolvePeriod(named[0]!.period, at);
  const from = resolvePeriod(mainPeriod, at);
  const grain = grainOf(mainPeriod, at);
  if (grain && grainOf(named[0]!.period, at) === grain) {
    let n = 0;
    const a = parseDate(from.start);
    const b = parseDate(target.start);
    while (ymd(add(a, grain, n)) < ymd(b) && n < 1000) n++;
    while (ymd(add(a, grain, n)) > ymd(b) && n > -1000) n--;
    return shiftPlan(previous, grain, n, at);
  }
  return {
    ...previous,
    calls: previous.calls
      .filter((c) => c.role !== "trend")
      .map((c) => ({
        ...c,
        input: {
          ...c.input,
          ...(c.input.period !== undefined ? { period: named[0]!.period } : {}),
          ...(c.input.current !== undefined ? { current: named[0]!.period } : {}),
        },
      })),
  };
}
