import { replaceSaid } from "./may-match.ts";
/**
 * Investor and advisor grammar the metric YAML synonyms cannot say alone (#15, batch 25); the nouns ("logos lost",
 * "upsell revenue", "live deals in the pipe", "ACV") are synonyms in models/**, this is the grammar around them:
 *   - "how many churned customers have you won back": customers who came back are reactivated customers;
 *   - "on a normal day, how many people were in the product": people in the product on a day are DAU, its mean;
 *   - "gross MRR churn, downgrades included": revenue churn counts downgrades (contraction) by its definition, so the
 *     words add nothing (said of churned MRR, which leaves them out, they stay, to be asked back);
 *   - "upsell revenue existing customers added": expansion MRR is of existing customers by its definition;
 *   - "ACV on deals closed-won": the average won deal size is of won deals by its definition;
 *   - "the average customer worth per month": ARPA, a month's MRR per customer (no breakdown by month).
 */
const INVESTOR_WORDS: [RegExp, string][] = [
  [
    /\b(?:churned|lost|former|cancell?ed|departed)\s+(customers|logos|accounts|clients)\s+(?:have|did|has|had)\s+(?:you|we|they|y'?all)\s+(?:won|win|brought|bring|gotten|got|get)\s+back\b/gi,
    "reactivated customers",
  ],
  [
    /\b(?:customers|logos|accounts|clients)\s+(?:that|who)\s+(?:churned|left|cancell?ed)\s+(?:have|did|has|had)\s+(?:you|we|they)\s+(?:won|win|brought|bring|gotten|got|get)\s+back\b/gi,
    "reactivated customers",
  ],
  [
    /\b(?:on\s+)?an?\s+(?:normal|typical|usual|regular|average|ordinary)\s+day\b(.*?)\bhow\s+many\s+(?:people|users|folks|ppl)\s+(?:were|are|was|is)\s+(?:in|on|using)\s+the\s+(?:product|app|platform)\b/gi,
    "$1 average daily active users",
  ],
  [
    /\b((?:gross\s+)?(?:mrr|revenue|dollar)\s+churn(?:\s+rate)?)\b(.*?)[\s,;—–-]*(?:(?:with|including|incl\.?)\s+(?:the\s+)?(?:downgrades|contraction)(?:\s+included)?|(?:downgrades|contraction)\s+(?:included|counted|in))(?=[\s?.!…]*$|\s*[,;—–-])/gi,
    "$1$2",
  ],
  [
    /\b(acv|average\s+contract\s+value|average\s+(?:won\s+)?deal\s+(?:size|value))\s+(?:on|of|for|across)\s+(?:(?:the|our|your)\s+)?(?:deals\s+)?(?:closed[\s-]+won|won)(?:\s+deals)?\b/gi,
    "$1",
  ],
  // "how much upsell revenue did existing customers add": expansion is of existing customers by its definition (said of
  // MRR, which new customers add to too, the words stay)
  [
    /\b((?:upsell|upsells|expansion|upgrades?)(?:\s+(?:revenue|mrr|money))?)\s+(?:did|do|have|has|had)\s+(?:our\s+|the\s+|your\s+)?(?:existing|current|installed[\s-]+base)\s+(?:customers|accounts|clients|base)\s+(?:add|added|bring\s+in|brought\s+in|contribute|contributed|generate|generated)\b/gi,
    "$1",
  ],
  // "how fast does the team get back to customers": the team that gets back to customers is us
  [
    /\b(does|did|do)\s+(?:the|our|your)\s+(?:support\s+|cs\s+|success\s+)?team\s+(get|reply|respond|answer)\b/gi,
    "$1 we $2",
  ],
  // "what's the average customer worth to you per month": ARPA is a month's MRR per customer by its definition (the
  // month is no breakdown by month)
  [
    /\b(average|typical|avg)\s+(customer|account|client)(?:\s+is)?\s+worth(?:\s+to\s+(?:you|us|the\s+business))?\s+(?:per|a|each|every|in\s+a)\s+month\b/gi,
    "arpa",
  ],
];

/** The question with investor grammar said in catalog words; as typed when none is said. */
export function investorSaid(question: string): string {
  let out = question;
  for (const [re, to] of INVESTOR_WORDS) out = replaceSaid(out, re, to);
  return out === question
    ? question
    : out
        .replace(/\s{2,}/g, " ")
        .replace(/^[\s,]+/, "")
        .trim();
}
