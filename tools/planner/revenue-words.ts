import { replaceSaid } from "./may-match.ts";
/**
 * Recurring revenue in a fractional CFO's and a founder's words (#15, batch 42); the metric nouns are synonyms in
 * models/**, this is the grammar around them:
 *   - "dollar churn", "$ churn": revenue churn ("dollar" alone is a word of no meaning, so the pair is said first);
 *   - "logo vs dollar churn", "gross vs net revenue retention", "new vs churned MRR": two metrics sharing one head
 *     noun are both said whole ("logo churn vs dollar churn") — two numbers, never one of them;
 *   - "how much recurring revenue are we doing a month", "what are we billing per month in subscriptions": MRR;
 *   - "at this point", "as things stand": now;
 *   - "how much of our MRR sat on the Pro plan": the MRR on that plan;
 *   - "how much ARR did we add in Q3": net new ARR (MRR likewise);
 *   - "did expansion slow down in October compared with September": the two months set side by side;
 *   - "the ugliest churned MRR", "the most painful month for contraction": the worst;
 *   - "which plan carried the most MRR": had the most;
 *   - "is expansion still outrunning contraction this month": the two set side by side, both stated.
 */
const STOCK = "(?:mrr|arr|recurring\\s+revenue|revenue)";

const REVENUE_WORDS: [RegExp, string | ((...a: string[]) => string)][] = [
  // "dollar churn", "$ churn", "dollar-based churn": revenue churn
  [/(?:\$|\bdollars?)(?:[\s-]+based)?\s+churn\b/gi, "revenue churn"],
  [/\bdollar\s+(retention|nrr|grr)\b/gi, "revenue $1"],
  // "how much recurring revenue are we doing a month", "what are we billing per month in recurring revenue"
  [
    /\b(?:how\s+much|what)\s+(?:recurring\s+revenue|mrr|subscription\s+revenue)\s+(?:are|is|were)\s+(?:we|you)\s+(?:doing|making|billing|bringing\s+in|pulling\s+in|running\s+at|booking)\s+(?:a|per|each|every)\s+month\b/gi,
    "what is mrr",
  ],
  [
    /\b(?:how\s+much|what)\s+(?:are|is)\s+(?:we|you)\s+(?:doing|making|billing|bringing\s+in|pulling\s+in)\s+(?:a|per|each|every)\s+month\s+(?:in|of|on)\s+(?:recurring\s+revenue|subscriptions?|subscription\s+revenue)\b/gi,
    "what is mrr",
  ],
  // "at this point", "as things stand", "as it stands": now
  [/\b(?:at\s+this\s+point(?:\s+in\s+time)?|as\s+things\s+stand|as\s+it\s+stands)\b/gi, "now"],
  // "how much of our MRR sat on the Pro plan": the MRR on it
  [new RegExp(`\\b(${STOCK})\\s+(?:sat|sits|was\\s+sitting|is\\s+sitting|sitting)\\s+(on|in|with)\\b`, "gi"), "$1 $2"],
  // "how much ARR did we add in Q3", "what MRR have we added this year": net new
  [
    /\b(how\s+much|what)\s+(?:net\s+new\s+)?(arr|mrr)\s+(?:did|have|has|had)\s+(?:we|you)\s+(?:add|added|put\s+on|tack\s+on|tacked\s+on)\b/gi,
    (_m, ask, stock) => `${/^what$/i.test(ask!) ? "what was" : "how much"} net new ${stock!.toLowerCase()}`,
  ],
  // "did expansion slow down in October compared with September", "has new MRR picked up in Q3 vs Q2"
  [
    /\b(?:did|has|have|is|was)\s+((?:[\w-]+\s+){0,3}?[\w-]+)\s+(?:slow(?:ed)?\s+down|slowed|sped\s+up|speed\s+up|picked?\s+up|pick\s+up|accelerated?|decelerated?|cooled(?:\s+off)?|cool\s+off|dropped\s+off|drop\s+off|tailed\s+off|tail\s+off|grown|grow|shrunk|shrink|fallen|fall)\s+(in|over|during|for)\s+(.+?)\s+(?:compared\s+(?:with|to)|vs\.?|versus|against|relative\s+to|from)\s+/gi,
    "$1 $2 $3 vs ",
  ],
  // "which month had the ugliest churned MRR", "the most painful month for contraction": the worst
  [/\b(?:ugliest|nastiest|roughest|most\s+painful|grimmest|bleakest)\b/gi, "worst"],
  // "which plan carried the most MRR", "which plan holds the largest share of ARR"
  [
    new RegExp(
      `\\b(?:carried|carries|carry|carrying|held|holds|hold|holding)\\s+(?:the\\s+)?(most|least|biggest|largest|smallest|highest|lowest)\\s+(${STOCK}|customers)\\b`,
      "gi",
    ),
    "had the $1 $2",
  ],
  // "is expansion still outrunning contraction this month", "are upgrades outpacing downgrades": both, side by side
  [
    /\b(?:is|are|was|were)\s+((?:[\w-]+\s+){0,3}?[\w-]+)\s+(?:still\s+)?(?:outrunning|outpacing|outgrowing|outstripping|running\s+ahead\s+of|ahead\s+of|beating|outweighing)\s+/gi,
    "$1 vs ",
  ],
];

/** "logo vs dollar churn": a modifier, a comparison word and a second modifier before one shared head noun. */
const SHARED_HEAD =
  /\b([a-z]+)\s+(vs\.?|versus|and|or|&)\s+([a-z]+)\s+(churn(?:\s+rate)?|retention|mrr|arr|revenue\s+retention)\b/gi;

/**
 * The question with recurring revenue said in a CFO's or founder's words read in the catalog's words; `isMetric`
 * says whether a phrase names one metric (a shared head is spread only when both halves do).
 */
export function revenueSaid(question: string, isMetric: (phrase: string) => boolean): string {
  let out = question;
  for (const [re, to] of REVENUE_WORDS) out = replaceSaid(out, re, to as string);
  return replaceSaid(out, SHARED_HEAD, (whole, a: string, op: string, b: string, head: string) => {
    const [left, right] = [`${a} ${head}`, `${b} ${head}`];
    if (isMetric(`${a} ${b} ${head}`) || !isMetric(left) || !isMetric(right)) return whole;
    return `${left} ${op} ${right}`;
  });
}
