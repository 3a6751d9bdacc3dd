import { MONTH_NAMES } from "./periods.ts";

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
  // "tickets/day", "signups / day": per day
  [/\s*\/\s*(day|week|month)\b/g, " per $1"],
  // "delta": the difference of a comparison, in the metric's unit
  [/\bdeltas?\b/g, "difference"],
  // "ex-Enterprise", "w/o Starter": the whole less that value
  [/\bex-(?=[a-z])/g, "excluding "],
  [/\bw\/o\b/g, "without"],
  // "high-pri tickets": high priority
  [/\bhigh[\s-]pri\b/g, "high priority"],
  // "Oct '26", "Q3 '25": the year written with its century
  [new RegExp(`\\b(${MONTH}|q[1-4])\\s+['’](\\d\\d)\\b`, "g"), "$1 20$2"],
];

/**
 * "avg tickets/day", "signups / week": a slash before a bucket is "per", said before any reading of the question (a
 * mean per bucket is read from "per day" before the shorthand above is).
 */
export function perBucketSaid(question: string): string {
  return question.replace(/(?<=[a-z])\s*\/\s*(day|week|month|quarter)\b/gi, " per $1");
}
