import { MONTH_NAMES } from "./periods.ts";
/**
 * General English the planner reads without the catalog: shorthand people type (avg, #, no., pls, atm), fillers
 * that never change a number, and verbs that only say an event happened. Nothing here names a metric, a filter or
 * a period on its own; a word that could change the number is never listed here.
 */

const MONTH = `(?:${MONTH_NAMES})`;
const PERIOD_NOUN = `(?:month|week|quarter|year|today|yesterday|q[1-4]|${MONTH})`;

/** Shorthand → the words it stands for, applied to the lowercased question before anything else reads it. */
const SHORTHAND: [RegExp, string][] = [
  [/\bavg\b\.?/g, "average"],
  [/\bno\.\s*(?=[a-z])/g, "number "],
  [/#\s*(?:of\s+)?(?=[a-z])/g, "number of "],
  [/\bnum\b\.?(?=\s+(?:of\s+)?[a-z])/g, "number"],
  [/\bqty\b/g, "number"],
  [/%/g, " percent"],
  [/\bopps\b/g, "opportunities"],
  [/\bopp\b/g, "opportunity"],
  [/\b(?:pls|plz|plse)\b/g, "please"],
  [/\b(?:thx|thnx)\b/g, "thanks"],
  [/\brn\b/g, "right now"],
  [/\batm\b/g, "at the moment"],
  [/\b(?:wat|wht|waht)\b/g, "what"],
  [/\bu\b/g, "you"],
  [/\bur\b/g, "your"],
  [/\bquick one\b/g, "quick question"],
  // "MRR we lost due to churn": the cause said with "due to" is said with "to"
  [/\bdue to\b/g, "to"],
  [/\beom\b/g, "the end of the month"],
  [/\beoq\b/g, "the end of the quarter"],
  [/\beoy\b/g, "the end of the year"],
  [/\bhw\b/g, "how"],
  // clipped words of business shorthand ("lst mnth", "high prio", "churn rte", "avg rev per acct", "open pipe $"):
  // each stands for one word only, so the word it abbreviates is read as if typed
  [/\blst\b/g, "last"],
  [/\bprio\b/g, "priority"],
  [/\brte\b/g, "rate"],
  [/\brev\b/g, "revenue"],
  [/\baccts?\b/g, "account"],
  [/\bcusts?\b/g, "customers"],
  [/\bamt\b/g, "amount"],
  [/\bpipe\b/g, "pipeline"],
  [/\bbiz\b/g, "business"],
  [/\btix\b/g, "tickets"],
  [/\bwk\b/g, "week"],
  [/\bwks\b/g, "weeks"],
  [/\b(?:yday|yest|ystd)\b/g, "yesterday"],
  [/\bave\b/g, "average"],
  [/\bconv\b/g, "conversion"],
  [/\b(last|this|per|a|previous|prior)\s+mo\b/g, "$1 month"],
  [/\b(?:ttm|ltm)\b/g, "last 12 months"],
  [/\bm\/m\b/g, "month over month"],
  [/\bq\/q\b/g, "quarter over quarter"],
  [/\by\/y\b/g, "year over year"],
  [/\br\b(?=\s+(?:we|you|they|our)\b)/g, "are"],
  // "last month's MRR", "October's churn", "Q3's win rate": the possessive of a period is the period
  [new RegExp(`\\b(${PERIOD_NOUN})['’]s\\b`, "g"), "$1"],
  // "from the start of the year to June": the year's first month is where the range starts
  [
    /\bfrom\s+the\s+(?:start|beginning)\s+of\s+(?:the\s+|this\s+)?year\s+(?=(?:to|through|thru|till|until)\b)/g,
    "from january ",
  ],
  // "for the month of October" is October
  [new RegExp(`\\b(?:the\\s+)?month\\s+of\\s+(?=${MONTH}\\b)`, "g"), ""],
];

export function expandShorthand(text: string): string {
  let out = text;
  for (const [re, to] of SHORTHAND) out = out.replace(re, to);
  return out.replace(/\s{2,}/g, " ").trim();
}

/**
 * Words that frame a question without adding to it: greetings, politeness, "quick q", verbs of asking
 * ("pull", "check"), and "sitting"/"standing" as in "where is MRR sitting".
 */
export const FILLER = `hey hello hiya yo quick q question wondering wonder curious kindly cheers thanks please guys
  pull fetch grab check find sit sitting stand stands standing stood`
  .split(/\s+/)
  .filter(Boolean);

/**
 * Verbs that say a counted event happened and nothing more ("tickets we received", "refunds we issued",
 * "payments we recorded"): placed for a flow or a ratio over a period, never for a level.
 */
export const OCCURRENCE_VERBS = ["receive", "record", "log", "issue", "register", "add", "contribute", "generate"];

/** "right now", "at the moment", "these days", "as it stands": a level now. */
export const NOW_WORDS = /^(now|today|currently|current|right|moment|presently|present|latest|nowadays)$/;
