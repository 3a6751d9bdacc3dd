import { add, parseDate, ymd } from "../../engine/catalog/period.ts";
import { execSaid, replaceSaid, testSaid } from "./may-match.ts";

/**
 * A growth, marketing and product team's words (#15, batch 44), read as the questions the planner already answers:
 *   - "how many free trials did people start", "how many people started a trial": trial starts;
 *   - "October's trial funnel (in plain numbers)": trials started, trials ended and trials converted in the month;
 *   - "of the trials that finished in September, what share went paid": the trial conversion rate of that month (the
 *     metric counts trials by the month they ended);
 *   - "trials that ran out last month without turning into a paid plan": trials ended minus trials converted;
 *   - "trial-to-paid" said before a verb ("did trial-to-paid slip from Q2 to Q3"): the trial conversion rate, and
 *     "slip", "dip", "sag", "slide" a drop;
 *   - "MAU in September, up how much on September last year": the two periods set against each other;
 *   - "has November already beaten October on MAU": the metric, the first month vs the second;
 *   - "yesterday's DAU vs the same day last week": the day a week before, by its date;
 *   - "the first (second) half of November": its days 1–15 (16 to its end), only after a month's name;
 *   - "what share of September's monthly users showed up on a typical day": stickiness (average DAU ÷ MAU);
 *   - "how many active users did each active account have": MAU per account using the product;
 *   - "how many events a day did users fire": the average product events per day;
 *   - "accounts with at least one person active in the product": accounts using the product;
 *   - "used the product less in the last 30 days than in the 30 before": usage down against the month before;
 *   - "in which month did we add the most MAU over the month before": the biggest rise from one month to the next;
 *   - "WAU at the end of October as a share of October's MAU": the share, both read over October.
 * Anything else is left as typed.
 */
const MONTHS = [
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
];
const MONTH = String.raw`(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)`;

const STEP = String.raw`(?:trials?|free|starts?|started|sign-?ups?|ended|ending|finished|expired|ran|out|converted|conversions?|converting|paid|paying|and|how|many|much|of|those|them|that|which|who|went|turned|into|the|number|numbers)`;
const FUNNEL = new RegExp(
  String.raw`^(?:(?:what(?:'s|\s+is|\s+was|\s+were)|show(?:\s+me)?|give\s+me|pull(?:\s+up)?)\s+)?(?:the\s+|our\s+)?(?:(.+?)'s?\s+)?(?:free\s+)?trials?\s+funnel\b(?:\s+(?:for|in|over|during)\s+(.+?))?(?:\s+in\s+(?:plain|simple|raw|hard)\s+numbers)?(?:\s*[:,—–-]\s*(?:${STEP}[\s,]*)+)?$`,
);
const ENDED = String.raw`(?:finished|ended|expired|ran\s+out|wrapped\s+up|came\s+to\s+an\s+end|closed\s+out)`;
const SHARE = String.raw`(?:share|percent(?:age)?|%|fraction|proportion|portion|part)`;
const WENT_PAID = String.raw`(?:went|turned|converted|became|moved|switched|upgraded)(?:\s+(?:to|into|over\s+to))?\s+(?:a\s+)?(?:paid|paying)(?:\s+(?:plans?|customers?|subscriptions?))?`;
const SHARE_AFTER = new RegExp(
  String.raw`\bof\s+(?:the\s+|our\s+)?(?:free\s+)?trials\s+(?:that\s+|which\s+)?${ENDED}\s+((?:in|during|over|last|this)\s+.+?),?\s+what\s+${SHARE}(?:\s+of\s+them)?\s+${WENT_PAID}\b`,
);
const SHARE_BEFORE = new RegExp(
  String.raw`\bwhat\s+${SHARE}\s+of\s+(?:the\s+|our\s+)?(?:free\s+)?trials\s+(?:that\s+|which\s+)?${ENDED}\s+((?:in|during|over|last|this)\s+.+?)\s+${WENT_PAID}\b`,
);
const UNPAID = new RegExp(
  String.raw`\b(?:free\s+)?trials\s+(?:that\s+|which\s+)?(?:ran\s+out|run\s+out|ended|expired|lapsed|finished)((?:\s+(?:in|during|over|last|this)\s+[a-z0-9 ]+?)?)\s+(?:without\s+(?:ever\s+)?(?:turning\s+(?:into\s+(?:a\s+)?)?(?:paid|paying)(?:\s+(?:plans?|customers?|subscriptions?))?|converting|(?:going|turning)\s+paid|paying|a\s+purchase|upgrading)|unpaid|unconverted)\b`,
);
const TRIAL_TO_PAID = /\btrial[\s-]+to[\s-]+paid(?:\s+(?:conversion\s+rate|conversion|rate))?\b/;
const SLIP =
  /^((?:did|has|have|had)\s+(?:our\s+|the\s+)?.+?\s+)(?:slip|slipped|dip|dipped|sag|sagged|slide|slid|soften|softened|weaken|weakened)\b/;
/** "over" sets two periods against each other only after a comma ("MAU in October, up how much over September"):
 * "did MRR go up or down over Q3" asks for the change during Q3. */
const UP_HOW_MUCH =
  /(?:,?\s+(?:(?:up|down)\s+(?:by\s+)?how\s+(?:much|far)|(?:up|down)\s+or\s+(?:up|down))\s+(?:on|from|vs\.?|versus|compared\s+(?:to|with))|,\s+(?:up|down)\s+(?:by\s+)?how\s+(?:much|far)\s+over)\s+/;
const BEATEN = new RegExp(
  String.raw`^(?:has|have|did|is)\s+(${MONTH}|this\s+month|this\s+quarter|q[1-4])\s+(?:already\s+|now\s+)?(?:beaten|beat|topped|overtaken|passed|surpassed|outdone|overtook|outpaced|caught\s+up\s+(?:with|to)|ahead\s+of)\s+(${MONTH}|last\s+month|last\s+quarter|q[1-4])\s+(?:on|in|for)\s+(?:the\s+|our\s+)?(.+?)(?:\s+(?:already|yet))?$`,
);
const SAME_DAY =
  /\b(?:(?:with|to|vs\.?|versus|against|and)\s+)?(?:the\s+)?same\s+(?:week)?day\s+(?:(?:a|one)\s+week\s+(?:before|earlier|ago)|(?:last|a|the\s+previous|the\s+prior)\s+week)\b/;
const HALF = new RegExp(String.raw`\b(?:the\s+)?(first|second|1st|2nd)\s+half\s+of\s+(${MONTH})\b`);
const TYPICAL_DAY = new RegExp(
  String.raw`\bwhat\s+${SHARE}\s+of\s+(?:the\s+|our\s+)?(?:(.+?)'s?\s+)?(?:monthly\s+(?:active\s+)?users|monthly\s+actives|maus?)(?:\s+(in|during|for)\s+(.+?))?\s+(?:showed\s+up|show\s+up|were\s+active|are\s+active|used\s+the\s+(?:app|product)|use\s+the\s+(?:app|product)|logged\s+in|log\s+in|came\s+back|come\s+back)\s+(?:on\s+)?(?:a|an|any)\s+(?:typical|normal|average|given|usual|ordinary)\s+day\b`,
);
const EACH_ACCOUNT =
  /\b(?:on\s+average,?\s+)?how\s+many\s+(?:monthly\s+)?(?:active\s+)?(?:users|people|members|seats\s+in\s+use)\s+(?:did|does|do)\s+(?:each|every|an?|the\s+average|a\s+typical)\s+(?:active\s+)?(?:customer\s+)?account\s+(?:have|had)\b/;
const EVENTS_A_DAY =
  /\b(?:on\s+average,?\s+)?how\s+many\s+(?:product\s+|usage\s+|app\s+)?events\s+(?:a|per|each)\s+day\s+(?:did|do|does)\s+(?:users|people|customers|we|our\s+users|folks)\s+(?:fire|fired|trigger|triggered|log|logged|generate|generated|send|sent|produce|produced|create|created)(?:\s+on\s+average)?\b/;
const ONE_ACTIVE =
  /\b(?:customer\s+)?accounts\s+(?:had|have|has|with)\s+at\s+least\s+one\s+(?:person|user|member|seat|human)\s+(?:active|log(?:ged)?\s+in)\s+(?:in|on)\s+the\s+(product|app)\b/;
const LESS_30 =
  /\b(?:used|use|uses|using)\s+(?:the\s+product|the\s+app)\s+less\s+in\s+the\s+(?:last|past)\s+30\s+days\s+than\s+(?:in\s+)?the\s+30(?:\s+days)?\s+(?:before|prior|previous)\b/;
const ADD_MOST =
  /^(?:in\s+)?(?:which|what)\s+month\s+((?:this|last)\s+year\s+|in\s+20\d\d\s+)?did\s+we\s+(?:add|gain|grow|put\s+on|pick\s+up)\s+the\s+most\s+(.+?)\s+(?:over|on|vs\.?|versus|compared\s+(?:to|with)|against)\s+the\s+(?:month\s+before|previous\s+month|prior\s+month)(\s+(?:this|last)\s+year|\s+in\s+20\d\d)?$/;

const WHO = String.raw`(?:people|users|folks|prospects|visitors|customers|accounts|companies|teams|leads)`;
const START = String.raw`(?:start|started|begin|began|begun|kick\s+off|kicked\s+off|open|opened|sign\s+up\s+for|signed\s+up\s+for)`;
const TRIALS_STARTED = new RegExp(
  String.raw`\bhow\s+many\s+(?:new\s+)?(?:free\s+)?trials\s+(?:did|have|has|had)\s+(?:${WHO}|we)\s+${START}\b|\bhow\s+many\s+${WHO}\s+(?:have\s+|has\s+|had\s+)?${START}\s+(?:a\s+|the\s+|our\s+)?(?:free\s+)?trials?\b`,
);

/** "WAU at the end of October as a share of October's MAU": one period said on both sides is the share's period */
const SHARE_OF_SAME =
  /^(.+?)\s+(?:at\s+the\s+end\s+of|in|for|during)\s+([a-z0-9]+(?:\s+[a-z0-9]+)?)\s+as\s+an?\s+(share|percent(?:age)?|fraction|proportion|%)\s+of\s+(?:the\s+)?\2(?:'s)?\s+(.+?)$/;

/**
 * A group named by when it first paid, converted, signed up or started a trial, then asked about as it stands now ("of
 * the customers who first paid us in January, how many are still paying"): a cohort, said so that the planner's cohort
 * reading asks it back — never the group's count alone with "still paying" dropped.
 */
const COHORT_SAID =
  /\b(?:customers|accounts|clients|companies|logos|folks|people|users|teams)\s+(?:who|that|which)\s+(first\s+paid|paid\s+(?:us\s+)?for\s+the\s+first\s+time|started\s+paying|began\s+paying|converted|signed\s+up|joined|started\s+(?:a\s+|their\s+)?(?:free\s+)?trials?)\b.*?\b(still|now|today|currently|any\s*more|paying|active|churned|cancell?ed|left|with\s+us|around|retained|remain(?:s|ing)?)\b.*$/;

export function growthSaid(text: string, at: Date): string {
  const cohort = execSaid(COHORT_SAID, text);
  if (cohort) return `${text.slice(0, cohort.index)}customers who ${cohort[1]} are still ${cohort[2]}`;
  // ("new paying customers" is new customers: "paying" left beside two countries would read paying customers too)
  let t = text
    .replace(TRIALS_STARTED, "how many trial starts")
    .replace(/\bnew\s+paying\s+(customers|logos)\b/, "new $1");
  const funnel = FUNNEL.exec(t.replace(/[?!.]+$/, ""));
  if (funnel) {
    const period = funnel[1] ?? funnel[2];
    t = `trials started, trials ended and trials converted${period ? ` in ${period}` : ""}`;
  }
  t = replaceSaid(t, SHARE_AFTER, "trial conversion rate $1").replace(SHARE_BEFORE, "trial conversion rate $1");
  t = replaceSaid(t, UNPAID, "trials ended minus trials converted$1");
  t = replaceSaid(t, TRIAL_TO_PAID, "trial conversion rate");
  t = replaceSaid(t, SLIP, "$1drop");
  t = replaceSaid(t, UP_HOW_MUCH, " vs ");
  const beaten = BEATEN.exec(t.replace(/[?!.]+$/, ""));
  if (beaten) t = `${beaten[3]} ${beaten[1]} vs ${beaten[2]}`;
  if (/\byesterday(?:'s)?\b/.test(t) && testSaid(SAME_DAY, t)) {
    const before = ymd(add(parseDate(ymd(at)), "day", -8));
    t = replaceSaid(t, SAME_DAY, `vs ${before}`);
  }
  t = replaceSaid(t, HALF, (_, which: string, month: string) => {
    const i = MONTHS.findIndex((m) => m.startsWith(month.slice(0, 3)));
    const last = new Date(Date.UTC(at.getUTCFullYear(), i + 1, 0)).getUTCDate();
    const name = MONTHS[i]!;
    return /^(?:first|1st)$/.test(which) ? `${name} 1 to ${name} 15` : `${name} 16 to ${name} ${last}`;
  });
  const typical = execSaid(TYPICAL_DAY, t);
  if (typical) {
    const period = typical[1] ?? typical[3];
    t = `${t.slice(0, typical.index)}stickiness${period ? ` in ${period}` : ""}${t.slice(typical.index + typical[0].length)}`;
  }
  // ("… in September on average": the average is the ratio's own)
  if (testSaid(EACH_ACCOUNT, t))
    t = t
      .replace(EACH_ACCOUNT, "monthly active users per account using the product")
      .replace(/,?\s+on\s+average\b/, "");
  if (testSaid(EVENTS_A_DAY, t))
    t = replaceSaid(t, EVENTS_A_DAY, "average product events per day").replace(/,?\s+on\s+average\b/, "");
  t = replaceSaid(t, ONE_ACTIVE, "accounts using the $1");
  t = replaceSaid(t, LESS_30, "are using the product less than the month before");
  const same = SHARE_OF_SAME.exec(t.replace(/[?!.]+$/, ""));
  if (same) t = `${same[1]} as a ${same[3]} of ${same[4]} in ${same[2]}`;
  const most = ADD_MOST.exec(t.replace(/[?!.]+$/, ""));
  if (most) t = `in which month was the biggest jump in ${most[2]} ${(most[1] ?? most[3] ?? "this year").trim()}`;
  return t;
}
