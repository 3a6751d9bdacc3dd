import { add, truncate, ymd, type PeriodInput } from "../../engine/catalog/period.ts";
import { dayIn } from "./written-dates.ts";

/**
 * A week named by one of its days (#15, batch 33): "the week of Nov 9" is the Monday–Sunday week holding that day,
 * "the week starting Nov 9" / "beginning" / "commencing" the seven days from it, "the week ending Nov 15" the seven
 * days up to it. A daily metric reads those seven days; a metric kept by month asks back for its grain, as for any
 * week. periods.ts builds its rules from this one at load; a day said is read by written-dates.ts (dayIn).
 */
const MONTH =
  "(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)";
const WEEKDAY = String.raw`(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?`;
const HOW = String.raw`(of|starting|beginning|commencing|ending|ended)`;
/** never a bucket of a series ("tickets by week ending …", "per week of …") */
const WEEK = String.raw`(?<!\b(?:by|per|each|every|a|one)\s+)\b(?:the\s+)?week`;
const DAY = String.raw`(\d{1,2})(?:st|nd|rd|th)?`;
const YEAR = String.raw`(?:,?\s+(\d{4}))?`;

export interface WeekOfRule {
  re: RegExp;
  make(m: RegExpExecArray, today: Date): { period: PeriodInput; multi: boolean } | undefined;
}

function weekOf(how: string, d: Date | undefined, today: Date): { period: PeriodInput; multi: boolean } | undefined {
  if (!d) return undefined;
  const start = /^(?:of)$/.test(how) ? truncate(d, "week") : /^(?:ending|ended)$/.test(how) ? add(d, "day", -6) : d;
  if (start > today) return undefined;
  return { period: { start: ymd(start), end: ymd(add(start, "day", 6)) }, multi: false };
}

export const WEEK_OF_RULES: WeekOfRule[] = [
  // "the week of Nov 9", "week starting Monday, November 9th 2026"
  {
    re: new RegExp(String.raw`${WEEK}\s+${HOW}\s+${WEEKDAY}${MONTH}\.?\s+${DAY}\b${YEAR}`, "g"),
    make: (m, today) => weekOf(m[1]!, dayIn(m[2]!, Number(m[3]), m[4], today), today),
  },
  // "the week of the 9th of November", "week ending 15 Nov"
  {
    re: new RegExp(String.raw`${WEEK}\s+${HOW}\s+${WEEKDAY}(?:the\s+)?${DAY}\s+(?:of\s+)?${MONTH}\b\.?${YEAR}`, "g"),
    make: (m, today) => weekOf(m[1]!, dayIn(m[3]!, Number(m[2]), m[4], today), today),
  },
  // "the week of 2026-11-09"
  {
    re: new RegExp(String.raw`${WEEK}\s+${HOW}\s+(\d{4})-(\d{2})-(\d{2})\b`, "g"),
    make: (m, today) => {
      const d = new Date(Date.UTC(Number(m[2]), Number(m[3]) - 1, Number(m[4])));
      return d.getUTCDate() === Number(m[4]) ? weekOf(m[1]!, d, today) : undefined;
    },
  },
];
