import { replaceSaid } from "./may-match.ts";
/**
 * How a founder or a head of support / product says the support and product-usage questions (#15, batch 28), written
 * as the question the planner already reads:
 *   - "how many tickets did the team resolve", "the support team closed": what we did (no team dimension exists);
 *   - "how fast are we replying to tickets", "how quickly do we respond": the first response time;
 *   - "which month were we slowest to first respond", "fastest to reply": the month with the highest / lowest first
 *     response time;
 *   - "busiest support day last week", "quietest day for support in october": the day with the most / fewest tickets;
 *   - "which day had the most people in the app": the day with the most daily active users (a month: monthly ones);
 *   - "which month was the product least sticky", "stickiest month": the month with the lowest / highest stickiness;
 *   - "which plan do most customers pick", "the most popular plan": the plan with the most customers;
 *   - "what % of trials turned into paying customers": the trial conversion rate;
 *   - "than in all of october", "the whole of Q3": the period itself.
 * Only these shapes are written; anything else is left as typed. Vocabulary ("the support queue", "product activity")
 * is in the metric YAML synonyms.
 */
const PERIOD_AHEAD = String.raw`(?=(?:january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec|last\s+(?:week|month|quarter|year)|this\s+(?:week|month|quarter|year)|(?:first|second|third|fourth)\s+(?:quarter|half)|[qh][1-4]|20\d\d)\b(?!['’]s\b))`;
const WE_FORM: Record<string, string> = { does: "do", has: "have", is: "are", was: "were" };
const REPLY = String.raw`(?:repl(?:y|ying|ied)|respond(?:ing|ed)?|answer(?:ing|ed)?|get(?:ting)?\s+back)`;
const REPLY_TO = String.raw`(?:\s+to\s+(?:(?:the|our|new|support)\s+)*(?:tickets|customers|requests|people|users|emails|messages))?`;
const SUPPORT = String.raw`(?:support|ticket|tickets|help\s*desk|inbox)`;
const LEAD = String.raw`^(?:(?:what|which|when)(?:'s|\s+was|\s+is|\s+were)\s+)?(?:the\s+|our\s+)?`;
const END = String.raw`[\s?.!…]*$`;

const SUPPORT_WORDS: [RegExp, string | ((...m: string[]) => string)][] = [
  // "urgent / high-priority tickets", "high-pri/urgent tickets": two names of one priority, never a ratio (#15, batch 39)
  [
    /\b(?:urgent\s*(?:\/|or|and\/or)\s*high[\s-]*pri(?:ority)?|high[\s-]*pri(?:ority)?\s*(?:\/|or|and\/or)\s*urgent)\b(?=\s+(?:tickets?|cases?|requests?|issues?|conversations?)\b)/gi,
    "high-priority",
  ],
  // "than in all of october", "during the whole of Q3": the period
  [
    new RegExp(
      String.raw`\b(?:(?:in|during|for|over)\s+)?(?:all|the\s+whole|the\s+entire|the\s+entirety|the\s+full)\s+(?:(?:month|quarter|year)\s+of\s+|of\s+)?${PERIOD_AHEAD}`,
      "gi",
    ),
    "in ",
  ],
  // "did the team resolve", "has our support team closed": we
  [
    /\b(did|do|does|has|have|had|is|are|was|were)\s+(?:the|our)\s+(?:(?:support|cs|customer\s+success|success|sales)\s+)?(?:team|agents|staff)\b/gi,
    (_m, aux: string) => `${WE_FORM[aux.toLowerCase()] ?? aux} we`,
  ],
  [
    /\b(?:the|our)\s+(?:(?:support|cs|customer\s+success|success|sales)\s+)?(?:team|agents|staff)\s+(?=(?:closed|resolved|solved|answered|handled|cleared|won|lost)\b)/gi,
    "we ",
  ],
  // "how long is the ticket queue": its size
  [/\bhow\s+long\s+(is|was)\s+(?=(?:the|our)\s+(?:(?:support|ticket)\s+)?(?:queue|backlog)\b)/gi, "how big $1 "],
  // "how fast are we replying to tickets", "how quickly do we respond"
  [
    new RegExp(
      String.raw`\bhow\s+(?:fast|quick(?:ly)?|soon)\s+(?:are|were|have|do|did)\s+we\s+(?:been\s+)?${REPLY}${REPLY_TO}`,
      "gi",
    ),
    "first response time",
  ],
  // "which month were we slowest to first respond": the highest first response time
  [
    new RegExp(
      String.raw`\b(?:were|was|are|is)\s+(?:we|support|the\s+team)\s+(slowest|fastest|quickest)\s+(?:to|at)\s+(?:first\s+)?${REPLY}${REPLY_TO}`,
      "gi",
    ),
    (_m, how: string) => `had the ${how.toLowerCase() === "slowest" ? "highest" : "lowest"} first response time`,
  ],
  [
    /\b(slowest|fastest|quickest)\s+(?:first\s+)?(?:response|reply)(?:\s+times?)?\b/gi,
    (_m, how: string) => `${how.toLowerCase() === "slowest" ? "highest" : "lowest"} first response time`,
  ],
  // "busiest support day last week?", "quietest day for support in october"
  [
    new RegExp(String.raw`${LEAD}(busiest|quietest)\s+${SUPPORT}\s+(day|week|month)\b(.*?)${END}`, "i"),
    (_m, how: string, grain: string, rest: string) =>
      `which ${grain}${rest} had the ${how.toLowerCase() === "busiest" ? "most" : "fewest"} tickets`,
  ],
  [
    new RegExp(
      String.raw`${LEAD}(busiest|quietest)\s+(day|week|month)\s+(?:for|in|on|of)\s+(?:the\s+)?${SUPPORT}\b(.*?)${END}`,
      "i",
    ),
    (_m, how: string, grain: string, rest: string) =>
      `which ${grain}${rest} had the ${how.toLowerCase() === "busiest" ? "most" : "fewest"} tickets`,
  ],
  // "which day had the most people in the app", "busiest day in the app"
  [
    /\b(which|what)\s+(day|month)\b(.*?)\b(most|fewest|least|highest|lowest)\s+(?:people|users|folks)\s+(?:(?:active\s+)?(?:in|on)|using|used|who\s+used)\s+(?:the\s+)?(?:app|product)\b/gi,
    (_m, which: string, grain: string, mid: string, how: string) =>
      `${which} ${grain}${mid}${how} ${grain.toLowerCase() === "day" ? "daily" : "monthly"} active users`,
  ],
  [
    new RegExp(
      String.raw`${LEAD}(busiest|quietest)\s+(day|month)\s+(?:in|on|for)\s+the\s+(?:app|product)\b(.*?)${END}`,
      "i",
    ),
    (_m, how: string, grain: string, rest: string) =>
      `which ${grain}${rest} had the ${how.toLowerCase() === "busiest" ? "most" : "fewest"} ${grain.toLowerCase() === "day" ? "daily" : "monthly"} active users`,
  ],
  // "which month was the product least sticky", "the stickiest month", "how sticky is the app"
  [
    /\b(?:was|is|were|are)\s+(?:the\s+|our\s+)?(?:product|app|platform)\s+(least|most)\s+sticky\b/gi,
    (_m, how: string) => `had the ${how.toLowerCase() === "least" ? "lowest" : "highest"} stickiness`,
  ],
  [
    /\b(least|most)\s+sticky\b/gi,
    (_m, how: string) => `${how.toLowerCase() === "least" ? "lowest" : "highest"} stickiness`,
  ],
  [/\bstickiest\b/gi, "highest stickiness"],
  [/\bhow\s+sticky\s+(?:is|was|are|were)\s+(?:the\s+|our\s+)?(?:product|app|platform|users)\b/gi, "stickiness"],
  // "which plan do most customers pick", "what's the most popular plan"
  [
    /\bwhich\s+plan\s+(?:do|did|does)\s+(?:the\s+)?most\s+(?:(?:of\s+)?(?:our|the)\s+)?(?:customers|people|accounts|users|companies|clients)\s+(?:pick|choose|go\s+for|buy|sign\s+up\s+for|select|take|opt\s+for|pay\s+for|end\s+up\s+on|prefer|sit\s+on|use)\b/gi,
    "which plan has the most customers",
  ],
  [
    new RegExp(String.raw`${LEAD}(most|least)\s+popular\s+plan\b`, "i"),
    (_m, how: string) => `which plan has the ${how.toLowerCase() === "most" ? "most" : "fewest"} customers`,
  ],
  // "what % of trials turned into paying customers"
  [
    /\b(?:what|which)\s+(?:%|percent(?:age)?|share|fraction|proportion|portion|part)\s+of\s+(?:(?:our|the|free|all)\s+)*trials?(?:\s+(?:users|accounts|signups))?\s+(?:(?:that|which)\s+)?(?:turned|converted|became|went|ended\s+up|turn|convert|become)(?:\s+(?:in)?to)?(?:\s+(?:paying|paid))?(?:\s+(?:customers|accounts|subscriptions|plans|users))?/gi,
    "trial conversion rate",
  ],
];

/** The question with its support and product words said as a question; as typed when none is said. */
export function supportSaid(question: string): string {
  let out = question;
  for (const [re, to] of SUPPORT_WORDS) out = replaceSaid(out, re, to);
  return out === question ? question : out.replace(/\s{2,}/g, " ").trim();
}
