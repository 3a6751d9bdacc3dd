import { replaceSaid, testSaid } from "./may-match.ts";
/**
 * A controller's grammar around payments at the month-end close (#15, batch 41); the nouns ("net cash after refunds",
 * "gross receipts", "money in declined payments") are synonyms in models/**, this is the grammar around them:
 *   - "gross receipts for Q3, before any refunds come off": the gross number said once more as a qualifier (set aside
 *     when the words say gross; "after refunds" is never read away);
 *   - "failed payments YTD, retries included": each retry is one attempt in the payment counts, as their definitions
 *     say (set aside only beside a payment count; "excluding retries" is left as typed, to be asked back);
 *   - "how much money was in declined payments", "the dollar value of the charges that failed": the failed amount;
 *   - "what share of charge attempts have bounced": the failure share (billing-words.ts reads "… failed");
 *   - "how many charge attempts did we run", "… successful and failed together": payment attempts;
 *   - "payments that have gone through successfully": successful payments;
 *   - "failure rate on charges": the payment failure rate;
 *   - "rank this year's months by failed payments — which was worst?": the month with the worst value.
 */
const PAYMENT_COUNT =
  /\b(?:failed|declined|bounced|successful|succeeded)\s+(?:card\s+)?(?:payments|charges)\b|\b(?:payment|charge)\s+(?:attempts|failures)\b|\bdeclines\b/i;

const REWRITES: [RegExp, string | ((...a: string[]) => string)][] = [
  // "how much money was in declined payments", "how much cash was tied up in failed charges"
  [
    /\bhow\s+much\s+(?:money|cash|revenue|\$)\s+(?:was|were|is|has\s+been|did\s+we\s+have|got|went)\s+(?:(?:tied|locked|stuck)\s+up\s+|stuck\s+|lost\s+)?(?:in|on|to)\s+(?:the\s+|our\s+)?(?:failed|declined|bounced)\s+(?:card\s+)?(?:payments|charges)\b/gi,
    "what was the failed payments amount",
  ],
  // "(the) dollar value of the charges that failed", "the amount of payments that were declined"
  [
    /\b(?:the\s+)?(?:dollar|\$|usd|money|cash)?\s*(?:value|amount|total|sum)\s+of\s+(?:the\s+|our\s+)?(?:card\s+)?(?:payments|charges)\s+(?:that|which)\s+(?:failed|bounced|were\s+declined|got\s+declined|didn'?t\s+go\s+through)\b/gi,
    "failed payments amount",
  ],
  // "what share of charge attempts have bounced": the failure share, as "… failed" is read
  [
    /\b((?:charge|payment)\s+attempts|(?:card\s+)?payments|(?:card\s+)?charges)\s+(?:have|has|had)\s+(?:been\s+)?(failed|bounced|declined)\b/gi,
    (_m, what, verb) => `${what} ${/^declined$/i.test(verb!) ? "were declined" : verb}`,
  ],
  // "how many charge attempts did we run in October": the attempts counted, the verb sets nothing
  [
    /\b((?:charge|payment|card)\s+attempts|attempted\s+(?:charges|payments))\s+(?:did|have|do)\s+(?:we|you)\s+(?:run|ran|make|made|process|processed|put\s+through|fire|fired|submit|submitted)\b/gi,
    "$1",
  ],
  [/\bcharge\s+attempts\b/gi, "payment attempts"],
  // "payments that have gone through successfully": "successfully" repeats "gone through"
  [/\b(went|gone|go|got|gotten|get)\s+through\s+(?:successfully|ok|fine|cleanly)\b/gi, "$1 through"],
  [/\bsuccessfully\s+(went|gone|go|got|gotten|get)\s+through\b/gi, "$1 through"],
  // "failure rate on charges", "failure rate for card payments": the payment failure rate
  [
    /\b(?:the\s+|our\s+)?failure\s+(rate|share|percentage|ratio)\s+(?:on|for|of)\s+(?:our\s+|the\s+)?(?:card\s+)?(?:charges|payments|cards)\b/gi,
    "payment failure $1",
  ],
];

/** "…, before any refunds come off": a gross number's qualifier, set aside only when the words say gross */
const BEFORE_REFUNDS =
  /[\s,;—–-]*(?:before|excluding|not\s+counting|ignoring|without\s+taking\s+off)\s+(?:any\s+|the\s+)?refunds?\s+(?:come|comes|are\s+taken|get\s+taken|are\s+deducted|get\s+deducted|are\s+netted|get\s+netted|go)\s*(?:off|out)?\b/gi;
/** "…, retries included", "including retries", "retries and all": each retry is one in the payment counts */
const RETRIES =
  /[\s,;—–-]*(?:(?:with\s+)?(?:the\s+|any\s+)?retries\s+(?:included|counted|and\s+all|in)|(?:including|counting|with)\s+(?:the\s+|any\s+|all\s+)?retries(?:\s+(?:included|too|as\s+well))?)\b/gi;

/** "rank this year's months by failed payments — which was worst?": the month with the worst (best) value */
const RANK_MONTHS =
  /^(?:please\s+)?(?:rank|sort|order|line\s+up)\s+(this\s+year's|last\s+year's|20\d\d's|q[1-4]'s|the\s+(?:last|past)\s+\w+)\s+months\s+by\s+(.+?)\s*(?:[—–:;,-]+|\band\b|\bthen\b)\s*(?:tell\s+me\s+)?(?:which|what)\s+(?:one\s+|month\s+)?(?:was|is|came\s+out|comes\s+out|ranks?)\s+(?:the\s+)?(worst|best|weakest|strongest|highest|lowest|top|bottom)(?:\s+one)?\s*[?.!]*$/i;

function rankMonths(text: string): string {
  const m = RANK_MONTHS.exec(text.trim());
  if (!m) return text;
  const period = m[1]!.toLowerCase().replace(/'s$/, "");
  const over = /^the\s/.test(period)
    ? `in ${period} months`
    : /^20\d\d$|^q[1-4]$/.test(period)
      ? `in ${period}`
      : period;
  const word = m[3]!.toLowerCase();
  const how = word === "top" ? "highest" : word === "bottom" ? "lowest" : word;
  return `which month ${over} had the ${how} ${m[2]}`;
}

/** The question with a controller's payment words read in the planner's terms. */
export function closeSaid(question: string): string {
  let out = rankMonths(question);
  for (const [re, to] of REWRITES) out = replaceSaid(out, re, to as string);
  if (/\bgross\b/i.test(out)) out = replaceSaid(out, BEFORE_REFUNDS, "");
  if (testSaid(PAYMENT_COUNT, out)) out = replaceSaid(out, RETRIES, "");
  return out;
}
