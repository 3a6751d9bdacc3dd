import type { Plan, Refusal } from "./plan-types.ts";
import { normalize } from "./text.ts";
import { execSaid, replaceSaid, testSaid } from "./may-match.ts";

/**
 * Comparisons said the way a founder types them (#15, batch 31), rewritten to the forms the planner reads — "X in B
 * than in A" (a check, answered with both sides and which is higher), "X A vs B", "X by month for the last N months".
 * Every other word (the metric, its filters) stays where it was, so what is not placed is still asked back.
 *  - "was X higher in Q2 or Q3", "were there more downgrades in September or October": both periods, the winner named
 *  - "X — better or worse in October than September": the two periods set against each other
 *  - "is the average customer paying more than at the end of last quarter": a stock now against that instant
 *  - "how many more paying customers now than at the start of the year": now against the end of last year
 *  - "X for each of the last three months", "X every month for the past 4 months": one value a month
 *  - "which month this year brought in the most cash": the month with the most revenue collected
 *  - "trials turning into paying customers more often", "deals closing faster", "how fast we reply to tickets",
 *    "how happy are people with support": the rate, duration or score they name
 */
const MONTH = String.raw`(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)(?:\s+(?:20\d\d|last\s+year|this\s+year))?`;
/** one named period: a month, a quarter, a year, or "last/this month|quarter|year" */
const PERIOD = String.raw`(?:${MONTH}|q[1-4](?:\s+20\d\d)?|h[12](?:\s+20\d\d)?|20\d\d|(?:last|this|the\s+previous|previous)\s+(?:month|quarter|year))`;
const JUDGED = String.raw`(?:higher|lower|better|worse|bigger|smaller|larger|greater|more|fewer|less|faster|slower|quicker)`;

/** "was new MRR higher in Q2 or Q3": the later-named period checked against the other */
const EITHER = new RegExp(
  String.raw`^(was|were|is|are|did)\s+(?!there\b)(.+?)\s+(${JUDGED})\s+(?:in|during|for)\s+(${PERIOD})\s+or\s+(?:in\s+|during\s+|for\s+)?(${PERIOD})\s*\??$`,
  "i",
);
/** "were there more downgrades in September or October": a count in each */
const THERE_EITHER = new RegExp(
  String.raw`^(?:was|were|are|is)\s+there\s+(more|fewer|less)\s+(.+?)\s+(?:in|during)\s+(${PERIOD})\s+or\s+(?:in\s+|during\s+)?(${PERIOD})\s*\??$`,
  "i",
);
/** a movement counted: the customers who made it ("more downgrades" is a count, never the MRR they moved) */
const COUNTED: [RegExp, string][] = [
  [/\bdowngrades\b/i, "downgraded customers"],
  [/\bupgrades\b/i, "upgraded customers"],
  [/\b(?:cancellations|cancelations|churns)\b/i, "churned customers"],
];

/** "— better or worse in October than September", "up or down in Q3 vs Q2": the two periods side by side */
const EITHER_WAY = new RegExp(
  String.raw`\s*[—–,:-]?\s*(?:(?:is\s+it|was\s+it|are\s+we|were\s+we)\s+)?(?:better\s+or\s+worse|worse\s+or\s+better|higher\s+or\s+lower|up\s+or\s+down)\s+(?:in\s+)?(${PERIOD})\s+(?:than|vs\.?|versus|compared\s+(?:to|with))\s+(?:in\s+)?(${PERIOD})\s*\??$`,
  "i",
);

/** "more than at the end of last quarter" with no first side said: now */
const THAN_AT_EDGE =
  /\b((?:more|less|fewer|higher|lower|bigger|smaller|larger|greater)(?:\s+[a-z']+){0,3}?)\s+than\s+(?=at\s+the\s+(?:end|close|start|beginning)\s+of\b)/i;
const PERIOD_SAID = new RegExp(
  String.raw`\b(?:now|today|currently|right\s+now|at\s+the\s+moment|${PERIOD}|week|month|quarter|year|since|ago)\b|\d`,
  "i",
);

/** "how many more paying customers do we have now than at the start of the year": now vs the end of last year */
const HOW_MANY_MORE =
  /^how\s+many\s+(?:more|fewer|less)\s+(.+?)\s+(?:(?:do|did|does)\s+(?:we|you|they|i)\s+have\s+|(?:are|were)\s+there\s+|have\s+we\s+got\s+)?(now|today|currently|right\s+now|at\s+the\s+moment)\s+than\s+(?:at\s+|on\s+|in\s+)?(.+?)\s*\??$/i;
const YEAR_START = /\b(?:the\s+)?(?:start|beginning)\s+of\s+(?:the|this)\s+year\b/i;

/** "for each of the last three months", "every month for the past 4 months", "each month over the last 3 months" */
const EACH_MONTH =
  /\b(?:for\s+each\s+of\s+the|(?:for\s+)?(?:each|every)\s+month\s+(?:for|over|of|in)\s+the)\s+(last|past|previous)\s+([a-z0-9]+)\s+months\b/i;

/** "which month this year brought in the most cash": money in is revenue collected */
const MONTH_BROUGHT = new RegExp(
  String.raw`^(?:which|what)\s+(month|week|quarter|day)\b(.*?)\s+(?:brought|brings?|bringing|pulled|pulls?)\s+in\s+the\s+(most|least)\s+(?:cash|money)\b(.*)$`,
  "i",
);

/** "are trials turning into paying customers more often this year than last year": the trial conversion rate */
const TRIALS_MORE_OFTEN =
  /\b(?:(?:are|were|did|do)\s+(?:our\s+)?)?trials\s+(?:turning|turn|converting|convert|becoming|become)\s+(?:in(?:to)?\s+)?(?:paying\s+)?(?:customers|subscribers|paid)?\s*(?:more|less)\s+often\b\s*(.*?)\s+than\s+(?:in\s+)?(.+?)\s*\??$/i;

/** "are deals closing faster in Q3 than in Q2": the sales cycle of each, shorter being faster */
const CLOSING_FASTER =
  /^(?:are|were|is|was)\s+(?:our\s+)?deals\s+(?:closing|being\s+closed|getting\s+closed|closed)\s+(faster|quicker|slower|sooner)\s+(.*?)\s+than\s+(?:in\s+)?(.+?)(\?.*)?$/i;

/** "how fast we reply to tickets", "how quickly do we respond": the first response time */
const REPLY_SPEED =
  /\bhow\s+(?:fast|quick(?:ly)?|soon)\s+(?:do\s+|did\s+|does\s+)?(?:we|the\s+team|support|our\s+team|agents)\s+(?:reply|replies|respond|responds|answer|answers|get\s+back)(?:\s+(?:to|on)\s+(?:the\s+|our\s+|customer\s+|support\s+)*(?:tickets|requests|customers|emails))?\b/i;

/** "how happy are people with support", "how satisfied customers are with support": CSAT */
const SUPPORT_HAPPY =
  /\bhow\s+(?:happy|satisfied|pleased)\s+(?:(?:are|were)\s+)?(?:people|customers|users|folks|clients)\s+(?:(?:are|were)\s+)?with\s+(?:our\s+)?support\b/i;

/** "in % and absolute": the comparison states the change in the metric's unit beside the percentage anyway */
const PCT_AND_ABSOLUTE =
  /\b(?:in\s+)?(%|percent|percentage|pct)\s+(?:and|&|\+)\s+(?:in\s+)?absolute(?:\s+(?:terms|numbers|values?))?\b/i;

/**
 * "was new MRR higher in Q2 or Q3": the check read from the rewritten question asks which of the two, so its answer
 * names the period that is higher (better, more) rather than saying yes or no to the one set first.
 */
export function eitherAsked<P extends Plan | Refusal>(question: string, plan: P): P {
  if (plan.status !== "plan" || plan.interpretation?.yes_no?.kind !== "compare") return plan;
  const q = normalize(question).replace(/[?!.]+$/, "");
  if (!testSaid(EITHER, q) && !testSaid(THERE_EITHER, q)) return plan;
  return {
    ...plan,
    interpretation: { ...plan.interpretation, yes_no: { ...plan.interpretation.yes_no, either: true } },
  };
}

export function compareSaid(text: string): string {
  let out = replaceSaid(text, PCT_AND_ABSOLUTE, (_m, pct: string) => `in ${pct}`);
  out = replaceSaid(out, SUPPORT_HAPPY, "CSAT").replace(REPLY_SPEED, "first response time");
  const closing = execSaid(CLOSING_FASTER, out);
  if (closing)
    out = `is the sales cycle ${/^slower$/i.test(closing[1]!) ? "longer" : "shorter"} ${closing[2]} than in ${closing[3]}${closing[4] ?? ""}`;
  const trials = execSaid(TRIALS_MORE_OFTEN, out);
  if (trials) out = `${out.slice(0, trials.index)}trial conversion rate ${trials[1]} vs ${trials[2]}`;
  out = replaceSaid(out, EITHER_WAY, (_m, a: string, b: string) => ` ${a} vs ${b}`);
  const either = execSaid(EITHER, out);
  if (either) out = `${either[1]} ${either[2]} ${either[3]} in ${either[5]} than in ${either[4]}`;
  const there = execSaid(THERE_EITHER, out);
  if (there) {
    let what = there[2]!;
    for (const [word, as] of COUNTED) what = what.replace(word, as);
    out = `were there ${there[1]} ${what} in ${there[4]} than in ${there[3]}`;
  }
  const more = execSaid(HOW_MANY_MORE, out);
  if (more) out = `${more[1]} ${more[2]} vs ${more[3]!.replace(YEAR_START, "the end of last year")}`;
  else if (/\b(?:than|vs\.?|versus)\s+(?:at\s+)?(?:the\s+)?(?:start|beginning)\s+of\s+(?:the|this)\s+year\b/i.test(out))
    out = replaceSaid(out, YEAR_START, "the end of last year");
  const edge = execSaid(THAN_AT_EDGE, out);
  if (edge && !PERIOD_SAID.test(out.slice(0, edge.index)))
    out = `${out.slice(0, edge.index)}${edge[1]} now than ${out.slice(edge.index + edge[0].length)}`;
  out = replaceSaid(out, EACH_MONTH, (_m, last: string, n: string) => `by month for the ${last} ${n} months`);
  out = out.replace(
    MONTH_BROUGHT,
    (_m, unit: string, between: string, most: string, rest: string) =>
      `which ${unit}${between} had the ${most} revenue collected${rest}`,
  );
  return out.replace(/\s{2,}/g, " ").trim();
}
