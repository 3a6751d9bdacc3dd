import { execSaid } from "./may-match.ts";
import { MONTH_NAMES } from "./periods.ts";

/**
 * Period phrases whose reading differs between native and learner English (#15, batch 49), asked back naming both
 * readings — never answered with one of them:
 *
 * - "in the last year", "over the past year", "new clients the last year": to many speakers the last twelve months;
 *   to a Spanish, French or Portuguese speaker ("el año pasado", "l'année dernière", "o ano passado") the calendar
 *   year before this one. Plain "last year" (no article) stays the calendar year, as everywhere else, and so does
 *   "the last year" after "of" or "the end of" ("Q4 of the last year").
 * - "customers of this month", "clients of last week how many": a count noun with no word of what happened to it
 *   (new, active, paying, lost …) tied to a period by "of" (a Chinese or Japanese topic first, "本月的客户") is either
 *   the ones won in that period or the ones had in it. "New customers of October" says which, and is answered.
 */
const LAST_YEAR_SPAN =
  /(?<!\b(?:of|end|start|beginning|middle)\s+)\b(?:(?:in|over|during|within|for|across|throughout|through)\s+)?the\s+(?:last|past)\s+year\b(?!['’]s|\s+(?:and|or)\s+(?:a\s+)?half\b)/i;

/** the bare nouns of a customer base; "clients" is read as customers later, so both are said here */
const BASE_NOUN = String.raw`(?:customers|clients|users|accounts|subscribers|logos|companies)`;
/** a period after "of": this/last/previous month (week, quarter, year), a month, a quarter, a year */
const OF_PERIOD = String.raw`of\s+(?:the\s+)?(?:(?:this|current|actual|last|previous|past|precedent)\s+(?:month|week|quarter|year)|(?:${MONTH_NAMES})|q[1-4]|(?:19|20)\d\d)\b`;
/** the noun with nothing before it but a count asked, an article or a possessive */
const BARE_OF_PERIOD = new RegExp(
  String.raw`^(?:(?:how\s+(?:many|much)|number\s+of|the\s+number\s+of|count\s+of|the\s+count\s+of|total)\s+)?(?:(?:the|our|all|all\s+the)\s+)?${BASE_NOUN}\s+${OF_PERIOD}`,
  "i",
);

/** The ask-back for a period phrase read two ways by learners and native speakers, or undefined when none is said. */
export function learnerPeriodAskBack(text: string, at: Date): string | undefined {
  const year = at.getUTCFullYear();
  const span = execSaid(LAST_YEAR_SPAN, text);
  if (span)
    return `"${span[0].trim()}" can be the calendar year ${year - 1} or the last 12 months: say "in ${year - 1}" or "in the last 12 months"`;
  const bare = execSaid(BARE_OF_PERIOD, text.replace(/^[\s,.:;!?-]+/, ""));
  if (bare) {
    const noun = new RegExp(BASE_NOUN, "i").exec(bare[0])![0].toLowerCase();
    const period = /of\s+(.+)$/i
      .exec(bare[0])![1]!
      .replace(/^the\s+/i, "")
      .replace(/^(?:actual|current)\b/i, "this")
      .replace(/^precedent\b/i, "previous");
    const when = /^(?:this|last|previous|past|precedent)\b/i.test(period) ? period : `in ${period}`;
    return `"${bare[0].trim()}" can be the ${noun} won ${when} (new ${noun}) or the ${noun} we had ${when} (active ${noun}): say "new ${noun} ${when}" or "active ${noun} ${when}"`;
  }
  return undefined;
}
