import {
  add,
  parseDate,
  resolvePeriod,
  truncate,
  ymd,
  type Grain,
  type PeriodInput,
} from "../../engine/catalog/period.ts";
import { mayMatch, testSaid } from "./may-match.ts";
import { WEEK_OF_RULES } from "./week-of.ts";
import { WRITTEN_DATE_RULES } from "./written-dates.ts";

export interface FoundPeriod {
  period: PeriodInput;
  start: number;
  end: number;
  /** spans several metric periods: a series reads better than one number */
  multi: boolean;
  /** a month named without its year, which took the latest one begun (a range's other end may say otherwise) */
  yearless?: boolean;
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
/** Month names and their abbreviations as a regex alternation (no group): one list for the planner and the eval */
export const MONTH_NAMES =
  "january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec";
const MONTH_RE = `(${MONTH_NAMES})`;
/** Number words a question spells out ("last three months", "top five plans"), for every planner rule that counts. */
export const NUMBER_WORDS: Record<string, number> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  twenty: 20,
};
const UNIT = "(day|week|month|quarter|year)s?";
/** "full", "complete", "closed", "whole", "calendar": said of a window's buckets, which are whole ones anyway */
const WHOLE = "(?:(?:full|complete|completed|closed|finished|whole|calendar)\\s+)?";
const UNIT_WORD: Record<string, string> = { qtr: "quarter", yr: "year", mo: "month", mth: "month", wk: "week" };

function monthIndex(name: string): number {
  return MONTHS.indexOf(name.slice(0, 3));
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

/** A month or quarter named without a year is the most recent one that has begun. */
function latestYearFor(month0: number, today: Date): number {
  const y = today.getUTCFullYear();
  return month0 <= today.getUTCMonth() ? y : y - 1;
}

/** The last day of a period whose end is exclusive ("2026-11-01" → "2026-10-31"). */
export function inclusiveEnd(exclusive: string): string {
  return ymd(add(parseDate(exclusive), "day", -1));
}

interface Rule {
  re: RegExp;
  make(m: RegExpExecArray, today: Date): { period: PeriodInput; multi: boolean; yearless?: boolean } | undefined;
}

const since = (start: string, today: Date) => ({ period: { start, end: ymd(today) }, multi: true });

/** The bucket `n` units of `unit` before the current one: "two months ago" → that month. */
function bucketsAgo(n: number, unit: string, today: Date): PeriodInput {
  const u = (UNIT_WORD[unit] ?? unit).replace(/s$/, "") as Grain;
  // "a year ago" is this month a year back (the same point in time), not the calendar year before
  if (u === "year") return ymd(add(truncate(today, "month"), "month", -12 * n)).slice(0, 7);
  const d = add(truncate(today, u), u, -n);
  if (u === "month") return ymd(d).slice(0, 7);
  if (u === "quarter") return `${d.getUTCFullYear()}-Q${Math.floor(d.getUTCMonth() / 3) + 1}`;
  // "the week before last": that week's own days, never last week
  if (u === "week" && n > 1) return { start: ymd(d), end: ymd(add(d, "day", 6)) };
  return `last_${u}`;
}

/** A day of a month named in words, in the most recent year it has begun unless a year is said. */
function dayOf(
  month: string,
  day: number,
  year: string | undefined,
  today: Date,
): { period: PeriodInput; multi: boolean } | undefined {
  const mi = monthIndex(month);
  if (mi < 0 || day < 1) return undefined;
  const y = year ? Number(year) : latestYearFor(mi, today);
  const d = new Date(Date.UTC(y, mi, day));
  if (d.getUTCMonth() !== mi) return undefined;
  if (!year && d > today) d.setUTCFullYear(y - 1);
  return { period: ymd(d), multi: false };
}

/** a year said in words after a month or quarter: "of this year", "last year", "of 2026" */
const YEAR_WORDS = "(?:\\s+(?:of\\s+)?(?:(this|current|last|previous|prior)\\s+year|(\\d{4})))";
function yearOf(word: string | undefined, digits: string | undefined, today: Date): number {
  if (digits) return Number(digits);
  return today.getUTCFullYear() - (word && /^(?:last|previous|prior)$/.test(word) ? 1 : 0);
}
const COUNT_WORDS: Record<string, number> = { ...NUMBER_WORDS, "2": 2, "3": 3, "4": 4, "6": 6, "9": 9 };
const LAST_DAY = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const RULES: Rule[] = [
  // "2026-W45", "1H26", "YTD through end of Sept", "Sept 1–15", "2026-10-01..2026-10-31", "EOD Sept 30" (written-dates.ts)
  ...WRITTEN_DATE_RULES,
  // "the week of Nov 9", "the week ending Nov 15" (week-of.ts)
  ...WEEK_OF_RULES,
  // "the quarter ended September 30", "the three months ending June 30, 2026", "the year ended December 31, 2025",
  // "the nine months ended September 30": a reporting period named by its last day (an accountant's words); the day
  // must end a month (and the quarter, for a quarter), else it is no such period and is left to be asked back
  {
    re: new RegExp(
      `\\b(?:the\\s+)?(?:(fiscal\\s+)?(quarter|qtr|month|year)|(three|six|nine|twelve|3|6|9|12)\\s+months)\\s+(?:that\\s+)?(?:ended|ending|ends|to)\\s+(?:on\\s+)?${MONTH_RE}\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?\\b(?:,?\\s+(\\d{4})\\b)?`,
      "g",
    ),
    make: (m, today) => {
      const mi = monthIndex(m[4]!);
      const day = Number(m[5]);
      if (m[1] || mi < 0 || day !== LAST_DAY[mi] || (mi === 1 && day !== 28 && day !== 29)) return undefined;
      const months = m[3]
        ? COUNT_WORDS[m[3]]!
        : ({ quarter: 3, qtr: 3, month: 1, year: 12 } as Record<string, number>)[m[2]!]!;
      if (months === 3 && mi % 3 !== 2) return undefined;
      // the latest such day already past, unless a year is said
      let y = m[6] ? Number(m[6]) : today.getUTCFullYear();
      const endNext = () => ymd(new Date(Date.UTC(y, mi + 1, 1)));
      if (!m[6] && endNext() > ymd(add(today, "day", 1))) y -= 1;
      const startDate = ymd(new Date(Date.UTC(y, mi + 1 - months, 1)));
      if (endNext() > ymd(add(today, "day", 1))) return undefined;
      return { period: { start: startDate, end: inclusiveEnd(endNext()) }, multi: months > 1 };
    },
  },
  // "the first three quarters of 2026", "the first nine months of the year", "the first two quarters of last year":
  // the year's opening stretch, to today when it is still running
  {
    re: /\b(?:the\s+)?first\s+(two|three|four|five|six|seven|eight|nine|ten|eleven|2|3|4|6|9)\s+(quarters|months)\s+(?:of\s+)?(?:(?:the|this)\s+year|(last|previous|prior)\s+year|(\d{4}))\b/g,
    make: (m, today) => {
      const n = COUNT_WORDS[m[1]!]!;
      const months = m[2] === "quarters" ? n * 3 : n;
      if (months > 12 || months < 2) return undefined;
      const y = yearOf(m[3] ? "last" : undefined, m[4], today);
      const start = `${y}-01-01`;
      const end = inclusiveEnd(ymd(new Date(Date.UTC(y, months, 1))));
      if (start > ymd(today)) return undefined;
      return { period: { start, end: end > ymd(today) ? ymd(today) : end }, multi: true };
    },
  },
  // "October of this year", "Q3 of last year", "September this year": the month (quarter) in that year
  {
    re: new RegExp(`\\b(?:${MONTH_RE}|q([1-4]))\\.?${YEAR_WORDS}\\b`, "g"),
    make: (m, today) => {
      if (!m[3]) return undefined;
      const y = yearOf(m[3], undefined, today);
      if (m[2]) return { period: `${y}-Q${m[2]}`, multi: false };
      return { period: `${y}-${pad(monthIndex(m[1]!) + 1)}`, multi: false };
    },
  },
  // "the first half of the year", "H2 2025", "second half of 2025": six months, the current half up to today
  {
    re: /\b(?:the\s+)?(first|second|1st|2nd)\s+half(?:(?:\s+of)?(?:\s+(?:the|this)\s+year|\s+(last)\s+year|\s+(\d{4}))\b|(?!\s+of\b)(?=[\s,;:?!.]|$))|\bh([12])(?:\s+(\d{4}))?\b/g,
    make: (m, today) => {
      const second = m[1] ? /^(?:second|2nd)$/.test(m[1]) : m[4] === "2";
      const said = m[3] ?? m[5];
      let y = said ? Number(said) : today.getUTCFullYear() - (m[2] ? 1 : 0);
      if (!said && !m[2] && second && today.getUTCMonth() < 6) y -= 1;
      const start = `${y}-${second ? "07" : "01"}-01`;
      const end = `${y}-${second ? "12-31" : "06-30"}`;
      if (start > ymd(today)) return undefined;
      return { period: { start, end: end > ymd(today) ? ymd(today) : end }, multi: true };
    },
  },
  // "since the start of the year" is the year to date; of the month or quarter, that one to date
  {
    re: /\b(?:since|from)\s+(?:the\s+)?(?:start|beginning|begin)\s+of\s+(?:the\s+|this\s+)?(year|quarter|qtr|month)\b(?!\s+(?:to|through|thru|till|until)\b)/g,
    make: (m) => {
      const u = UNIT_WORD[m[1]!] ?? m[1]!;
      return { period: u === "year" ? "ytd" : `this_${u}`, multi: u !== "month" };
    },
  },
  // "two months ago", "a quarter ago", "the month before last"
  {
    re: new RegExp(
      `\\b(a|an|one|\\d{1,2}|${Object.keys(NUMBER_WORDS).join("|")})\\s+(month|quarter|qtr|year)s?\\s+ago\\b`,
      "g",
    ),
    make: (m, today) => {
      const n = NUMBER_WORDS[m[1]!] ?? (/^an?$/.test(m[1]!) ? 1 : Number(m[1]));
      return { period: bucketsAgo(n, m[2]!, today), multi: false };
    },
  },
  // "this time last year", "the same month last year": this month a year back
  {
    re: /\b(?:this\s+time|the\s+same\s+(?:time|month)|same\s+(?:time|month))\s+last\s+year\b/g,
    make: (_m, today) => ({ period: bucketsAgo(1, "year", today), multi: false }),
  },
  {
    re: /\b(?:the\s+)?day\s+before\s+yesterday\b/g,
    make: (_m, today) => ({ period: ymd(add(today, "day", -2)), multi: false }),
  },
  {
    re: /\b(?:the\s+)?(week|month|quarter|year)\s+before\s+last\b/g,
    make: (m, today) => ({
      period: m[1] === "year" ? String(today.getUTCFullYear() - 2) : bucketsAgo(2, m[1]!, today),
      multi: false,
    }),
  },
  // "since Oct 15", "since November 3rd": that day up to today (a day of a month, before the month alone)
  {
    re: new RegExp(`\\bsince\\s+${MONTH_RE}\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?\\b(?:,?\\s+(\\d{4})\\b)?`, "g"),
    make: (m, today) => {
      const day = dayOf(m[1]!, Number(m[2]), m[3], today);
      return day ? since(day.period as string, today) : undefined;
    },
  },
  // "since last month", "since the previous quarter": from that one's start up to today (a count over both; a level
  // "since last month" is a change, which understand() asks back)
  {
    re: /\bsince\s+(?:the\s+)?(?:last|previous|prior)\s+(week|month|quarter|year|qtr)\b/g,
    make: (m, today) => {
      const u = (UNIT_WORD[m[1]!] ?? m[1]!) as Grain;
      return since(ymd(add(truncate(today, u), u, -1)), today);
    },
  },
  {
    re: new RegExp(
      `\\bsince\\s+(?:(?:the\\s+)?(?:start|beginning)\\s+of\\s+)?${MONTH_RE}\\.?(?:\\s+(\\d{4}))?\\b`,
      "g",
    ),
    make: (m, today) => {
      const mi = monthIndex(m[1]!);
      const y = m[2] ? Number(m[2]) : latestYearFor(mi, today);
      return since(`${y}-${pad(mi + 1)}-01`, today);
    },
  },
  // "since Q3", "since the start of Q2 2026": that quarter's first day up to today (the latest such quarter begun)
  {
    re: /\bsince\s+(?:the\s+)?(?:(?:start|beginning)\s+of\s+)?q([1-4])(?:\s+(\d{4}))?\b/g,
    make: (m, today) => {
      const month = pad((Number(m[1]) - 1) * 3 + 1);
      const thisYear = today.getUTCFullYear();
      const y = m[2] ? Number(m[2]) : `${thisYear}-${month}-01` <= ymd(today) ? thisYear : thisYear - 1;
      const start = `${y}-${month}-01`;
      return start > ymd(today) ? undefined : since(start, today);
    },
  },
  { re: /\bsince\s+(\d{4}-\d{2}-\d{2})\b/g, make: (m, today) => since(m[1]!, today) },
  { re: /\bsince\s+(\d{4})\b/g, make: (m, today) => since(`${m[1]}-01-01`, today) },
  // "last 3 months", "trailing 3 full months", "rolling 6 months", "the prior 12 complete months": the N whole
  // buckets before the current one (a window of months on a monthly metric is never a month still running)
  {
    re: new RegExp(
      `\\b(?:last|past|previous|prior|trailing|rolling|the\\s+last)\\s+(\\d{1,3}|${Object.keys(NUMBER_WORDS).join("|")})\\s+${WHOLE}${UNIT}\\b`,
      "g",
    ),
    make: (m) => {
      const n = NUMBER_WORDS[m[1]!] ?? Number(m[1]);
      return { period: `last_${n}_${m[2]}s`, multi: n > 1 };
    },
  },
  {
    re: /\b(?:(?:last|previous|prior|past)\s+(?:full\s+|complete\s+|completed\s+|closed\s+|finished\s+)?|(?:latest|most\s+recent)\s+(?:full|complete|completed|closed|finished)\s+)(week|month|quarter|year|qtr|yr|mo|mth|wk)\b/g,
    make: (m) => ({ period: `last_${UNIT_WORD[m[1]!] ?? m[1]}`, multi: false }),
  },
  // "at the start of the quarter", "by the end of the month": the current one
  {
    re: /(?<=\b(?:start|beginning|end)\s+of\s+)the\s+(week|month|quarter|year|qtr)\b/g,
    make: (m) => ({ period: `this_${UNIT_WORD[m[1]!] ?? m[1]}`, multi: false }),
  },
  {
    // "this month to date", "the current quarter so far": the running one, which is to date anyway
    re: /\b(?:this|current)\s+(week|month|quarter|year|qtr|yr|mo|mth|wk)\b(?:\s+(?:to\s+date|so\s+far)\b)?/g,
    make: (m) => ({ period: `this_${UNIT_WORD[m[1]!] ?? m[1]}`, multi: false }),
  },
  { re: /\b(?:month[\s-]to[\s-]date|mtd)\b/g, make: () => ({ period: "this_month", multi: false }) },
  { re: /\b(?:quarter[\s-]to[\s-]date|qtd)\b/g, make: () => ({ period: "this_quarter", multi: false }) },
  { re: /\b(?:year[\s-]to[\s-]date|ytd|so\s+far\s+this\s+year)\b/g, make: () => ({ period: "ytd", multi: true }) },
  { re: /\btoday\b/g, make: () => ({ period: "today", multi: false }) },
  { re: /\byesterday\b/g, make: () => ({ period: "yesterday", multi: false }) },
  { re: /\b(\d{4})[\s-]?q([1-4])\b/g, make: (m) => ({ period: `${m[1]}-Q${m[2]}`, multi: false }) },
  {
    re: /\b(?:the\s+)?(first|second|third|fourth|1st|2nd|3rd|4th)\s+(?:quarter|qtr)(?:\s+(?:of\s+)?(\d{4}))?\b/g,
    make: (m, today) => {
      const q = { first: 1, second: 2, third: 3, fourth: 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4 }[m[1]!]!;
      const y = m[2] ? Number(m[2]) : latestYearFor((q - 1) * 3, today);
      return { period: `${y}-Q${q}`, multi: false };
    },
  },
  {
    // "Q3 2026", "Q3 of 2026", "Q2-2026", "Q2/2026"
    re: /\bq([1-4])(?:(?:\s+(?:of\s+)?|\s*[-/]\s*)(\d{4}))?\b/g,
    make: (m, today) => {
      const q = Number(m[1]);
      const y = m[2] ? Number(m[2]) : latestYearFor((q - 1) * 3, today);
      return { period: `${y}-Q${q}`, multi: false };
    },
  },
  { re: /\b(\d{4}-\d{2}-\d{2})\b/g, make: (m) => ({ period: m[1]!, multi: false }) },
  // a day named in words: "September 15", "Sept 15th, 2026", "15 September", "the 15th of September"
  {
    re: new RegExp(`\\b${MONTH_RE}\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?\\b(?:,?\\s+(\\d{4})\\b)?`, "g"),
    make: (m, today) => dayOf(m[1]!, Number(m[2]), m[3], today),
  },
  {
    re: new RegExp(
      `\\b(?:the\\s+)?(\\d{1,2})(?:st|nd|rd|th)?\\s+(?:of\\s+)?${MONTH_RE}\\b\\.?(?:,?\\s+(\\d{4})\\b)?`,
      "g",
    ),
    make: (m, today) => dayOf(m[2]!, Number(m[1]), m[3], today),
  },
  { re: /\b(\d{4})-(\d{2})\b/g, make: (m) => ({ period: `${m[1]}-${m[2]}`, multi: false }) },
  // "10/2026": a month and a year
  {
    re: /\b(\d{1,2})\/(\d{4})\b/g,
    make: (m) =>
      Number(m[1]) >= 1 && Number(m[1]) <= 12 ? { period: `${m[2]}-${pad(Number(m[1]))}`, multi: false } : undefined,
  },
  // "last December", "previous November": the latest whole month of that name, never the one still running
  {
    re: new RegExp(`\\b(?:last|previous|past|prior)\\s+${MONTH_RE}\\b(?!\\s+\\d{4})`, "g"),
    make: (m, today) => {
      const mi = monthIndex(m[1]!);
      const y = today.getUTCFullYear();
      return { period: `${mi < today.getUTCMonth() ? y : y - 1}-${pad(mi + 1)}`, multi: false };
    },
  },
  // the year first: "2025 Aug", "2024-August", "2024/August"
  {
    // (never the end of a range of months with years: "jan 2025 - mar 2026" is not March 2025)
    re: new RegExp(`(?<!\\b(?:${MONTH_NAMES})\\.?,?\\s*)\\b(\\d{4})(?:\\s+|\\s*[-/]\\s*)${MONTH_RE}\\b`, "g"),
    make: (m) => ({ period: `${m[1]}-${pad(monthIndex(m[2]!) + 1)}`, multi: false }),
  },
  {
    // "Sep 2025", "Sep-2025", "Sep. 2025", "June, 2025"
    re: new RegExp(`\\b${MONTH_RE}\\.?(?:(?:,?\\s+|\\s*[-/]\\s*)(\\d{4}))?\\b`, "g"),
    make: (m, today) => {
      const word = m[1]!;
      // "may" and "march" are verbs too: only with a year or after a preposition
      if ((word === "may" || word === "march") && !m[2]) return undefined;
      const mi = monthIndex(word);
      const y = m[2] ? Number(m[2]) : latestYearFor(mi, today);
      return { period: `${y}-${pad(mi + 1)}`, multi: false, yearless: !m[2] };
    },
  },
  {
    re: new RegExp(
      `\\b(?:in|for|during|of|from|to|and|vs|versus|through|thru|till|until|between|by)\\s+(may|march)\\b|(?<=\\b(?:${MONTH_NAMES})\\s*[-–]\\s*)(may|march)\\b|\\b(may|march)(?=\\s*[-–]\\s*(?:${MONTH_NAMES})\\b)`,
      "g",
    ),
    make: (m, today) => {
      const mi = monthIndex((m[1] ?? m[2] ?? m[3])!);
      return { period: `${latestYearFor(mi, today)}-${pad(mi + 1)}`, multi: false, yearless: true };
    },
  },
  { re: /\b(?:in|for|during|of|year)\s+(20\d{2}|19\d{2})\b/g, make: (m) => ({ period: m[1]!, multi: false }) },
  { re: /\b(20\d{2})\b/g, make: (m) => ({ period: m[1]!, multi: false }) },
];

/** Periods named in the question, in reading order; earlier rules win where two overlap. */
export function findPeriods(text: string, today: Date): FoundPeriod[] {
  const found: FoundPeriod[] = [];
  const taken: [number, number][] = [];
  for (const rule of RULES) {
    if (!mayMatch(rule.re, text)) continue;
    for (const m of text.matchAll(rule.re)) {
      const start = m.index!;
      const end = start + m[0].length;
      if (taken.some(([a, b]) => start < b && end > a)) continue;
      const made = rule.make(m as RegExpExecArray, today);
      if (!made) continue;
      found.push({ ...made, start, end });
      taken.push([start, end]);
    }
  }
  found.sort((a, b) => a.start - b.start);
  yearRanges(text, found);
  return found;
}

/** the words between a range's two ends; "to" and "and" only after "from"/"between" ("compare November to October") */
const RANGE_JOIN = /^\s*(?:through|thru|till|until|[-–])\s*$/;
const OPEN_JOIN = /^\s*(?:to|and)\s*$/;
const RANGE_OPEN = /\b(?:from|between)\s+(?:the\s+)?$/;

/**
 * "from May to December 2025", "from December to May": a range's first month said without a year is the one before
 * its last month (in that month's year, or the year before when it comes later in the calendar), never the latest
 * one begun, which would turn the range around.
 */
function yearRanges(text: string, found: FoundPeriod[]): void {
  for (let i = 0; i + 1 < found.length; i++) {
    const a = found[i]!;
    const b = found[i + 1]!;
    if (!a.yearless || typeof a.period !== "string" || typeof b.period !== "string") continue;
    const join = text.slice(a.end, b.start);
    // ("from may" is matched whole: "may" alone is a verb)
    const opened = RANGE_OPEN.test(text.slice(0, a.start)) || /^(?:from|between)\b/.test(text.slice(a.start, a.end));
    if (!testSaid(RANGE_JOIN, join) && !(testSaid(OPEN_JOIN, join) && opened)) continue;
    const ma = /^(\d{4})-(\d{2})$/.exec(a.period);
    const mb = /^(\d{4})-(\d{2})$/.exec(b.period);
    if (!ma || !mb) continue;
    const y = Number(mb[1]) - (Number(ma[2]) > Number(mb[2]) ? 1 : 0);
    a.period = `${y}-${ma[2]}`;
  }
}

/** "from September to November" as one range, both ends inclusive. */
export function spanOf(a: PeriodInput, b: PeriodInput, today: Date): PeriodInput {
  const pa = resolvePeriod(a, today);
  const pb = resolvePeriod(b, today);
  const start = pa.start < pb.start ? pa.start : pb.start;
  const end = pa.end > pb.end ? pa.end : pb.end;
  return { start, end: inclusiveEnd(end) };
}

/** The trailing window for a sparkline: `count` buckets of `grain` ending with the period's last bucket. */
export function trailingWindow(endExclusive: string, grain: Grain, count: number, today: Date): PeriodInput {
  const endDate = new Date(`${endExclusive}T00:00:00Z`);
  const capped = endDate > add(truncate(today, "day"), "day", 1) ? add(truncate(today, grain), grain, 1) : endDate;
  const lastBucket = truncate(add(capped, "day", -1), grain);
  const start = add(lastBucket, grain, -(count - 1));
  return { start: ymd(start), end: inclusiveEnd(ymd(capped)) };
}
