import { replaceSaid } from "./may-match.ts";
/**
 * A stock at a period's edge said as a verb (#15, batch 30): "what ARR did we go into 2026 with", "how many customers
 * did we start the year with", "what MRR did we end October on", "ARR when Q3 closed", "customers as Q4 began". The
 * level asked is the one at that instant — the start of a period is the end of the one before it, its end is its own
 * last bucket — read as "at the start of" / "at the end of" the period, which the planner already places. Never
 * today's level: a period the sentence goes into or starts is not a period still running.
 *
 * Only a named period (a month, quarter, year, "this/last year", "the year") is read; "the quarter closed" without a
 * name is left as typed (its end is still to come, so there is no level at it yet).
 */
const MONTH =
  "(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";
/** a named period: "2026", "Q3", "Q3 2025", "October", "October 2025", "this year", "last quarter", "the year" */
const PERIOD = `((?:(?:this|last|the\\s+(?:previous|prior|last))\\s+(?:year|quarter|month))|q[1-4](?:\\s+\\d{4})?|${MONTH}(?:\\s+\\d{4})?|\\d{4}|h[12](?:\\s+\\d{4})?)`;
/** "the year", "the month": the current one's start (the end of the one before), which a start may say */
const START_PERIOD = `(${PERIOD.slice(1, -1)}|the\\s+(?:year|quarter|month))`;
const WE = "(?:we|you|the\\s+company|the\\s+business)";

const INSTANT_WORDS: [RegExp, string][] = [
  // "what ARR did we go into 2026 with", "how many customers did we head into Q4 with"
  [
    new RegExp(
      `\\b(?:did|do|have|had)\\s+${WE}\\s+(?:go|going|gone|head|headed|come|came|walk|walked)\\s+into\\s+${START_PERIOD}\\s+(?:with|on|at)\\b`,
      "gi",
    ),
    "did we have at the start of $1",
  ],
  // "how many paying customers did we start the year with", "what MRR did we kick off Q3 with"
  [
    new RegExp(
      `\\b(?:did|do)\\s+${WE}\\s+(?:start|begin|open|kick\\s+off)\\s+${START_PERIOD}\\s+(?:with|on|at)\\b`,
      "gi",
    ),
    "did we have at the start of $1",
  ],
  // "what ARR did we end 2025 with", "what MRR did we finish October on", "how many customers did we exit Q3 with"
  [
    new RegExp(
      `\\b(?:did|do)\\s+${WE}\\s+(?:end|finish|close|exit|close\\s+out|wrap\\s+up)\\s+${PERIOD}\\s+(?:with|on|at)\\b`,
      "gi",
    ),
    "did we have at the end of $1",
  ],
  // "ARR when Q3 closed", "MRR as October ended", "customers once 2025 wrapped up"
  [
    new RegExp(
      `\\b(?:when|as|once|by\\s+the\\s+time)\\s+${PERIOD}\\s+(?:closed|ended|finished|wrapped\\s+up|came\\s+to\\s+(?:an|a)\\s+(?:end|close)|was\\s+(?:over|done|closed))\\b`,
      "gi",
    ),
    "at the end of $1",
  ],
  // "customers when Q4 started", "MRR as the year began"
  [
    new RegExp(`\\b(?:when|as)\\s+${START_PERIOD}\\s+(?:started|began|opened|kicked\\s+off)\\b`, "gi"),
    "at the start of $1",
  ],
  // (#15, batch 42) finance shorthand for a period's edge: "opening MRR going into October", "opening ARR for Q3",
  // "closing ARR for H1", "closing MRR in October" — the stock at the start (end) of that period
  [
    new RegExp(
      `\\bopening\\s+((?:[\\w-]+\\s+){0,3}?(?:mrr|arr|arpa|customers|run[-\\s]?rate|revenue))\\s+(?:going\\s+into|heading\\s+into|into|for|of|in|at)\\s+${START_PERIOD}\\b`,
      "gi",
    ),
    "$1 at the start of $2",
  ],
  [
    new RegExp(
      `\\b(?:closing|ending|exit)\\s+((?:[\\w-]+\\s+){0,3}?(?:mrr|arr|arpa|customers|run[-\\s]?rate|revenue))\\s+(?:for|of|in|at)\\s+${PERIOD}\\b`,
      "gi",
    ),
    "$1 at the end of $2",
  ],
  // "at October close", "at the Q3 close", "Q3 close vs Q2 close": the end of that period
  [new RegExp(`\\b(?:at|as\\s+of|by)\\s+(?:the\\s+)?${PERIOD}\\s+(?:close|end)\\b`, "gi"), "at the end of $1"],
  [
    new RegExp(
      `\\b${PERIOD}\\s+close\\s+(vs\\.?|versus|against|compared\\s+(?:to|with))\\s+${PERIOD}\\s+close\\b`,
      "gi",
    ),
    "the end of $1 $2 the end of $3",
  ],
  // "since we opened the year", "since the year opened": since its start (the end of the year before)
  [
    /\bsince\s+(?:we\s+(?:opened|started|began|kicked\s+off)\s+the\s+year|the\s+year\s+(?:opened|started|began))\b/gi,
    "since the start of the year",
  ],
];

/** The question with a period's edge said as a verb read as "at the start of" / "at the end of" that period. */
export function instantSaid(question: string): string {
  let out = question;
  for (const [re, to] of INSTANT_WORDS) out = replaceSaid(out, re, to);
  return out;
}
