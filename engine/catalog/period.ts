import { z } from "zod";
import { now } from "../clock.ts";
import { closestName } from "../closest-name.ts";
import { DpError } from "../errors.ts";

export const GRAINS = ["day", "week", "month", "quarter", "year"] as const;
export type Grain = (typeof GRAINS)[number];

export const grainSchema = z.enum(GRAINS);

const NAMED_HELP =
  "today, yesterday, this_week, last_week, this_month, last_month, this_quarter, last_quarter, this_year, last_year, mtd, qtd, ytd, " +
  "last_N_days|weeks|months|quarters|years (N full units before the current one), latest (the mart's most recent period), all, " +
  "or a calendar period: 2026, 2026-Q3, 2026-09, 2026-09-15";

export const periodSchema = z
  .union([
    z.string().describe(`a named period: ${NAMED_HELP}`),
    z
      .strictObject({
        start: z
          .string()
          .regex(/^\d{4}-\d{2}-\d{2}$/)
          .describe("first day, YYYY-MM-DD"),
        end: z
          .string()
          .regex(/^\d{4}-\d{2}-\d{2}$/)
          .describe("last day, inclusive, YYYY-MM-DD"),
      })
      .describe("an explicit date range, both ends inclusive"),
  ])
  .describe(
    "the time period; calendar periods resolve against today (DP_NOW pins it), 'last month' is the previous full calendar month",
  );

export type PeriodInput = z.infer<typeof periodSchema>;

/** A half-open date range [start, end) in UTC calendar days. */
export interface ResolvedPeriod {
  start: string;
  end: string;
  label: string;
  /** the period has not ended yet */
  toDate: boolean;
}

/** The months' names, January first: every label of a period and every reading said back in words. */
export const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

export function ymd(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function utc(y: number, m: number, d = 1): Date {
  return new Date(Date.UTC(y, m, d));
}

export function parseDate(s: string): Date {
  const d = new Date(`${s}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || ymd(d) !== s) throw badPeriod(s);
  return d;
}

export function truncate(d: Date, grain: Grain): Date {
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  switch (grain) {
    case "day":
      return utc(y, m, d.getUTCDate());
    case "week":
      return utc(y, m, d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
    case "month":
      return utc(y, m);
    case "quarter":
      return utc(y, m - (m % 3));
    case "year":
      return utc(y, 0);
  }
}

export function add(d: Date, grain: Grain, n: number): Date {
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const day = d.getUTCDate();
  switch (grain) {
    case "day":
      return utc(y, m, day + n);
    case "week":
      return utc(y, m, day + 7 * n);
    case "month":
      return utc(y, m + n, day);
    case "quarter":
      return utc(y, m + 3 * n, day);
    case "year":
      return utc(y + n, m, day);
  }
}

export function labelOf(start: Date, grain: Grain): string {
  const y = start.getUTCFullYear();
  switch (grain) {
    case "day":
      return `${MONTHS[start.getUTCMonth()]!.slice(0, 3)} ${start.getUTCDate()}, ${y}`;
    case "week":
      return `week of ${ymd(start)}`;
    case "month":
      return `${MONTHS[start.getUTCMonth()]} ${y}`;
    case "quarter":
      return `Q${Math.floor(start.getUTCMonth() / 3) + 1} ${y}`;
    case "year":
      return String(y);
  }
}

/** Short label for one bucket of a series: "Oct 2026", "Q3 2026", "2026-09-14". */
export function bucketLabel(start: string, grain: Grain): string {
  const d = parseDate(start);
  if (grain === "month") return `${MONTHS[d.getUTCMonth()]!.slice(0, 3)} ${d.getUTCFullYear()}`;
  if (grain === "day" || grain === "week") return start;
  return labelOf(d, grain);
}

function unit(start: Date, grain: Grain, today: Date, label = labelOf(start, grain)): ResolvedPeriod {
  const end = add(start, grain, 1);
  // a period that has not started is not "to date" (March 2027, asked in 2026): it has no date yet
  const toDate = start <= today && end > add(today, "day", 1);
  return { start: ymd(start), end: ymd(end), label: toDate ? `${label} (to date)` : label, toDate };
}

/** the named periods, as a user writes them (`last month`) */
const PERIOD_WORDS = [
  "today",
  "yesterday",
  "this week",
  "last week",
  "this month",
  "last month",
  "this quarter",
  "last quarter",
  "this year",
  "last year",
  "mtd",
  "qtd",
  "ytd",
  "all",
  "last 3 months",
];

function badPeriod(text: string): DpError {
  const near = closestName(text, PERIOD_WORDS);
  return new DpError("USAGE", `"${text}" is not a period dp understands`, {
    where: "period",
    fix: near ? `did you mean "${near}"?` : `use ${NAMED_HELP}, or {start, end} dates`,
  });
}

export function isLatest(input: PeriodInput): boolean {
  return typeof input === "string" && input.trim().toLowerCase() === "latest";
}

/** Named or explicit period → [start, end). "latest" needs the mart and is resolved by the query builder. */
export function resolvePeriod(input: PeriodInput, at: Date = now()): ResolvedPeriod {
  const today = truncate(at, "day");
  if (typeof input === "object") {
    const start = parseDate(input.start);
    const last = parseDate(input.end);
    if (last < start)
      throw new DpError("USAGE", `period ends (${input.end}) before it starts (${input.start})`, {
        where: "period",
        fix: "swap start and end",
      });
    const end = add(last, "day", 1);
    return {
      start: input.start,
      end: ymd(end),
      label: `${input.start} to ${input.end}`,
      toDate: end > add(today, "day", 1),
    };
  }
  const text = input.trim().toLowerCase();
  const key = text.replace(/[\s-]+/g, "_");
  const relative: Record<string, () => ResolvedPeriod> = {
    // today is never whole: the day runs on past the data's instant, so it reads "to date" like the current month
    today: () => ({ ...unit(today, "day", today, "today (to date)"), toDate: true }),
    yesterday: () => unit(add(today, "day", -1), "day", today),
    this_week: () => unit(truncate(today, "week"), "week", today, "this week"),
    last_week: () => unit(add(truncate(today, "week"), "week", -1), "week", today),
    this_month: () => unit(truncate(today, "month"), "month", today),
    mtd: () => unit(truncate(today, "month"), "month", today),
    last_month: () => unit(add(truncate(today, "month"), "month", -1), "month", today),
    this_quarter: () => unit(truncate(today, "quarter"), "quarter", today),
    qtd: () => unit(truncate(today, "quarter"), "quarter", today),
    last_quarter: () => unit(add(truncate(today, "quarter"), "quarter", -1), "quarter", today),
    this_year: () => unit(truncate(today, "year"), "year", today),
    ytd: () => unit(truncate(today, "year"), "year", today),
    last_year: () => unit(add(truncate(today, "year"), "year", -1), "year", today),
    all: () => ({ start: "1900-01-01", end: "9999-01-01", label: "all time", toDate: true }),
  };
  const named = relative[key];
  if (named) return named();
  const lastN = /^(?:last|past)_(\d{1,3})_(day|week|month|quarter|year)s?$/.exec(key);
  if (lastN) {
    const n = Number(lastN[1]);
    const grain = lastN[2] as Grain;
    if (n < 1) throw badPeriod(input);
    const end = truncate(today, grain);
    const start = add(end, grain, -n);
    const lastUnit = add(end, grain, -1);
    const span = n === 1 ? labelOf(start, grain) : `${labelOf(start, grain)} – ${labelOf(lastUnit, grain)}`;
    return {
      start: ymd(start),
      end: ymd(end),
      label: `the last ${n} ${grain}${n === 1 ? "" : "s"} (${span})`,
      toDate: false,
    };
  }
  let m: RegExpExecArray | null;
  if ((m = /^(\d{4})$/.exec(text))) return unit(utc(Number(m[1]), 0), "year", today);
  if ((m = /^(\d{4})[\s_-]?q([1-4])$/.exec(text)))
    return unit(utc(Number(m[1]), (Number(m[2]) - 1) * 3), "quarter", today);
  if ((m = /^(\d{4})-(\d{2})$/.exec(text)) && Number(m[2]) >= 1 && Number(m[2]) <= 12)
    return unit(utc(Number(m[1]), Number(m[2]) - 1), "month", today);
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return unit(parseDate(text), "day", today);
  throw badPeriod(input);
}

/**
 * The words before a period's label: "in October 2026", "on Nov 20, 2026", and none before a label that
 * is its own adverb ("today (to date)", "this week", "last 7 days"): "DAU in today" is not English.
 */
export function during(label: string): string {
  if (/^(today|yesterday|this |last |past |the last |since |ytd|mtd|qtd)/i.test(label)) return label;
  if (label === "all time") return "of all time";
  if (/^[A-Z][a-z]{2} \d{1,2}, \d{4}/.test(label)) return `on ${label}`;
  return `in ${label}`;
}
