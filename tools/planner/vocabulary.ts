import { ANALYST_SHORTHAND } from "./analyst-shorthand.ts";
import { findPeriods, MONTH_NAMES } from "./periods.ts";
import { replaceSaid, testSaid } from "./may-match.ts";
/**
 * General English the planner reads without the catalog: shorthand people type (avg, #, no., pls, atm), fillers
 * that never change a number, and verbs that only say an event happened. Nothing here names a metric, a filter or
 * a period on its own; a word that could change the number is never listed here.
 */

const MONTH = `(?:${MONTH_NAMES})`;
const PERIOD_NOUN = `(?:month|week|quarter|year|today|yesterday|q[1-4]|${MONTH})`;

/**
 * The board room's and the accountant's register: who the number is for, how it is to be stated, and words of
 * measurement that never change it. Each rewrite keeps every word that names a metric, a filter or a period, and
 * drops only the framing (investor-update and board-deck phrasing: "for the investor letter", "could you give the
 * board", "in percentage terms", "top-performing rep", "taken together").
 */
const AUDIENCE =
  "(?:the\\s+|our\\s+|my\\s+|this\\s+|next\\s+|an\\s+|a\\s+)?(?:(?:quarterly|monthly|annual|yearly|upcoming|next)\\s+)?(?:board(?:\\s+of\\s+directors)?|directors|investors?|investor\\s+relations|lps?|limited\\s+partners|shareholders?|stakeholders?|auditors?|accountants?|bookkeepers?|cfo|finance\\s+team|management)(?:\\s+(?:letter|update|updates|deck|meeting|pack|packet|report|memo|call|presentation|slides?|review|minutes))?";
const BOARD_REGISTER: [RegExp, string][] = [
  // "And in percentage terms, …", "Also, …": a follow-up's opening conjunction joins nothing in the question
  [/^\s*(?:and|also|plus|so|then)\s*,?\s+(?=[a-z])/g, ""],
  // "for the investor letter", "for our board deck", "to report to the board", "for the auditors": who it is for
  [
    new RegExp(
      `(?:,\\s*)?\\b(?:(?:to\\s+)?(?:report|present|share|send)\\s+to\\s+|for\\s+)${AUDIENCE}\\b(?:\\s*,)?`,
      "g",
    ),
    " ",
  ],
  // "could you give the board our win rate", "tell the investors": the one asking's audience, after a verb of telling
  [new RegExp(`\\b(give|tell|show|send|report|provide|present)\\s+${AUDIENCE}\\b`, "g"), "$1"],
  // "please state", "kindly provide", "could you report": a verb of stating is a verb of asking
  // (only where a request opens: "the churn report" keeps its noun, and asks back)
  [
    /(^|\b(?:please|kindly|you|and|then)\s+)(?:state|provide|report|confirm|indicate|disclose|summari[sz]e)\b(?=\s+[a-z])/g,
    "$1show",
  ],
  // "in percentage terms", "in absolute dollars", "in dollar terms", "in relative terms": the unit asked for
  // ("in absolute terms" says no unit: the change in the metric's own, which a comparison states anyway)
  [/\bin\s+(?:absolute|nominal|numeric|real)\s+(?:terms|numbers)\b/g, " "],
  [/\bin\s+(percentage|percent|dollar|relative)\s+terms\b/g, "in $1"],
  [/\bin\s+absolute\s+(dollars?|amounts?)\b/g, "in $1"],
  [/\bin\s+relative\b/g, "in percent"],
  // "top-performing rep", "worst performing owner", "best-performing month": the superlative alone
  [/\b(top|best|worst|bottom|highest|lowest|strongest|weakest|poorest)[\s-]+(?:performing|performer)\b/g, "$1"],
  [/\b(?:top|best|star)\s+performer\b/g, "top rep"],
  // "the weakest month", "our strongest quarter": the worst and the best
  [/\b(?:weakest|poorest)\b/g, "worst"],
  [/\bstrongest\b/g, "best"],
  // "taken together", "in aggregate", "all told", "cumulatively": one total over the period, as "combined"
  [
    /\b(?:taken\s+together|in\s+(?:the\s+)?aggregate|all\s+told|cumulatively|in\s+total|on\s+a\s+cumulative\s+basis)\b/g,
    "combined",
  ],
  // "the sum of refunds", "sum of new MRR", "the tally of": a total
  [/\b(?:the\s+)?(?:sum|tally|aggregate)(?:\s+total)?\s+of\b/g, "total"],
  // "measured at the end of October", "as measured by", "on a reported basis": how it is read, not what
  [/\b(?:as\s+)?measured\s+(?=at\b|as\s+of\b|on\b|in\b|for\b|over\b)/g, ""],
  // "how has ARR moved from March to September", "how did MRR evolve this year", "how has churn fared": the trend
  [
    /\bhow\s+(has|have|did|does|do)\s+((?:our\s+|the\s+)?[a-z][a-z -]{0,40}?)\s+(?:moved|move|evolved|evolve|developed|develop|progressed|progress|fared|fare|performed|perform)\b/g,
    "how $1 $2 trended",
  ],
  // "new customer additions", "net logo additions": customers added
  [/\b(customer|logo|account|subscriber|client)s?\s+additions\b/g, "$1s added"],
];

/** Shorthand → the words it stands for, applied to the lowercased question before anything else reads it. */
const SHORTHAND: [RegExp, string][] = [
  // data people's shorthand ("EOM Oct", "L30D", "delta", "ex-Enterprise"), before the shorter rules below read it
  ...ANALYST_SHORTHAND,
  // "year-over-year", "y-o-y", "m-o-m": the unit-over-unit words hyphenated
  [/\b(year|quarter|month|week)-over-(year|quarter|month|week)\b/g, "$1 over $2"],
  // "year-on-year", "quarter on quarter": the British "on" is "over"
  [/\b(year|quarter|month|week)[\s-]+on[\s-]+(year|quarter|month|week)\b/g, "$1 over $2"],
  [/\by-o-y\b/g, "year over year"],
  [/\bm-o-m\b/g, "month over month"],
  // British "week on week", "year on year" (WoW, YoY read aloud): the same as "over", only between one unit twice
  [/\b(year|quarter|month|week)\s+on\s+\1\b/g, "$1 over $1"],
  [/\bq-o-q\b/g, "quarter over quarter"],
  // "csat wow", "tickets w-o-w": week over week; "wow" only where it cannot be the exclamation ("wow, churn is up",
  // "wow!", "wow" opening the question)
  [/\bw-o-w\b/g, "week over week"],
  [/(?<=\S\s+)\bwow\b(?!\s*[!,])/g, "week over week"],
  [/\bavg\b\.?/g, "average"],
  [/\bno\.\s*(?=[a-z])/g, "number "],
  [/#\s*(?:of\s+)?(?=[a-z])/g, "number of "],
  [/\bnum\b\.?(?=\s+(?:of\s+)?[a-z])/g, "number"],
  [/\bqty\b/g, "number"],
  [/%/g, " percent"],
  // "churn $", "open pipe $ for priya": a dollar sign said as a noun (not before a number) is the money asked for
  [/\$(?!\s*\d)/g, " dollars "],
  [/\bopps\b/g, "opportunities"],
  [/\bopp\b/g, "opportunity"],
  [/\b(?:pls|plz|plse)\b/g, "please"],
  [/\b(?:thx|thnx)\b/g, "thanks"],
  [/\brn\b/g, "right now"],
  [/\batm\b/g, "at the moment"],
  [/\b(?:wat|wht|waht)\b/g, "what"],
  [/\bu\b/g, "you"],
  [/\bur\b/g, "your"],
  [/\bquick one\b/g, "quick question"],
  // "MRR we lost due to churn": the cause said with "due to" is said with "to"
  [/\bdue to\b/g, "to"],
  [/\beom\b/g, "the end of the month"],
  [/\beoq\b/g, "the end of the quarter"],
  [/\beoy\b/g, "the end of the year"],
  [/\bhw\b/g, "how"],
  // clipped words of business shorthand ("lst mnth", "high prio", "churn rte", "avg rev per acct", "open pipe $"):
  // each stands for one word only, so the word it abbreviates is read as if typed
  [/\blst\b/g, "last"],
  [/\bprio\b/g, "priority"],
  [/\brte\b/g, "rate"],
  [/\brev\b/g, "revenue"],
  [/\baccts?\b/g, "account"],
  [/\bcusts?\b/g, "customers"],
  [/\bamt\b/g, "amount"],
  [/\bpipe\b/g, "pipeline"],
  [/\bbiz\b/g, "business"],
  [/\btix\b/g, "tickets"],
  [/\bppl\b/g, "people"],
  [/\bwk\b/g, "week"],
  [/\bwks\b/g, "weeks"],
  [/\b(?:yday|yest|ystd)\b/g, "yesterday"],
  [/\bave\b/g, "average"],
  [/\bconv\b/g, "conversion"],
  [/\b(last|this|per|a|previous|prior)\s+mo\b/g, "$1 month"],
  // "lastmonth", "thisyear", "pastweek": a period's two words run together (date filters' names, hurried typing)
  [/\b(last|this|past|previous|prior|next)(day|week|month|quarter|qtr|year)(s?)\b/g, "$1 $2$3"],
  [/\b(?:ttm|ltm)\b/g, "last 12 months"],
  // finance shorthand for a window of whole months: "L3M", "T12M", "L6M" (last/trailing N months)
  [/\b[lt](\d{1,2})m\b/g, "last $1 months"],
  [/\bm\/m\b/g, "month over month"],
  [/\bw\/w\b/g, "week over week"],
  [/\bq\/q\b/g, "quarter over quarter"],
  [/\by\/y\b/g, "year over year"],
  [/\br\b(?=\s+(?:we|you|they|our)\b)/g, "are"],
  // "last month's MRR", "October's churn", "Q3's win rate": the possessive of a period is the period
  [new RegExp(`\\b(${PERIOD_NOUN})['’]s\\b`, "g"), "$1"],
  // "from the start of the year to June": the year's first month is where the range starts
  [
    /\bfrom\s+the\s+(?:start|beginning)\s+of\s+(?:the\s+|this\s+)?year\s+(?=(?:to|through|thru|till|until)\b)/g,
    "from january ",
  ],
  ...BOARD_REGISTER,
  // "for the month of October" is October
  [new RegExp(`\\b(?:the\\s+)?month\\s+of\\s+(?=${MONTH}\\b)`, "g"), ""],
];

/**
 * Learner English read as the founder means it, before anything else reads the question (rankings and row requests
 * included, so "top 5 clients by MRR" is the customers').
 */
const LEARNER: [RegExp, string][] = [
  // "the churn rate for the third quarter as a whole", "Q3 in its entirety": the period taken whole, as "overall" says
  [/\b(?:taken\s+)?(?:as\s+a\s+whole|in\s+(?:its|their)\s+entirety|all\s+together|altogether)\b/g, "overall"],
  // learner English: "how much customers", "how much tickets we had" — one word serves for both in German (wie
  // viel), French (combien), Spanish (cuánto), Hindi (kitne); before a plural noun that is never an amount of money
  // it asks for a count ("how much payments", "how much deals" may be an amount, and stay as typed)
  [
    /\bhow\s+much\s+(?=(?:(?:new|active|paying|open|lost|churned|closed|urgent|high[\s-]priority)\s+)?(?:customers|clients|users|accounts|subscribers|tickets|trials|logos|signups|companies|seats)\b(?!\s+(?:receivable|payable)\b))/g,
    "how many ",
  ],
  // "clients" is the word for customers in most business English outside the US (and in French, Spanish, German
  // "Kunden" taught as "clients"); no metric, dimension or value of a SaaS catalog means anything else by it
  [/\bclients\b/g, "customers"],
  [/\bclient\b/g, "customer"],
  // Indian English of office mail: "kindly share the MRR" (send it), "revert with" (reply with) ask to be shown; "as on
  // date" is now (a level now; a count with now and no period asks back). "Till date" is left to ask back: it may
  // sum from the start ("customers till date" = every customer won so far?). "share of" stays a share.
  [/\b(kindly|please|pls|plz|can you|could you)\s+share\b(?!\s+of\b)/g, "$1 show"],
  [/\brevert\s+(?:back\s+)?(?:with|on)\b/g, "show"],
  [/\bas\s+on\s+(?:date|today)\b/g, "now"],
];

/** the words of learner English a question is read by ("how much customers", "clients") */
export function learnerEnglish(text: string): string {
  let out = text;
  for (const [re, to] of LEARNER) out = replaceSaid(out, re, to);
  return out;
}

/** the words a period may open with, after the noun an opening/closing figure names */
const PERIOD_OPENING = `(?:the\\s+)?(?:this|current|last|previous|prior|${MONTH}|q[1-4]|\\d{4}|\\d{1,2}(?:st|nd|rd|th)?\\s+${MONTH})\\b`;
/**
 * "opening MRR for October", "closing ARR in September", "ending customer count for Q2", "starting MRR this
 * month": an accountant's figure at an instant — the level at the start (opening, starting) or the end (closing,
 * ending) of the period after it. The noun must not be deals, tickets or a rate ("closing deals in October",
 * "closing rate" are events and ratios, not a level).
 */
const OPENING_FIGURE = new RegExp(
  `\\b(opening|starting|closing|ending)\\s+((?!(?:deals?|opportunit\\w*|tickets?|trials?|rates?|ratio|the|a|an|out|up|in|on|for|of)\\b)[a-z][a-z ]{0,40}?)\\s+(?:(?:for|in|of|on|at|as\\s+of)\\s+)?(?=${PERIOD_OPENING})`,
  "g",
);
/**
 * "customers at October month-end", "October's ending MRR", "Q3 closing ARR": the edge of the period named before it
 * (the possessive is already gone), read as "at the end of October"; a level's end or start, never the month's flow
 */
const NAMED_EDGE = new RegExp(
  `\\b(?:at\\s+)?(${MONTH}(?:\\s+\\d{4})?|q[1-4](?:\\s+\\d{4})?)\\s+(?:(month|quarter)[\\s-]+(end|start|beginning)|(ending|closing|opening|starting)(?=\\s+(?!(?:deals?|opportunit\\w*|tickets?|trials?|rates?|ratio|date|balance|in|on|up|with|at|by|the|a|an|out|soon)\\b)[a-z]))\\b`,
  "g",
);
/** "MRR at month start", "customers at month end for September": the start or end of the month named, or of this one
 * ("last month end" is the end of last month, read by the period) */
const MONTH_EDGE =
  /(?<!\b(?:last|this|current|previous|prior|next)\s+)\b(?:at\s+)?(?:the\s+)?(month|quarter|year)[\s-]+(start|beginning|end)\b(?:\s+(?:for|in|of)\b)?/g;
/** "beginning of month MRR", "ARR at end of quarter": the edge of the current month (quarter, year), with its "the" */
const EDGE_OF_UNIT = /\b(start|beginning|end)\s+of\s+(month|quarter|year)\b/g;
/** "ARR at the close of Q3": the end of the period */
const CLOSE_OF = new RegExp(`\\b(?:the\\s+)?close\\s+of\\s+(?=${PERIOD_OPENING})`, "g");
/**
 * "did ARR increase last quarter", "is our MRR growing", "did open pipeline drop": a level or a count said to rise
 * or fall is its change ("go up"/"go down", which the planner reads as a comparison); only after an auxiliary and
 * the words of what changed, so "customers who dropped" is left as typed.
 */
const CHANGE_VERB =
  /\b(did|has|have|is|was|were|are)\s+((?:our\s+|the\s+)?[a-z][a-z/ ]{0,30}?)\s+(?:(increase|increased|increasing|rise|rising|risen|grow|growing|drop|dropped|dropping|fall|fallen|falling|decline|declined|declining|decrease|decreased|decreasing|shrink|shrinking|shrunk|shrank))\b/g;
const UP_VERB = /^(increase|increased|increasing|rise|rising|risen|grow|growing)$/;

/** "did MRR go up or down", "higher or lower": the question is the change, said by its first direction */
const EITHER_WAY =
  /\b(up|down|higher|lower|more|fewer|less|better|worse)\s+or\s+(?:up|down|higher|lower|more|fewer|less|better|worse)\b/g;
/**
 * "was churn higher in October than in September", "did we win more deals in October than September": two periods
 * set against each other with a comparative are a comparison of them ("October vs September"); only with a period
 * said before "than" too ("more customers than last month" alone sets a month to date against a whole month, and
 * asks back), and "than" before a number ("more than 5") is left as typed; after a verb of change ("did MRR grow
 * more in September than in August" compares two months' growth, not two levels) it is left to ask back.
 */
const COMPARATIVE_THAN = new RegExp(
  `(?<!\\b(?:grow|grew|grown|growing|increase|increased|rise|rose|risen|drop|dropped|fall|fell|fallen|decline|declined|up|down)\\s+)\\b(?:higher|lower|more|fewer|less|bigger|smaller|better|worse|greater)\\b((?:(?!\\bthan\\b).){0,60}?\\b${PERIOD_OPENING}(?:(?!\\bthan\\b).){0,20}?)\\s+than\\s+(?:(?:in|during|for|at)\\s+)?(?=${PERIOD_OPENING})`,
  "g",
);
/** "when was open pipeline at its peak", "MRR's high point": the highest (a trough, the lowest) */
const EXTREME_NOUN: [RegExp, string][] = [
  [/\b(?:at\s+)?(?:its|their|the)\s+(?:peak|high\s+point|highest\s+point|max|maximum)\b/g, "highest"],
  [/\b(?:at\s+)?(?:its|their|the)\s+(?:trough|low\s+point|lowest\s+point|min|minimum)\b/g, "lowest"],
  // "peak MRR month": the adjective
  [/\bpeak\b/g, "highest"],
  // "max DAU in October", "busiest day for tickets", "the minimum MRR this year": the same superlatives, said plainly
  [/\b(?:max|maximum|busiest)\b/g, "highest"],
  [/\b(?:minimum|quietest)\b/g, "lowest"],
];
/**
 * "the highest DAU on a single day in October", "most tickets in any one week": a superlative said of one bucket is
 * a ranking of the buckets ("of any day"), only when a superlative is said (no ranking is made of "tickets in a day")
 */
const SINGLE_BUCKET =
  /\b(?:on|in|for|during|over)\s+(?:a\s+single|any\s+single|any\s+one|any\s+given|one\s+single|a\s+given|any|one|a)\s+(day|week|month|quarter)\b/g;
const SUPERLATIVE_SAID = /\b(?:highest|lowest|most|fewest|least|best|worst|biggest|largest|smallest|top)\b/;
/**
 * "did we grow last month", "are we growing": growth said of the company with no metric is MRR growth (net new
 * MRR, whose name the catalog gives "mrr growth"); only when nothing but a period or the end follows, so "did we
 * grow customers" keeps its own metric. "How much did we sell": the won amount, as "how much did we close".
 */
const COMPANY_GROWTH = new RegExp(
  `\\b(?:did|have|has|are|were)\\s+(?:we|the\\s+company|the\\s+business)\\s+(?:grow|grown|growing)\\b(?=\\s*(?:[?.!]*$|(?:in\\s+|during\\s+|over\\s+)?${PERIOD_OPENING}))`,
  "g",
);
const SOLD = /\bhow\s+much\s+(did|have|has)\s+(we|\w+)\s+(?:sell|sold)\b/g;

/**
 * "MRR going into November", "customers heading into Q4", "coming into the month", "entering September", "at the
 * top of the month": Slack words for the start of a period, read as "at the start of" it (a level's start)
 */
const INTO_PERIOD = new RegExp(
  `\\b(?:(?:going|heading|coming)\\s+into|entering|(?:at\\s+)?(?:the\\s+)?top\\s+of)\\s+(?=${PERIOD_OPENING}|the\\s+(?:month|quarter|year)\\b)`,
  "g",
);
/** "beginning-of-month MRR for August": the edge said before the noun, with the period after it */
const EDGE_BEFORE_NOUN = new RegExp(
  `\\b(start|beginning|end)[\\s-]+of[\\s-]+(?:the[\\s-]+)?(?:month|quarter|year)\\s+([a-z][a-z ]{0,30}?)\\s+(?:for|in|of)\\s+(?=${PERIOD_OPENING})`,
  "g",
);
/**
 * "closing MRR", "what's our opening ARR?": an opening or closing figure with no period is of the latest period it
 * is known for — closing, the end of last month (this month has not closed); opening, the start of this month
 */
const BARE_FIGURE =
  /\b(opening|starting|closing|ending)\s+((?!(?:deals?|opportunit\w*|tickets?|trials?|rates?|ratio|the|a|an|out|up|in|on|for|of|date|balance)\b)[a-z][a-z ]{0,30}?)(?=\s*[?.!]*$)/g;
/**
 * "is MRR down this month", "was ARR up in October": a level said to be up or down with an auxiliary is its change
 * (as "did MRR go down"); only with a period or the end after, so "is churn down to 2%" is left as typed
 */
const DIRECTION_ADJECTIVE = new RegExp(
  `\\b(is|are|was|were)\\s+((?:our\\s+|the\\s+)?[a-z][a-z ]{0,30}?)\\s+(up|down)\\b(?=\\s*(?:[?.!]*$|(?:in\\s+|during\\s+|over\\s+|for\\s+)?${PERIOD_OPENING}))`,
  "g",
);
/**
 * "did MRR grow more in October than in September": two periods' growth set against each other — a comparison of
 * the metric the catalog names "<what> growth" in each; with no such metric ("did ARR grow more…") left to ask back
 */
const GROW_MORE = new RegExp(
  `\\b(?:did|has|have|was|were)\\s+(?:our\\s+|the\\s+)?([a-z][a-z ]{0,30}?)\\s+(?:grow|increase|rise)\\s+more\\s+((?:in\\s+|during\\s+)?${PERIOD_OPENING}(?:(?!\\bthan\\b).){0,20}?)\\s+than\\s+(?:(?:in|during)\\s+)?(?=${PERIOD_OPENING})`,
  "g",
);
/**
 * "October vs the same month last year", "Q3 compared to a year ago", "against this time last year": the side compared
 * against is the named period one year back (as "year over year" says), never the period a year before today
 */
const YEAR_BACK =
  /\b(?:vs\.?|versus|compared\s+(?:to|with)|against|relative\s+to|over)\s+(?:the\s+)?(?:(?:same|equivalent)\s+(?:month|quarter|period|week|day|time)\s+(?:(?:of|in)\s+)?(?:last|the\s+previous|the\s+prior|a|one|the)\s+year(?:\s+(?:before|ago|earlier))?|(?:same\s+time|this\s+time)\s+last\s+year|(?:a|one)\s+year\s+(?:ago|earlier|before)|the\s+year\s+before|(?:the\s+)?prior[\s-]year\s+(?:month|quarter|period))\b/g;
/**
 * "since launch", "since inception", "since day one", "since we started", "lifetime", "all-time": every period the
 * data has (from the mart's first row), as "all time" says; not "lifetime value" (a per-customer estimate)
 */
const SINCE_START =
  /\b(?:(?:ever\s+)?since|from)\s+(?:(?:our|the)\s+)?(?:launch|launching|inception|founding|day\s+(?:one|1)|the\s+(?:very\s+)?(?:beginning|start)(?!\s+of)|(?:we|the\s+company)\s+(?:launched|started|began|opened|went\s+live))\b|\b(?:all[\s-]time|lifetime)\b(?!\s+value)/g;
/** "are we growing month over month": the company's growth by month */
const GROWING_BY_MONTH = /\b(?:are|is)\s+(?:we|the\s+company|the\s+business)\s+growing\s+(month\s+over\s+month|mom)\b/g;

/** kept: metric names the catalog gives ("starting customers"), which an opening/closing figure never rewrites */
/**
 * "the number of clients active actually", "actual MRR": "actually"/"actual" are false friends of German aktuell,
 * French actuellement/actuel, Spanish actualmente/actual, Italian attualmente (= currently, current). With no period
 * said they are read as now: for a level that is the number the English filler gives too; a count with "now" and no
 * period asks back. With a period said ("churn in October actually") the word is the English filler. Never the
 * opening "actually, …" of a sentence.
 */
const FALSE_FRIEND_NOW: [RegExp, string][] = [
  [/(?<=\S\s+)\bactually\b(?!\s*,)/g, "currently"],
  [/\bactual\b(?=\s+(?!vs\b|versus\b|against\b|or\b|and\b)[a-z])/g, "current"],
  // "MRR actual", "open pipeline actual please" (#15, batch 49): said after the noun, as Spanish and French put the
  // adjective ("el MRR actual"); never "plan vs actual" or "the actual" (the real one, set against a plan)
  [
    /(?<=\S\s+)(?<!\b(?:vs\.?|versus|against|and|or|the|an?|plan|budget|target|forecast)\s+)\bactual\b(?=\s*(?:please|thanks)?\s*[?!.,]*\s*$)/g,
    "currently",
  ],
  // "ARR aktuell", "clientes actualmente": the foreign word itself (aktuell, aktualnie, actualmente, atualmente,
  // actuellement, attualmente: all currently)
  [/\b(?:aktuell|aktualnie|actualmente|atualmente|actuellement|attualmente)\b/g, "currently"],
];
/** any fixed day: only whether a period is said is asked, never which */
const SOME_DAY = new Date(Date.UTC(2026, 0, 15));

/** Only the chat and clipped business shorthand read as typed out ("accts" → "account", "rn" → "right now"). */
export function shorthandSaid(text: string): string {
  let out = text;
  for (const [re, to] of SHORTHAND) out = replaceSaid(out, re, to);
  return out;
}

export function expandShorthand(text: string, kept: readonly string[] = []): string {
  let out = learnerEnglish(text);
  for (const [re, to] of SHORTHAND) out = replaceSaid(out, re, to);
  if (!findPeriods(out, SOME_DAY).length) for (const [re, to] of FALSE_FRIEND_NOW) out = replaceSaid(out, re, to);
  out = replaceSaid(out, EITHER_WAY, "$1");
  out = replaceSaid(out, YEAR_BACK, "vs year over year");
  out = replaceSaid(out, SINCE_START, "all time");
  out = replaceSaid(out, GROW_MORE, (m: string, what: string, first: string) =>
    kept.includes(`${what} growth`) ? `${what} growth ${first} vs ` : m,
  );
  out = replaceSaid(out, COMPARATIVE_THAN, (_m, between: string) => `${between} vs `);
  for (const [re, to] of EXTREME_NOUN) out = replaceSaid(out, re, to);
  if (testSaid(SUPERLATIVE_SAID, out)) out = replaceSaid(out, SINGLE_BUCKET, "of any $1");
  out = replaceSaid(out, GROWING_BY_MONTH, "mrr growth last month");
  out = replaceSaid(out, COMPANY_GROWTH, "mrr growth");
  out = replaceSaid(out, INTO_PERIOD, "at the start of ");
  out = replaceSaid(out, NAMED_EDGE, (_m, period: string, _unit?: string, edge?: string, figure?: string) => {
    const at = edge ?? (figure === "opening" || figure === "starting" ? "start" : "end");
    return `at the ${at === "beginning" ? "start" : at} of ${period}`;
  });
  out = replaceSaid(out, EDGE_BEFORE_NOUN, (_m, edge: string, noun: string) => `${noun} at the ${edge} of `);
  out = replaceSaid(out, DIRECTION_ADJECTIVE, (m: string, aux: string, what: string, dir: string) =>
    /\b(?:we|you|they|it|there)\b/.test(what) ? m : `${aux} ${what} go ${dir}`,
  );
  out = replaceSaid(out, SOLD, "how much $1 $2 close");
  out = replaceSaid(out, OPENING_FIGURE, (m: string, word: string, noun: string) =>
    kept.some((k) => `${word} ${noun} `.startsWith(`${k} `))
      ? m
      : `${noun} at the ${word === "opening" || word === "starting" ? "start" : "end"} of `,
  );
  out = replaceSaid(out, BARE_FIGURE, (m: string, word: string, noun: string) =>
    kept.some((k) => `${word} ${noun} `.startsWith(`${k} `))
      ? m
      : word === "opening" || word === "starting"
        ? `${noun} at the start of this month`
        : `${noun} at the end of last month`,
  );
  out = replaceSaid(out, MONTH_EDGE, (m, unit: string, edge: string, offset: number, whole: string) => {
    const rest = whole.slice(offset + m.length);
    const named = unit === "month" && new RegExp(`^\\s*${PERIOD_OPENING}`).test(rest);
    if (named) return ` at the ${edge} of `;
    // said last ("MRR at month start", "ARR at quarter end"): the current one; before other words left as typed
    return /^[\s?.!]*$/.test(rest) ? ` at the ${edge} of the ${unit}` : m;
  });
  out = replaceSaid(out, EDGE_OF_UNIT, (m: string, edge: string, unit: string, offset: number, whole: string) => {
    const around = whole.slice(Math.max(0, offset - 40), offset + m.length + 40);
    return kept.some((k) => k.includes(m) && around.includes(k)) ? m : `the ${edge} of the ${unit}`;
  });
  out = replaceSaid(out, CLOSE_OF, "the end of ");
  out = replaceSaid(out, CHANGE_VERB, (m: string, aux: string, what: string, verb: string) =>
    /\b(?:we|you|they|it|there)\b/.test(what) ? m : `${aux} ${what} go ${testSaid(UP_VERB, verb) ? "up" : "down"}`,
  );
  return out.replace(/\s{2,}/g, " ").trim();
}

const SHARE_LEADER = String.raw`(?:holds?|held|has|had|have|accounts?\s+for|accounted\s+for|makes?\s+up|made\s+up|represents?|represented|takes?|took|commands?)\s+the\s+`;
/**
 * A ranking of a dimension's members said the board-room way, read as the plain superlative the planner ranks:
 * "in which month of this year …" (which month …), "what has been our best month" (what was …), "which stage holds
 * the largest share of open pipeline" (has the most: the member with the largest part has the largest share), "rank
 * our plans by MRR — which one leads?" and "which plan leads on MRR" (which plan has the most MRR). A ranking asked
 * without its leader ("rank our plans by MRR") is left as typed.
 */
const RANKING_SAID: [RegExp, string][] = [
  [
    /^(?:in|during|for)\s+(which|what)\s+(month|week|quarter|day|year|plan|country|stage|pipeline|owner|rep)\b/,
    "$1 $2",
  ],
  [/^(what|which|who)\s+(?:has|have)\s+been\b/, "$1 was"],
  // "as of the end of October, which stage …": the period said first is said after the ranking
  [
    /^((?:as\s+of|at|in|for|during|over|by|through|since)\s+[^,]{2,40}|year\s+to\s+date|so\s+far(?:\s+this\s+year)?|ytd),\s+((?:which|who)\b.+)$/,
    "$2 $1",
  ],
  [
    new RegExp(
      String.raw`\b${SHARE_LEADER}(?:largest|biggest|greatest|highest|most|top)\s+(?:share|portion|part|proportion|slice)\s+of\b`,
    ),
    "has the most",
  ],
  [
    new RegExp(String.raw`\b${SHARE_LEADER}(?:smallest|lowest|least)\s+(?:share|portion|part|proportion|slice)\s+of\b`),
    "has the least",
  ],
  [
    /^rank\s+(?:our\s+|the\s+|all\s+)?([a-z]+?)(?:e?s)?\s+by\s+(.+?)\s*[—–,;:-]+\s*(?:and\s+)?(?:which|what|who)(?:\s+one|\s+\1)?\s+(?:leads|is\s+(?:on\s+)?top|comes\s+(?:out\s+)?(?:first|on\s+top)|is\s+first|ranks\s+first|is\s+(?:the\s+)?(?:leader|number\s+one))$/,
    "which $1 has the most $2",
  ],
  // "which country do most of our paying customers come from", "what plan are most of our customers on": where the
  // most of them are is the dimension's value with the most — a ranking, never where the data comes from
  [
    /^(which|what)\s+([a-z]+)\s+(?:do|does|did)\s+(?:the\s+)?most\s+(?:of\s+)?(?:our\s+|the\s+|all\s+)?(.+?)\s+(?:come|came|hail|sign\s+up|signed\s+up)\s+from$/,
    "$1 $2 has the most $3",
  ],
  [
    /^(which|what)\s+([a-z]+)\s+(?:are|were|is)\s+(?:the\s+)?most\s+(?:of\s+)?(?:our\s+|the\s+|all\s+)?(.+?)\s+(?:from|in|on|based\s+in|located\s+in)$/,
    "$1 $2 has the most $3",
  ],
  [/^(which|what)\s+([a-z]+)\s+(?:leads|led|is\s+leading|was\s+leading)\s+(?:in|on|for|by)\s+/, "$1 $2 has the most "],
  // "the weakest month for net new MRR", "our strongest quarter": the lowest, the highest
  [/\b(?:weakest|poorest)\b/g, "lowest"],
  [/\bstrongest\b/g, "highest"],
  // "our top-performing rep", "best-performing plan": the top one
  [/\b(top|best|worst|lowest|highest)[\s-]+performing\b/g, "$1"],
  // "which sales owner", "our top sales rep": the owner, the rep
  [/\bsales\s+(owners?|reps?|representatives?|people|persons?)\b/g, "$1"],
  // "which month delivered the most new MRR": the month that had it
  [
    /\b(?:delivered|brought\s+in|generated|produced|recorded|posted|saw)\s+the\s+(most|highest|least|lowest|fewest|largest|biggest|smallest|best|worst)\b/g,
    "had the $1",
  ],
  // "…, and how much was it?": the ranking's answer states the winner's amount
  [/,?\s+and\s+how\s+(?:much|many|big)\s+(?:was|were|is|did)\s+(?:it|that|they|that\s+one)(?:\s+(?:be|have))?$/, ""],
];

export function rankingSaid(text: string): string {
  let out = text;
  for (const [re, to] of RANKING_SAID) out = replaceSaid(out, re, to);
  return out;
}

/**
 * Words that frame a question without adding to it: greetings, politeness, "quick q", verbs of asking
 * ("pull", "check"), and "sitting"/"standing" as in "where is MRR sitting".
 */
export const FILLER = `hey hello hiya yo quick q question wondering wonder curious kindly cheers thanks please guys
  pull fetch grab check find sit sitting stand stands standing stood`
  .split(/\s+/)
  .filter(Boolean);

/**
 * Verbs that say a counted event happened and nothing more ("tickets we received", "refunds we issued",
 * "payments we recorded", "expansion MRR we booked" — to book is to record): placed for a flow or a ratio over a period,
 * never for a level.
 */
export const OCCURRENCE_VERBS = [
  "receive",
  "record",
  "log",
  "issue",
  "register",
  "add",
  "contribute",
  "generate",
  "book",
  // "which month delivered the most new MRR", "the quarter that produced the most bookings": the bucket's event
  "deliver",
  "produce",
  "achieve",
];

/**
 * Verbs of having said of a level ("which rep is carrying the most pipeline", "customers we hold on Pro", "deals each
 * rep owns"): placed for a stock only; a count over a period is never "held". Not "keep": customers we kept are the
 * ones retained (no new ones), which no level says.
 */
export const STATE_VERBS = ["carry", "hold", "own"];

/** "right now", "at the moment", "these days", "as it stands": a level now. */
export const NOW_WORDS = /^(now|today|currently|current|right|moment|presently|present|latest|nowadays)$/;
