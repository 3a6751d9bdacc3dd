import { replaceSaid, testSaid } from "./may-match.ts";
/**
 * A COO's words for customers and retention (#15, batch 40), read as the catalog says them: "logos walked" and "MRR
 * that walked out the door" are churned, customers who "came back after cancelling" are reactivated, "former
 * customers" (glossed "paid us before, paying nothing now") are the churned ones as they stand, "which country gives
 * us the most customers" is the one that has the most, "as a single rate, not monthly" is the period's one rate (what
 * a rate over a period already is), and the share of recurring revenue lost to cancellations and downgrades is the
 * revenue churn rate. Grammar, not vocabulary: the verbs and frames around a metric's own words.
 */
const WHO = String.raw`(?:customers?|logos?|accounts?|clients?|subscribers?)`;
const MONEY = String.raw`(?:mrr|arr|recurring\s+revenue|revenue)`;

const READS: [RegExp, string][] = [
  // "how much MRR walked out the door with the customers we lost": churned MRR
  [
    new RegExp(
      String.raw`\b${MONEY}\s+(?:walked|walks|went|left|flew|headed)\s+out\s+(?:of\s+)?the\s+door(?:\s+with\s+(?:the\s+)?${WHO}\s+(?:we\s+)?(?:lost|churned|that\s+(?:left|churned|cancell?ed)))?`,
      "gi",
    ),
    "churned mrr",
  ],
  // "logos walked", "customers walked away", "accounts walked out the door": churned
  [
    new RegExp(
      String.raw`\b(${WHO})\s+(?:walked|walk|walking)(?:\s+(?:away|out(?:\s+(?:of\s+)?the\s+door)?))?\b`,
      "gi",
    ),
    "$1 churned",
  ],
  // "came back after cancelling", "returned after churning": reactivated
  [
    new RegExp(
      String.raw`\b(${WHO})\s+(?:came|come|coming|have\s+come|has\s+come)\s+back(?:\s+(?:after|from)\s+(?:cancell?ing|churning|leaving|having\s+cancell?ed|having\s+churned|a\s+cancell?ation))?\b|\b(${WHO})\s+(?:returned|return)\s+(?:after|from)\s+(?:cancell?ing|churning|leaving|a\s+cancell?ation)\b`,
      "gi",
    ),
    "reactivated customers",
  ],
  // "former customers — paid us before, paying nothing now": the churned customers as they stand
  [
    /\s*[—–,;:(-]+\s*(?:they\s+|that\s+|who\s+)?(?:paid|were\s+paying)\s+us\s+(?:before|once|at\s+some\s+point)\s*,?\s*(?:but\s+)?(?:are\s+)?(?:paying\s+(?:us\s+)?nothing|pay\s+(?:us\s+)?nothing|not\s+paying)(?:\s+(?:now|anymore|any\s+more|today))?\s*\)?/gi,
    "",
  ],
  [/\b(?:former|lapsed)\s+(?:customers|clients|logos|accounts)\b/gi, "churned customers now"],
  // "which country gives us the most paying customers": the one that has the most
  [
    new RegExp(
      String.raw`\b(?:gives|give|gave|brings|bring|brought)\s+us\s+the\s+(most|fewest|least)\s+(?=(?:paying\s+|active\s+)?${WHO}\b)`,
      "gi",
    ),
    "has the $1 ",
  ],
  // "as a single rate, not monthly", "as one number, not per month": the period's rate
  [
    /\s*[,;—–-]*\s*\b(?:as\s+(?:a\s+single|one|a\s+whole|a\s+single\s+quarterly|a\s+quarterly|an\s+overall)\s+(?:rate|number|figure|percentage|percent))(?:\s+(?:for|over|across)\s+the\s+(?:whole\s+)?(?:quarter|period|year|half|months?))?(?:\s*[,;—–-]*\s*not\s+(?:monthly|per\s+month|month\s+by\s+month|by\s+month|averaged|an\s+average))?\b/gi,
    "",
  ],
  // "how much of our recurring revenue did we lose to cancellations and downgrades in October, as a percent?"
  [
    new RegExp(
      String.raw`^\s*(?:how\s+much|what\s+(?:share|part|portion|percent(?:age)?|fraction))\s+of\s+(?:our\s+|the\s+)?${MONEY}\s+(?:did|have)\s+we\s+(?:lose|lost)\s+to\s+(?:cancell?ations|churn)\s+(?:and|&|\+|or)\s+(?:downgrades|contraction)\b(.*?)\s*[,;—–-]*\s*(?:as\s+a\s+(?:percent(?:age)?|share|%|rate)|in\s+percent|in\s+%)\s*(\??)\s*$`,
      "i",
    ),
    "what was the revenue churn rate$1$2",
  ],
];

const PERIOD = String.raw`(?:(?:last|this|previous|the\s+last|the\s+previous)\s+(?:month|quarter|year|week)|q[1-4](?:\s+20\d\d)?|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*(?:\s+20\d\d)?)`;
/** a period said after the question as an instruction: "is churn under 3%? check last month" */
const CHECK_PERIOD = new RegExp(
  String.raw`^(.*?)\s*\?\s*(?:check|look\s+at|use|go\s+with|take|for|i\s+mean)\s+(${PERIOD})\s*[.?!]*\s*$`,
  "i",
);
/** "any enterprise accounts past due? how many?": the count of those rows */
const ANY_HOW_MANY = new RegExp(
  String.raw`^\s*(?:are\s+there\s+|do\s+we\s+have\s+)?any\s+(.+?\b${WHO}\b.*?)\s*\?\s*(?:and\s+|if\s+so,?\s+)?how\s+many(?:\s+(?:are\s+there|do\s+we\s+have))?\s*\??\s*$`,
  "i",
);
/** a single month named: "monthly" before a churn rate says nothing more (the rate is monthly) */
const ONE_MONTH = new RegExp(
  String.raw`\b(?:(?:last|this|previous)\s+month|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*)\b`,
  "i",
);
const MONTHLY_CHURN = /\bmonthly\s+(?=(?:logo\s+|customer\s+)?churn\b)/gi;

/** The question with a COO's retention words said as the catalog says them; as typed when none is said. */
export function customerWordsSaid(question: string): string {
  let out = replaceSaid(question, CHECK_PERIOD, "$1 $2?").replace(ANY_HOW_MANY, "how many $1?");
  if (testSaid(ONE_MONTH, out)) out = replaceSaid(out, MONTHLY_CHURN, "");
  for (const [re, to] of READS) out = replaceSaid(out, re, to);
  return out === question ? question : out.replace(/\s{2,}/g, " ").trim();
}
