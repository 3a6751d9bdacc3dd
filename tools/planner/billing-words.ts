import type { Catalog } from "../../engine/catalog/catalog.ts";
import { findPeriods } from "./periods.ts";
import { execSaid, replaceSaid } from "./may-match.ts";

/**
 * Billing, payments and retention said in words (#15, batch 30); the nouns are synonyms in models/** ("trials wrapped
 * up", "payments that went through"), this is the grammar around them:
 *   - "how much MRR did downgrades cost us": the MRR lost to downgrades (contraction), to cancellations (churned);
 *   - "MRR that came back from old customers returning": reactivation MRR; "former customers came back": reactivated
 *     customers;
 *   - "did we put on" (net new ARR): added;
 *   - "what did we charge successfully, before refunds": gross payments (succeeded charges, refunds not taken off);
 *   - "how many times did we try to charge a card, successful and failed together": payment attempts (succeeded plus
 *     failed, as its definition says: the gloss adds nothing);
 *   - "what % of charge attempts failed", "payment failure rate": failed payments as a share of payment attempts;
 *   - "what % of our customers did we lose": the customer churn rate;
 *   - "how much of the revenue we started the year with have we kept, ignoring upsells": GRR over the period
 *     (including upsells: NRR; neither said: left as typed, to be asked back — two numbers);
 *   - "what share of our stripe customers can we tie to a company in hubspot": the CRM match rate;
 *   - "how many people are on a free trial": customers with status trialing;
 *   - "how much MRR comes from UK customers": the paying customers of that value counted, their MRR summed.
 */
const LOSS = {
  contraction: /^(?:downgrades?|downgrading|downsells?|downselling|contraction)$/,
  churned: /^(?:cancell?ations?|churn|churning|cancell?ing)$/,
};
const COST =
  /\b(how\s+much|what)\s+(?:mrr\s+|revenue\s+|recurring\s+revenue\s+|money\s+)?(?:did|have|has|had)\s+(?:the\s+|our\s+)?(downgrades?|downgrading|downsells?|downselling|contraction|cancell?ations?|churn|churning|cancell?ing)\s+cost(?:\s+us)?(?:\s+in\s+(?:mrr|revenue|recurring\s+revenue))?\b/gi;
const PERCENT_OF = "(?:what|which)\\s+(?:%|percent(?:age)?|share|proportion|fraction|part)\\s+of";
const GROSS_OF =
  /[\s,;—–-]*(?:before|excluding|not\s+counting|ignoring|gross\s+of|without\s+taking\s+off)\s+(?:any\s+|the\s+)?refunds?\b/gi;
const BOTH_KINDS =
  /[\s,;—–-]*(?:both\s+)?(?:(?:successful|succeeded|good)\s+(?:and|or|\+|&)\s+(?:failed|declined|bad)|(?:failed|declined)\s+(?:and|or|\+|&)\s+(?:successful|succeeded))(?:\s+(?:ones\s+)?(?:together|combined|included|alike|both))?\b/gi;

const BILLING_WORDS: [RegExp, string | ((...a: string[]) => string)][] = [
  [
    COST,
    (_m, ask, what) =>
      `${/^what$/i.test(ask!) ? "what was" : "how much"} ${LOSS.contraction.test(what!.toLowerCase()) ? "contraction" : "churned"} mrr`,
  ],
  // "how much MRR came back from old customers returning", "revenue that came back from former customers"
  [
    /\b(?:mrr|revenue|recurring\s+revenue|money)\s+(?:that\s+)?(?:came|come|comes|coming|has\s+come|have\s+come)\s+back\s+(?:from|with)\s+(?:(?:our|the)\s+)?(?:old|former|lapsed|previous|past|churned|ex-?)\s*(?:customers|clients|accounts|logos)(?:\s+(?:returning|coming\s+back|who\s+(?:returned|came\s+back)|that\s+(?:returned|came\s+back)))?\b/gi,
    "reactivation mrr",
  ],
  // "how much MRR did old customers bring back"
  [
    /\b(how\s+much|what)\s+(?:mrr|revenue|recurring\s+revenue)\s+(?:did|have|has)\s+(?:our\s+)?(?:old|former|lapsed|previous|past|churned|returning)\s+(?:customers|clients|accounts|logos)\s+(?:bring|brought|bringing)\s+back\b/gi,
    "$1 reactivation mrr",
  ],
  // "how many former customers came back", "old clients that returned"
  [
    /\b(?:old|former|lapsed|previous|past|churned|ex-?)\s*(?:customers|clients|accounts|logos)\s+(?:(?:that|who)\s+)?(?:(?:came|come|have\s+come|has\s+come)\s+back|returned|have\s+returned|has\s+returned|are\s+back|were\s+back)\b/gi,
    "reactivated customers",
  ],
  // "how much net new ARR did we put on": added
  [/\b(did|have|has)\s+(we|you)\s+(?:put|tack|tacked|pile|piled)\s+on\b/gi, "$1 $2 add"],
  // "what did we charge successfully in Q3, before any refunds": gross payments
  [
    /\b(what|how\s+much)\s+(?:did|have)\s+(?:we|you)\s+(?:successfully\s+charged?|charged?\s+successfully)\b/gi,
    (_m, ask) => `${/^what$/i.test(ask!) ? "what were" : "how much"} gross payments`,
  ],
  // "how many payments went through", "charges that cleared"
  [
    /\b(?:(?:card\s+)?payments|charges)\s+(?:that\s+|which\s+)?(?:went|go|have\s+gone|has\s+gone|got|get|gotten)\s+through\b/gi,
    "successful payments",
  ],
  // "how many times did we try to charge a card": payment attempts
  [
    /\bhow\s+many\s+times\s+(?:did|have|do)\s+(?:we|you)\s+(?:try|tried|attempt|attempted)\s+to\s+(?:charge|bill)(?:\s+(?:a|the|our|customers'?)\s+cards?|\s+cards?|\s+customers?|\s+(?:a|the)\s+customer)?\b/gi,
    "how many payment attempts",
  ],
  // "what % of charge attempts failed", "what share of payments bounced": the failure share
  [
    new RegExp(
      `\\b${PERCENT_OF}\\s+(?:(?:our|the|all)\\s+)?(?:charge\\s+attempts|payment\\s+attempts|attempted\\s+(?:payments|charges)|(?:card\\s+)?payments|(?:card\\s+)?charges)\\s+(?:failed|bounced|were\\s+declined|got\\s+declined|didn'?t\\s+go\\s+through)\\b`,
      "gi",
    ),
    "what was failed payments as a share of payment attempts",
  ],
  // (not when the rate is defined in the words: "payment failure rate (failed ÷ successful)" is read as defined)
  [
    /\b(?:the\s+|our\s+)?(?:payment|charge|card)\s+failure\s+(?:rate|share|percentage|ratio)\b(?![^?]*(?:[(÷/=]|\bdivided\s+by\b|\b(?:defined|taken|computed|calculated)\s+as\b))/gi,
    "failed payments as a share of payment attempts",
  ],
  // "what % of our customers did we lose in Q3": the customer churn rate
  [
    new RegExp(
      `\\b${PERCENT_OF}\\s+(?:(?:our|the|all)\\s+)?(?:paying\\s+)?(?:customers|logos|accounts|clients)\\s+(?:did\\s+we\\s+(?:lose|churn)|have\\s+we\\s+lost|we\\s+lost|were\\s+lost|did\\s+we\\s+see\\s+(?:leave|churn|cancel))\\b`,
      "gi",
    ),
    "what was the customer churn rate",
  ],
  // "what share of our stripe customers can we tie to a company in hubspot": the CRM match rate
  [
    new RegExp(
      `\\b${PERCENT_OF}\\s+(?:(?:our|the|all)\\s+)?(?:stripe\\s+|billing\\s+|paying\\s+)?customers\\s+(?:can|could|do|did|are)\\s+(?:we|you)?\\s*(?:actually\\s+|really\\s+)?(?:tie|tied|match|matched|link|linked|map|mapped|connect|connected|trace)\\s+(?:back\\s+)?to\\s+(?:a\\s+|an\\s+)?(?:company|companies|account|accounts|record|records)\\s+in\\s+(?:hubspot|the\\s+crm|our\\s+crm|crm)\\b`,
      "gi",
    ),
    "what is the crm match rate",
  ],
  // "how many people are on a free trial": people in a count of a billing status are customers
  [
    /\b(?:people|folks|users|companies)\s+(?=(?:are|is)\s+(?:currently\s+|still\s+)?(?:on|in)\s+(?:a\s+|their\s+)?(?:free\s+)?trials?\b)/gi,
    "customers ",
  ],
];

/**
 * "how many customers are on a free trial right now", "still in their trial": the status trialing, when the words
 * say now (or "currently", "still"); "how many customers are on a trial" with no now is left as typed (trials that
 * ended in a period are another number), to be asked back
 */
const ON_TRIAL =
  /\b(are|is)\s+(currently\s+|still\s+|now\s+)?(?:on|in)\s+(?:a\s+|their\s+|the\s+)?(?:free\s+)?trials?\b(?!\s+(?:that|which|who)\b)(.*)$/i;
const NOW_SAID = /\b(?:right\s+now|now|currently|at\s+the\s+moment|at\s+present|today|as\s+we\s+speak)\b/i;
function onTrial(text: string): string {
  const m = execSaid(ON_TRIAL, text);
  if (!m || (!m[2] && !NOW_SAID.test(m[3]!))) return text;
  return `${text.slice(0, m.index)}${m[1]} ${m[2] ?? ""}trialing${m[3]}`;
}

/** "how much of the revenue we started the year with have we kept, ignoring upsells": GRR (or NRR) over the period */
const KEPT =
  /\bhow\s+much\s+of\s+(?:the\s+|our\s+)?(?:revenue|mrr|recurring\s+revenue|arr)\s+(?:that\s+)?(?:we\s+(?:started|began|went\s+into|entered|kicked\s+off)\s+(the\s+year|the\s+quarter|the\s+month|q[1-4]|\d{4}|h[12])(?:\s+with)?|we\s+had\s+at\s+the\s+start\s+of\s+(the\s+year|the\s+quarter|the\s+month|q[1-4]|\d{4}|h[12]))\s+(?:have|did|do|had)\s+we\s+(?:kept|keep|retained|retain|held\s+on\s+to|hold\s+on\s+to|hang\s+on\s+to|hung\s+on\s+to)\b(.*)$/i;
const WITHOUT_UPSELLS =
  /^[\s,;—–-]*(?:ignoring|excluding|not\s+counting|without|leaving\s+out|before|setting\s+aside|net\s+of\s+no)\s+(?:any\s+|the\s+)?(?:upsells?|expansion|upgrades|expansions)\b/i;
const WITH_UPSELLS =
  /^[\s,;—–-]*(?:including|counting|with|after|plus)\s+(?:any\s+|the\s+)?(?:upsells?|expansion|upgrades|expansions)\b/i;
function keptRead(text: string): string {
  const m = execSaid(KEPT, text);
  if (!m) return text;
  const rest = m[3]!;
  const gross = execSaid(WITHOUT_UPSELLS, rest);
  const net = gross ? undefined : execSaid(WITH_UPSELLS, rest);
  const said = gross ?? net;
  if (!said) return text;
  const period = (m[1] ?? m[2]!).toLowerCase().replace(/\s+/g, " ");
  const over = period.startsWith("the ") ? `so far ${period.replace("the ", "this ")}` : `in ${period}`;
  return `${text.slice(0, m.index)}what was ${gross ? "GRR" : "NRR"} ${over}${rest.slice(said[0].length)}`;
}

/**
 * "how much MRR comes from UK customers (at the moment)": the customers of a value said of one of their columns
 * (country, as its value synonyms say) as they stand — counted, their MRR summed — read as "how many paying … customers"
 * (a customer's MRR is 0 unless paying, so the sum is the same). Left as typed unless a value is said.
 */
const ROWS_MONEY =
  /^(?:how\s+much|what)\s+(?:mrr|monthly\s+recurring\s+revenue|recurring\s+revenue)\s+(?:comes?|came|is\s+coming|do\s+we\s+get|are\s+we\s+getting|do\s+we\s+have|is\s+there)?\s*from\s+(?:our\s+)?(.+?)\s*$/i;
/** any fixed day: only whether a period is said is asked, never which */
const SOME_DAY = new Date(Date.UTC(2026, 0, 15));
function rowsMoney(text: string, catalog: Catalog): string {
  const m = ROWS_MONEY.exec(text.replace(/[?!.]+$/, ""));
  if (!m) return text;
  const mart = catalog.models.get("customers");
  if (!mart || !mart.columns.some((c) => c.name === "mrr")) return text;
  const said = m[1]!.toLowerCase();
  // the rows hold today's MRR: "from UK customers in October" is a past level they don't keep (left as typed)
  if (findPeriods(said, SOME_DAY).length) return text;
  const value = mart.columns
    .filter((c) => c.name !== "status")
    .some((c) =>
      Object.keys(c.value_synonyms ?? {}).some((p) =>
        new RegExp(`(?:^|\\s)${p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?=\\s|$)`).test(said),
      ),
    );
  if (!value || !/\bcustomers\b/.test(said)) return text;
  return `how many paying ${said.replace(/\b(?:paying|active)\s+/g, "")}`;
}

/** The question with billing and payments said in words read in the catalog's terms. */
export function billingSaid(question: string, catalog: Catalog): string {
  let out = question;
  for (const [re, to] of BILLING_WORDS) out = replaceSaid(out, re, to as string);
  if (/\bgross\s+payments\b/i.test(out)) out = replaceSaid(out, GROSS_OF, "");
  if (/\bpayment\s+attempts\b/i.test(out)) out = replaceSaid(out, BOTH_KINDS, "");
  out = keptRead(onTrial(out));
  return rowsMoney(out, catalog);
}
