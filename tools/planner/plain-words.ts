import { execSaid, testSaid } from "./may-match.ts";
/**
 * Plain words a person who does not know the metric names types, read as grammar rather than vocabulary (#15, batch
 * 20): what they ask is an amount though no "how much" is said ("what do our customers pay us a month"), or they name
 * two catalog metrics at once ("the business we lost": cancelled subscriptions, or deals lost).
 */

/** Words that already say which lost business is meant: a deal, a cancellation, a named metric. */
const LOSS_SAID =
  /\b(?:deals?|opportunit(?:y|ies)|opps?|pipeline|closed[\s-]+lost|customers?|accounts?|logos?|subscriptions?|subscribers?|clients?|mrr|arr|churn\w*|cancel\w*|downgrad\w*|contraction|refund\w*|payments?|charges?|cards?)\b/;
const LOST_BUSINESS =
  /\b(?:lose|loses|lost|losing)\b(?:\s+\w+){0,3}?\s+(?:business|biz)\b|\b(?:business|biz)\b(?:\s+\w+){0,3}?\s+(?:lose|loses|lost|losing)\b/;

/**
 * "how much business did we lose in May", "lost business last quarter": the MRR of customers who cancelled, or the
 * amount of deals closed lost — two catalog metrics with different numbers, so it is asked back naming both.
 */
export function lostBusinessAskBack(question: string): string | undefined {
  const text = question.toLowerCase();
  if (!testSaid(LOST_BUSINESS, text) || testSaid(LOSS_SAID, text)) return undefined;
  return `"business lost" can be read two ways: the MRR of customers who cancelled (churned MRR) or the amount of deals closed lost (lost amount) — say which`;
}

/** Words that ask for a count or a share, said outright: they, not "pay", say the unit asked. */
const OTHER_UNIT = /\b(?:how many|number of|count of|share|percent|percentage|proportion|fraction|rate|%)|%/;

/**
 * "what do our customers pay us every month", "what does Acme pay", "what are Pro accounts paying us": what someone
 * pays is an amount of money, whatever noun names the payers; "how many customers pay us" is a count.
 */
export function paysAmountAsked(question: string): "currency" | undefined {
  const text = question.toLowerCase();
  if (testSaid(OTHER_UNIT, text)) return undefined;
  return /\bwhat\s+(?:do|does|did|are|is|were|was|will)\b(?:\s+[\w']+){1,6}?\s+(?:pay|pays|paid|paying)\b/.test(text)
    ? "currency"
    : undefined;
}

/** A move to a cheaper plan is a downgrade: "moved to a cheaper plan", "switched down to a smaller tier". */
const TO_CHEAPER =
  /\b(?:moved|move|moving|switched|switch|switching|dropped|drop|dropping|went|go|going|changed|change|changing)\s+(?:down\s+)?to\s+(?:a\s+|the\s+)?(?:cheaper|smaller|lower|less\s+expensive|lower[\s-]priced|cheaper[\s-]priced)\s+(?:plans?|tiers?|packages?|subscriptions?)\b/g;
/**
 * What customers pay every month is MRR: "what do our customers pay us each month", "what do Pro customers pay a
 * month". A word before the payers is kept before MRR ("Pro MRR"), to be read as a value or asked back.
 */
const PAY_MONTHLY =
  /\bwhat\s+(?:do|does|did)\s+(?:all\s+)?(?:of\s+)?(?:our|the|my|your)?\s*(?:all\s+)?(?:([a-z][\w-]*)\s+)?(?:customers|clients|accounts|subscribers)\s+(?:pay|paid)(?:\s+(?:us|you|dp))?(?:\s+in\s+total)?\s+(?:every|each|a|per)\s+month\b/;

/** Money handed back to customers is refunded: "how much have we handed back", "money given back to clients". */
const HANDED_BACK =
  /\b(?:hand|handed|give|given|gave|pay|paid|send|sent|return|returned)\s+back(?:\s+to\s+(?:our\s+|the\s+)?(?:customers|clients|users|people|buyers))?/g;
/**
 * Money given back is refunded, said with the French/Spanish/Portuguese cognate (rembourser, reembolsar) or with "to"
 * and whom (#15, batch 49): "how much we reimbursed to clients", "reimbursements in October", "refunded to customers".
 */
const REIMBURSED: [RegExp, string][] = [
  [/\breimburs(?:ed|ing)\b/g, "refunded"],
  [/\breimburse(s?)\b/g, "refund$1"],
  [/\breimbursements?\b/g, "refunds"],
  [
    /\b(refunded|refund|refunds)\s+(?:back\s+)?to\s+(?:our\s+|the\s+|all\s+)?(?:customers|clients|users|buyers)\b/g,
    "$1",
  ],
];
/**
 * "MRR we lost with the clients which cancelled", "MRR lost from customers who churned", "lost to churned customers"
 * (#15, batch 49): the MRR lost to churn, said by whom it was lost with — never with downgrades (those customers stay)
 */
const LOST_WITH_LEAVERS =
  /\b(lost|lose|losing|loses)\s+(?:(?:with|from|through|via|on|to)\s+(?:the\s+|our\s+)?(?:customers|clients|accounts|logos|subscribers)\s+(?:who|which|that)\s+(?:have\s+|had\s+)?(?:cancell?ed|churned|left|quit)|to\s+(?:the\s+)?(?:churned|cancell?ed)\s+(?:customers|clients|accounts|logos|subscribers))\b/g;
/** "happy with the help they got from support": the help customers got is the support they got. */
const HELP_GOT = /\bthe\s+help\s+(?:they|we|customers|people|users|you)\s+(?:got|get|received|receive|had)\b/g;

/** "brand-new customers", "brand new logos": new ones (#15, batch 39) */
const BRAND_NEW = /\bbrand[\s-]+new\b/gi;

/** The question with the plain words above said as the catalog says them; as typed when none is said. */
export function plainWordsRead(question: string): string {
  const pays = PAY_MONTHLY.exec(question.toLowerCase());
  const paid = pays
    ? `${question.slice(0, pays.index)}what is ${pays[1] ? `${pays[1]} ` : ""}mrr${question.slice(pays.index + pays[0].length)}`
    : question;
  let out = paid;
  for (const [re, to] of REIMBURSED) out = out.replace(re, to);
  return out
    .replace(TO_CHEAPER, "downgraded")
    .replace(HANDED_BACK, "refunded")
    .replace(LOST_WITH_LEAVERS, "$1 to churn")
    .replace(HELP_GOT, "the support they got")
    .replace(BRAND_NEW, "new");
}

const NORMAL_DAY = /\b(?:on\s+)?an?\s+(?:normal|typical|usual|regular|average|ordinary)\s+(day|week|month)\b/;
/** People in the app on a normal day are DAU (a mean of days): the one count the catalog keeps per day. */
const DAILY_USERS =
  /\b(?:users?|people|ppl|folks|actives?|dau)\b[^?]*\b(?:use|uses|using|used|log|logs|logged|logging|open|opens|active|show(?:s|ed)?\s+up|in\s+the\s+(?:app|product))\b|\b(?:dau|daily\s+active)/;

/**
 * "on a normal day how many tickets do we get", "deals we win in a typical week": an average per day or week of a
 * count, which no catalog metric states as asked (a month's total is no normal day) — asked back, save people in the
 * app on a normal day, which is average DAU.
 */
export function normalDayAskBack(question: string): string | undefined {
  const text = question.toLowerCase();
  const said = execSaid(NORMAL_DAY, text);
  if (!said || (said[1] === "day" && testSaid(DAILY_USERS, text))) return undefined;
  return `"${said[0].trim()}" asks for an average per ${said[1]}: ask for the average per ${said[1]} of the metric over a period (e.g. "average tickets per ${said[1]} in ${said[1] === "day" ? "October" : "Q3"}")`;
}
