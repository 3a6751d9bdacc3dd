import { parseDate, resolvePeriod } from "../../engine/catalog/period.ts";
import { findPeriods } from "./periods.ts";
import { execSaid, testSaid } from "./may-match.ts";

/**
 * "How many people used the app" over a day or a whole week (#15, batch 33): distinct people active in the period,
 * which the catalog keeps as DAU for one day and as WAU for the seven days ending a day (product.yml: "the 7 days
 * ending the period's last day"). So "how many people were in the app yesterday" is DAU yesterday, and "how many
 * users logged in over the last 7 days" / "last week" is WAU read at that window's last day — the same people
 * counted once. Any other span (today or a week still running, 14 days) is left as typed: a month is MAU already, and no
 * metric counts distinct people over other windows.
 */
const PEOPLE = String.raw`\bhow\s+many\s+(?:different\s+|distinct\s+|unique\s+|individual\s+|separate\s+)?(?:people|users|folks|ppl|persons|humans)\s+`;
const VERB = String.raw`(?:(?:were|was|are|have\s+been|had\s+been|got)\s+)?(?:active\s+)?(?:(?:in|on|into|inside)|us(?:ed|ing)|open(?:ed)?|visit(?:ed)?|(?:logged|signed)\s+(?:in(?:to)?|on(?:to)?)|came\s+(?:in)?to)\s+(?:the|our)\s+(?:app|product|platform|tool)\b|(?:logged|signed)\s+in\b|(?:were|was)\s+active\b`;
const SAID = new RegExp(`${PEOPLE}(?:${VERB})`, "i");
/** a mean or a rate per day is another question (DAU on a normal day: plain-words.ts) */
const MEAN =
  /\b(?:average|avg|mean|typical|normal|per\s+day|a\s+day|each\s+day|every\s+day|daily|per\s+week|a\s+week)\b/i;

export function appPeopleSaid(text: string, at: Date): string {
  const said = execSaid(SAID, text);
  if (!said || testSaid(MEAN, text)) return text;
  const periods = findPeriods(text.toLowerCase(), at);
  if (periods.length !== 1) return text;
  const p = resolvePeriod(periods[0]!.period, at);
  const days = Math.round((parseDate(p.end).getTime() - parseDate(p.start).getTime()) / 86_400_000);
  const metric = p.toDate
    ? undefined
    : days === 1
      ? "daily active users"
      : days === 7
        ? "weekly active users"
        : undefined;
  if (!metric) return text;
  return `${text.slice(0, said.index)}how many ${metric}${text.slice(said.index + said[0].length)}`;
}
