import { MONTH_NAMES } from "./periods.ts";
import { execSaid, replaceSaid } from "./may-match.ts";

/**
 * The shorthand of dashboards and spreadsheets (issue #15, batch 23), written as the words it stands for before
 * anything else reads the question. Each rewrite stands for one reading only; shorthand with two readings ("avg
 * MRR", "conversion") is left as typed, to be asked back.
 */
const MONTH = `(?:${MONTH_NAMES})`;

export const ANALYST_SHORTHAND: [RegExp, string][] = [
  // "EOM Oct", "EOM of Sep 2026": the end of that month — one period, not "the end of the month" and a month
  [new RegExp(`\\beom\\s+(?:of\\s+)?(?=${MONTH}\\b)`, "g"), "the end of "],
  // "EOQ Q3", "EOQ Q2 2026": the end of that quarter
  [/\beoq\s+(?:of\s+)?(?=q[1-4]\b)/g, "the end of "],
  // "EOY 2025": the end of that year
  [/\beoy\s+(?:of\s+)?(?=20\d\d\b)/g, "the end of "],
  // "L30D", "T7D", "L90D": the last N complete days (a monthly metric then asks back, as "last 30 days" does)
  [/\b[lt](\d{1,3})d\b/g, "last $1 days"],
  // "L4W", "T12W": the last N whole weeks
  [/\b[lt](\d{1,2})w\b/g, "last $1 weeks"],
  // "rolling 7-day", "rolling 28 days", "7-day rolling": a window of the last N days
  [/\brolling\s+(\d{1,3})[\s-]*days?\b/g, "last $1 days"],
  [/\b(\d{1,3})[\s-]*days?\s+rolling\b/g, "last $1 days"],
  // "MoM delta", "delta QoQ": the comparison's own difference — the unit-over-unit word says it
  [/\b(mom|qoq|yoy|wow)\s+deltas?\b/g, "$1"],
  [/\bdeltas?\s+(?=(?:mom|qoq|yoy|wow)\b)/g, ""],
  // "delta": the difference of a comparison, in the metric's unit
  [/\bdeltas?\b/g, "difference"],
  // "ex-Enterprise", "w/o Starter": the whole less that value
  [/\bex-(?=[a-z])/g, "excluding "],
  [/\bw\/o\b/g, "without"],
  // "high-pri tickets": high priority
  [/\bhigh[\s-]pri\b/g, "high priority"],
  // "ARR YoY — Oct vs same month last year": the year-over-year word said again by the comparison it names is one
  // comparison (a MoM or QoQ beside "same month last year" names another, and stays to be asked back)
  [
    /\b(?:yoy|y\/y|yr\/yr|year[\s-]over[\s-]year)\b(?=.*\b(?:vs\.?|versus|compared\s+(?:to|with))\s+(?:the\s+)?same\s+(?:month|quarter|week|period)\s+(?:last|a|the\s+previous|the\s+prior)\s+year\b)/g,
    "",
  ],
  // "refunds as % of gross payments", "as pct of": a share of the second
  [/\bas\s+(?:an?\s+)?(?:%|pct|percent|percentage)\s+of\b/g, "as a share of"],
  // "which plan is #1", "#1 rep by won $": the top one
  [/#\s*1\b/g, "top"],
  // "n= on Pro", "n= customers": how many
  [/\bn\s*=\s*(?=(?:on|for|in|at)\b)/g, "how many "],
  [/\bn\s*=\s*(?=[a-z])/g, "number of "],
  // "rank months YTD by cash collected — top 1", "rank reps by win rate, bottom 1": the top (bottom) one of them
  [
    /\brank\s+(?:the\s+)?(month|week|quarter|day|rep|owner|plan|pipeline|country|countrie)s\b(.*?)[\s,;:—–-]*\b(top|bottom)\s*(?:1|one)\b/g,
    "$3 $1$2",
  ],
  // "win rate Q3 by owner, top rep?", "MRR by plan — bottom one": the top (bottom) value of that breakdown
  [
    /^(.+?)\s+by\s+(owner|rep|plan|pipeline|country|month|week|quarter)\s*[,;:—–-]+\s*(?:which\s+is\s+(?:the\s+)?)?(top|bottom|best|worst)\s+(?:rep|owner|one|plan|pipeline|country|month|week|quarter)\s*\??$/g,
    "$3 $2 by $1",
  ],
  // "Oct '26", "Q3 '25": the year written with its century
  [new RegExp(`\\b(${MONTH}|q[1-4])\\s+['’](\\d\\d)\\b`, "g"), "$1 20$2"],
];

const AS_TYPED: [RegExp, string][] = ANALYST_SHORTHAND.map(([re, to]) => [new RegExp(re.source, "gi"), to]);

/**
 * The question with its analyst shorthand written out, as typed (any case), before any reading of it: a share ("as %
 * of"), a mean per bucket ("avg tickets/day"), a ratio or a netted metric are read from the whole question before the
 * shorthand above is, inside the reading of a metric. A slash before a bucket is "per".
 */
export function analystSaid(question: string): string {
  let out = question.replace(/(?<=[a-z])\s*\/\s*(day|week|month|quarter)\b/gi, " per $1");
  for (const [re, to] of AS_TYPED) out = replaceSaid(out, re, to);
  return out;
}

const UNIT_OVER_UNIT: [RegExp, string][] = [
  [/\b(?:mom|m\/m|month[\s-]+(?:over|on)[\s-]+month)\b/i, "month"],
  [/\b(?:qoq|q\/q|quarter[\s-]+(?:over|on)[\s-]+quarter)\b/i, "quarter"],
  [/\b(?:wow|w\/w|week[\s-]+(?:over|on)[\s-]+week)\b/i, "week"],
];
const SAME_LAST_YEAR =
  /\b(?:vs\.?|versus|compared\s+(?:to|with)|against)\s+(?:the\s+)?same\s+(?:month|quarter|week|period)\s+(?:last|a|the\s+previous|the\s+prior)\s+year\b/i;

/**
 * "MRR MoM, Oct vs same month last year": a month-over-month (quarter, week) word and a year-back comparison name two
 * earlier periods (September, October 2025) — each gives another number, so the question is asked back naming both.
 */
export function shiftClash(question: string): string | undefined {
  const back = execSaid(SAME_LAST_YEAR, question);
  if (!back) return undefined;
  for (const [re, unit] of UNIT_OVER_UNIT) {
    const m = re.exec(question);
    if (m)
      return `"${m[0]}" sets the ${unit} against the ${unit} before it, and "${back[0]}" against the same ${unit} a year earlier: two comparisons with two numbers; say which`;
  }
  return undefined;
}
