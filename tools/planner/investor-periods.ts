import { MONTHS } from "../../engine/catalog/period.ts";
import { MONTH_NAMES } from "./periods.ts";
import { CARDINALS } from "./number-words.ts";
import { execSaid, replaceSaid, testSaid } from "./may-match.ts";

/**
 * Periods as investors and spreadsheet users write them (#15, batches 25 and 27), written as the planner's words:
 *   - trailing windows: "trailing quarter" (the last whole quarter), "TTM", "trailing twelve months through October",
 *     "on a trailing twelve-month basis", "LTM" — the last N whole months, ending with a month when one is named;
 *   - "from January to now": the range up to today (as "to today" reads);
 *   - "as of end of October", "as of the end of Q3": a stock at that end;
 *   - "delta vs prior month, Oct", "(Oct minus Sep)": the month named against the one before it, never today's.
 * Each rewrite has one reading; anything else is left as typed (to be read or asked back as before).
 */
const MONTH = `(?:${MONTH_NAMES})`;
const NUM_12 = "(?:12|twelve)";
// "six months through September", "eighteen months ending June": a count said in words (number-words.ts)
const N_WORDS = CARDINALS;
const NUM_N = `(\\d{1,2}|${Object.keys(N_WORDS).join("|")})`;

// a month the window ends with, not a day of it ("through October 15" is another period)
const ENDS_MONTH = `(?=${MONTH}\\b(?!\\s+\\d{1,2}(?:st|nd|rd|th)?\\b))`;
// one to six words between a window and "through <month>", none of them a period, a comparison or a joiner
const STOP = `(?:${MONTH_NAMES}|q[1-4]|\\d+|in|for|over|during|since|from|vs|versus|against|and|or|but|by|to|through|thru|ending|ended|up|last|this|next|past|year|quarter|week|day)`;
const BETWEEN = `(?:(?!${STOP}\\b)[a-z']+[\\s,]+){1,6}?`;

const MONTH_INDEX: Record<string, number> = {};
for (const [i, m] of MONTHS.entries()) {
  MONTH_INDEX[m.toLowerCase()] = i;
  MONTH_INDEX[m.toLowerCase().slice(0, 3)] = i;
}
MONTH_INDEX.sept = 8;

const monthIndex = (name: string): number => MONTH_INDEX[name.toLowerCase()] ?? -1;
/** The latest such month begun: this year's when it has begun, else last year's. */
const latestYear = (month0: number, today: Date): number =>
  month0 <= today.getUTCMonth() ? today.getUTCFullYear() : today.getUTCFullYear() - 1;

const TRAILING: [RegExp, string][] = [
  // "trailing quarter", "the trailing qtr": the last whole quarter
  [/\b(?:the\s+|a\s+|on\s+a\s+)?trailing[\s-]+(?:quarter|qtr)(?:\s+basis)?\b/g, "last quarter"],
  // "on a trailing twelve-month basis through October", "TTM through Oct", "the 12 months ending October": marked
  // here, written as the twelve months ending with that month below (throughMonth)
  [
    new RegExp(
      `\\b(?:(?:on|over|for|in)\\s+)?(?:a\\s+|the\\s+)?(?:(?:trailing|last|past|rolling)[\\s-]+)?${NUM_N}[\\s-]+months?(?:\\s+basis)?\\s+(?:through|thru|to|ending(?:\\s+in)?|ended|up\\s+to)\\s+(?=${MONTH}\\b(?!\\s+\\d{1,2}(?:st|nd|rd|th)?\\b))`,
      "g",
    ),
    "MONTHS_THROUGH $1 ",
  ],
  [
    new RegExp(
      `\\b(?:ttm|ltm)\\s+(?:through|thru|to|ending(?:\\s+in)?|ended|up\\s+to)\\s+(?=${MONTH}\\b(?!\\s+\\d{1,2}(?:st|nd|rd|th)?\\b))`,
      "g",
    ),
    "MONTHS_THROUGH 12 ",
  ],
  // "trailing twelve month net revenue retention, through october", "TTM NRR through September": the window and the
  // month it ends with said apart, only the metric's words between (a period, a comparison or a joiner between them
  // is no such window: left as typed)
  [
    new RegExp(
      `\\b(?:a\\s+|the\\s+)?(?:trailing|last|past|rolling)[\\s-]+${NUM_N}[\\s-]+months?\\s+(${BETWEEN})(?:through|thru|ending(?:\\s+in)?|ended|up\\s+to)\\s+${ENDS_MONTH}`,
      "g",
    ),
    "$2MONTHS_THROUGH $1 ",
  ],
  [
    new RegExp(`\\b(?:ttm|ltm)\\s+(${BETWEEN})(?:through|thru|ending(?:\\s+in)?|ended|up\\s+to)\\s+${ENDS_MONTH}`, "g"),
    "$1MONTHS_THROUGH 12 ",
  ],
  // "on a trailing twelve-month basis", "TTM", "LTM": the last twelve whole months
  [
    new RegExp(
      `\\b(?:(?:on|over)\\s+)?(?:a\\s+|the\\s+)?(?:trailing|rolling)[\\s-]+${NUM_12}[\\s-]+months?(?:\\s+basis)?\\b`,
      "g",
    ),
    "over the last 12 months",
  ],
  [/\b(?:on\s+an?\s+)?(?:ttm|ltm)(?:\s+basis)?\b/g, "over the last 12 months"],
  // "trailing 90 days", "trailing 6 months": the last N days (months); a monthly metric asks back as "last 90 days" does
  [/\btrailing\s+(\d{1,3})\s+(days|weeks|months)\b/g, "the last $1 $2"],
  // "from January to now": to today
  [
    /\b((?:from|since|between)\b.{1,40}?\b(?:to|through|thru|till|until|up\s+to|and))\s+(?:right\s+)?now\b/g,
    "$1 today",
  ],
  // "as of end of October", "as at end of Q3": at the end of it
  [
    new RegExp(`\\bas\\s+(?:of|at)\\s+(?:the\\s+)?end\\s+of\\s+(?=${MONTH}\\b|q[1-4]\\b|20\\d\\d\\b)`, "g"),
    "at the end of ",
  ],
];

const PRIOR_MONTH =
  /\s*,?\s*\b(?:vs\.?|versus|compared\s+(?:to|with)|against|over|on)\s+(?:the\s+)?(?:prior|previous|preceding)\s+month\b\s*,?/;
const MONTH_SAID = new RegExp(`\\b(${MONTH})\\b(?:\\s+(20\\d\\d))?`, "g");
const MINUS_ASIDE = new RegExp(
  `\\s*\\(\\s*(${MONTH})(?:\\s+20\\d\\d)?\\s+(?:minus|less|-|–)\\s+(${MONTH})(?:\\s+20\\d\\d)?\\s*\\)`,
);

/**
 * "MRR delta vs prior month, Oct", "tickets vs the previous month for October (Oct minus Sep)": one month named and
 * "the prior month" beside it are that month against the one before it, both with their years said.
 */
function priorMonth(text: string, today: Date): string {
  // "(Oct minus Sep)": the difference said again, kept only when it is the month before the first
  let out = text;
  const aside = execSaid(MINUS_ASIDE, out);
  if (aside) {
    const a = monthIndex(aside[1]!);
    const b = monthIndex(aside[2]!);
    if ((a + 11) % 12 !== b) return text;
    out = out.slice(0, aside.index) + out.slice(aside.index + aside[0].length);
    if (!testSaid(PRIOR_MONTH, out)) out = `${out.trimEnd()} vs prior month`;
  }
  const prior = execSaid(PRIOR_MONTH, out);
  if (!prior) return text;
  const rest = out.slice(0, prior.index) + " " + out.slice(prior.index + prior[0].length);
  const months = [...rest.matchAll(MONTH_SAID)].filter(
    (m) => !/^may$/i.test(m[1]!) || /\b(?:in|for|of)\s+may\b/i.test(rest),
  );
  // (one month only: two months, or none, are left as typed)
  if (months.length !== 1) return text;
  const m = months[0]!;
  const mi = monthIndex(m[1]!);
  if (mi < 0) return text;
  const y = m[2] ? Number(m[2]) : latestYear(mi, today);
  const py = mi === 0 ? y - 1 : y;
  const pm = (mi + 11) % 12;
  const said = `${MONTHS[mi]} ${y} vs ${MONTHS[pm]} ${py}`;
  return `${rest.slice(0, m.index)}${said}${rest.slice(m.index! + m[0].length)}`.replace(/\s{2,}/g, " ").trim();
}

const MONTHS_THROUGH = new RegExp(`MONTHS_THROUGH (\\w+) (${MONTH})\\b(?:\\s+(20\\d\\d))?`, "i");

/** "the twelve months through October", "last 3 months through Sep": the N months ending with that one, years said. */
function throughMonth(text: string, today: Date): string {
  const m = execSaid(MONTHS_THROUGH, text);
  if (!m) return text;
  const n = N_WORDS[m[1]!.toLowerCase()] ?? Number(m[1]);
  const mi = monthIndex(m[2]!);
  // (a count of months that is no whole number from 1 to 36 is left to be asked back)
  if (!Number.isInteger(n) || n < 1 || n > 36 || mi < 0)
    return text.replace(/MONTHS_THROUGH (\w+) /i, "the last $1 months through ");
  const y = m[3] ? Number(m[3]) : latestYear(mi, today);
  const first = y * 12 + mi - (n - 1);
  const start = `${MONTHS[first % 12]} ${Math.floor(first / 12)}`;
  return `${text.slice(0, m.index)}from ${start} through ${MONTHS[mi]} ${y}${text.slice(m.index + m[0].length)}`;
}

/** The question with its investor and spreadsheet periods in the planner's words; as typed when none is said. */
export function investorPeriods(question: string, today: Date): string {
  let out = question;
  for (const [re, to] of TRAILING) out = replaceSaid(out, new RegExp(re.source, "gi"), to);
  return priorMonth(throughMonth(out, today), today);
}
