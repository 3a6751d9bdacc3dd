/**
 * Rows said in plain words (#15, batch 38): the state of a mart's rows said as what they did and do now ("customers
 * who used to pay and are at zero now" are the churned ones), a past state no column keeps asked back, a size word
 * with no bound ("big deals", "expensive customers") asked back, and an amount said in words ("ten grand", "half a
 * million", "two thousand dollars") written as the figure a bound on rows reads.
 */

import { CARDINALS } from "./number-words.ts";
import { execSaid, replaceSaid, testSaid } from "./may-match.ts";

/** The nouns of a mart's rows a person counts. */
const ROWS = "(?:customers?|accounts?|accts?|clients?|subscribers?|logos?)";

/**
 * "customers who used to pay and are at zero now", "accounts that used to pay us but pay nothing anymore": paid
 * before and 0 now is the customers' status churned ("churned (paid before, 0 now)"), said before the noun so the
 * count of rows by status reads it.
 */
const USED_TO_PAY = new RegExp(
  `\\b(${ROWS})\\s+(?:(?:who|that|which)\\s+)?used\\s+to\\s+pay(?:\\s+us)?\\s*,?\\s+(?:(?:and|but)\\s+)?(?:(?:are|is)(?:\\s+now)?\\s+(?:at\\s+(?:zero|nothing|\\$?0)|paying\\s+(?:us\\s+)?(?:nothing|zero|\\$?0))|(?:are\\s+not|aren't|arent|is\\s+not|isn't|don't|dont|do\\s+not)\\s+pay(?:ing)?(?:\\s+us)?|pay(?:\\s+us)?\\s+nothing)(?:\\s+(?:now|anymore|any\\s+more|today|these\\s+days))?`,
  "gi",
);

/** The question with the rows' states said in words written as the status they are; as typed when none is said. */
export function rowStatesSaid(question: string): string {
  return replaceSaid(question, USED_TO_PAY, (_, noun: string) => `churned ${noun} now`);
}

/**
 * "customers who used to be on Pro", "accounts that used to pay more": rows named by what they did before — a state
 * in the past no column of the rows keeps (they hold today's values) — asked back, never counted as they are now.
 */
const USED_TO = new RegExp(`\\b${ROWS}\\s+(?:(?:who|that|which)\\s+)?used\\s+to\\b`);
export function pastStateAskBack(question: string): string | undefined {
  const said = USED_TO.exec(rowStatesSaid(question.toLowerCase()));
  if (!said) return undefined;
  return `"${said[0]}" names rows by what they did before: the rows hold their values now (status, plan, MRR), not their past; ask for them as they are now (e.g. "churned customers", "customers on Pro") or for a metric over a period`;
}

/** A size said with no bound: a word of size or price before the rows' noun. */
const SIZE = new RegExp(
  `\\b(big|large|huge|massive|giant|small|tiny|little|expensive|cheap|pricey|high[\\s-]value|low[\\s-]value|stuck|stalled|whale)\\s+(?:(?:open|won|lost|paying|active)\\s+)?(deals?|opportunit(?:y|ies)|opps?|${ROWS.slice(3, -1)}|subscriptions?|subs|invoices?|payments?)\\b`,
);
/** a figure said anywhere: a bound the size word may be read against */
const FIGURE = /\d|\b(?:grand|thousand|million|hundred)\b/;

/**
 * "how many big deals are open", "expensive customers", "stuck deals": which rows are big, expensive or stuck is no
 * column and no bound the question gives — asked back for the amount, never counted as every row.
 */
export function vagueSizeAskBack(question: string): string | undefined {
  const text = question.toLowerCase();
  const said = execSaid(SIZE, text);
  if (!said || testSaid(FIGURE, text)) return undefined;
  return `"${said[0]}": ${said[1]} is no column of the rows and the question gives no bound; say the amount it starts at (e.g. "${said[2]} over …") or the state meant`;
}

// the cardinal words (number-words.ts), plus the ways an amount's count is said before "grand" or "thousand dollars"
const UNITS: Record<string, number> = {
  ...CARDINALS,
  a: 1,
  an: 1,
  "twenty five": 25,
  hundred: 100,
  "a hundred": 100,
};
const UNIT_WORDS = Object.keys(UNITS)
  .sort((a, b) => b.length - a.length)
  .join("|");
const AMOUNT_WORDS = new RegExp(
  `(?<!\\$\\s?)\\b(half\\s+a|a\\s+quarter\\s+(?:of\\s+)?a|\\d+(?:\\.\\d+)?|${UNIT_WORDS})[\\s-]+(?:(grand)(?:\\s+(?:dollars|bucks|usd))?|(thousand|million|mil)\\s+(?:dollars|bucks|usd)|(million|mil)(?=\\s*(?:$|[,;:?!—–-]|\\s(?:in|of|worth|yet|so\\s+far)\\b)))\\b`,
  "gi",
);

/**
 * "ten grand" $10k, "15 grand" $15k, "half a million" $500k, "two thousand dollars" $2k: an amount said in words
 * written as a figure with its money mark; every other word as typed.
 */
export function amountWordsSaid(text: string): string {
  return replaceSaid(
    text,
    AMOUNT_WORDS,
    (whole, count: string, grand?: string, thousand?: string, million?: string) => {
      const scale = grand ?? thousand ?? million ?? "";
      const n = /^half/i.test(count)
        ? 0.5
        : /^a\s+quarter/i.test(count)
          ? 0.25
          : /^\d/.test(count)
            ? Number(count)
            : UNITS[count.toLowerCase().replace(/\s+/g, " ")];
      if (n === undefined || !Number.isFinite(n)) return whole;
      const k = /^(?:million|mil)$/i.test(scale) ? n * 1000 : n;
      return `$${k}k`;
    },
  );
}

/**
 * "paid us over $5k all time", "spent more than ten grand with us in total", "lifetime revenue above $1.2k": what a
 * customer has paid over its whole life is its lifetime revenue, not what it pays a month (MRR).
 */
export const LIFETIME =
  /\b(?:lifetime|life\s*time|all[\s-]time|in\s+total|spent|spend|spends|(?:have|has|had)\s+paid)\b/;
/** the words a lifetime amount is said with, placed once it is read */
export const LIFETIME_WORD =
  /^(?:lifetime|life|time|all|total|in|ever|spent|spend|spends|paid|have|has|had|us|with|their|its|over|revenue|whose|anyone|who)$/;

/** "between $200 and $500", "between 1k and 2k": a range of an amount, both ends kept (as SQL's between) */
const RANGE =
  /\bbetween\s+(\$\s?\d[\d,]*(?:\.\d+)?\s?[km]?|\d[\d,]*(?:\.\d+)?\s?[km])\s+and\s+(\$\s?\d[\d,]*(?:\.\d+)?\s?[km]?|\d[\d,]*(?:\.\d+)?\s?[km])(?![\w$])/;
export function rangeSaid(text: string): { low: string; high: string; from: number; to: number } | undefined {
  const m = execSaid(RANGE, text);
  return m ? { low: m[1]!, high: m[2]!, from: m.index, to: m.index + m[0].length } : undefined;
}

/**
 * "open pipeline right now, in thousands", "ARR in millions": how the amount is to be shown, not another amount —
 * the value stays the same (the answer writes it as it writes every amount), so the words are set aside.
 */
const SHOWN_IN = /\s*,?\s*\b(?:in|as)\s+(?:thousands|millions|\$?k|\$?ks|\$?m|000s)(?:\s+of\s+(?:dollars|usd))?\b/gi;
export function shownInScaleSaid(question: string): string {
  return replaceSaid(question, SHOWN_IN, "");
}

/**
 * "what's the most any single customer pays us per month": the largest MRR of one customer, read as the top customer
 * by MRR (its row's MRR is the number).
 */
const MOST_ONE_PAYS =
  /\b(?:what(?:'s|\s+is)\s+)?the\s+(?:most|max(?:imum)?)\s+(?:that\s+)?(?:any|a|one)\s+(?:single\s+|one\s+)?(?:customer|account|client)\s+(?:pays|is\s+paying)(?:\s+us)?(?:\s+(?:per|a|each|every)\s+month|\s+monthly|\s*\/\s*mo(?:nth)?)?/gi;
export function mostOnePaysSaid(question: string): string {
  return replaceSaid(question, MOST_ONE_PAYS, "the top customer by mrr");
}

/**
 * "anyone spent over ten grand with us? how many", "has anybody paid us more than $3k all time — how many": a count
 * asked of "anyone" is the count of the customers who did it (only with "how many" said after it).
 */
const ANYONE = /^(?:(?:has|have|did|does|is)\s+)?(?:anyone|anybody|any\s+customers?)\s+(?=[a-z])/i;
export function anyoneCountedSaid(question: string): string {
  const text = question.trim();
  if (!testSaid(ANYONE, text) || !/\bhow\s+many\b/i.test(text)) return question;
  return replaceSaid(text, ANYONE, "customers who ");
}

/**
 * "have we closed half a million in won deals this year", "did we win $200k in deals last quarter", "have we booked
 * a million dollars in deals": an amount won said with a verb is the total won checked against it (the won amount),
 * never a count of the deals above it. "closed" and "signed" are read so only with "won" said beside the deals.
 */
const WON_AMOUNT =
  /\b(have|has|did)\s+we\s+(?:(won|win|book|booked)|(?:closed|close|signed|sign))\s+(?:(?:over|more\s+than|at\s+least|above)\s+)?(\$\s?\d[\d,]*(?:\.\d+)?\s?[km]?|\d[\d,]*(?:\.\d+)?\s?[km])\s+(?:in|of|worth\s+of)\s+(won\s+)?(?:deals?|business|sales)\b/;
export function wonAmountSaid(question: string): string {
  const m = WON_AMOUNT.exec(question.toLowerCase());
  if (!m || (!m[2] && !m[4])) return question;
  return `${question.slice(0, m.index)}have we crossed ${m[3]!.startsWith("$") ? "" : "$"}${m[3]} in won amount${question.slice(m.index + m[0].length)}`;
}

/**
 * "open deals … expected to close this month": an open deal's close date is the day it is expected to close, so the
 * period keeps to it (only for open rows: a won or lost deal has closed, and "closing" alone stays a forecast).
 */
export const EXPECTED_CLOSE = /\b(?:(?:are|is)\s+)?(?:expected|due|set|slated|scheduled|projected)\s+to\s+close\b/;
