import type { Catalog } from "../../engine/catalog/catalog.ts";
import { askBack } from "./ask-back.ts";
import type { MetricDef } from "../../engine/transform/model-schema.ts";
import { boundOp } from "./bound-op.ts";
import { readChangeWords, readTeamBound } from "./check-words.ts";
import { figureValue } from "./figure.ts";
import { findPeriods } from "./periods.ts";
import type { Plan, PlannedCall, Refusal } from "./plan-types.ts";
import { runningAgainstWhole } from "./running-period.ts";
import { normalize } from "./text.ts";
import type { Check, CheckOp, Claim, Interpretation } from "./understand.ts";
import { execSaid, replaceSaid, testSaid } from "./may-match.ts";

/**
 * Belief checks (#15, batch 18): a yes/no question whose answer is the number that settles it.
 *   threshold  — "have we crossed $1M ARR yet", "was churn below 3% last month", "is CSAT still above 4 for Q3":
 *                the metric's value for the period, and whether it is past the figure (the figure's unit must be the
 *                metric's: a percentage against a rate, money against an amount; anything else is asked back)
 *   compare    — "did we lose more customers in Q3 than in Q2", "is ARPA higher now than in January": both values, the
 *                first-named first, and whether the comparative holds
 *   versus     — "more paying customers in Germany than in the UK" (two values of one dimension), "did we win more
 *                deal value than we lost in October" (two metrics of one unit, one period)
 *   direction  — "did DAU/MAU drop in October", "did revenue churn get worse in Q3 compared to Q2": the change, and
 *                whether it went the way said (worse and better by the metric's direction: churn up is worse)
 * Each check is read by planning its plain question(s) with the planner itself and keeping the plan only when it is
 * one value per side; any other reading is left to the planner's own ask-back. Never a guess: a wrong yes is worse
 * than a question back.
 */
export type { Check, CheckOp, Claim } from "./understand.ts";

type Side = (question: string) => Plan | Refusal;

/** "is it true that …", "my gut says …", "can you confirm …": the frame of a belief, set aside */
const LEAD_FRAME =
  /^(?:is it (?:true|right|correct|the case) that|am i (?:right|correct|wrong) (?:that|in thinking(?: that)?|to think(?: that)?)|(?:my )?(?:gut|hunch|sense|feeling) (?:says|tells me|is)(?: that)?|i (?:think|believe|feel like|suspect|reckon|heard|was told)(?: that)?|(?:can|could) you (?:confirm|check|tell me|verify)(?: whether| if| that)?|(?:confirm|check|verify|tell me)(?: whether| if| that)|do (?:we|you) know (?:whether|if)|correct me if i'?m wrong,? but)\s+/;
/** "quick sanity check:", "ok so": words before a check that say nothing of it */
const LEAD_WORDS =
  /^(?:(?:so|ok|okay|hey|quick|q|question|sanity check|reality check|honest question)(?:[,:—-]\s*|\s+))+/;
/** ", is that right?", "or am I misremembering", "does the data back that up": the asker's doubt, set aside */
const TAIL_FRAME =
  /[,;:\s—-]+(?:(?:is|was) (?:that|this|it) (?:right|true|correct|so)|am i (?:right|wrong)|right|true|correct|or not|or am i (?:misremembering|wrong|imagining (?:it|things)|making (?:that|this|it) up)|or is that wrong|or (?:did|has|have|is|was) (?:it|that|we) (?:slow(?:ed)? down|drop(?:ped)?|fall(?:en)?|fell|go(?:ne)? down|stall(?:ed)?)|(?:does|do) the (?:data|numbers) (?:back (?:that|this|me|it) up|agree|say so|confirm (?:that|it|this))|can you confirm|yes or no)$/;
/** a sentence that only doubts the one before ("Does the data back that up?") */
const DOUBT_ONLY =
  /^(?:(?:is|was) (?:that|this|it) (?:right|true|correct|so)|am i (?:right|wrong)|right|true|(?:does|do) the (?:data|numbers) (?:back (?:that|this|me|it) up|agree|say so|confirm (?:that|it|this))|can you (?:confirm|check)(?: (?:that|this|it))?|yes or no)$/;
/** "looking at last month", "Last quarter.": a sentence that only says the period of the one before */
const PERIOD_ONLY = /^(?:(?:i'?m |i am |we'?re )?looking at |i mean |for |in |over |during |as of )?(.+)$/;
const NOW_WORDS =
  /\b(?:right now|now|currently|at the moment|at this point|at this stage|as (?:things|it) stands?|as we speak|today)\b/g;
const YET = /\b(?:yet|already|by now)\b/;

/** "compare October with October 2025", "October vs September": two periods said as their own sentence */
const COMPARE_PAIR =
  /^(?:(?:compare|comparing|look at|looking at|i mean)\s+)?(.+?)\s+(?:with|to|against|and|vs\.?|versus)\s+(.+)$/;
/** "on a year ago", "vs last year", "year on year": a comparison with a year back, said loosely */
const LOOSE_BACK =
  /\b(?:(?:on|vs\.?|versus|compared (?:to|with)|against|from)\s+(?:a\s+year\s+ago|last\s+year|the\s+year\s+before|this\s+time\s+last\s+year)|year[\s-]on[\s-]year|year[\s-]over[\s-]year|yoy)\b/g;

function wholePeriod(text: string, at: Date): boolean {
  const bare = text.replace(/^(?:the\s+)/, "");
  const found = findPeriods(bare, at);
  return found.length === 1 && found[0]!.end - found[0]!.start >= bare.length - 1;
}

/** The question without the frame of a belief; undefined when a message carries more than one question. */
export function withoutBelief(question: string, at: Date): string | undefined {
  const sentences = normalize(question)
    .replace(/\b(?:at this (?:point|stage)|as (?:things|it) stands?|as we speak)\b/g, "now")
    .split(/(?<=[?!.])\s+/)
    .map((s) => s.replace(/[?!.]+$/, "").trim())
    .filter(Boolean);
  const kept = sentences.filter((s) => !DOUBT_ONLY.test(replaceSaid(s, LEAD_FRAME, "")));
  if (!kept.length) return undefined;
  // "Is usage per user up on a year ago? Compare October with October 2025.": the two periods said after the
  // question are its comparison (the relative one before them is the same said loosely)
  const pair = kept.length === 2 ? COMPARE_PAIR.exec(kept[1]!) : null;
  if (pair && [pair[1]!, pair[2]!].every((p) => wholePeriod(p, at))) {
    const first = kept[0]!
      .replace(LOOSE_BACK, " ")
      .replace(NOW_WORDS, " ")
      .replace(/\s{2,}/g, " ")
      .trim();
    kept.splice(0, 2, `${first} in ${pair[1]} vs ${pair[2]}`);
  }
  if (kept.length === 2) {
    const tail = PERIOD_ONLY.exec(kept[1]!)![1]!;
    const periods = findPeriods(tail, at);
    const covered = periods.reduce((n, p) => n + (p.end - p.start), 0);
    // the period said after the question is the one meant: "now" before it is the asker's present, not the period
    if (periods.length === 1 && covered >= tail.replace(/^the\s+/, "").length - 1)
      kept.splice(0, 2, `${kept[0]!.replace(NOW_WORDS, " ")} ${tail}`);
  }
  if (kept.length !== 1) return undefined;
  return withoutBeliefFrame(kept[0]!)
    .replace(/\s{2,}/g, " ")
    .trim();
}

/**
 * A belief's question without its frame: the words before it ("ok so", "is it true that", "my gut says") and the
 * doubt after it ("is that right", "or am I misremembering"), however many are stacked; the text is normalized.
 */
export function withoutBeliefFrame(text: string): string {
  let t = text;
  for (let i = 0; i < 3; i++) t = replaceSaid(t, LEAD_WORDS, "").replace(LEAD_FRAME, "").replace(TAIL_FRAME, "");
  return t;
}

// ---- the figure of a threshold ----

const NUMBER = String.raw`\d[\d,]*(?:\.\d+)?`;
const SCALE_WORD = String.raw`(?:\s?(?:k|mm|m|bn|b)\b|\s(?:thousand|million|mil|billion)\b)`;
const FIGURE = String.raw`((?:[$€£]\s?)?${NUMBER}${SCALE_WORD}?(?:\s?%|\s(?:percent|per\s?cent|pct)\b)?)(?:\s+(dollars|bucks|usd|euros?|eur|pounds|gbp|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|quarters?|years?)\b)?`;
const ABOVE =
  "above|over|more than|greater than|higher than|bigger than|larger than|in excess of|north of|exceeding|exceeds?|exceeded|beyond|crossed|cross|crossing|passed|pass|passing|surpassed|surpass|topped|(?<!\\b(?:the|our|a|your|their|in|at|on)\\s)(?:tops|topping|top)(?!\\s+of\\b|\\s+\\d+\\s+(?!(?:in|for|during|this|last|so|yet|by|on|over|at|as|before|after|and|or|dollars|bucks|usd|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|quarters?|years?)\\b)[a-z])|longer than|(?<!\\b(?:the|in|over|for|during|of|within|last|this|these|those)\\s)past(?!\\s+(?:the\\s+)?\\d+\\s+(?:days?|weeks?|months?|quarters?|years?)\\b)|broken|broke|break|broken through|broke through|cleared";
const AT_LEAST =
  "at least|hit|hitting|reached|reach|reaching|made it to|make it to|got to|gotten to|get to|no less than|no fewer than|at or above";
const BELOW =
  "below|under|less than|fewer than|lower than|smaller than|beneath|south of|short of|shorter than|quicker than|faster than";
const AT_MOST = "at most|no more than|at or below|not more than|within";
/** "still above", "staying under", "keeping at least", "holding above 100%" */
const HOLD =
  "(?:(?:still|stall|stalled|stuck|stayed|staying|stay|stays|keeping|keep|kept|holding|hold|held|remaining|remain|remained|sitting|sit|running|at|been|gone|went)\\s+)*";
const THRESHOLD = new RegExp(String.raw`\b${HOLD}(${ABOVE}|${AT_LEAST}|${BELOW}|${AT_MOST})\s+(?:the\s+)?${FIGURE}`);
/** "3,000 or more", "$1M or above" */
const OR_MORE = new RegExp(
  String.raw`(?<![\w$€£.,])${FIGURE}\s+(or (?:more|above|higher|over|greater|less|below|under|fewer|lower))\b`,
);

interface Figure {
  op: CheckOp;
  value: number;
  kind: "money" | "foreign money" | "percent" | "plain" | "minutes" | "hours" | "days" | "period";
  said: string;
  start: number;
  end: number;
  /** "$750k a year", "$5k a month": the amount said per year or per month */
  per?: "year" | "month";
  /** "more than 75% of trials converting": a share of a population, said before it */
  shareOf?: boolean;
  /** "more than $5k of net new MRR", "75% of trials": the figure said before "of" */
  of?: boolean;
}

/** "a year", "per month", "/yr", "annually": the rate an amount is said at */
const PER = /^(?:\s+(?:a|per|each|every)\s+(year|month)|\s*\/\s*(yr|year|mo|month)\b|\s+(annually|yearly|monthly))\b/;

export function readFigure(text: string): Figure | undefined {
  const m = execSaid(THRESHOLD, text);
  const o = m ? undefined : execSaid(OR_MORE, text);
  if (!m && !o) return undefined;
  const [word, figure, unit] = m ? [m[1]!, m[2]!, m[3]] : [o![3]!, o![1]!, o![2]];
  const start = (m ?? o)!.index;
  const end = start + (m ?? o)![0].length;
  // "more than half of MRR", "under 10% of our MRR": a share of a total, not a bound on a metric ("more than $5k of
  // net new MRR" is an amount of it, and "more than 75% of trials converting" a rate, both read by the caller)
  const of = /^\s+of\b/.exec(text.slice(end));
  const percent = /%|percent|per\s?cent|pct/.test(figure);
  const money = /[$€£]/.test(figure) || /^(?:dollars|bucks|usd|euros?|eur|pounds|gbp)$/.test(unit ?? "");
  // the planner knows no exchange rate: a figure in euros or pounds is checked against no amount
  const foreign = /[€£]/.test(figure) || /^(?:euros?|eur|pounds|gbp)$/.test(unit ?? "");
  const kind: Figure["kind"] = percent
    ? "percent"
    : foreign
      ? "foreign money"
      : money
        ? "money"
        : /^(?:minutes?|mins?)$/.test(unit ?? "")
          ? "minutes"
          : /^(?:hours?|hrs?)$/.test(unit ?? "")
            ? "hours"
            : /^days?$/.test(unit ?? "")
              ? "days"
              : unit
                ? "period"
                : "plain";
  const value = figureValue(figure);
  if (!Number.isFinite(value)) return undefined;
  if (of && kind !== "money" && kind !== "percent" && kind !== "plain") return undefined;
  const rate = of || (kind !== "money" && kind !== "plain") ? null : PER.exec(text.slice(end));
  const per = rate
    ? /^(?:year|yr|annually|yearly)$/.test(rate[1] ?? rate[2] ?? rate[3]!)
      ? "year"
      : "month"
    : undefined;
  return {
    op: boundOp(word),
    value,
    kind,
    said: `${word.replace(/\s+/g, " ")} ${figure}${unit && kind !== "money" ? ` ${unit}` : ""}${rate ? rate[0] : ""}`,
    start,
    end: end + (of ? of[0].length : rate ? rate[0].length : 0),
    ...(per ? { per } : {}),
    ...(of && kind === "percent" ? { shareOf: true } : {}),
    ...(of ? { of: true } : {}),
  };
}

/** Whether the figure's unit is the metric's; undefined when the words after it are a period ("more than 3 months"). */
export function unitFits(f: Pick<Figure, "kind">, metric: MetricDef): boolean | undefined {
  const unit = (metric.unit ?? "").toLowerCase();
  if (f.kind === "period") return undefined;
  if (metric.format === "currency") return f.kind === "money" || f.kind === "plain";
  if (metric.format === "percent") return f.kind === "percent";
  if (f.kind === "money" || f.kind === "foreign money" || f.kind === "percent") return false;
  if (f.kind === "plain") return true;
  // "under 300 minutes" of a metric in minutes; "under 5 hours" is another unit, asked back
  return unit.replace(/s$/, "") === f.kind.replace(/s$/, "");
}

/** a bound on each bucket or at any instant, not on the period's one value */
const EACH_BUCKET =
  /\b(?:any|every|each|all|some|a\s+single|one)\s+(?:of\s+the\s+)?(?:months?|weeks?|quarters?|days?|years?)\b|\bever\b|\bat\s+any\s+(?:point|time)\b|\bconsecutive\b|\bin\s+a\s+row\b|\bstraight\s+(?:months?|weeks?|quarters?)\b|\b(?:every|each)\s+time\b|\bhow\s+(?:many|often)\b/;
const CHECK_LEAD = /^(?:is|are|was|were|do|does|did|have|has|had|will|can|could)\b/;
/** the rows of a mart said just before a bound: "deals over 50k" bounds each deal */
const ROW_NOUN =
  /\b(?:deals?|opportunit(?:y|ies)|opps?|customers?|accounts?|clients?|companies|tickets?|payments?|charges?|invoices?|refunds?|subscriptions?|subscribers?|users?|trials?|paying|worth|valued|sized)$/;

export function oneValue(p: Plan | Refusal): p is Plan & { interpretation: Interpretation } {
  if (p.status !== "plan" || !p.interpretation || p.interpretation.argmax || p.interpretation.group_by.length)
    return false;
  const mains = p.calls.filter((c) => c.role === "main");
  if (mains.length !== 1) return false;
  const main = mains[0]!;
  if (p.intent === "metric") return main.name === "query_metric" && !main.input.grain && !main.input.group_by;
  return p.intent === "count_rows" && main.name === "top_n";
}

function clarify(catalog: Catalog, reason: string, interpretation?: Partial<Interpretation>, said?: string): Refusal {
  return askBack(catalog, reason, { interpretation, ...(said ? { unplaced: [said] } : {}) });
}

const UNIT_WORDS: Record<string, string> = {
  currency: "an amount of money",
  percent: "a percentage",
  number: "a number",
};
const FIGURE_WORDS: Record<Figure["kind"], string> = {
  money: "an amount of money",
  "foreign money": "an amount in euros or pounds (no exchange rate is known here)",
  percent: "a percentage",
  plain: "a plain number",
  minutes: "minutes",
  hours: "hours",
  days: "days",
  period: "a period",
};

/** "have we crossed $1M ARR yet": the metric's value for the period, checked against the figure */
function readThresholdCheck(
  text: string,
  catalog: Catalog,
  at: Date,
  side: Side,
  belief: boolean,
): Plan | Refusal | undefined {
  const f = readFigure(text);
  if (!f || !(belief || testSaid(CHECK_LEAD, text))) return undefined;
  // "was churn above 3% in any month this year", "has MRR ever been below $50k": the months past a bound, which the
  // planner counts (or asks back), never one value over the whole period
  if (testSaid(EACH_BUCKET, text)) return undefined;
  // "did we win deals over 50k", "customers paying over $500": a bound on each row's amount, which the planner's
  // row counts read (or ask back), never a bound on the count
  // ("gross payments topped $500k": a verb's subject, never a bound on each row)
  const verb =
    /^(?:topped|tops?|topping|crossed|cross|crossing|passed|pass|passing|surpass(?:ed)?|exceed(?:s|ed|ing)?|broke|broken|break|cleared|hit|hitting|reached|reach|reaching)\b/;
  // ("our average deal over $3k" bounds the average, never each deal)
  const before = text.slice(0, f.start).trimEnd();
  const averaged = /\b(?:average|avg|mean|median|typical)\s+[a-z]+$/.test(before);
  if (testSaid(ROW_NOUN, before) && !verb.test(f.said) && !averaged) return undefined;
  const rest = `${text.slice(0, f.start)} ${text.slice(f.end)}`.replace(/\s{2,}/g, " ").trim();
  const yet = testSaid(YET, rest);
  const asked = rest
    .replace(new RegExp(YET.source, "g"), " ")
    .replace(/\s{2,}/g, " ")
    .trim();
  const read = thresholdSide(asked, f, text, at, side);
  if (!read) return undefined;
  // a count of a mart's rows ("more than 100 paying customers in Germany"): a plain figure against the count
  if (read.intent === "count_rows" || read.intent === "arithmetic")
    return thresholdPlan(read, { kind: "threshold", op: f.op, value: f.value, said: f.said }, false, "");
  const name = read.interpretation.metric;
  const metric = catalog.metrics.find((m) => m.name === name);
  if (!metric) return undefined;
  // "$750k a year" is an annual amount (ARR), "$5k a month" a monthly one: said of another, asked back
  if (f.per && (f.per === "year") !== /(?:^|_)arr$/.test(metric.name))
    return clarify(
      catalog,
      `"${f.said}" is an amount per ${f.per}, and ${read.interpretation.metric_label} is ${/(?:^|_)arr$/.test(metric.name) ? "a yearly" : "not a yearly"} amount: say the figure as ${read.interpretation.metric_label} is counted`,
      read.interpretation,
      f.said,
    );
  // "within 4 hours" of a metric in minutes: the same bound in its unit
  const unitOf = (metric.unit ?? "").toLowerCase().replace(/s$/, "");
  if (f.kind === "hours" && unitOf === "minute") {
    f.value *= 60;
    f.kind = "minutes";
  }
  if (f.shareOf && metric.format !== "percent") return undefined;
  const fits = unitFits(f, metric);
  if (fits === undefined) return undefined;
  const label = read.interpretation.metric_label;
  if (!fits)
    return belief || testSaid(CHECK_LEAD, text)
      ? clarify(
          catalog,
          `"${f.said}" is ${FIGURE_WORDS[f.kind]}, and ${label} is ${metric.unit ? `in ${metric.unit}` : (UNIT_WORDS[metric.format] ?? "another unit")}: I can't check one against the other${f.kind === "percent" ? ` (a share of another metric is no metric of the catalog)` : ""}; ask for ${label}, or say the figure in its unit`,
          read.interpretation,
          f.said,
        )
      : undefined;
  // "have we hit 100 new customers yet": a flow with no period has no running total to have reached
  const periodSaid = findPeriods(asked, at).length > 0 || testSaid(NOW_WORDS, asked);
  NOW_WORDS.lastIndex = 0;
  // (a level and a ratio read as of the last data: MRR now, churn over the last full month)
  if (yet && !periodSaid && metric.time_rollup === "sum")
    return clarify(
      catalog,
      `"${f.said}" ${execSaid(YET, rest)![0]}: ${label} is counted over a period, so over which one (this year, all time, last month)?`,
      read.interpretation,
      execSaid(YET, rest)![0],
    );
  const check: Check = { kind: "threshold", op: f.op, value: f.value, said: f.said };
  return thresholdPlan(read, check, yet, rest);
}

function thresholdPlan(
  read: Plan & { interpretation: Interpretation },
  check: Check,
  yet: boolean,
  rest: string,
): Plan {
  const label = read.interpretation.metric_label;
  const f = check;
  return {
    ...read,
    interpretation: {
      ...read.interpretation,
      yes_no: check,
      read_as: `${read.interpretation.read_as}; checked: ${f.said}`,
      why: [
        ...read.interpretation.why,
        `"${f.said}": a yes/no check of ${label} against the figure, in its unit${yet ? `; "${execSaid(YET, rest)![0]}" is as of the last data` : ""}`,
      ],
    },
  };
}

const AUX_HAVE = /^(?:do|did|does|have|has)\s+(?:we|you|they)\s+(?:have|got|get|had|see|saw|count)\s+/;
const IS_IT_TAKING =
  /^(?:is|was|does|did|has)\s+it\s+(?:been\s+)?(?:taking|take|taken|took)\s+(?:us|them|the team|our reps)?\s*(?:on average\s+)?/;

/**
 * The plain question a threshold's words read as, one value: as typed, then as a count ("do we have paying customers
 * in Germany" → "how many paying customers in Germany"), a duration ("is it taking us … to close a deal" → "how long
 * does it take us to close a deal"), a rate of a population ("75% of trials converting" → "what percentage of
 * trials converting"); undefined when none reads as one value.
 */
function thresholdSide(
  asked: string,
  f: Figure,
  text: string,
  at: Date,
  side: Side,
): (Plan & { interpretation: Interpretation }) | undefined {
  const tries: string[] = [];
  if (f.shareOf) {
    // "are more than 75% of trials converting": the population is the subject; "is Starter under 10% of our churn
    // rate" names a part of a whole, never this rate
    const before = text.slice(0, f.start);
    const lead = before.replace(/\b(?:in|during|for|over)?\s*(?:last|this|the)?\s*(?:month|quarter|year|week)\b/g, "");
    if (!/^\s*(?:(?:are|were|is|was|do|did|have|has|had)\s*)?$/.test(lead)) return undefined;
    const periods = findPeriods(before, at)
      .map((p) => before.slice(p.start, p.end))
      .join(" ");
    tries.push(`what percentage of ${text.slice(f.end).trim()} ${periods}`.trim());
  } else {
    tries.push(asked);
    if (testSaid(AUX_HAVE, asked)) tries.push(replaceSaid(asked, AUX_HAVE, "how many "));
  }
  if (testSaid(IS_IT_TAKING, asked)) tries.unshift(replaceSaid(asked, IS_IT_TAKING, "how long does it take us "));
  for (const q of tries) {
    const read = side(q.replace(/\s{2,}/g, " ").trim());
    if (oneValue(read) && read.intent === "metric") return read;
    // "is our payment failure rate above 10%": a share of two metrics, against a percentage
    if (f.kind === "percent" && shareOfTwo(read)) return read as Plan & { interpretation: Interpretation };
    if (f.kind === "plain" && oneValue(read) && read.intent === "count_rows" && q !== asked) return read;
  }
  return undefined;
}

/** a share of one metric over another, one value each ("failed payments as a share of payment attempts") */
function shareOfTwo(p: Plan | Refusal): boolean {
  if (p.status !== "plan" || p.intent !== "arithmetic" || !p.interpretation || p.calls.length !== 2) return false;
  const [a, b] = p.calls;
  return (
    a!.role === "left" &&
    b!.role === "share" &&
    a!.name === "query_metric" &&
    b!.name === "query_metric" &&
    !a!.input.grain &&
    !a!.input.group_by
  );
}

// ---- comparisons with "than" ----

const COMPARATIVE =
  /\b(more|fewer|less|higher|lower|bigger|smaller|larger|greater|longer|shorter|better|worse|happier|unhappier)\b(?!\s+(?:than|or)\b)/g;
const CHANGED_BEFORE =
  /\b(?:grow|grew|grown|growing|increase[ds]?|increasing|rise|rose|risen|rising|drop(?:ped|ping)?|fall|fell|fallen|falling|decline[ds]?|declining|up|down|change[ds]?|changing|improve[ds]?|improving|worsen(?:ed)?)$/;
const CLAIM: Record<string, Claim> = {
  more: "more",
  higher: "more",
  bigger: "more",
  larger: "more",
  greater: "more",
  longer: "more",
  fewer: "less",
  less: "less",
  lower: "less",
  smaller: "less",
  shorter: "less",
  better: "better",
  worse: "worse",
  // "are customers happier with support than in October": better or worse by the metric's direction
  happier: "better",
  unhappier: "worse",
};
/** "than we did in Q2", "than it was in January", "than July's": the other side said as a clause */
const OTHER_CLAUSE =
  /^(?:(?:we|it|they|i|you|there|that|this|those|these)\s+(?:did|was|were|had|has|have|do|does|is|are)(?:\s+(?:back|before|then))?\s+)?/;

function compareCheck(plan: Plan & { interpretation: Interpretation }, check: Check, said: string): Plan {
  return {
    ...plan,
    interpretation: {
      ...plan.interpretation,
      yes_no: check,
      why: [...plan.interpretation.why, `"${said}": a yes/no check, both values stated, the first-named first`],
    },
  };
}

function claimFits(claim: Claim, word: string, metric: MetricDef | undefined): boolean {
  // "longer to close", "shorter response times": a comparative of time needs a metric of time
  if (/^(?:longer|shorter)$/.test(word)) return !!metric?.unit && /^(?:days?|minutes?|hours?)$/.test(metric.unit);
  return claim !== undefined;
}

function readThanCheck(text: string, catalog: Catalog, at: Date, side: Side): Plan | Refusal | undefined {
  const thans = [...text.matchAll(/\bthan\b/g)];
  if (thans.length !== 1) return undefined;
  const cut = thans[0]!.index!;
  const left = text.slice(0, cut).trim();
  const comparatives = [...left.matchAll(COMPARATIVE)];
  const comp = comparatives.at(-1);
  if (!comp) return undefined;
  const word = comp[1]!;
  const claim = CLAIM[word]!;
  // "did tickets grow more in July than in June" sets two changes against each other, not two values; "how many
  // more customers than last month" asks the difference — neither is this check
  if (
    CHANGED_BEFORE.test(left.slice(0, comp.index).trimEnd()) ||
    /\bhow\s+(?:much|many)\b/.test(text) ||
    testSaid(EACH_BUCKET, text)
  )
    return undefined;
  const right = text
    .slice(cut + 4)
    .trim()
    .replace(OTHER_CLAUSE, "")
    .replace(/'s\b/g, "")
    .trim();
  // "more than 5", "more than half": a figure, a threshold's or a share's
  if (!right || /^(?:[$€£]?\d|half|a (?:half|third|quarter)|twice|double)/.test(right)) return undefined;
  const stem = word === "longer" || word === "shorter" ? "long" : /happier$/.test(word) ? "happy" : "";
  const leftPlain = `${left.slice(0, comp.index)}${stem}${left.slice(comp.index! + word.length)}`
    .replace(/\s{2,}/g, " ")
    .trim();
  const bare = right.replace(/^(?:(?:in|during|for|at|on|over|the|of|as of)\s+)+/, "");
  // "than at the end of June": the edge of a period is the period's, for a level
  const edge = /^(?:end|start|beginning|close)\s+of\s+/.exec(bare);
  const named = edge ? bare.slice(edge[0].length) : bare;
  const periods = findPeriods(named, at);
  const covered = periods.reduce((n, p) => n + (p.end - p.start), 0) + (edge ? edge[0].length : 0);
  const nowOnly = replaceSaid(bare, NOW_WORDS, "").trim() === "";
  NOW_WORDS.lastIndex = 0;
  if ((periods.length === 1 && covered >= bare.length - 1) || nowOnly) {
    // two periods: "X in Q3 than in Q2" is X in Q3 vs Q2
    const leftHasPeriod = findPeriods(leftPlain, at).length > 0 || testSaid(NOW_WORDS, leftPlain);
    NOW_WORDS.lastIndex = 0;
    const read = side(`${leftPlain} vs ${edge ? "the " : ""}${bare}`);
    if (read.status !== "plan" || read.intent !== "compare" || !read.interpretation) return undefined;
    const calls = read.calls.filter((c) => c.role === "main");
    if (calls.length !== 1 || calls[0]!.name !== "compare_periods" || read.calls.some((c) => c.role === "companion"))
      return undefined;
    const metric = catalog.metrics.find((m) => m.name === read.interpretation!.metric);
    if (!metric || !claimFits(claim, word, metric)) return undefined;
    // "more customers than last month" with no period before "than": a running month against a whole one, for a
    // count — read as this one to date against the whole last one only when most of it has passed, said in the
    // reading (running-period.ts); else asked back. A level reads the same at any instant.
    if (!leftHasPeriod && metric.time_rollup !== "last")
      return runningAgainstLast(leftPlain, bare, word, claim, metric, at, side);
    return compareCheck(
      read as Plan & { interpretation: Interpretation },
      { kind: "compare", claim, higher_is_better: metric.higher_is_better },
      `${word} … than ${right}`,
    );
  }
  return readVersus(leftPlain, right, word, claim, catalog, at, side);
}

/** "are we losing more customers than last quarter": this quarter to date against the whole last one, or undefined */
function runningAgainstLast(
  leftPlain: string,
  right: string,
  word: string,
  claim: Claim,
  metric: MetricDef,
  at: Date,
  side: Side,
): Plan | undefined {
  const running = runningAgainstWhole(right, at);
  if (!running) return undefined;
  const read = side(`${leftPlain} this ${running.unit} vs last ${running.unit}`);
  if (read.status !== "plan" || read.intent !== "compare" || !read.interpretation) return undefined;
  const calls = read.calls.filter((c) => c.role === "main");
  if (calls.length !== 1 || calls[0]!.name !== "compare_periods" || read.calls.some((c) => c.role === "companion"))
    return undefined;
  if (read.interpretation.metric !== metric.name || calls[0]!.input.current !== `this_${running.unit}`)
    return undefined;
  const checked = compareCheck(
    read as Plan & { interpretation: Interpretation },
    { kind: "compare", claim, higher_is_better: metric.higher_is_better },
    `${word} … than ${right}`,
  );
  const interpretation = checked.interpretation!;
  return {
    ...checked,
    interpretation: {
      ...interpretation,
      read_as: `${interpretation.read_as} (${running.note})`,
      why: [...interpretation.why, running.note],
    },
  };
}

/** "more paying customers in Germany than in the UK", "more deal value than we lost in October": two sides, one period */
function readVersus(
  left: string,
  right: string,
  word: string,
  claim: Claim,
  catalog: Catalog,
  at: Date,
  side: Side,
): Plan | Refusal | undefined {
  // the period (or "now") said after the other side is both sides' period
  const periods = findPeriods(right, at);
  let other = right;
  let period = "";
  for (const p of [...periods].reverse()) {
    period = `${right.slice(p.start, p.end)} ${period}`.trim();
    other = `${other.slice(0, p.start)} ${other.slice(p.end)}`;
  }
  for (const m of right.matchAll(NOW_WORDS)) {
    period = `${period} ${m[0]}`.trim();
    other = other.replace(m[0], " ");
  }
  other = other.replace(/\s{2,}/g, " ").trim();
  const leftNow = left.replace(/\bat this (?:point|stage)\b/g, "now");
  const aq = period && !findPeriods(leftNow, at).length ? `${leftNow} ${period}` : leftNow;
  const a = side(aq);
  if (!oneValue(a)) return undefined;
  const metricA = catalog.metrics.find((m) => m.name === a.interpretation.metric);
  if (!claimFits(claim, word, metricA) && a.intent === "metric") return undefined;
  const bare = other.replace(/^(?:(?:in|on|for|from|with|among|the|our)\s+)+/, "");
  if (!bare) return undefined;
  // two values of one dimension: the other value put where the first was said
  const candidates: string[] = [];
  const prep = /^(in|on|for|from|with|among)\s/.exec(other)?.[1];
  if (prep) {
    const at0 = aq.lastIndexOf(` ${prep} `);
    if (at0 >= 0) {
      const after = aq.slice(at0 + prep.length + 2);
      const tail = findPeriods(after, at)[0];
      const kept = tail ? after.slice(tail.start) : "";
      candidates.push(`${aq.slice(0, at0)} ${prep} ${bare} ${kept}`.trim());
    }
  }
  for (const [key, values] of catalog.dimensionValues ?? []) {
    const said = values.find((v) => new RegExp(`^${escape(v.toLowerCase())}\\b`).test(bare));
    if (!said) continue;
    for (const v of values) {
      const re = new RegExp(`\\b${escape(v.toLowerCase())}\\b`);
      if (v !== said && re.test(aq)) candidates.push(aq.replace(re, said.toLowerCase()));
    }
    void key;
  }
  for (const bq of candidates) {
    const b = side(bq);
    if (oneValue(b) && sameButOneValue(a, b)) return versusPlan(a, b, claim, metricA, word, right);
  }
  // two metrics of one unit over one period: "won more deal value than we lost", "more accounts using the product
  // than paying us" — the other side read alone, or with the first words of the thing compared, in the same period
  if (a.intent !== "metric" || !metricA) return undefined;
  let leftBare = leftNow;
  let leftPeriod = "";
  for (const p of [...findPeriods(leftNow, at)].reverse()) {
    leftPeriod = `${leftNow.slice(p.start, p.end)} ${leftPeriod}`.trim();
    leftBare = `${leftBare.slice(0, p.start)} ${leftBare.slice(p.end)}`;
  }
  for (const m of leftNow.matchAll(NOW_WORDS)) leftPeriod = `${leftPeriod} ${m[0]}`.trim();
  const words = lastPhraseWords(leftBare.replace(/^[\s,;:—-]+/, "").replace(/\s{2,}/g, " "));
  const when = period || leftPeriod;
  for (let n = 0; n <= Math.min(3, words.length); n++) {
    const bq = `${words.slice(0, n).join(" ")} ${bare} ${when}`.replace(/\s{2,}/g, " ").trim();
    const b = side(bq);
    if (!oneValue(b) || b.intent !== "metric") continue;
    const metricB = catalog.metrics.find((m) => m.name === b.interpretation.metric);
    if (!metricB || metricB.name === metricA.name) continue;
    if (metricB.format !== metricA.format || (metricB.unit ?? "") !== (metricA.unit ?? "")) continue;
    if (JSON.stringify(b.interpretation.period) !== JSON.stringify(a.interpretation.period)) continue;
    if (JSON.stringify(b.interpretation.filters) !== JSON.stringify(a.interpretation.filters)) continue;
    return versusPlan(a, b, claim, metricA, word, right);
  }
  return undefined;
}

/** the words after the auxiliary and its subject: "did we win deal value" → ["deal", "value"] after the verb */
function lastPhraseWords(left: string): string[] {
  const words = left
    .replace(/^(?:do|does|did|is|are|was|were|have|has|had)\s+(?:we|you|they|our|the|there)?\s*/, "")
    .split(/\s+/)
    .filter(Boolean);
  // after a verb ("win", "using", "bring in") the thing compared starts at its noun
  const verbs =
    /^(?:win|won|sign|signed|get|got|have|had|make|made|bring|brought|see|saw|close|closed|add|added|lose|lost|collect|collected|in)$/;
  let i = 0;
  while (i < words.length && verbs.test(words[i]!)) i++;
  return words.slice(i);
}

function escape(v: string): string {
  return v.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function inputsOf(p: Plan): Record<string, unknown> {
  return p.calls.find((c) => c.role === "main")!.input as Record<string, unknown>;
}

/** the same metric (or mart's rows), period and filters, but one filter's value */
function sameButOneValue(a: Plan, b: Plan): boolean {
  if (a.intent !== b.intent) return false;
  const [ia, ib] = [inputsOf(a), inputsOf(b)];
  const key = (f: Record<string, unknown>) => String(f.dimension ?? f.column);
  const fa = (ia.filters ?? []) as Record<string, unknown>[];
  const fb = (ib.filters ?? []) as Record<string, unknown>[];
  if (fa.length !== fb.length || !fa.length) return false;
  if (JSON.stringify({ ...ia, filters: 0 }) !== JSON.stringify({ ...ib, filters: 0 })) return false;
  const differ = fa.filter((f) => !fb.some((g) => JSON.stringify(g) === JSON.stringify(f)));
  if (differ.length !== 1 || differ[0]!.op !== "=") return false;
  const twin = fb.find((g) => key(g) === key(differ[0]!) && g.op === "=");
  return !!twin && twin.value !== differ[0]!.value;
}

/** the other side in words: only its other value when the metric and period are the same ("vs plan = Pro") */
function otherSide(a: Interpretation, b: Interpretation): string {
  if (a.metric !== b.metric || JSON.stringify(a.period) !== JSON.stringify(b.period)) return b.read_as;
  const own = b.filters.filter((g) => !a.filters.some((f) => JSON.stringify(f) === JSON.stringify(g)));
  if (own.length !== 1) return b.read_as;
  return `${own[0]!.dimension} = ${String(own[0]!.value)}, read the same way`;
}

function versusPlan(
  a: Plan & { interpretation: Interpretation },
  b: Plan & { interpretation: Interpretation },
  claim: Claim,
  metric: MetricDef | undefined,
  word: string,
  right: string,
): Plan {
  const mains = (p: Plan): PlannedCall[] => p.calls.filter((c) => c.role !== "trend");
  const check: Check = { kind: "versus", claim, higher_is_better: metric?.higher_is_better ?? true };
  return {
    status: "plan",
    intent: a.intent,
    calls: [...mains(a), ...mains(b)],
    interpretation: {
      ...a.interpretation,
      yes_no: check,
      read_as: `${a.interpretation.read_as}; vs ${otherSide(a.interpretation, b.interpretation)}`,
      why: [
        ...a.interpretation.why,
        `"${word} … than ${right}": a yes/no check, each side read on its own, the first named first`,
      ],
    },
  };
}

// ---- direction ----

const UP =
  /\b(?:up|go(?:ne|es|ing)?\s+up|went\s+up|rise|rising|rose|risen|increase[ds]?|increasing|grow|grew|grown|growing|climb(?:ed|ing)?|jump(?:ed)?|spike[ds]?|spiked|higher|more)\b/;
const DOWN =
  /\b(?:down|go(?:ne|es|ing)?\s+down|went\s+down|drop(?:ped|ping|s)?|fall(?:en|ing|s)?|fell|decline[ds]?|declining|decrease[ds]?|decreasing|shr(?:ink|ank|unk|inking)|dip(?:ped)?|slip(?:ped)?|lower|fewer|less)\b/;
const BETTER = /\b(?:improve[ds]?|improving|better)\b/;
const WORSE = /\b(?:worsen(?:ed|ing|s)?|worse|deteriorat(?:e|ed|ing))\b/;
/** "do we win a higher share of deals in …": the share of deals won is the win rate */
const WIN_SHARE =
  /\bwin\s+a\s+(higher|lower|bigger|smaller|larger|greater)\s+(?:share|percentage|proportion|fraction|portion)\s+of\s+(?:our\s+|the\s+)?(?:deals|opportunities|opps)\b/g;
/** "did expansion make up for churned MRR": the first at least as large as the second, said as "more than" */
const COVERS =
  /^(did|does|do|has|have|is|was|will)\s+(.+?)\s+(?:make\s+up\s+for|made\s+up\s+for|cover|covered|offset|outweigh|outweighed|more\s+than\s+(?:offset|cover)|cancel\s+out)\s+(.+)$/;
/** "did churn get worse", "has CSAT got better": the judgement as the verb the planner reads */
const GET_JUDGED = /\b(?:get|gets|got|gotten|getting|become|became|grow|grew|turn|turned)\s+(worse|better)\b/g;

/** A yes/no question of change ("did X drop in October") planned as a comparison: the claim it makes. */
export function withDirection(question: string, plan: Plan, catalog: Catalog, belief = false): Plan {
  if (plan.intent !== "compare" || !plan.interpretation || plan.interpretation.yes_no) return plan;
  if (plan.calls.some((c) => c.role === "companion")) return plan;
  const text = normalize(question).replace(/[?!.]+$/, "");
  const asked =
    text.split(/(?<=[?!.])\s+/).find((s) => belief || CHECK_LEAD.test(replaceSaid(s, LEAD_FRAME, ""))) ?? "";
  if (!belief && !CHECK_LEAD.test(replaceSaid(asked, LEAD_FRAME, ""))) return plan;
  const claim: Claim | undefined = testSaid(WORSE, asked)
    ? "worse"
    : testSaid(BETTER, asked)
      ? "better"
      : testSaid(DOWN, asked)
        ? "less"
        : testSaid(UP, asked)
          ? "more"
          : undefined;
  if (!claim) return plan;
  const metric = catalog.metrics.find((m) => m.name === plan.interpretation!.metric);
  return {
    ...plan,
    interpretation: {
      ...plan.interpretation,
      // "was churn higher in October than in September" (read by the planner as a comparison) is a check of two
      // periods; "did churn go up in October" of a change
      yes_no: {
        kind: /\bthan\b/.test(asked) ? "compare" : "direction",
        claim,
        higher_is_better: metric?.higher_is_better ?? true,
      },
    },
  };
}

/**
 * A belief check the planner refused as typed, read as its check; undefined when it is none (the planner's own
 * refusal stands).
 */
/** "half a million", "a quarter of a million", "a million": an amount said in words, as a figure */
function amountsSaid(text: string): string {
  return (
    text
      .replace(/\bhalf\s+(?:a|of\s+a|one)\s+(million|billion)\b/g, (_m, w: string) =>
        w === "million" ? "500k" : "500m",
      )
      // (the number words may already be digits: "half 1000000")
      .replace(/\bhalf\s+(?:of\s+)?(?:a\s+)?1,?000,?000\b/g, "500k")
      .replace(/\ba\s+quarter\s+(?:of\s+)?(?:a\s+million|1,?000,?000)\b/g, "250k")
      .replace(/\b(?:a|one)\s+(million|billion)\b/g, (_m, w: string) => (w === "million" ? "1m" : "1bn"))
  );
}

export function readCheck(question: string, catalog: Catalog, at: Date, side: Side): Plan | Refusal | undefined {
  const said = withoutBelief(question, at);
  if (!said) return undefined;
  const text = amountsSaid(said);
  // a frame of belief said ("is it true that we passed 600 customers") makes a statement a check
  const belief = text !== normalize(question).replace(/[?!.]+$/, "");
  // "is MRR flat", "did refunds double", "is anyone on the team below a 20% win rate" (check-words.ts)
  const worded = readChangeWords(text, side) ?? readTeamBound(text, side);
  if (worded) return worded;
  const threshold = readThresholdCheck(text, catalog, at, side, belief);
  if (threshold) return threshold;
  if (readFigure(text) && !readFigure(text)!.of) return undefined;
  const judged = text
    .replace(GET_JUDGED, (_m, w: string) => (w === "worse" ? "worsen" : "improve"))
    .replace(WIN_SHARE, "have a $1 win rate")
    .replace(COVERS, "$1 $2 more than $3");
  if (/\bthan\b/.test(judged)) return readThanCheck(judged, catalog, at, side);
  if (judged === normalize(question).replace(/[?!.]+$/, "")) return undefined;
  // the belief's frame set aside, or "get worse" said as "worsen": the plain question of change, with the claim it
  // makes; any other plain reading ("is it true that most of our customers are in the US" is no count) is left
  const plain = side(judged);
  if (plain.status !== "plan" || plain.intent !== "compare") return undefined;
  const checked = withDirection(judged, plain, catalog, true);
  return checked.interpretation?.yes_no ? checked : undefined;
}
