import { add, type PeriodInput, ymd } from "../../engine/catalog/period.ts";

/**
 * Dates as people write them in a chat box (#15, batch 45), each with one agreed reading: ISO 8601 weeks ("2026-W45",
 * "ISO week 45", "CW45": Monday to Sunday, week 1 holding 4 January), the analyst's half year ("1H26", "2H25",
 * "H1 '26": January–June or July–December of that calendar year), a year to date stopped at a month ("YTD through end
 * of Sept": 1 January to the month's last day), a day range inside one month ("Sept 1–15", "1–15 Sept", "between Oct
 * 3 and 9"), an ISO interval ("2026-10-01..2026-10-31", "2026-10-01/2026-10-31") and a day said as its close ("end of
 * day Sept 30", "EOD 2026-09-30", "COB Sept 30": that day). A plain "week 45" (ISO, or a US week starting Sunday?) and
 * a fiscal half ("1H FY26") are left unread, to be asked back. Self-contained: periods.ts puts these rules first.
 */
const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const MONTH =
  "(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)";
const DAY = String.raw`(\d{1,2})(?:st|nd|rd|th)?`;
const YEAR = String.raw`(?:,?\s+(\d{4}))?`;
const TO = String.raw`\s*(?:[-–—]|\bto\b|\bthrough\b|\bthru\b|\buntil\b|\btill\b)\s*`;
/** a day said as its close: "end of day", "EOD", "close of business", "COB" */
const CLOSE = String.raw`(?:(?:at|as\s+of|on)\s+)?(?:the\s+)?(?:end\s+of\s+(?:the\s+)?(?:day|business(?:\s+day)?)|eod|cob|close\s+of\s+(?:business|play))(?:\s+on)?,?\s+`;

export interface WrittenDateRule {
  re: RegExp;
  make(m: RegExpExecArray, today: Date): { period: PeriodInput; multi: boolean } | undefined;
}

const monthIndex = (name: string) => MONTHS.indexOf(name.slice(0, 3));
const yearOf = (digits: string) => (digits.length === 2 ? 2000 + Number(digits) : Number(digits));

/** a day of a month, in the latest year it has come unless a year is said (week-of.ts reads days with it too) */
export function dayIn(month: string, day: number, year: string | undefined, today: Date): Date | undefined {
  const mi = monthIndex(month);
  if (mi < 0 || day < 1) return undefined;
  const y = year ? Number(year) : today.getUTCFullYear();
  const d = new Date(Date.UTC(y, mi, day));
  if (d.getUTCMonth() !== mi) return undefined;
  if (!year && d > today) d.setUTCFullYear(y - 1);
  return d;
}

function isoDay(s: string): Date | undefined {
  const [y, m, d] = s.split("-").map(Number);
  const date = new Date(Date.UTC(y!, m! - 1, d!));
  return date.getUTCDate() === d && date.getUTCMonth() === m! - 1 ? date : undefined;
}

/** Monday of ISO week `week` of `year` (week 1 holds 4 January); undefined past the year's last week */
export function isoWeekStart(year: number, week: number): Date | undefined {
  const jan4 = new Date(Date.UTC(year, 0, 4));
  const week1 = add(jan4, "day", -((jan4.getUTCDay() + 6) % 7));
  const start = add(week1, "day", 7 * (week - 1));
  // a year has 53 weeks when 28 December is in week 53
  const dec28 = new Date(Date.UTC(year, 11, 28));
  const last = Math.floor((dec28.getTime() - week1.getTime()) / (7 * 86400000)) + 1;
  return week >= 1 && week <= last ? start : undefined;
}

function isoWeek(week: number, year: string | undefined, today: Date) {
  let start = isoWeekStart(year ? yearOf(year) : today.getUTCFullYear(), week);
  // no year said: the latest such week begun
  if (!year && (!start || start > today)) start = isoWeekStart(today.getUTCFullYear() - 1, week);
  if (!start || start > today) return undefined;
  return { period: { start: ymd(start), end: ymd(add(start, "day", 6)) }, multi: false };
}

function half(which: string, year: string, today: Date) {
  const y = yearOf(year);
  const second = which === "2";
  const start = `${y}-${second ? "07" : "01"}-01`;
  const end = `${y}-${second ? "12-31" : "06-30"}`;
  if (start > ymd(today)) return undefined;
  return { period: { start, end: end > ymd(today) ? ymd(today) : end }, multi: true };
}

/** from `start` to `end` (both said days), the later end never before the start */
function days(start: Date | undefined, end: Date | undefined, today: Date) {
  if (!start || !end || end <= start || start > today) return undefined;
  return { period: { start: ymd(start), end: ymd(end) }, multi: true };
}

/** 1 January of the month's year to its last day (to today while it runs) */
function yearThrough(mi: number, year: string | undefined, today: Date) {
  const y = year ? Number(year) : today.getUTCFullYear();
  const first = new Date(Date.UTC(y, mi, 1));
  if (first > today) return undefined;
  const last = ymd(add(new Date(Date.UTC(y, mi + 1, 1)), "day", -1));
  return { period: { start: `${y}-01-01`, end: last > ymd(today) ? ymd(today) : last }, multi: true };
}

const YTD = String.raw`\b(?:ytd|year[\s-]to[\s-]date)\s+(?:through|thru|to|till|until|up\s+to|as\s+of|ending|ended)\s+(?:the\s+)?(?:end\s+of\s+)?`;

/** the same stretch of the period before: its first day to as many days in as today is into the current one */
function priorToDate(unit: "month" | "quarter" | "year", today: Date) {
  const y = today.getUTCFullYear();
  const months = { month: 1, quarter: 3, year: 12 }[unit];
  const m0 = Math.floor(today.getUTCMonth() / months) * months;
  const start = new Date(Date.UTC(y, m0 - months, 1));
  // the same month offset and day, kept inside the period before (31 March → 28 or 29 February)
  const monthIn = new Date(Date.UTC(y, today.getUTCMonth() - months, 1));
  const lastDay = new Date(Date.UTC(monthIn.getUTCFullYear(), monthIn.getUTCMonth() + 1, 0)).getUTCDate();
  const end = new Date(
    Date.UTC(monthIn.getUTCFullYear(), monthIn.getUTCMonth(), Math.min(today.getUTCDate(), lastDay)),
  );
  return { period: { start: ymd(start), end: ymd(end) }, multi: unit !== "month" };
}

export const WRITTEN_DATE_RULES: WrittenDateRule[] = [
  // "PYTD", "prior year to date", "PQTD", "PMTD": the period before, from its start to the same day into it
  {
    re: /\b(?:p(y|q|m)td|(?:prior|previous)\s+(year|quarter|month)[\s-]to[\s-]date)\b/g,
    make: (m, today) =>
      priorToDate((m[2] ?? { y: "year", q: "quarter", m: "month" }[m[1]!]) as "month" | "quarter" | "year", today),
  },
  // "Q3'26", "Q3-26", "Q3/26": a quarter of a year said in two digits
  {
    re: /\bq([1-4])\s*(?:['’]|[-/])\s*(\d{2})\b(?![-/]\d)/g,
    make: (m) => ({ period: `20${m[2]}-Q${m[1]}`, multi: false }),
  },
  // "Oct'26", "Sept’25": a month of a year said in two digits
  {
    re: new RegExp(`\\b${MONTH}\\.?['’](\\d{2})\\b`, "g"),
    make: (m) => ({ period: `20${m[2]}-${String(monthIndex(m[1]!) + 1).padStart(2, "0")}`, multi: false }),
  },
  // "2026-W45", "2026W45", "W45 2026", "W45-2026"
  {
    re: /\b(\d{4})-?w(\d{1,2})\b|\bw(\d{1,2})(?:[\s-](\d{4}))?\b(?!\s*(?:%|percent))/g,
    make: (m, today) => isoWeek(Number(m[2] ?? m[3]), m[1] ?? m[4], today),
  },
  // "ISO week 45", "ISO wk 45 2026", "CW45", "KW 45" (the European calendar week is the ISO one)
  {
    re: /\b(?:iso\s+(?:week|wk)\s*#?|cw\s*|kw\s*)(\d{1,2})(?:(?:\s+(?:of\s+)?|\s*[-/,]\s*)(\d{4}))?\b/g,
    make: (m, today) => isoWeek(Number(m[1]), m[2], today),
  },
  // "1H26", "2H 2025", "1H'26", "H1 '26", "H2’25" (never "2h 15 minutes")
  {
    re: /\b([12])h(?:['’]?(\d{2})|\s?(\d{4}))\b|\bh([12])\s?['’]\s?(\d{2})\b/g,
    make: (m, today) => half((m[1] ?? m[4])!, (m[2] ?? m[3] ?? m[5])!, today),
  },
  // "YTD through end of Sept", "year to date thru September 2026", "YTD to the end of Q3"
  {
    re: new RegExp(`${YTD}(?:${MONTH}\\.?(?:\\s+(\\d{4}))?|q([1-4]))\\b`, "g"),
    make: (m, today) =>
      m[3] ? yearThrough(Number(m[3]) * 3 - 1, undefined, today) : yearThrough(monthIndex(m[1]!), m[2], today),
  },
  // "YTD through 2026-09-30": 1 January to that day
  {
    re: new RegExp(`${YTD}(\\d{4}-\\d{2}-\\d{2})\\b`, "g"),
    make: (m, today) => {
      const end = isoDay(m[1]!);
      return end ? days(new Date(Date.UTC(end.getUTCFullYear(), 0, 1)), end, today) : undefined;
    },
  },
  // "2026-10-01..2026-10-31", "2026-10-01/2026-10-31" (the ISO 8601 interval)
  {
    re: /\b(\d{4}-\d{2}-\d{2})\s*(?:\.{2,3}|\/)\s*(\d{4}-\d{2}-\d{2})\b/g,
    make: (m, today) => days(isoDay(m[1]!), isoDay(m[2]!), today),
  },
  // "2026-07..2026-09": the months from the first to the last, whole
  {
    re: /\b(\d{4})-(\d{2})\s*(?:\.{2,3}|\/)\s*(\d{4})-(\d{2})\b(?!-\d)/g,
    make: (m, today) => {
      const [y1, m1, y2, m2] = [m[1], m[2], m[3], m[4]].map(Number) as [number, number, number, number];
      if (m1 < 1 || m1 > 12 || m2 < 1 || m2 > 12) return undefined;
      return days(new Date(Date.UTC(y1, m1 - 1, 1)), new Date(Date.UTC(y2, m2, 0)), today);
    },
  },
  // "Sept 30 EOD", "Sep 30th, 2026 close of business": the day, its close said after it
  {
    re: new RegExp(
      `\\b${MONTH}\\.?\\s+${DAY}\\b${YEAR}\\s+(?:eod|cob|end\\s+of\\s+(?:the\\s+)?day|close\\s+of\\s+(?:business|play))\\b`,
      "g",
    ),
    make: (m, today) => {
      const d = dayIn(m[1]!, Number(m[2]), m[3], today);
      return d && d <= today ? { period: ymd(d), multi: false } : undefined;
    },
  },
  // "end of day Sept 30", "EOD Sep 30th", "close of business 2026-09-30": the day
  {
    re: new RegExp(`\\b${CLOSE}${MONTH}\\.?\\s+${DAY}\\b${YEAR}`, "g"),
    make: (m, today) => {
      const d = dayIn(m[1]!, Number(m[2]), m[3], today);
      return d && d <= today ? { period: ymd(d), multi: false } : undefined;
    },
  },
  {
    re: new RegExp(`\\b${CLOSE}(?:the\\s+)?${DAY}\\s+(?:of\\s+)?${MONTH}\\b\\.?${YEAR}`, "g"),
    make: (m, today) => {
      const d = dayIn(m[2]!, Number(m[1]), m[3], today);
      return d && d <= today ? { period: ymd(d), multi: false } : undefined;
    },
  },
  {
    re: new RegExp(`\\b${CLOSE}(\\d{4}-\\d{2}-\\d{2})\\b`, "g"),
    make: (m, today) => {
      const d = isoDay(m[1]!);
      return d && d <= today ? { period: ymd(d), multi: false } : undefined;
    },
  },
  // "Sept 1–15", "Oct 3 to 9, 2026", "between Aug 3 and 9": days of one month (never "Sep 1 - 15%", "Oct 3 to 5pm")
  {
    re: new RegExp(
      `\\b(?:(between)\\s+)?${MONTH}\\.?\\s+${DAY}(?:${TO}|\\s+and\\s+)${DAY}\\b(?!\\s*(?:[:%]|[ap]\\.?m\\b|k\\b|days?\\b|${MONTH}))${YEAR}`,
      "g",
    ),
    make: (m, today) => {
      if (!m[1] && /\band\b/.test(m[0])) return undefined;
      const start = dayIn(m[2]!, Number(m[3]), m[5], today);
      if (!start) return undefined;
      const end = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), Number(m[4])));
      return end.getUTCMonth() === start.getUTCMonth() ? days(start, end, today) : undefined;
    },
  },
  // "1–15 Sept", "3 to 9 October 2026"
  {
    re: new RegExp(`\\b${DAY}${TO}${DAY}\\s+(?:of\\s+)?${MONTH}\\b\\.?${YEAR}`, "g"),
    make: (m, today) => {
      const start = dayIn(m[3]!, Number(m[1]), m[4], today);
      if (!start) return undefined;
      const end = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), Number(m[2])));
      return end.getUTCMonth() === start.getUTCMonth() ? days(start, end, today) : undefined;
    },
  },
];
