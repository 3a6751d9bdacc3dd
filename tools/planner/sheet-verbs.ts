import { replaceSaid } from "./may-match.ts";
/**
 * The verbs of a spreadsheet or BI tool said to the planner (#15, batch 27), written as the question they ask:
 *   - "COUNTIF new customers in Q3", "COUNT of deals won": how many;
 *   - "count of paying customers where country = Germany": how many, kept to that value ("where plan = Pro" too);
 *   - "distinct count of active users", "unique count of": the number of them (a catalog count is of distinct ones);
 *   - "avg of first response", "sum of won amount": the average, the total;
 *   - "pivot MRR by plan for last month — which plan is the biggest row?": the plan with the most MRR then;
 *   - "group won amount by owner YTD, sort desc — who's on top?": the top owner by it (asc: the bottom one);
 *     "pivot X by Y", "group X by Y" alone: X by Y.
 * Only these shapes are written; anything else is left as typed.
 */
const BY = String.raw`(owner|rep|plan|pipeline|country|stage|currency|priority|month|week|quarter)s?`;
const BIGGEST = String.raw`(?:biggest|largest|top|highest|greatest|first|#\s*1|most)`;
const SMALLEST = String.raw`(?:smallest|lowest|bottom|least|last)`;
const TAIL = String.raw`\s*[,;:—–-]*\s*(?:and\s+)?(?:which|what|who)(?:\s+[a-z]+)?(?:'s|\s+is|\s+was|\s+comes)\s+(?:(?:the|on|at\s+the)\s+)?`;

const SHEET_VERBS: [RegExp, string][] = [
  // "pivot MRR by plan for last month — which plan is the biggest row?"
  [
    new RegExp(
      String.raw`^\s*pivot\s+(.+?)\s+by\s+${BY}\b(.*?)${TAIL}(?:\w+\s+)?${BIGGEST}(?:\s+(?:row|one|line|cell|value))?[\s?.!…]*$`,
      "i",
    ),
    "which $2 had the highest $1$3",
  ],
  [
    new RegExp(
      String.raw`^\s*pivot\s+(.+?)\s+by\s+${BY}\b(.*?)${TAIL}(?:\w+\s+)?${SMALLEST}(?:\s+(?:row|one|line|cell|value))?[\s?.!…]*$`,
      "i",
    ),
    "which $2 had the lowest $1$3",
  ],
  // "group won amount by owner YTD, sort desc — who's on top?"
  [
    new RegExp(
      String.raw`^\s*group\s+(.+?)\s+by\s+${BY}\b(.*?)[\s,;:—–-]*\bsort(?:ed)?(?:\s+(?:it|them|by\s+\w+))?\s+(?:desc|descending|high\s+to\s+low|largest\s+first)\b(?:${TAIL}(?:top|first|#\s*1|on\s+top)(?:\s+(?:row|one))?)?[\s?.!…]*$`,
      "i",
    ),
    "top $2 by $1$3",
  ],
  [
    new RegExp(
      String.raw`^\s*group\s+(.+?)\s+by\s+${BY}\b(.*?)[\s,;:—–-]*\bsort(?:ed)?(?:\s+(?:it|them|by\s+\w+))?\s+(?:asc|ascending|low\s+to\s+high|smallest\s+first)\b(?:${TAIL}(?:top|first|#\s*1|on\s+top)(?:\s+(?:row|one))?)?[\s?.!…]*$`,
      "i",
    ),
    "bottom $2 by $1$3",
  ],
  // "pivot X by Y", "group X by Y": X by Y
  [new RegExp(String.raw`^\s*(?:pivot|group)\s+(.+?)\s+by\s+(?=${BY}\b)`, "i"), "$1 by "],
  // "COUNTIF new customers in Q3", "=COUNT(deals won)"
  [/^\s*=?\s*count(?:ifs?|a)?\s*\(\s*([^()]+?)\s*\)\s*/i, "how many $1 "],
  [/^\s*=?\s*count(?:ifs?|a)\b\s*(?:of\s+)?/i, "how many "],
  // "count of paying customers", "distinct count of active users"
  [/^\s*(?:the\s+)?count\s+of\s+/i, "how many "],
  [/\b(?:distinct|unique)\s+count\s+of\s+/gi, "number of "],
  // "where country = Germany", "where plan is Pro": in that value
  [
    /\s+where\s+[a-z_]+\s*(?:=|==|is|equals)\s*['"]?([a-z][\w.-]*(?:\s+[a-z][\w.-]*)?)['"]?(?=[\s?.!…]*$|\s*[,;])/gi,
    " in $1",
  ],
  // "avg of first response", "average of", "sum of won amount"
  [/\b(?:avg|average|mean)\s+of\s+(?:the\s+)?/gi, "average "],
  [/^\s*(?:the\s+)?sum\s+of\s+(?:the\s+)?/i, "total "],
];

/** The question with its spreadsheet verbs said as a question; as typed when none is said. */
export function sheetSaid(question: string): string {
  let out = question;
  for (const [re, to] of SHEET_VERBS) out = replaceSaid(out, re, to);
  return out === question ? question : out.replace(/\s{2,}/g, " ").trim();
}
