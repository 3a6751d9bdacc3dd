import { paysAmountAsked } from "./plain-words.ts";
import type { Catalog } from "../../engine/catalog/catalog.ts";
import type { Filter } from "../../engine/catalog/metric-query.ts";
import {
  add,
  during,
  labelOf,
  parseDate,
  resolvePeriod,
  truncate,
  ymd,
  type Grain,
  type PeriodInput,
} from "../../engine/catalog/period.ts";
import type { MetricDef } from "../../engine/transform/model-schema.ts";
import {
  columnOf,
  correctTypos,
  isStopWord,
  lexiconOf,
  metricPhraseList,
  STOP,
  stemOf,
  stemsOf,
  tokensOf,
  type Token,
} from "./lexicon.ts";
import {
  findPeriods,
  inclusiveEnd,
  MONTH_NAMES,
  NUMBER_WORDS,
  spanOf,
  trailingWindow,
  type FoundPeriod,
} from "./periods.ts";
import { expandShorthand, NOW_WORDS, OCCURRENCE_VERBS, STATE_VERBS } from "./vocabulary.ts";
import { EXCLUSION_LEAD, EXCLUSION_LEADS } from "./exclusion.ts";
import { execSaid, replaceSaid, testSaid } from "./may-match.ts";
import type { FormulaReading } from "./formula-types.ts";

/** What the planner took the question to mean, in words and in fields; printed as "Read as: …" and in --json. */
export interface Interpretation {
  metric: string;
  metric_label: string;
  /** stock: a level read at an instant (MRR, open pipeline); flow: summed over the period; ratio: one ratio over it */
  kind: "stock" | "flow" | "ratio";
  period: { text: string; start: string; end: string; to_date: boolean };
  filters: { dimension: string; op: string; value: unknown; said: string }[];
  grain: Grain | null;
  group_by: string[];
  /** "which plan has the most …": the row with the largest (or smallest) value; "top 3 plans by MRR": the n first */
  argmax: {
    dimension: string;
    direction: "most" | "least";
    n?: number;
    /** "the 2nd biggest plan": the place asked for after the first (runner-up.ts) */
    place?: number;
  } | null;
  /** why this reading: the phrases that decided it, typos corrected, defaults taken */
  why: string[];
  read_as: string;
  /** the project vars (vars.excluded_*) whose test accounts the metric's mart leaves out, when it does */
  excluded_by?: string[];
  /** "in how many months did failed payments exceed 40": the buckets (of `grain`) whose value passes this bound */
  threshold?: {
    op: ">" | ">=" | "<" | "<=";
    value: number;
    streak?: boolean;
    /** "when did MRR first pass 50k": the first (last) bucket that passes, named (records.ts) */
    pick?: "first" | "last";
    /** "when did pipeline first go down": the bound is on each bucket's change from the one before */
    move?: boolean;
  };
  /** "CMGR of MRR from March to September": the compound growth per month between the two month ends */
  compound?: { months: number };
  /** "MRR × 12 for October", "10% of our ARR": the metric's value times a constant said in the question (scaled.ts) */
  scale?: {
    factor: number;
    said: string;
    /** a duration in another clock unit (duration-units.ts): the unit stated, and the metric's own */
    unit?: string;
    from?: string;
  };
  /** "(new + expansion + reactivation MRR) ÷ (churned + contraction MRR)": a formula over the calls (formula.ts) */
  formula?: FormulaReading;
  /** "the median monthly cash collected": the middle of the buckets' values rather than their mean */
  statistic?: "median";
  /**
   * "high-priority tickets per week in October" (combined-asks.ts): the period's total over its length in days, per
   * day or per week (days ÷ 7) — the days counted through today when the period is still running
   */
  rate?: { per: "day" | "week"; days: number };
  /** "deals won per rep on average" (combined-asks.ts): the mean of the breakdown's values over its members */
  mean_over?: string;
  /**
   * a belief the question checks (belief.ts): the named bucket or person leads the ranking ("was September our best
   * month"), a level fell in some bucket (its net new below 0), which of two is larger, a share against a bound, or
   * a share in each of two periods
   */
  check?:
    | { kind: "winner"; named: string; bucket?: string; value?: string }
    | { kind: "negative" }
    | { kind: "bigger" | "covers"; first: string }
    | { kind: "share"; op: "<" | ">" | "<=" | ">="; value: number; of?: "rows" | "total" }
    /** "what fraction of our paying customers are past due" (rows-share.ts): the share itself, no bound */
    | { kind: "share_of"; of: "rows" }
    /** "combined MRR of our 7 biggest customers" (top-sum.ts): the ranked rows summed, or that sum's share of all */
    | { kind: "top_sum"; share: boolean }
    /** "did ARPA dip below $95 at any point since March" (any-bucket.ts): the bound against the range's extreme */
    | { kind: "any_bucket"; op: "<" | ">" | "<=" | ">="; value: number; said: string; grain: string }
    | { kind: "shares" };
  /** "have we crossed $1M ARR yet", "did we lose more customers in Q3 than in Q2": a yes/no check (checks.ts) */
  yes_no?: Check;
  /** "MRR in October and how does it compare with the budget?": the other ask, not in the catalog (two-asks.ts) */
  unanswered?: { ask: string; words: string[] };
}

export type CheckOp = ">" | ">=" | "<" | "<=";
export type Claim = "more" | "less" | "better" | "worse";
/** A belief checked against the numbers: a bound on one value, or a claim about two (the first-named first). */
export interface Check {
  kind: "threshold" | "compare" | "versus" | "direction" | "approx";
  /** approx: the share of the figure the value may be off by and the figure still hold ("around 60k", approx.ts) */
  tolerance?: number;
  /** threshold: the bound, in the metric's own unit (a percentage as a fraction) */
  op?: CheckOp;
  value?: number;
  /** threshold: the figure as said ("above $750k", "below 3%") */
  said?: string;
  /** compare, versus, direction: what the asker believes of the first-named (or later) value */
  claim?: Claim;
  /** the metric's direction, for better and worse */
  higher_is_better?: boolean;
  /** compare: "was it higher in Q2 or Q3" — which of the two, answered by naming it (compare-words.ts) */
  either?: boolean;
}

export interface Understood {
  metric: MetricDef;
  period: PeriodInput;
  /** more than one bucket of the metric's grain */
  range: boolean;
  filters: Filter[];
  grain: Grain | undefined;
  /** the grain was said ("by month", "which month"), not taken from a level's range */
  grainSaid: boolean;
  groupBy: string[];
  argmax: Interpretation["argmax"];
  compare: boolean;
  /** "year over year", "QoQ": the side compared against is the same period one year (quarter, month) earlier */
  shift?: Grain;
  /** the later and earlier periods of a comparison, when two are named */
  periods: FoundPeriod[];
  interpretation: Interpretation;
  /** more metrics joined by "and": planned the same way */
  extra: MetricDef[];
  /** the question as read (typos corrected) */
  text: string;
}

export interface NotUnderstood {
  /** the words the planner could not place, as typed */
  unplaced: string[];
  reason: string;
  suggestions: string[];
  /** the nearest reading, when a metric was found */
  partial?: Partial<Interpretation>;
}

const GRAIN_WORDS: [RegExp, Grain][] = [
  [/\b(?:daily|per day|by day|each day|day by day)\b/, "day"],
  [/\b(?:weekly|per week|by week|each week|week by week|week over week|w\/w)\b/, "week"],
  [/\b(?:monthly|per month|by month|each month|month by month|month over month|mom|every month)\b/, "month"],
  [/\b(?:quarterly|per quarter|by quarter|each quarter|quarter by quarter|quarter over quarter|qoq)\b/, "quarter"],
  [/\b(?:yearly|per year|by year|each year|year by year|year over year|yoy)\b/, "year"],
];
/** the nouns a billing-interval adjective qualifies ("monthly subscriptions", "yearly plans") */
const QUALIFIED_NOUN =
  /^\s+(?:subscriptions?|subscribers?|plans?|billing|billed|contracts?|customers?|accounts?|invoices?|payments?|prices?|pricing|deals?|renewals?|licen[cs]es?|seats?)\b/;
const TREND = /\b(?:trend|trends|trended|trending|over time|history|historical|evolution|time series|series)\b/;
const COMPARE =
  /\b(?:compare|compared|comparison|vs|versus|against|change|changed|difference between|how did .* change|grow|grew|grown|growth|improve|improved|improving|worsen|worsened|worsening|deteriorate|deteriorated|deteriorating|(?:go|goes|going|gone|went)\s+(?:up|down))\b/;
/** the side of a comparison said as the period before the named one */
const PERIOD_BEFORE =
  /\b(?:the\s+)?(?:(?:month|quarter|week|year|period|one)\s+before|(?:previous|prior|preceding)\s+(?:month|quarter|week|year|period|one))\b/g;
/** "did churn go up", "how much did MRR go down": a change between two periods */
const UP_DOWN = /\b(?:go|goes|going|gone|went)\s+(?:up|down)\b/g;
const COMPARE_WORDS = new Set([
  "compare",
  "compared",
  "comparison",
  "change",
  "changed",
  "difference",
  "against",
  "grow",
  "grew",
  "grown",
  "growth",
  // "has customer satisfaction improved? compare Q3 with Q2": a judgement of change, read as the change (its sign
  // stated with the metric's direction)
  "improve",
  "improved",
  "improving",
  "worsen",
  "worsened",
  "worsening",
  "deteriorate",
  "deteriorated",
  "deteriorating",
]);
const CHANGE_STEMS = new Set([...COMPARE_WORDS].map((w) => stemOf(w)));
const SUPERLATIVE =
  /\b(?:most|highest|biggest|largest|top|bottom|greatest|best|least|fewest|lowest|smallest|worst|most popular)\b/;
const LEAST = /\b(?:least|fewest|lowest|smallest|worst|bottom|fewer|less|lower|smaller|worse)\b/;
/** "which pipeline has more deals": a comparative after "which"/"who" ranks as its superlative does */
const WHICH_COMPARATIVE =
  /^(?:which|who|what)\b.*?\b(more|fewer|less|bigger|larger|higher|lower|smaller|better|worse|greater)\b(?!\s+than\b)/;
const RANK_N = "(?:\\d{1,3}|two|three|four|five|six|seven|eight|nine|ten)";
const RANK_SUP =
  "(?:most\\s+popular|most|highest|biggest|largest|top|bottom|greatest|best|least|fewest|lowest|smallest|worst)";
/** "show me", "what are", "can you give us": a request's framing before a ranking, which says nothing of it */
const ASK_LEAD =
  /^(?:(?:can|could|would)\s+you\s+)?(?:please\s+)?(?:(?:show|give|tell|get|find|pull)\s+(?:me\s+|us\s+)?|(?:what|which|who)\s+(?:are|were|is|was)\s+)/;
/** "the month with the most new customers", "in which month did we have the most churn", "rep with the best win rate" */
const NOUN_WITH_SUP = new RegExp(
  `^(?:(?:in|for|on|during)\\s+)?(?:(?:which|what|the|our)\\s+)?([a-z]+(?:\\s+[a-z]+)?)\\s+(?:with|having|that\\s+(?:had|has|have|got)|(?:did|do)\\s+we\\s+(?:have|get|see|make|win|lose|add))\\s+(?:the\\s+)?${RANK_SUP}\\b`,
);
/** "top rep by won amount", "best month for new MRR", "3 best months": a superlative that opens the question ranks the noun after it */
const LEAD_SUP = new RegExp(`^(?:the\\s+|our\\s+)?(?:${RANK_N}\\s+)?${RANK_SUP}\\s+`);
const BUCKET_LEAD = new RegExp(
  `^(?:the\\s+|our\\s+)?(?:${RANK_N}\\s+)?${RANK_SUP}\\s+(?:${RANK_N}\\s+)?(day|week|month|quarter|year)s?\\b`,
);
/** "top 3 plans", "bottom five reps", "the 2 best months", "which 3 plans": how many of the ranked to list */
const RANK_COUNT = new RegExp(
  `^(?:(?:the|our)\\s+)?(?:${RANK_SUP}\\s+(${RANK_N})|(${RANK_N})\\s+${RANK_SUP})\\b|^(?:which|what)\\s+(${RANK_N})\\s+(?=[a-z])`,
);
/** The one metric of `related` counting `noun` (a number, not money) that a dimension said in the text splits. */
function countedBySaidDimension(
  noun: string,
  related: MetricDef[],
  text: string,
  tokens: Token[],
  catalog: Catalog,
): MetricDef | undefined {
  const stems = tokens.map((t) => t.stem).join(" ");
  const dimSaid = (m: MetricDef, d: string) =>
    dimensionPhrases(catalog, m, d).some((p) => new RegExp(`(?:^| )${stemsOf(p).join(" ")}(?: |$)`).test(stems)) ||
    (catalog.dimensionValues?.get(`${m.mart}.${d}`) ?? []).some(
      (v) => v.length > 2 && new RegExp(`\\b${v.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\b`).test(text),
    );
  const counting = related.filter(
    (m) => m.format === "number" && metricPhraseList(m).some((p) => stemsOf(p).includes(stemOf(noun))),
  );
  const split = counting.filter((m) => m.dimensions.some((d) => dimSaid(m, d)));
  // the dimension must set it apart: one counting metric has it and the others do not
  return split.length === 1 && counting.length > 1 ? split[0] : undefined;
}

/** A word that is a one-word name of some metric's dimension ("plan", "pipeline", "rep"). */
function isDimensionWord(word: string, catalog: Catalog): boolean {
  const stem = stemOf(word);
  return catalog.metrics.some((m) =>
    m.dimensions.some((d) => dimensionPhrases(catalog, m, d).some((p) => stemsOf(p).join(" ") === stem)),
  );
}

/** The comparative of a "which … more …" question, as a match at its place in the text. */
function comparativeAt(text: string): RegExpExecArray | null {
  const m = WHICH_COMPARATIVE.exec(text.trim());
  if (!m) return null;
  const at = text.indexOf(m[1]!, text.indexOf(text.trim()) + m[0].length - m[1]!.length);
  const out = [m[1]!] as unknown as RegExpExecArray;
  out.index = at;
  out.input = text;
  return out;
}

/**
 * "the most popular plan": the noun right after a superlative (past "popular") is what is ranked, when it names a
 * dimension of the metric, though the metric's own name took the word ("popular plan" names plan_customers).
 */
function rankedNoun(
  tokens: Token[],
  catalog: Catalog,
  metric: MetricDef,
  sup: RegExpExecArray,
): { dim: string } | undefined {
  let i = tokens.findIndex((t) => t.start >= sup.index + sup[0].length);
  if (i < 0) return undefined;
  if (tokens[i]!.raw === "popular") i++;
  const said = tokens[i]?.stem;
  if (!said) return undefined;
  const dim = metric.dimensions.find((d) =>
    dimensionPhrases(catalog, metric, d).some((p) => stemsOf(p).length === 1 && stemsOf(p)[0] === said),
  );
  return dim ? { dim } : undefined;
}

/**
 * "lowest net new MRR month in 2026", "best new-logo week": a leading superlative, the metric, then the bucket it
 * ranks. A bucket word after a period's own word ("this month", "per month", "last week") is the period, not the bucket.
 */
function bucketAfter(text: string): { 0: string; 1: string; index: number } | null {
  for (const m of text.matchAll(/\b(day|week|month|quarter|year)s?\b/g)) {
    const before = /([a-z0-9']+)\s+$/.exec(text.slice(0, m.index))?.[1];
    if (!before || testSaid(PERIOD_LEAD, before) || GRAIN_RANK[before as Grain] !== undefined) continue;
    return { 0: m[0], 1: m[1]!, index: m.index! };
  }
  return null;
}
const PERIOD_LEAD =
  /^(?:this|last|next|previous|prior|past|per|a|an|each|every|by|in|of|the|that|same|current|whole|full|entire|one|\d+|two|three|four|five|six|twelve|most|best|worst|top|bottom|lowest|highest|biggest|largest|smallest|fewest|least|greatest|to|for|over|during|within|calendar|fiscal|financial|month|quarter|year|week|day)$/;

/** "which month", "what was the best week": the bucket of a grain that an argmax ranks */
const BUCKET_RANKED =
  /^(?:which|what|whats|what's)\s+(?:(?:was|were|is)\s+)?(?:(?:the|our)\s+)?(?:[a-z]+\s+)?(day|week|month|quarter|year)s?\b/;

/**
 * "most" and "least" say the direction outright; "best" and "worst" say it through the metric: the worst month for
 * churn is the one with the most churn (higher_is_better: false), the worst win rate the lowest.
 */
function directionOf(word: string, metric: MetricDef): "most" | "least" {
  const low = testSaid(LEAST, word);
  if (/\b(?:best|worst)\b/.test(word) && metric.higher_is_better === false) return low ? "most" : "least";
  return low ? "least" : "most";
}
// "of" may open the period's own words ("the end of 2025": the period read is "of 2025")
const INSTANT_START = /\b(?:at\s+|as\s+of\s+)?(?:the\s+)?(?:start|beginning|begin)(?:\s+of)?\s+(?:the\s+)?$/;
const INSTANT_END = /\b(?:at\s+|as\s+of\s+)?(?:the\s+)?end(?:\s+of)?\s+(?:the\s+)?$/;
/** the word that opens a window at its end only: "through 2025", "up to October", "before Q3" */
const OPEN_END = /\b(through|thru|till|until|up\s+to|before|prior\s+to)\s+(?:the\s+)?$/;

/** units of a duration long enough that one month holds too few cases to read it by ("sales cycle in days") */
const LONG_UNITS = /^(?:days?|weeks?|months?)$/;
/** a comparison against the same period one unit back */
const OVER =
  /\b(year over year|yoy|y\/y|quarter over quarter|qoq|q\/q|month over month|mom|m\/m|week over week|w\/w)\b/;
/**
 * A unit-over-unit word said of at most one unit's span ("yoy in October", "QoQ in Q3", "MoM" alone): the change
 * from the same span one unit back. Said of a longer period ("month over month this year") it asks for the series
 * by that unit instead.
 */
function overFits(text: string, periods: { period: PeriodInput }[], at: Date): boolean {
  const m = execSaid(OVER, text);
  if (!m) return false;
  const unit = OVER_UNIT[m[1]!.replace(/\W/g, "")];
  if (!unit) return false;
  return periods.length === 0 || periods.every((p) => bucketsIn(p.period, unit, at) <= 1);
}
const OVER_UNIT: Record<string, Grain> = {
  yearoveryear: "year",
  yoy: "year",
  yy: "year",
  quarteroverquarter: "quarter",
  qoq: "quarter",
  qq: "quarter",
  monthovermonth: "month",
  mom: "month",
  mm: "month",
  weekoverweek: "week",
  ww: "week",
};
/** one row of a mart said in the singular ("the biggest deal", "our largest customer"): ranked as a row, not a bucket */
const SINGLE_ROW =
  /^(?:deal|customer|account|ticket|subscription|invoice|payment|charge|refund|trial|user|rep|plan|opportunity|client|company)$/;
const GRAIN_RANK: Record<Grain, number> = { day: 0, week: 1, month: 2, quarter: 3, year: 4 };

function kindOf(m: MetricDef): Interpretation["kind"] {
  return m.time_rollup === "last" || m.time_rollup === "first" ? "stock" : m.time_rollup === "ratio" ? "ratio" : "flow";
}

interface Candidate {
  metric: MetricDef;
  /** content stems the metric's fully present phrases cover */
  covered: Set<string>;
  /** words of its longest fully present phrase, stop words included */
  strength: number;
  /** every stem of every phrase of the metric: words that agree with it */
  vocabulary: Set<string>;
  order: number;
  /** the longest name of the metric said word for word */
  contiguous: number;
  /** 1 when "how many" / "how much" / "rate" fits the metric's format */
  fits: number;
  /** question words found as written (not only by stem) in the metric's names: "churned" is churned, not churn */
  asWritten: number;
  /** 1 when a name was said word for word; 0 when only with its event word said by another of the metric's verbs */
  direct: number;
}

/** The declared verbs of a metric said in the question, each as the span of tokens it takes ("bring in", "shed"). */
export function verbsSaid(metric: MetricDef, tokens: Token[]): { head: string; at: number; len: number }[] {
  const out: { head: string; at: number; len: number }[] = [];
  for (const verb of metric.verbs ?? []) {
    const stems = stemsOf(verb);
    if (!stems.length) continue;
    for (let i = 0; i + stems.length <= tokens.length; i++)
      // "opened" keeps its -ed as a stem (tickets opened are no open tickets); as a declared verb it is "open"
      if (stems.every((x, j) => tokens[i + j]!.stem === x || tokens[i + j]!.raw === `${x}ed`))
        out.push({ head: stems[0]!, at: i, len: stems.length });
  }
  return out;
}

/** Clauses of a question ("MRR and churn"): a metric's name must be said within one of them. */
function clausesOf(tokens: Token[]): Set<string>[] {
  const out: Set<string>[] = [new Set()];
  for (const t of tokens) {
    if (/^(and|vs|versus|plus)$/.test(t.raw)) out.push(new Set());
    else out.at(-1)!.add(t.stem);
  }
  return out;
}

/**
 * Words said as a value ("MRR on Growth", "the growth plan", "growth customers": a plan of the catalog, with its
 * cue) are no word of a metric's name ("MRR growth" is net new MRR; "MRR on growth" is MRR of the Growth plan).
 */
export function valueCued(tokens: Token[], catalog: Catalog): Set<number> {
  const out = new Set<number>();
  const values = new Set([...(catalog.dimensionValues?.values() ?? [])].flat().map((v) => v.toLowerCase()));
  const { leads, names } = metricLeadsOf(catalog);
  tokens.forEach((t, i) => {
    if (!values.has(t.raw)) return;
    const prev = tokens[i - 1]?.raw ?? "";
    const next = tokens[i + 1]?.stem ?? "";
    if (/^(on|for|from)$/.test(prev) || /^(plan|tier|customer|account|subscriber|pipeline)$/.test(next)) out.add(i);
    // "growth MRR", "growth ARR": a value before a metric's name is the value, as "Pro MRR" is; "MRR growth" is not
    else if (next && leads.has(next) && !names.has(`${t.stem} ${next}`)) out.add(i);
  });
  return out;
}

/** The first stems of the catalog's metric names, and every name's first two stems in order. */
const metricLeads = new WeakMap<Catalog, { leads: Set<string>; names: Set<string> }>();
function metricLeadsOf(catalog: Catalog): { leads: Set<string>; names: Set<string> } {
  const known = metricLeads.get(catalog);
  if (known) return known;
  const leads = new Set<string>();
  const names = new Set<string>();
  for (const m of catalog.metrics)
    for (const p of metricPhraseList(m)) {
      const stems = stemsOf(p).filter((x) => !STOP.has(x));
      if (!stems.length) continue;
      leads.add(stems[0]!);
      if (stems.length > 1) names.add(`${stems[0]} ${stems[1]}`);
    }
  const out = { leads, names };
  metricLeads.set(catalog, out);
  return out;
}

export function candidatesFor(tokens: Token[], catalog: Catalog, skip?: (phrase: string) => boolean): Candidate[] {
  const cued = valueCued(tokens, catalog);
  const clauses = clausesOf(tokens.filter((_, i) => !cued.has(i)));
  const out: Candidate[] = [];
  const said = new Set(tokens.map((t) => t.stem));
  const cue = cueOf(tokens) ?? headUnitOf(tokens);
  catalog.metrics.forEach((metric, order) => {
    const covered = new Set<string>();
    let strength = 0;
    let contiguous = 0;
    let direct = 0;
    const verbs = verbsSaid(metric, tokens);
    const verbHeads = new Set((metric.verbs ?? []).map((v) => stemsOf(v)[0]).filter((x): x is string => !!x));
    const phrases = metricPhraseList(metric).filter((full) => !skip?.(full));
    for (const full of phrases) {
      // a name none of whose words the question says cannot be said in it (the words it needs are all in full):
      // most of the catalog's ≈500 names, skipped before the splits and stems below (≈ms of a cold ask)
      if (!stemsOf(full).some((s) => said.has(s))) continue;
      // "mrr by plan" names the metric with a split: the split is read as a breakdown, not as the metric
      // ("average mrr per customer" is no split: customer is no dimension of it)
      const [head, tail] = full.split(/\s+(?:by|per)\s+/);
      const splits =
        tail !== undefined &&
        metric.dimensions.some((d) =>
          dimensionPhrases(catalog, metric, d).some((p) => stemsOf(p).join(" ") === stemsOf(tail).join(" ")),
        );
      const phrase = splits || !/\s(?:per)\s/.test(full) ? head! : full;
      const stems = stemsOf(phrase);
      const content = stems.filter((s) => !STOP.has(s));
      // a name with "per" in it is a quotient: its words without the "per" ("MRR from USD customers") are no name of it;
      // a name with "today" in it ("active users today" is DAU) is no name of it without that day said
      const needs = [
        ...content,
        ...(/\sper\s/.test(phrase) ? [stemOf("per")] : []),
        ...stems.filter((s) => s === stemOf("today")),
      ];
      let clause = clauses.find((c) => needs.every((s) => c.has(s)));
      // "customers we shed", "cash we brought in": a name whose one missing word is a verb of the metric ("customers
      // lost", "cash collected"), said with another of its verbs in the same clause; the rest of the name is said
      let viaVerb: string | undefined;
      if (!clause && content.length >= 2 && verbs.length) {
        for (const c of clauses) {
          const missing = needs.filter((s) => !c.has(s));
          // the verb said stands for the missing word, never for one the name already has ("MRR gained from upgrades")
          const verb = verbs.find((v) => c.has(v.head) && !stems.includes(v.head));
          if (missing.length === 1 && verbHeads.has(missing[0]!) && verb && content.some((s) => !verbHeads.has(s))) {
            clause = c;
            viaVerb = verb.head;
            break;
          }
        }
      }
      if (!content.length || !clause) continue;
      if (viaVerb) {
        content.filter((s) => clause!.has(s)).forEach((s) => covered.add(s));
        covered.add(viaVerb);
        continue;
      }
      direct = 1;
      content.forEach((s) => covered.add(s));
      strength = Math.max(strength, stems.filter((s) => clause.has(s)).length);
      for (let i = 0; i + stems.length <= tokens.length; i++)
        if (stems.every((s, j) => tokens[i + j]!.stem === s)) contiguous = Math.max(contiguous, stems.length);
    }
    if (!covered.size) return;
    const vocabulary = new Set(phrases.flatMap((full) => stemsOf(full)));
    const fits = cue && (cue === metric.format || (cue === "number" && metric.format === "number")) ? 1 : 0;
    const written = new Set(
      metricPhraseList(metric)
        .flatMap((p) => p.toLowerCase().split(/\s+/))
        .filter((w) => !STOP.has(w)),
    );
    const asWritten = tokens.filter((t) => covered.has(t.stem) && written.has(t.raw)).length;
    out.push({ metric, covered, strength, vocabulary, order, contiguous, fits, asWritten, direct });
  });
  return out.sort(
    (a, b) =>
      b.covered.size - a.covered.size ||
      b.direct - a.direct ||
      b.fits - a.fits ||
      b.asWritten - a.asWritten ||
      b.contiguous - a.contiguous ||
      b.strength - a.strength ||
      a.order - b.order,
  );
}

/**
 * A unit noun that ends a noun phrase names what is counted: "churn MRR" and "refund amount" are money (the MRR of the
 * churn, the amount of the refunds), "churn rate" a percentage; said first it only qualifies the head ("MRR churn",
 * "revenue churn" are rates of churn). Money nouns only: a rate is already cued by its own word.
 */
const PERIOD_LEAD_WORD =
  /^(?:last|this|previous|prior|past|trailing|ytd|mtd|qtd|yesterday|q[1-4]|jan|january|feb|february|mar|march|apr|april|may|jun|june|jul|july|aug|august|sep|sept|september|oct|october|nov|november|dec|december)$/;
const MONEY_HEAD = /^(?:mrr|arr|amount|amounts|dollars?|usd|eur|\$)$/;
export function headUnitOf(tokens: Token[]): "currency" | undefined {
  for (let i = 1; i < tokens.length; i++) {
    const [before, t, after] = [tokens[i - 1]!, tokens[i]!, tokens[i + 1]];
    if (!MONEY_HEAD.test(t.raw) || STOP.has(before.raw) || MONEY_HEAD.test(before.raw) || /^\d/.test(before.raw))
      continue;
    // the head ends the phrase: nothing but a stop word, a period or the end after it ("churn MRR in Q3")
    if (!after || STOP.has(after.raw) || /^\d/.test(after.raw) || PERIOD_LEAD_WORD.test(after.raw)) return "currency";
  }
  return undefined;
}

/** "how many" asks for a count, "how much" for an amount, "rate" or "%" for a percentage. */
function cueOf(tokens: Token[]): MetricDef["format"] | undefined {
  const text = tokens.map((t) => t.raw).join(" ");
  // "how many deals were won as a percentage of closed": the percentage said outright is what is asked
  if (/\b(?:as an?|in)\s+(?:percentage|percent|share|fraction|proportion)\b/.test(text)) return "percent";
  if (/\b(?:how many|number of|count of)\b/.test(text)) return "number";
  // "the amount of deals won", "what is the pipeline worth", "the dollar value of …": an amount
  if (/\b(?:how much|amount|worth|dollars?|value)\b/.test(text)) return "currency";
  if (/\b(?:rate|percent|percentage|share|fraction|proportion)\b/.test(text)) return "percent";
  return undefined;
}

/** Words of a period: never read as what a metric is measured on ("deals won to date" is no close date). */
const TIME_NOUNS = new Set(
  "date dates day days week weeks month months quarter quarters year years period periods time times ever".split(" "),
);
const OCCURRENCE_STEMS = new Set(OCCURRENCE_VERBS.map(stemOf));
const STATE_STEMS = new Set(STATE_VERBS.map(stemOf));
const CUE_WORDS: Record<string, string> = { number: "how many", currency: "how much", percent: "a percentage" };
const FORMAT_WORDS: Record<string, string> = { number: "a count", currency: "an amount", percent: "a percentage" };

/** A metric that is an average: its label or the first sentence of its description says average or mean, or it is avg(). */
function firstSentence(m: MetricDef): string {
  return (m.description ?? "").split(/(?<=\.)\s/)[0] ?? "";
}

/** A count of those active at least once in a bucket (MAU): its definition says "at least one". */
function countsActivity(m: MetricDef): boolean {
  return /\bat least one\b/i.test(firstSentence(m));
}

export function isAverage(m: MetricDef): boolean {
  const first = firstSentence(m);
  return /\b(?:average|mean)\b/i.test(`${m.label ?? ""} ${first}`) || /\bavg\s*\(/i.test(m.expression ?? "");
}

/** Phrases of a dimension: its name, its name without _name/_label/…, and the column's synonyms. */
function dimensionPhrases(catalog: Catalog, metric: MetricDef, dim: string): string[] {
  const col = columnOf(catalog, metric.mart, dim);
  const trimmed = dim.replace(/_(name|id|tier|type|code|key|label)$/, "");
  // "plan_tier" is said "plan tier", "plan" and "tier"
  const suffix = /_(tier|type)$/.exec(dim)?.[1];
  return [
    ...new Set([
      dim.replaceAll("_", " "),
      trimmed.replaceAll("_", " "),
      ...(suffix ? [suffix] : []),
      ...(col?.synonyms ?? []),
    ]),
  ];
}

/** Where a phrase's stems occur as consecutive tokens (skipping none), among tokens not yet placed. */
function findRun(tokens: Token[], placed: boolean[], stems: string[], from = 0): number {
  if (!stems.length) return -1;
  for (let i = from; i + stems.length <= tokens.length; i++) {
    if (stems.every((s, j) => tokens[i + j]!.stem === s && (!placed[i + j] || STOP.has(s)))) return i;
  }
  return -1;
}

function markSpan(tokens: Token[], placed: boolean[], a: number, b: number): void {
  tokens.forEach((t, i) => {
    if (t.start >= a && t.end <= b) placed[i] = true;
  });
}

function periodText(
  input: PeriodInput,
  at: Date,
  kind: Interpretation["kind"],
  metric: MetricDef,
): Interpretation["period"] {
  const r = resolvePeriod(input === "latest" ? "this_month" : input, at);
  const lastDay = inclusiveEnd(r.end);
  const today = ymd(truncate(at, "day"));
  const end = r.toDate && lastDay > today ? today : lastDay;
  let text = r.label;
  if (typeof input === "string" && input === "ytd") text = `${r.label.replace(/ \(to date\)$/, "")} to date`;
  if (typeof input === "object") text = `${r.start} – ${end}`;
  else text = withDates(text, r.start, end);
  if (kind === "stock") {
    const bucket = labelOf(truncate(parseDate(end), metric.grain), metric.grain);
    text =
      metric.time_rollup === "first"
        ? `the start of ${r.label}`
        : r.toDate || input === "latest"
          ? `now (${bucket}, to date)`
          : `the end of ${r.label}`;
  }
  return { text, start: r.start, end, to_date: r.toDate };
}

/**
 * A period's words with its dates when the words have none ("this week (to date)" → "this week (Nov 16, 2026 –
 * Nov 21, 2026, to date)", "today (to date)" → "today (Nov 21, 2026, to date)"): a reading names the days it read.
 * lastDay is inclusive.
 */
export function withDates(text: string, start: string, lastDay: string): string {
  if (/\d{4}/.test(text) || text === "all time") return text;
  const day = (d: string) => labelOf(parseDate(d), "day");
  const span = start >= lastDay ? day(start) : `${day(start)} – ${day(lastDay)}`;
  const toDate = / \(to date\)$/.exec(text);
  return toDate ? `${text.slice(0, toDate.index)} (${span}, to date)` : `${text} (${span})`;
}

/** A range of dates [start, end) in words: a whole year, quarter, month, week or day by its name, else its dates. */
export function rangeText(start: string, end: string, at: Date): Interpretation["period"] {
  const today = truncate(at, "day");
  const from = parseDate(start);
  const to = parseDate(end);
  const toDate = from <= today && to > add(today, "day", 1);
  const lastDay = toDate ? ymd(today) : inclusiveEnd(end);
  const grain = (["year", "quarter", "month", "week", "day"] as Grain[]).find(
    (g) => truncate(from, g).getTime() === from.getTime() && add(from, g, 1).getTime() === to.getTime(),
  );
  const text = grain ? `${labelOf(from, grain)}${toDate ? " (to date)" : ""}` : `${start} – ${lastDay}`;
  return { text, start, end: lastDay, to_date: toDate };
}

/**
 * The reading of a ranking or a count of a mart's rows (top_n: "top 5 customers by MRR", "the biggest deal we won
 * this year", "deals over $10k won last quarter"): what is ranked or counted, by which column, for which period —
 * the period on the date of the rows' event when one was said, else the rows as they stand at the last build
 * (now, as a level with no period is read elsewhere) — and every filter kept to.
 */
export function rowsInterpretation(
  input: {
    mart: string;
    measure: string;
    n?: number;
    direction?: string;
    filters?: { column: string; op: string; value: unknown }[];
    /** the label's values ranked by their count of rows (top_n count) */
    count?: boolean;
    label?: string;
  },
  catalog: Catalog,
  at: Date,
  counting: boolean,
  why: string[] = [],
): Interpretation {
  const filters = input.filters ?? [];
  const human = (c: string) => c.replaceAll("_", " ");
  const perLabel = input.count && input.label ? human(input.label) : undefined;
  const entity = perLabel ?? input.mart.split("_").at(-1)!.replace(/s$/, "");
  const metric = perLabel ? undefined : catalog.metrics.find((m) => m.name === input.measure);
  const measureLabel = perLabel
    ? `Number of ${human(input.mart)}`
    : (metric?.label ?? `${entity[0]!.toUpperCase()}${entity.slice(1)} ${human(input.measure)}`);
  const dated = filters.filter((f) => typeof f.value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(f.value));
  const from = dated.find((f) => f.op === ">=");
  const until = dated.find((f) => f.op === "<");
  let period: Interpretation["period"];
  let when: string;
  if (from && until) {
    period = rangeText(String(from.value), String(until.value), at);
    when = `${human(from.column)} ${during(period.text)}`;
    why.push(`the period said is kept to the rows' ${human(from.column)}`);
  } else {
    const month = resolvePeriod("this_month", at);
    period = {
      text: `now (${month.label.replace(/ \(to date\)$/, "")}, to date)`,
      start: month.start,
      end: ymd(truncate(at, "day")),
      to_date: true,
    };
    when = period.text;
    why.push(
      `no period said: the rows of ${input.mart} as they stand at the last build, read now as a level with no period is`,
    );
  }
  const kept = filters.filter((f) => !dated.includes(f));
  const words = kept.map((f) =>
    f.op === "is_null"
      ? `${f.value === false ? "with a" : "no"} ${human(f.column)}`
      : typeof f.value === "boolean"
        ? f.value
          ? human(f.column.replace(/^is_/, ""))
          : `not ${human(f.column.replace(/^is_/, ""))}`
        : `${f.column} ${f.op} ${Array.isArray(f.value) ? `(${f.value.join(", ")})` : typeof f.value === "number" ? f.value.toLocaleString("en-US") : String(f.value)}`,
  );
  const n = input.n ?? 5;
  const most = input.direction === "bottom" ? "least" : "most";
  const label = counting ? `Number of ${human(input.mart)}` : measureLabel;
  const ranked =
    n > 1 ? `the ${n} ${entity.replace(/([^aeiou])y$/, "$1ie")}s with the ${most}` : `the ${entity} with the ${most}`;
  // a level now reads "MRR now (…)"; an event's period is one more filter on the rows, said after the others
  const parts = from
    ? [label, ...(counting ? [] : [ranked]), ...words, when]
    : [`${label} ${when}`, ...(counting ? [] : [ranked]), ...words];
  if (counting) parts.push(`their ${human(input.measure)} summed too`);
  why.push(
    counting
      ? `a count of ${input.mart} rows kept to the filters said`
      : perLabel
        ? `${input.mart} rows counted per ${perLabel}, ranked by the count`
        : `a ranking of ${input.mart} rows by ${input.measure}`,
  );
  return {
    metric: counting ? `${input.mart}.count` : (metric?.name ?? `${input.mart}.${input.measure}`),
    metric_label: label,
    kind: from ? "flow" : "stock",
    period,
    filters: kept.map((f) => ({ dimension: f.column, op: f.op, value: f.value, said: "" })),
    grain: null,
    group_by: [],
    argmax: counting ? null : { dimension: entity, direction: most, ...(n > 1 ? { n } : {}) },
    why,
    read_as: parts.join(", "),
  };
}

function bucketsIn(input: PeriodInput, grain: Grain, at: Date): number {
  if (input === "latest") return 1;
  const r = resolvePeriod(input, at);
  let n = 0;
  for (let d = truncate(parseDate(r.start), grain); ymd(d) < r.end; d = add(d, grain, 1)) n++;
  return n;
}

/** A filter as the reading states it: `plan = Pro`, `plan not_in (Basic, Pro)`. */
export function filterText(f: Filter): string {
  const v = Array.isArray(f.value) ? `(${f.value.join(", ")})` : String(f.value);
  return `${f.dimension} ${f.op === "=" ? "=" : f.op} ${v}`;
}

/** The nearest questions the planner can answer, in words (no numbers), for a refusal or a question back. */
export function suggestionsFor(catalog: Catalog, metrics: MetricDef[]): string[] {
  const picks = metrics.length ? metrics : catalog.metrics.slice(0, 3);
  const out: string[] = [];
  for (const m of picks.slice(0, 3)) {
    const label = m.label ?? m.name.replaceAll("_", " ");
    out.push(kindOf(m) === "stock" ? `${label} now` : `${label} last month`);
    const dim = m.dimensions.find((d) => d !== "currency") ?? m.dimensions[0];
    if (dim && !/ by /.test(label)) out.push(`${label} by ${dim.replaceAll("_", " ")}`);
  }
  return [...new Set(out)].slice(0, 4);
}

interface Attempt {
  ok?: Understood;
  unplaced: string[];
  partial?: Partial<Interpretation>;
}

/**
 * A metric question → metric, period, filters, breakdown, argmax and grain, each placed on words of the
 * question. Any content word left unplaced means the question asks for something the catalog cannot
 * express: the caller asks back instead of answering a nearby question.
 */
/**
 * The question with each dimension synonym said by its dimension's name ("most popular tier" → "most popular plan"),
 * for a metric named through its dimension ("popular plan"); a synonym of two dimensions, or a stop word, stays.
 */
function dimensionNamesSaid(text: string, catalog: Catalog): string {
  const to = new Map<string, string | null>();
  for (const m of catalog.metrics)
    for (const d of m.dimensions)
      for (const syn of columnOf(catalog, m.mart, d)?.synonyms ?? []) {
        const k = syn.toLowerCase();
        if (STOP.has(k) || k === d) continue;
        const was = to.get(k);
        to.set(k, was === undefined || was === d ? d : null);
      }
  let out = text;
  for (const [syn, d] of [...to].sort((a, b) => b[0].length - a[0].length)) {
    if (!d) continue;
    out = out.replace(new RegExp(`\\b${syn.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\b`, "g"), d.replaceAll("_", " "));
  }
  return out;
}

/**
 * "which rep closed the most deals", "how many deals did Priya close": a deal closed BY a person (a value or a name of
 * the dimension that says "who") is a deal they won — credit for a lost deal is no rep's close. "deals closed", "we
 * closed", "closed won/lost" keep their words. Undefined when nothing is said that way.
 */
function closedByPerson(text: string, catalog: Catalog): string | undefined {
  if (!/\bdeals?\b/.test(text) || !/\bclos(?:e|ed|es)\b/.test(text)) return undefined;
  const people = new Set<string>(["who"]);
  for (const m of catalog.metrics)
    for (const d of m.dimensions) {
      const phrases = dimensionPhrases(catalog, m, d);
      if (!phrases.includes("who")) continue;
      phrases.forEach((p) => people.add(p.toLowerCase()));
      for (const v of catalog.dimensionValues?.get(`${m.mart}.${d}`) ?? []) {
        people.add(v.toLowerCase());
        const first = v.toLowerCase().split(/\s+/)[0]!;
        if (first.length > 2) people.add(first);
      }
    }
  const who = [...people]
    .sort((a, b) => b.length - a.length)
    .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join("|");
  const out = text
    .replace(
      new RegExp(`\\b((?:${who})s?(?:'s)?\\s+(?:has\\s+|have\\s+|had\\s+)?)closed\\b(?!\\s+(?:won|lost)\\b)`, "g"),
      "$1won",
    )
    .replace(new RegExp(`\\b(did\\s+(?:${who})\\s+)close\\b(?!\\s+(?:won|lost)\\b)`, "g"), "$1win");
  return out === text ? undefined : out;
}

/**
 * "Outside the Enterprise pipeline, which rep won the most deals": a slice said in a clause before the question proper
 * is read after it ("which rep won the most deals … outside the Enterprise pipeline"), so the ranking keeps its lead
 * ("which", "who") and the slice stays a filter. Undefined when the question does not open that way.
 */
function leadClauseLast(text: string): string | undefined {
  const m = /^([^,;:—–]+?)\s*[,;:—–]\s*((?:which|who|what)\b.+?)\s*\??\s*$/i.exec(text.trim());
  if (!m || /\b(?:which|who|what)\b/i.test(m[1]!)) return undefined;
  return `${m[2]} ${m[1]}`;
}

/** the one word setting two things against each other: "expansion vs contraction MRR", "new versus churned" */
const VERSUS = /\s+(?:vs\.?|versus|compared\s+(?:to|with)|against)\s+/g;

export function understand(question: string, catalog: Catalog, at: Date, renamed = false): Understood | NotUnderstood {
  const lead = leadClauseLast(question);
  if (lead) {
    const again = understand(lead, catalog, at, renamed);
    if ("interpretation" in again) again.interpretation.why.push(`"${question}" read as "${lead}"`);
    return again;
  }
  const read = understandAsSaid(question, catalog, at, renamed);
  // "how many tickets opened actually": the word asked about is the one typed, with the reading that failed
  if (!("interpretation" in read) && /\bactual(?:ly)?\b/.test(question) && !/\bcurrent(?:ly)?\b/.test(question))
    for (const [rewritten, typed] of [
      ["currently", "actually"],
      ["current", "actual"],
    ] as const)
      read.reason = read.reason.replace(
        `"${rewritten}"`,
        `"${typed}" (read as "${rewritten}": with no period, say which — this month so far, or last month)`,
      );
  if ("interpretation" in read && !read.compare) return read;
  // "expansion vs contraction mrr q3", "deals won vs lost in october", "mrr vs new mrr in october": two metrics set
  // against each other in one period are both read for it, side by side ("and"), as the founder reads them — never
  // one of them against its own previous period; one metric between two periods ("arr q3 vs q2") or against a
  // period ("mrr vs last month") reads as said, as no second metric is found. Only with one period said (none, two),
  // never with a breakdown or a ranking, and never when the words read as "and" still ask for a change.
  if ([...question.matchAll(VERSUS)].length !== 1) return read;
  // "mrr growth vs arr growth": a change said on a side is no level to set beside the other (read as said, or asked)
  if (COMPARE.test(replaceSaid(question, VERSUS, " "))) return read;
  const both = understandAsSaid(replaceSaid(question, VERSUS, " and "), catalog, at, renamed);
  if (
    "interpretation" in both &&
    both.extra.length &&
    !both.compare &&
    !both.argmax &&
    !both.groupBy.length &&
    // the period said once for both: with none ("net new arr vs net new mrr") the pair is asked back
    both.periods.length === 1
  ) {
    both.interpretation.why.push(
      `"vs" between ${[both.metric, ...both.extra].map((m) => m.name).join(" and ")}: each read for the same period, side by side`,
    );
    return both;
  }
  // "mrr vs new mrr in october": each side names its own metric, yet one name swallowed the other ("new mrr" holds
  // "mrr") and the comparison read one metric against its own past: asked back, never answered so
  if ("interpretation" in read) {
    const [left = "", right = ""] = question.split(VERSUS);
    const l = understandAsSaid(left, catalog, at, renamed);
    const r = understandAsSaid(right, catalog, at, renamed);
    if ("interpretation" in l && "interpretation" in r && l.metric.name !== r.metric.name) {
      const reason = `"${left.trim()}" vs "${right.trim()}" sets two metrics against each other (${l.metric.name}, ${r.metric.name}): ask for each, or for both in one period ("${l.metric.name.replaceAll("_", " ")} and ${r.metric.name.replaceAll("_", " ")} last month")`;
      return {
        unplaced: [left.trim(), right.trim()],
        reason,
        suggestions: suggestionsFor(catalog, [l.metric, r.metric]),
        partial: { why: [reason] },
      };
    }
  }
  return read;
}

function understandAsSaid(question: string, catalog: Catalog, at: Date, renamed: boolean): Understood | NotUnderstood {
  const byPerson = closedByPerson(question, catalog);
  if (byPerson) {
    const again = understand(byPerson, catalog, at, renamed);
    if ("interpretation" in again)
      again.interpretation.why.push(`"closed" said of a person: the deals they won (a lost deal is no one's close)`);
    return again;
  }
  const lexicon = lexiconOf(catalog);
  const { text: typed, fixes } = correctTypos(
    expandShorthand(
      question,
      catalog.metrics.flatMap((m) => metricPhraseList(m).map((p) => p.toLowerCase())),
    ),
    lexicon,
  );
  // "excluding the current partial month", "leaving out November since it is incomplete": the period said, cut at
  // the start of the month still running (read below, once the period is known)
  const partialOut = partialMonthOut(typed, at);
  const text = partialOut ? partialOut.text : typed;
  const tokens = tokensOf(text);
  // "how did MRR change from September to October": with two instants named, a word of change is the comparison
  // of the level at each, never a name of the flow that sums the change ("mrr change" = net new MRR) over both months
  // ("what % did MRR grow this year" too: a percentage of change is the change of the level, not net new MRR)
  const percentCue = /\b(?:percent|percentage|rate)\b/.test(text);
  // "MRR growth year over year", "QoQ growth in ARR": growth over a unit is the change of the level across it (the
  // ratio of the two levels), never the flow the catalog names "MRR growth" (net new MRR, a month's change) compared
  const overCue = overFits(text, findPeriods(text, at), at);
  if ((findPeriods(text, at).length >= 2 && /\b(?:from|between)\b/.test(text)) || percentCue || overCue) {
    // ("the change in closed-won value in percentage terms": the percentage is the change's unit, never a word of a
    // name like "win percentage")
    const changeWords = (p: string) =>
      stemsOf(p).some((s) => CHANGE_STEMS.has(s)) || (percentCue && /\b(?:percent|percentage)\b/i.test(p));
    for (const c of candidatesFor(tokens, catalog, changeWords)) {
      const attempt = attemptWith(c, [], text, tokens, catalog, at, fixes, partialOut);
      if (attempt.ok?.compare) {
        attempt.ok.interpretation.why.push(
          "a change between two named periods: the level at each compared, not the flow summed over both",
        );
        return attempt.ok;
      }
      break;
    }
  }
  // "from the start of the year", "at the beginning of October": words of an instant, never of a metric's name
  // ("customers at start of month" would otherwise read "customers … the start of the year" as its own name)
  let instantless = text;
  const blank = (a: number, b: number) => {
    instantless = instantless.slice(0, a) + " ".repeat(b - a) + instantless.slice(b);
  };
  for (const p of findPeriods(text, at)) {
    const m = INSTANT_START.exec(text.slice(0, p.start)) ?? INSTANT_END.exec(text.slice(0, p.start));
    if (m) blank(m.index, p.start);
  }
  for (const m of text.matchAll(/\b(?:at\s+|from\s+)?(?:the\s+)?(?:start|beginning)\s+of\s+(?:the\s+|this\s+)?year\b/g))
    blank(m.index!, m.index! + m[0].length);
  // "all time" is a span no metric is named by ("time to win" is the sales cycle, "deals won all time" is not)
  for (const m of text.matchAll(/\ball[\s-]time\b/g)) blank(m.index!, m.index! + m[0].length);
  // "which pipeline has the most deals": the noun after "which" is what is ranked (a dimension), no word of the metric
  const which =
    /^(?:which|what)\s+([a-z]+)\s+(?:has|have|had|is|was|brings?|got|gets|did|does|do|holds?|owns?|carr(?:y|ies)|keeps?)\b/.exec(
      instantless.trim(),
    );
  if (
    which &&
    (testSaid(SUPERLATIVE, text) || WHICH_COMPARATIVE.test(text.trim())) &&
    isDimensionWord(which[1]!, catalog)
  ) {
    const at0 = instantless.indexOf(which[1]!, instantless.indexOf(which[0]));
    blank(at0, at0 + which[1]!.length);
  }
  const candidates = candidatesFor(tokensOf(instantless), catalog);
  if (!candidates.length) {
    // a metric named through a dimension said by a synonym: "the most popular tier" is the most popular plan
    const said = renamed ? text : dimensionNamesSaid(text, catalog);
    if (said !== text) {
      const again = understand(said, catalog, at, true);
      if ("interpretation" in again) {
        again.interpretation.why.push(`"${question}" read as "${said}" (a dimension named by its synonym)`);
        return again;
      }
    }
    const content = tokens.filter((t) => !isStopWord(t.raw, t.stem)).map((t) => t.raw);
    const related = catalog.metrics.filter((m) =>
      metricPhraseList(m).some((p) => stemsOf(p).some((s) => !STOP.has(s) && tokens.some((t) => t.stem === s))),
    );
    // "how many users": a word in the names of several metrics (DAU, WAU, MAU) and the whole name of none says no
    // one of them; the question is asked back with them, never answered with the first
    const shared = content.filter(
      (w) => related.filter((m) => metricPhraseList(m).some((p) => stemsOf(p).includes(stemOf(w)))).length > 1,
    );
    // "which stage has the most deals", "deals sitting in Contract Sent": a noun shared by several metrics' names,
    // said with a dimension (its name or one of its values) that only one metric counting that noun is split by, is
    // that metric — only open deals have a stage; "which rep has the most deals" (won, lost, open all have a rep) asks
    const valuesSaid = [...(catalog.dimensionValues?.values() ?? [])]
      .flat()
      .map((v) => v.toLowerCase())
      .filter((v) => v.length > 2 && text.includes(v));
    const nouns = shared.filter((w) => !valuesSaid.some((v) => v.split(/\W+/).includes(w)));
    if (!renamed && nouns.length === 1) {
      const only = countedBySaidDimension(nouns[0]!, related, text, tokens, catalog);
      if (only) {
        const phrase = metricPhraseList(only).find((p) => stemsOf(p).includes(stemOf(nouns[0]!)));
        if (phrase) {
          const said = text.replace(new RegExp(`\\b${nouns[0]}\\b`), phrase);
          const again = understand(said, catalog, at, true);
          if ("interpretation" in again) {
            again.interpretation.why.push(
              `"${nouns[0]}" read as ${only.label ?? only.name}: the only metric counting ${nouns[0]} split by what the question names`,
            );
            return again;
          }
        }
      }
    }
    return {
      unplaced: content,
      reason:
        shared.length && related.length > 1
          ? `${placeList(shared)} is in the names of several metrics (${related
              .slice(0, 4)
              .map((m) => m.label ?? m.name)
              .join(", ")}${related.length > 4 ? ", …" : ""}) and is the whole name of none: say which`
          : "no metric I know is named in the question",
      suggestions: suggestionsFor(catalog, related),
    };
  }
  // "how much revenue did we bring in": a noun said with a verb that completes the names of two metrics ("collected
  // revenue", "won revenue") says neither of them: asked back with both, never answered with the first
  // ("how much revenue did we lose": "churned revenue" with its verb said another way, or "revenue lost to downgrades",
  // a longer name of another metric, said in part? neither)
  // a metric named by the words of a slice ("the Sales Pipeline", "the Enterprise pipeline") gives way to one named
  // by more words outside it ("In the Sales Pipeline, deals won": deals won in that pipeline, not open pipeline)
  const plain = tokensOf(instantless);
  const bound = valueBound(plain, catalog);
  const outside = (c: Candidate) =>
    [...c.covered].filter((x) => plain.some((t, i) => t.stem === x && !bound.has(i))).length;
  if (candidates.length > 1 && outside(candidates[0]!) < candidates[0]!.covered.size) {
    // (on a tie, the one with fewer of its words inside the slice: "open deals in the Sales Pipeline" is open deals)
    let k = 0;
    candidates.forEach((c, i) => {
      const [a, b] = [outside(c), outside(candidates[k]!)];
      if (a > b || (a === b && a > 0 && c.covered.size - a < candidates[k]!.covered.size - b)) k = i;
    });
    if (k > 0) candidates.unshift(...candidates.splice(k, 1));
  }
  const [first, second] = candidates;
  const sameWords = (c: Candidate) =>
    !c.direct && c.covered.size === first!.covered.size && [...c.covered].every((x) => first!.covered.has(x));
  const longerName = (m: MetricDef) =>
    m !== first!.metric &&
    metricPhraseList(m).some((p) => {
      const content = stemsOf(p).filter((x) => !STOP.has(x));
      return content.length > first!.covered.size && [...first!.covered].every((x) => content.includes(x));
    });
  const inPart = first && !first.direct ? catalog.metrics.filter(longerName) : [];
  if (first && !first.direct && ((second && sameWords(second)) || inPart.length)) {
    const both = [...candidates.filter(sameWords).map((c) => c.metric), ...inPart];
    const said = tokens.filter((t) => first.covered.has(t.stem)).map((t) => t.raw);
    const reason = `${placeList(said)} ${said.length > 1 ? "fit" : "fits"} the names of several metrics (${both.map((m) => m.label ?? m.name).join(", ")}): say which`;
    return { unplaced: said, reason, suggestions: suggestionsFor(catalog, both), partial: { why: [reason] } };
  }
  let best: Attempt | undefined;
  let comparing: Understood | undefined;
  for (const c of candidates) {
    // a comparison read from a word another metric reads as a value ("customers on Growth"): that one wins
    if (comparing && c.covered.size < candidates[0]!.covered.size) break;
    const attempt = attemptWith(c, candidates, text, tokens, catalog, at, fixes, partialOut);
    if (attempt.ok && !attempt.ok.compare) return attempt.ok;
    if (attempt.ok) comparing ??= attempt.ok;
    if (!best || attempt.unplaced.length < best.unplaced.length) best = attempt;
  }
  if (comparing) return comparing;
  const words = best!.unplaced;
  return {
    unplaced: words,
    reason: `I can't place ${placeList(words)}: no metric, dimension, value or period of the catalog says it`,
    suggestions: suggestionsFor(
      catalog,
      candidates.map((c) => c.metric),
    ),
    partial: best!.partial,
  };
}

/**
 * Tokens that say a slice, not a metric: a value of a dimension ("Sales Pipeline", "Enterprise") and the dimension's
 * own name said right after it ("the Enterprise pipeline"). "In the Sales Pipeline, deals won" names deals won in a
 * pipeline, never open pipeline as a second metric.
 */
function valueBound(tokens: Token[], catalog: Catalog): Set<number> {
  const bound = new Set<number>();
  const seen = new Set<string>();
  for (const m of catalog.metrics)
    for (const d of m.dimensions) {
      const key = `${m.mart}.${d}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const names = dimensionPhrases(catalog, m, d).map(stemsOf);
      for (const v of catalog.dimensionValues?.get(key) ?? []) {
        const stems = stemsOf(v);
        if (!stems.length || stems.every((x) => STOP.has(x))) continue;
        for (let i = 0; i + stems.length <= tokens.length; i++) {
          if (!stems.every((x, j) => tokens[i + j]!.stem === x)) continue;
          const after = i + stems.length;
          const named = names.find((n) => n.length && n.every((x, j) => tokens[after + j]?.stem === x));
          // a one-word value alone may be a word of its own ("growth"): bound only with its dimension's name after it
          if (stems.filter((x) => !STOP.has(x)).length < 2 && !named) continue;
          for (let j = 0; j < stems.length; j++) if (!STOP.has(stems[j]!)) bound.add(i + j);
          named?.forEach((_, j) => bound.add(after + j));
        }
      }
    }
  return bound;
}

/**
 * "excluding the current partial month", "leaving out November since it is incomplete", "not counting this month":
 * the month still running left out of the period said. The phrase is taken out of the text; `said` is quoted in the
 * reading. A month named must be the one running (another month left out is no cut at the period's end).
 */
const PARTIAL_LEAD = `(?:,\\s*)?\\b(?:${EXCLUSION_LEAD})\\s+(?:the\\s+)?`;
const INCOMPLETE =
  "(?:\\s*[,;—–-]?\\s*(?:(?:since|as|because|which|given\\s+that)\\s+)?it\\s*(?:(?:is|'s)\\s+(?:still\\s+|not\\s+yet\\s+|only\\s+)?(?:partial|incomplete|unfinished|in\\s+progress|ongoing|running|not\\s+(?:yet\\s+)?(?:over|complete|finished|closed|done))|(?:isn'?t|is\\s+not|'s\\s+not)\\s+(?:yet\\s+)?(?:over|complete|finished|closed|done)|(?:(?:has|'s)\\s+)?(?:only\\s+)?just\\s+started))";
const PARTIAL_MONTH = new RegExp(
  `${PARTIAL_LEAD}(?:(?:this|current|present|ongoing|running|latest|partial|incomplete|unfinished|in[\\s-]progress|open)\\s+)+month(?:\\s+(?:to\\s+date|so\\s+far))?${INCOMPLETE}?(?:\\s*,)?`,
);
// (#15, batch 46: any month named, "tickets closed in Q3 apart from September", cut from the period's start or end)
const PARTIAL_NAMED = new RegExp(
  `${PARTIAL_LEAD}(${MONTH_NAMES})(?:\\s+(?:since|as|because)\\s+it\\s+(?:is|'s)\\s+(?:a\\s+)?(?:partial|incomplete|short)(?:\\s+month)?)?${INCOMPLETE}?(?:\\s*,)?`,
);
/** "ignore november, it's partial" / "(leave out November)": the lead and month said first, in brackets */
function partialMonthOut(text: string, at: Date): { text: string; said: string; month?: string } | undefined {
  const m = execSaid(PARTIAL_MONTH, text);
  const n = m ? null : execSaid(PARTIAL_NAMED, text);
  const hit = m ?? n;
  if (!hit) return undefined;
  const said = hit[0].replace(/^[\s,]+|[\s,]+$/g, "");
  const running = labelOf(truncate(at, "month"), "month").toLowerCase();
  // (a month other than the running one is cut where the period is read: attemptWith)
  const month = n && !running.startsWith(n[1]!.slice(0, 3)) ? n[1]! : undefined;
  return {
    text: `${text.slice(0, hit.index)} ${text.slice(hit.index + hit[0].length)}`
      .replace(/\(\s*\)/g, " ")
      .replace(/\s{2,}/g, " ")
      .trim(),
    said,
    ...(month ? { month } : {}),
  };
}

/** The month named, within a period: its first and last day, or undefined when the period holds no such month. */
function monthWithin(name: string, r: { start: string; end: string }): { start: string; end: string } | undefined {
  const k = MONTH_INDEX[name.slice(0, 3).toLowerCase()];
  if (k === undefined) return undefined;
  for (let y = Number(r.start.slice(0, 4)); y <= Number(r.end.slice(0, 4)); y++) {
    const start = `${y}-${String(k + 1).padStart(2, "0")}-01`;
    const next = k === 11 ? `${y + 1}-01-01` : `${y}-${String(k + 2).padStart(2, "0")}-01`;
    if (start >= r.start && start <= r.end) return { start, end: inclusiveEnd(next) };
  }
  return undefined;
}
const MONTH_INDEX: Record<string, number> = Object.fromEntries(
  ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"].map((m, i) => [m, i]),
);

function attemptWith(
  c: Candidate,
  all: Candidate[],
  text: string,
  tokens: Token[],
  catalog: Catalog,
  at: Date,
  fixes: [string, string][],
  partialOut?: { said: string; month?: string },
): Attempt {
  const metric = c.metric;
  const kind = kindOf(metric);
  const why: string[] = [];
  // ("state" stems to the stop word "stat" but is a word of its own: "what state are our customers in" asks back)
  const placed = tokens.map((t) => isStopWord(t.raw, t.stem));
  // dimension words are placed by a breakdown, a filter or an argmax, never by a metric synonym ("pipeline by stage")
  const dimStems = new Set(metric.dimensions.flatMap((d) => dimensionPhrases(catalog, metric, d).flatMap(stemsOf)));
  // (a word that names a dimension too waits: "pipeline by sales rep", "which plan has the most customers")
  tokens.forEach((t, i) => {
    if (c.covered.has(t.stem) && !dimStems.has(t.stem)) placed[i] = true;
  });

  // a second metric joined by "and": "MRR and churn last month"; "deals won and lost" says deals once for both
  const extra: MetricDef[] = [];
  const sharesHead = (o: MetricDef) =>
    metricPhraseList(o).some((p) => stemsOf(p).some((s) => !STOP.has(s) && c.covered.has(s)));
  if (/\b(?:and|&)\b|,/.test(text)) {
    // its own words (those the first metric's name does not say) all unplaced: "deals won and lost" shares "deals"
    // with deals won and adds "lost", so it is deals lost (a count, like the first), not the lost amount
    const present = new Set(tokens.map((t) => t.stem));
    const rivals: { metric: MetricDef; own: string[]; size: number; same: number }[] = [];
    for (const o of catalog.metrics) {
      if (o.name === metric.name || (all.length && !all.some((x) => x.metric.name === o.name) && !sharesHead(o)))
        continue;
      for (const p of metricPhraseList(o)) {
        const content = stemsOf(p).filter((s) => !STOP.has(s));
        const own = content.filter((s) => !c.covered.has(s));
        if (!own.length || !content.every((s) => present.has(s))) continue;
        // a shared word completes the second name only when the first said more than it ("deals won and lost");
        // "MRR and churn" shares nothing: churn there is its own name, not "MRR churned"
        if (own.length < content.length && content.length - own.length >= c.covered.size) continue;
        rivals.push({ metric: o, own, size: content.length, same: o.format === metric.format ? 1 : 0 });
      }
    }
    rivals.sort((a, b) => b.size - a.size || b.same - a.same);
    const bound = valueBound(tokens, catalog);
    for (const r of rivals) {
      if (
        extra.includes(r.metric) ||
        !r.own.every((s) => tokens.some((t, i) => t.stem === s && !placed[i] && !bound.has(i)))
      )
        continue;
      extra.push(r.metric);
      tokens.forEach((t, i) => {
        if (r.own.includes(t.stem)) placed[i] = true;
      });
    }
  }
  const matchedBy = metricPhraseList(metric).find((p) => {
    const content = stemsOf(p).filter((s) => !STOP.has(s));
    return content.length && content.every((s) => c.covered.has(s));
  });
  if (matchedBy && matchedBy.toLowerCase() !== metric.name.replaceAll("_", " ") && matchedBy !== metric.label)
    why.push(`"${matchedBy}" is a name of ${metric.name}`);
  if (fixes.length) why.push(`read ${fixes.map(([a, b]) => `"${a}" as "${b}"`).join(", ")}`);

  // periods, with "at the start of October" read as the end of September for a stock
  const periodsFound = findPeriods(text, at);
  for (const p of periodsFound) {
    try {
      resolvePeriod(p.period, at);
    } catch {
      return {
        unplaced: [`${text.slice(p.start, p.end)} (not a period I can read)`],
        partial: { metric: metric.name },
      };
    }
  }
  // "through 2025", "until October": a window with an end and no start (everything before? that year alone?) is asked
  // back, never read as the period named ("from August through October" has its start)
  for (const p of periodsFound) {
    const before = text.slice(0, p.start);
    const open =
      execSaid(OPEN_END, before)?.[1] ?? /^(through|thru|till|until)\s/.exec(text.slice(p.start, p.end))?.[1];
    if (!open || periodsFound.some((o) => o.end <= p.start) || /\b(?:from|between|since)\b/.test(before)) continue;
    const span = text.slice(p.start, p.end);
    const said = span.startsWith(`${open} `) ? span : `${open} ${span}`;
    return {
      unplaced: [`${said} (a window with an end and no start: say from when)`],
      partial: { metric: metric.name },
    };
  }
  // "trailing 3 full months", "L3M", "rolling 6 months": whole months, the one running left out — said in the reading
  for (const p of periodsFound) {
    const n = typeof p.period === "string" ? /^last_(\d+)_months$/.exec(p.period)?.[1] : undefined;
    if (n)
      why.push(
        `"${text.slice(p.start, p.end)}": the ${n} whole months before this one (${labelOf(truncate(at, "month"), "month")} to date left out)`,
      );
  }
  let instantStart = false;
  const startOf = new Set<FoundPeriod>();
  for (const p of periodsFound) {
    markSpan(tokens, placed, p.start, p.end);
    const before = text.slice(0, p.start);
    const s = execSaid(INSTANT_START, before);
    const e = execSaid(INSTANT_END, before);
    if (s && kind === "stock") {
      instantStart = true;
      startOf.add(p);
      markSpan(tokens, placed, s.index, p.start);
    } else if (e) markSpan(tokens, placed, e.index, p.start);
  }
  // "at the start of the year"
  const yearStart = /\b(?:at\s+)?(?:the\s+)?(?:start|beginning)\s+of\s+(?:the\s+|this\s+)?year\b/.exec(text);
  if (yearStart && kind === "stock" && !periodsFound.length) {
    markSpan(tokens, placed, yearStart.index, yearStart.index + yearStart[0].length);
    const p: FoundPeriod = { period: "this_year", start: yearStart.index, end: yearStart.index, multi: false };
    periodsFound.push(p);
    startOf.add(p);
    instantStart = true;
  }
  // "now", "at the moment", "these days", "to date": a level now; a count over a period has no "now" (a flow
  // asked as a stock asks back). Words inside a period ("today", "the current month") are that period.
  const inPeriod = (t: Token) => periodsFound.some((p) => t.start >= p.start && t.end <= p.end);
  tokens.forEach((t, i) => {
    if (inPeriod(t)) return;
    const prev = tokens[i - 1]?.raw;
    const nowWord =
      NOW_WORDS.test(t.raw) || (t.raw === "days" && prev === "these") || (t.raw === "date" && prev === "to");
    if (nowWord) placed[i] = kind === "stock";
    // "so far", "ever", "yet" with no period named: a count since when? (a level is read now anyway)
    // "ever" with a level is no reading of it now: "customers we've ever had" counts everyone who ever was one, "the
    // most MRR we've ever had" is a peak; both are asked back
    if (!periodsFound.length && /^(far|ever|yet)$/.test(t.raw)) placed[i] = kind === "stock" && t.raw !== "ever";
  });
  // "did MRR go up", "has churn gone down": a change, not a level; "in the US" is a place, not "us"
  for (const m of text.matchAll(/\b(?:go|goes|going|gone|went)\s+(?:up|down)\b/g))
    tokens.forEach((t, i) => {
      if (t.start >= m.index! && t.end <= m.index! + m[0].length) placed[i] = false;
    });
  // "MRR since last month": a level since a month is a change since its start, its end, or the month itself? it
  // asks back. A count since last month is that month and this one to date (the period read it).
  tokens.forEach((t, i) => {
    if (t.raw !== "since" || !/^(last|previous|prior|past|this)$/.test(tokens[i + 1]?.raw ?? "")) return;
    // "how much has MRR grown since last month": a change said with it is the level now against that month's end
    if (kind === "stock" && testSaid(COMPARE, text) && !/^(past|this)$/.test(tokens[i + 1]!.raw)) return;
    if (kind === "stock" || /^(past|this)$/.test(tokens[i + 1]!.raw)) placed[i] = false;
  });
  // "in the US", "US customers", "US-based": a place, not "us"
  tokens.forEach((t, i) => {
    if (
      t.raw === "us" &&
      (tokens[i - 1]?.raw === "the" ||
        /^(customers?|accounts?|clients?|users?|companies|based|market|revenue|mrr|arr|deals?)$/.test(
          tokens[i + 1]?.raw ?? "",
        ))
    )
      placed[i] = false;
  });
  // "tickets we received", "refunds we issued": the event of a count over a period, nothing more
  if (kind !== "stock")
    tokens.forEach((t, i) => {
      if (OCCURRENCE_STEMS.has(t.stem)) placed[i] = true;
    });
  // "expansion MRR we booked", "MRR we bled to churn", "users who logged in": a verb the catalog declares for the metric
  // says its event or state, and nothing more
  for (const v of verbsSaid(metric, tokens)) for (let k = v.at; k < v.at + v.len; k++) placed[k] = true;
  // "which rep is carrying the most pipeline", "customers we hold on Pro": a verb of having, said of a level
  if (kind === "stock")
    tokens.forEach((t, i) => {
      if (STATE_STEMS.has(t.stem)) placed[i] = true;
    });
  // "average"/"mean" is placed by a metric that is an average (its label, description or expression says so)
  if (isAverage(metric))
    tokens.forEach((t, i) => {
      if (/^(average|mean)$/.test(t.raw)) placed[i] = true;
    });
  // "last month end", "Q3 end"
  for (const p of periodsFound) {
    const after = /^\s*(?:month|quarter|year|qtr)?[\s-]*end\b/.exec(text.slice(p.end));
    if (after && kind === "stock") markSpan(tokens, placed, p.end, p.end + after[0].length);
  }

  // grain and trend words, outside the metric's own name ("monthly recurring revenue" is no grain)
  let bare = text;
  for (const p of metricPhraseList(metric)) {
    const re = new RegExp(`\\b${p.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\b`, "g");
    bare = bare.replace(re, (m) => " ".repeat(m.length));
  }
  // "monthly subscriptions", "annual plans", "yearly contracts": the word qualifies a thing (a billing interval the
  // catalog may not have), it asks for no series; left unplaced, so the question is asked back
  const qualifies = (m: RegExpExecArray) => QUALIFIED_NOUN.test(text.slice(m.index + m[0].length));
  const grain0 = GRAIN_WORDS.find(([re]) => {
    const m = re.exec(bare);
    return m && !qualifies(m);
  })?.[1];
  const trend = testSaid(TREND, text);
  for (const [re] of GRAIN_WORDS) {
    const m = re.exec(bare);
    if (m && !qualifies(m)) markSpan(tokens, placed, m.index, m.index + m[0].length);
  }
  const trendMatch = execSaid(TREND, text);
  if (trendMatch) markSpan(tokens, placed, trendMatch.index, trendMatch.index + trendMatch[0].length);

  // filters: a value of a dimension, or a value synonym, with the dimension's name next to it if said
  const filters: (Filter & { said: string })[] = [];
  const dimsBySpecificity = [...metric.dimensions];
  const valueHits: {
    dim: string;
    values: (string | number | boolean)[];
    at: number;
    len: number;
    said: string;
    syn: boolean;
    /** a person by first name: one value, said as surely as the whole name */
    first?: boolean;
  }[] = [];
  for (const dim of dimsBySpecificity) {
    const col = columnOf(catalog, metric.mart, dim);
    for (const [phrase, values] of Object.entries(col?.value_synonyms ?? {})) {
      const stems = stemsOf(phrase);
      const i = findRun(tokens, placed, stems);
      if (i >= 0) valueHits.push({ dim, values, at: i, len: stems.length, said: phrase, syn: true });
    }
    const values = catalog.dimensionValues?.get(`${metric.mart}.${dim}`) ?? [];
    for (const v of values) {
      const stems = stemsOf(v);
      if (!stems.length || stems.every((s) => STOP.has(s))) continue;
      const i = findRun(tokens, placed, stems);
      if (i >= 0) valueHits.push({ dim, values: [v], at: i, len: stems.length, said: v, syn: false });
    }
    // a person by first name ("Sofia's win rate", "open deals does Tom have"): only on a dimension whose synonyms
    // say it names people ("who"), and only a first name exactly one of its values has
    if (col?.synonyms?.includes("who")) {
      const firsts = new Map<string, string[]>();
      for (const v of values) {
        const words = stemsOf(v);
        if (words.length < 2 || STOP.has(words[0]!)) continue;
        firsts.set(words[0]!, [...(firsts.get(words[0]!) ?? []), v]);
      }
      for (const [first, names] of firsts) {
        const i = names.length === 1 ? findRun(tokens, placed, [first]) : -1;
        if (i >= 0) valueHits.push({ dim, values: names, at: i, len: 1, said: tokens[i]!.raw, syn: true, first: true });
      }
    }
  }
  valueHits.sort((a, b) => b.len - a.len || Number(a.syn) - Number(b.syn));
  // two values of one dimension joined by "and"/"or" ("customers on Growth and Pro"): one filter on both
  const joinedTo = (h: (typeof valueHits)[number]) =>
    filters.find((f) => {
      // (a synonym of one value, "Canada" of CA, joins as its value would; one of several values, "paying", never)
      if (f.dimension !== h.dim || (h.syn && !h.first && h.values.length !== 1)) return false;
      // a filter read from no value hit (a synonym of the dimension's values) joins nothing
      const prev = valueHits.find((v) => v.dim === f.dimension && v.said === f.said);
      if (!prev) return false;
      const [a, b] = prev.at < h.at ? [prev.at + prev.len, h.at] : [h.at + h.len, prev.at];
      const between = tokens.slice(a, b).map((t) => t.raw);
      return (
        between.length > 0 &&
        between.every((w) => /^(and|or|plus|the|on|in)$/.test(w)) &&
        between.some((w) => /^(and|or|plus)$/.test(w))
      );
    });
  // "the pro plan", "plan pro", "the partner channel pipeline", and after the last of joined values: "pro and
  // growth plans" reads the same whichever value the catalog lists first
  const placeDimensionWords = (h: (typeof valueHits)[number]) => {
    for (const p of dimensionPhrases(catalog, metric, h.dim)) {
      const stems = stemsOf(p);
      const after = h.at + h.len;
      if (stems.every((s, j) => tokens[after + j]?.stem === s)) stems.forEach((_, j) => (placed[after + j] = true));
      const before = h.at - stems.length;
      if (before >= 0 && stems.every((s, j) => tokens[before + j]?.stem === s))
        stems.forEach((_, j) => (placed[before + j] = true));
    }
  };
  for (const h of valueHits) {
    const joined = joinedTo(h);
    if (joined && (!h.syn || h.first || h.values.length === 1)) {
      const span = Array.from({ length: h.len }, (_, k) => h.at + k);
      if (span.some((k) => placed[k] && !STOP.has(tokens[k]!.stem))) continue;
      span.forEach((k) => {
        placed[k] = true;
      });
      placeDimensionWords(h);
      const before = Array.isArray(joined.value) ? joined.value : [joined.value as string];
      // "excluding Growth and Pro", "not on Growth or Pro" (whichever value was read first): both left out
      const first = Math.min(
        h.at,
        ...valueHits.filter((v) => v.dim === h.dim && joined.said.split(" and ").includes(v.said)).map((v) => v.at),
      );
      const negated = negationAt(tokens, first, first + 1, dimensionPhrases(catalog, metric, h.dim));
      negated?.forEach((k) => {
        placed[k] = true;
      });
      // "Priya and Maria together", "Growth and Pro combined": the joined values summed, which the filter on both is
      let next = Math.max(
        h.at + h.len,
        ...valueHits
          .filter((v) => v.dim === h.dim && joined.said.split(" and ").includes(v.said))
          .map((v) => v.at + v.len),
      );
      while (next < tokens.length && placed[next] && !STOP.has(tokens[next]!.stem)) next++;
      if (/^(together|combined|altogether)$/.test(tokens[next]?.raw ?? "")) placed[next] = true;
      joined.op = negated || joined.op === "!=" || joined.op === "not_in" ? "not_in" : "in";
      joined.value = [...before, ...h.values] as string[];
      joined.said = `${joined.said} and ${h.said}`;
      continue;
    }
    // "the sales pipeline (not enterprise)": a value left out of a dimension already kept to another one says the same
    // slice again; placed, with the kept value (any other second value of one dimension stays unplaced: asked back)
    const kept = filters.find((f) => f.dimension === h.dim);
    if (kept) {
      const again = negationAt(tokens, h.at, h.at + h.len, dimensionPhrases(catalog, metric, h.dim));
      if (kept.op === "=" && again && !h.values.includes(kept.value as string)) {
        [...again, ...Array.from({ length: h.len }, (_, k) => h.at + k)].forEach((k) => {
          placed[k] = true;
        });
        why.push(`"${kept.said}" already leaves ${h.values.join(", ")} out`);
      }
      continue;
    }
    // a value that is also a word of change ("ARR growth this year") is the value only with a cue: its
    // dimension next to it ("the growth plan"), "on/in/for" before it, or the customers of it after it
    if (h.len === 1 && COMPARE_WORDS.has(tokens[h.at]!.raw)) {
      const near = [tokens[h.at - 1], tokens[h.at + 1], tokens[h.at - 2]].filter(Boolean).map((t) => t!.stem);
      const dimWords = new Set(dimensionPhrases(catalog, metric, h.dim).flatMap(stemsOf));
      const cued =
        near.some((w) => dimWords.has(w)) ||
        /^(on|in|for|and|or)$/.test(tokens[h.at - 1]?.raw ?? "") ||
        NEGATION_BEFORE.has(tokens[h.at - 1]?.raw ?? "") ||
        !!leadEndingAt(tokens, h.at - 1) ||
        /^(than|but)$/.test(tokens[h.at - 1]?.raw ?? "") ||
        /^(customer|account|subscriber|user|and|or)$/.test(tokens[h.at + 1]?.stem ?? "") ||
        // "growth MRR": before the first word of the metric's own name, as "Pro MRR" is
        metricPhraseList(metric).some((p) => stemsOf(p).find((x) => !STOP.has(x)) === tokens[h.at + 1]?.stem);
      if (!cued) continue;
    }
    const span = Array.from({ length: h.len }, (_, k) => h.at + k);
    if (span.some((k) => placed[k] && !STOP.has(tokens[k]!.stem))) continue;
    span.forEach((k) => {
      placed[k] = true;
    });
    placeDimensionWords(h);
    // "excluding Enterprise", "other than the Pro plan", "non-enterprise", "outside the Enterprise pipeline",
    // "that isn't Enterprise", "Enterprise excluded": the value is left out, never kept (a dropped NOT answers the
    // opposite set)
    const negation = negationAt(tokens, h.at, h.at + h.len, dimensionPhrases(catalog, metric, h.dim));
    if (negation) {
      negation.forEach((k) => {
        placed[k] = true;
      });
      filters.push(
        h.values.length === 1
          ? { dimension: h.dim, op: "!=", value: h.values[0]!, said: h.said }
          : { dimension: h.dim, op: "not_in", value: h.values as string[], said: h.said },
      );
      why.push(
        `"${negation.map((k) => tokens[k]!.raw).join(" ")} ${h.said}" leaves ${h.dim} ${h.values.join(", ")} out`,
      );
      continue;
    }
    filters.push(
      h.values.length === 1
        ? { dimension: h.dim, op: "=", value: h.values[0]!, said: h.said }
        : { dimension: h.dim, op: "in", value: h.values as string[], said: h.said },
    );
    if (h.syn) why.push(`"${h.said}" means ${h.dim} in (${h.values.join(", ")})`);
  }
  // the customers of a filtered segment: "starter customers", "Pro plan customers"
  if (filters.length)
    tokens.forEach((t, i) => {
      if (
        /^(customer|account|deal|subscriber|user)$/.test(t.stem) &&
        i > 0 &&
        placed[i - 1] &&
        !STOP.has(tokens[i - 1]!.stem)
      )
        placed[i] = true;
    });

  // argmax: "which plan has the most paying customers", "who has the most pipeline"
  let argmax: Interpretation["argmax"] = null;
  let argmaxGrain: Grain | undefined;
  const sup = execSaid(SUPERLATIVE, text) ?? comparativeAt(text);
  // the ranking read from where it starts, past a request's framing ("show me the top 3 plans")
  const lead = text.trim().replace(ASK_LEAD, "");
  const leadAt = text.indexOf(lead);
  const fromLead = <T extends { index: number }>(m: T | null): T | null => (m ? { ...m, index: m.index + leadAt } : m);
  const leading = testSaid(LEAD_SUP, lead);
  const skipped = tokens.filter((t) => t.end <= leadAt).length;
  // "when did we have the most churn": the metric's own buckets ranked
  const when = /^when\s+(?:did|was|were|is|are|have|has|do)\b/.test(text.trim());
  // the ranked noun said before "with the most …": a bucket of time or a dimension of the metric
  const nounWith = execSaid(NOUN_WITH_SUP, lead);
  const nounAt = nounWith ? text.indexOf(nounWith[1]!, leadAt + nounWith.index) : -1;
  const nounTokens = nounWith ? tokens.filter((t) => t.start >= nounAt && t.end <= nounAt + nounWith[1]!.length) : [];
  const ranked = nounTokens.at(-1);
  const rankedStems = nounTokens.map((t) => t.stem).join(" ");
  // "max DAU in October", "the highest MRR this year": a superlative said right before the metric's own words and a
  // period holding more than one of its buckets ranks those buckets (the day, the month), said with the winner
  const ownBuckets = (m: { index: number; 0: string }) => {
    const p = periodsFound[0];
    if (periodsFound.length !== 1 || !p || p.start < m.index) return false;
    if (bucketsIn(p.period, metric.grain, at) < 2) return false;
    const between = tokens.filter((t) => t.start >= m.index + m[0].length && t.end <= p.start);
    // "biggest deal we won": one row of a mart (a deal, a customer), said in the singular, is no bucket of time
    return (
      between.length > 0 &&
      between.every((t) => STOP.has(t.raw) || c.covered.has(t.stem)) &&
      !between.some((t) => SINGLE_ROW.test(t.raw))
    );
  };
  if (sup && (leading || when || ranked || /^(?:which|what|who|whats|what's)\b/.test(text.trim()))) {
    // "who": the dimension whose synonyms say "who", by its name if said ("who is our top sales rep")
    const whoPhrases = new Set(
      metric.dimensions
        .map((d) => dimensionPhrases(catalog, metric, d))
        .filter((ps) => ps.includes("who"))
        .flat(),
    );
    const nounDim =
      ranked && !/^(day|week|month|quarter|year)s?$/.test(ranked.raw)
        ? metric.dimensions.find((d) =>
            dimensionPhrases(catalog, metric, d).some((p) => {
              const said = stemsOf(p).join(" ");
              return said === rankedStems || said === ranked.stem;
            }),
          )
        : undefined;
    if (ranked && nounDim)
      for (const t of nounTokens)
        if (t === ranked || dimensionPhrases(catalog, metric, nounDim).some((p) => stemsOf(p).includes(t.stem)))
          placed[tokens.indexOf(t)] = true;
    // "when was open pipeline highest": "when" asks for a time, so a dimension's word inside the metric's name
    // ("pipeline") is never what is ranked
    const dim = nounDim
      ? { dim: nounDim }
      : when
        ? undefined
        : /^who\b/.test(text.trim())
          ? findDimension(tokens, placed, catalog, metric, true, 0, (p) => whoPhrases.has(p))
          : (findDimension(tokens, placed, catalog, metric, true, 0, undefined, skipped + 5) ??
            rankedNoun(tokens, catalog, metric, sup));
    // "which month had the most new MRR": the period itself is ranked, a bucket of the grain said
    const bucket = dim
      ? undefined
      : (execSaid(BUCKET_RANKED, text) ??
        fromLead(execSaid(BUCKET_LEAD, lead)) ??
        (leading ? bucketAfter(text) : null) ??
        (when ? { 0: "", 1: metric.grain, index: 0 } : null) ??
        (ranked && /^(day|week|month|quarter|year)s?$/.test(ranked.raw)
          ? { 0: ranked.raw, 1: ranked.raw, index: ranked.start }
          : null) ??
        (leading && ownBuckets(sup) ? { 0: "", 1: metric.grain, index: sup.index } : null));
    if (bucket) {
      const word = bucket[1]!.replace(/s$/, "") as Grain;
      if (GRAIN_RANK[word] >= GRAIN_RANK[metric.grain]) {
        argmaxGrain = word;
        argmax = { dimension: "period", direction: directionOf(sup[0], metric) };
        markSpan(tokens, placed, sup.index, sup.index + sup[0].length);
        markSpan(tokens, placed, bucket.index, bucket.index + bucket[0].length);
      }
    }
    if (dim) {
      argmax = { dimension: dim.dim, direction: directionOf(sup[0], metric) };
      markSpan(tokens, placed, sup.index, sup.index + sup[0].length);
      tokens.forEach((t, i) => {
        if (t.raw === "popular") placed[i] = true;
      });
    }
    // "top 3 plans by MRR", "bottom two reps": the ranking lists that many, never only the first
    const count = argmax ? execSaid(RANK_COUNT, lead) : null;
    if (argmax && count) {
      const said = count[1] ?? count[2] ?? count[3]!;
      const n = NUMBER_WORDS[said] ?? Number(said);
      if (n > 1) argmax = { ...argmax, n: Math.min(n, 100) };
      markSpan(tokens, placed, leadAt + count.index, leadAt + count.index + count[0].length);
      why.push(`"${count[0]}": the ${n} ${argmax.direction === "least" ? "lowest" : "highest"}, listed`);
    }
  }

  // "the best month ever for new customers", "of all time": a ranking of buckets over all the data there is; "total
  // cash collected since launch": a flow (or a ratio) over all of it — a level has no value over all time, so there
  // the words stay unplaced and ask back
  let allTime = false;
  if ((argmax?.dimension === "period" || (!argmax && kind !== "stock")) && !periodsFound.length)
    tokens.forEach((t, i) => {
      const allOf = t.raw === "time" && tokens[i - 1]?.raw === "all";
      if (t.raw !== "ever" && !allOf) return;
      placed[i] = true;
      if (allOf) placed[i - 1] = true;
      allTime = true;
    });

  // breakdowns: "by tier", "per sales rep", "broken down by stage"
  const groupBy: string[] = [];
  for (const m of text.matchAll(
    /\b(?:by|per|across|for each|for every|each|every|broken down by|break down by|breakdown by|breakdown of .*? by|split by|grouped by)\s+/g,
  )) {
    const startIdx = tokens.findIndex((t) => t.start >= m.index! + m[0].length);
    if (startIdx < 0 || placed[startIdx]) continue;
    const dim = findDimension(tokens, placed, catalog, metric, false, startIdx);
    // "top 3 stages by pipeline": after a ranking, "by" a word of the metric's own name is the measure ranked by
    const measure =
      argmax &&
      dim &&
      metricPhraseList(metric).some((p) => stemsOf(p).includes(tokens[startIdx]!.stem)) &&
      dim.dim !== argmax.dimension;
    if (dim && !measure) {
      if (!groupBy.includes(dim.dim)) groupBy.push(dim.dim);
      tokens.forEach((t, i) => {
        if (/^(break|broken|down|split|grouped|breakdown)$/.test(t.raw)) placed[i] = true;
      });
    }
  }

  // "MRR across all plans", "total open pipeline for all owners": a dimension after "all" is no filter, which is the
  // reading already ("all plans" in Read as)
  if (!filters.length)
    tokens.forEach((t, i) => {
      if (t.raw !== "all" || placed[i + 1] === undefined) return;
      for (const d of metric.dimensions)
        for (const p of dimensionPhrases(catalog, metric, d)) {
          const stems = stemsOf(p);
          const at0 = tokens[i + 1] && /^(the|our)$/.test(tokens[i + 1]!.raw) ? i + 2 : i + 1;
          if (stems.length && stems.every((x, j) => tokens[at0 + j]?.stem === x && !placed[at0 + j]))
            for (let k = at0; k < at0 + stems.length; k++) placed[k] = true;
        }
    });
  // a comparison word that is not a value already read ("customers on Growth" names a plan)
  // the first word of change, and every "vs" said after it ("Growth plan customers, August vs July": Growth is a plan,
  // "vs" the comparison); a later word of change alone stays a name of the metric ("MRR growth" is net new MRR)
  const cmps = [...bare.matchAll(new RegExp(COMPARE.source, "g"))].filter(
    (m, k) => k === 0 || /^(?:vs\.?|versus|compared|against)\b/.test(m[0]),
  );
  const cmpWords = tokens
    .map((t, i) => ({ t, i }))
    .filter(
      ({ t }) =>
        cmps.some((cmp) => t.start >= cmp.index && t.end <= cmp.index + cmp[0].length) &&
        /^(compare|compared|comparison|vs|versus|against|change|changed|difference|grow|grew|grown|growth|improve|improved|improving|worsen|worsened|worsening|deteriorate|deteriorated|deteriorating|go|goes|going|gone|went|up|down)$/.test(
          t.raw,
        ),
    );
  // "revenue per account on growth": a word of change said as a value of another metric's dimension (Growth is a
  // plan), with its cue ("on", "the … plan", "… customers"), is that value, which this metric cannot filter on; it
  // stays unplaced (asked back), never read as a comparison
  const valueElsewhere = (i: number) => {
    const raw = tokens[i]!.raw;
    const cued =
      /^(on|in|for|the|from)$/.test(tokens[i - 1]?.raw ?? "") ||
      /^(plan|tier|customer|account|subscriber|user|pipeline)$/.test(tokens[i + 1]?.stem ?? "");
    if (!cued) return false;
    for (const values of catalog.dimensionValues?.values() ?? [])
      if (values.some((v) => v.toLowerCase() === raw)) return true;
    return false;
  };
  // "yoy MRR in October", "ARR in Q3 quarter over quarter": a unit-over-unit word with one period named is the
  // comparison of that period with the same one a unit back (never a table of one row, which states no change)
  // "csat wow", "mrr mom" with no period: the unit now against the one before — only for a level or an average,
  // which read the same over part of a unit as over all of it (a count to date set against a whole unit would not;
  // it stays the series by that unit)
  const overOne =
    (periodsFound.length === 1 || (!periodsFound.length && (kind === "stock" || isAverage(metric)))) &&
    overFits(text, periodsFound, at);
  const compare =
    (overOne || cmpWords.some(({ t, i }) => (!placed[i] || STOP.has(t.raw)) && !valueElsewhere(i))) &&
    !argmax &&
    !groupBy.length;
  if (compare) {
    // (with a "vs" said after a first word of change, that word may be a value — "Growth": left to the filters)
    const valueWord = (i: number) =>
      cmps.length > 1 &&
      (/^(on|in|for|the|from)$/.test(tokens[i - 1]?.raw ?? "") ||
        /^(plan|tier|customer|account|subscriber|user|pipeline)$/.test(tokens[i + 1]?.stem ?? "")) &&
      [...(catalog.dimensionValues?.values() ?? [])].some((vs) => vs.some((v) => v.toLowerCase() === tokens[i]!.raw));
    tokens.forEach((t, i) => {
      if ((COMPARE_WORDS.has(t.raw) && !valueWord(i)) || t.raw === "did" || t.raw === "how") placed[i] = true;
    });
    for (const m of text.matchAll(UP_DOWN)) markSpan(tokens, placed, m.index!, m.index! + m[0].length);
    // "vs the month before", "against the prior quarter": the other side is the period before, the default
    for (const m of text.matchAll(PERIOD_BEFORE)) markSpan(tokens, placed, m.index!, m.index! + m[0].length);
  }

  // the metric's own words not read as a dimension; then words of its other names, which agree with it
  // ("who closed the most revenue": revenue is in "won revenue"), except a bare dimension name ("MRR plans")
  const bareDims = new Set(
    metric.dimensions
      .flatMap((d) => dimensionPhrases(catalog, metric, d))
      .map(stemsOf)
      .filter((x) => x.length === 1)
      .flat(),
  );
  // an interval word qualifying a thing ("monthly subscriptions", "annual plans") is a filter, never the metric's word
  const qualifier = (i: number) =>
    /^(?:daily|weekly|monthly|quarterly|yearly|annual|annually)$/.test(tokens[i]!.raw) &&
    QUALIFIED_NOUN.test(` ${tokens[i + 1]?.raw ?? ""}`);
  tokens.forEach((t, i) => {
    if (qualifier(i)) return;
    if (!placed[i] && (c.covered.has(t.stem) || (c.vocabulary.has(t.stem) && !bareDims.has(t.stem)))) placed[i] = true;
  });
  // "response time for tickets", "reply to tickets": after for/of/on/to, a word of the metric's own definition
  // names what it is measured on (the first sentence of its description), never a dimension or its value
  // ("for deals won": the words run as they do in "the deals won in the period")
  const definition = stemsOf(firstSentence(metric));
  tokens.forEach((_, i) => {
    if (!/^(for|of|on|to)$/.test(tokens[i - 1]?.raw ?? "")) return;
    let run = 0;
    for (let d = 0; d < definition.length; d++) {
      let k = 0;
      while (
        i + k < tokens.length &&
        definition[d + k] === tokens[i + k]!.stem &&
        !STOP.has(tokens[i + k]!.stem) &&
        !TIME_NOUNS.has(tokens[i + k]!.raw) &&
        !bareDims.has(tokens[i + k]!.stem)
      )
        k++;
      run = Math.max(run, k);
    }
    for (let k = 0; k < run; k++) placed[i + k] = true;
  });
  // "free trials ended": words of the definition said in its order next to the metric's own words restate it
  tokens.forEach((_, i) => {
    for (let d = 0; d < definition.length; d++) {
      let k = 0;
      while (i + k < tokens.length && definition[d + k] === tokens[i + k]!.stem && !TIME_NOUNS.has(tokens[i + k]!.raw))
        k++;
      const run = tokens.slice(i, i + k);
      if (k >= 2 && run.some((t) => c.covered.has(t.stem)) && run.every((t) => !bareDims.has(t.stem)))
        for (let j = 0; j < k; j++) placed[i + j] = true;
    }
  });
  // "net retention rate", "churn percentage": a percentage metric is a rate
  if (metric.format === "percent")
    tokens.forEach((t, i) => {
      if (/^(rate|rates)$/.test(t.raw)) placed[i] = true;
    });
  // a source's name says where the data comes from ("our Stripe customers"), read last
  const sources = new Set(Object.keys(catalog.project.config.sources ?? {}));
  tokens.forEach((t, i) => {
    if (sources.has(t.raw)) placed[i] = true;
  });
  // "tickets by priority": a split on a word that is no dimension of the metric (it only named the metric)
  const grainWord = /^(day|days|week|weeks|month|months|quarter|quarters|year|years|qtr|yr)$/;
  const ownPhrases = metricPhraseList(metric).map((p) => stemsOf(p).join(" "));
  tokens.forEach((t, i) => {
    const x = tokens[i + 1];
    if (!x || !/^(by|per)$/.test(t.raw) || STOP.has(x.raw) || grainWord.test(x.raw) || dimStems.has(x.stem)) return;
    // "the biggest plan by MRR": a whole name of the metric after "by" is the measure ranked by
    if (ownPhrases.some((p) => ` ${p} `.includes(` ${t.stem} ${x.stem} `) || p === x.stem)) return;
    // ... of several words: "the top rep by won amount", "the biggest plan by recurring revenue"
    if (ownPhrases.some((p) => p.split(" ").every((s, k) => tokens[i + 1 + k]?.stem === s))) return;
    if (c.covered.has(x.stem)) placed[i + 1] = false;
  });
  const unplaced = tokens.filter((_, i) => !placed[i]).map((t) => t.raw);
  // "how many" of an amount, "what %" of a count, "how much" of a count: the question asks for another metric
  // ("what do our customers pay us a month": what someone pays is money, though "pay" names the customers counted)
  const said = cueOf(tokens.filter((t) => STOP.has(t.raw) || !c.vocabulary.has(t.stem))) ?? paysAmountAsked(text);
  const clash =
    said &&
    said !== metric.format &&
    // a comparison states the change in percent and in its own unit ("what % did MRR grow", "how much did new
    // customers grow": the size of the change, not an amount of money)
    !(compare && (said === "percent" || said === "currency")) &&
    !(said === "currency" && (metric.format !== "number" || metric.unit || kind === "ratio"));
  // "which customer pays the most", "top account by MRR": a ranking of something that is no dimension of the metric nor a
  // bucket of time is never answered with the metric's total
  // ("…, which rep won the most deals": a ranking asked anywhere in the question is never dropped for a total)
  if (sup && !argmax && (leading || when || ranked || /\b(?:which|who)\b/.test(text) || comparativeAt(text)))
    unplaced.push(`${sup[0]} (nothing of ${metric.name} to rank: no dimension of it or period bucket is named)`);
  if (clash)
    unplaced.push(`${CUE_WORDS[said]} (${metric.name} is ${FORMAT_WORDS[metric.format ?? "number"] ?? metric.format})`);
  // "churn amount", "churn $": a money noun heading the phrase asks for money, which a rate or a count is not
  else if (headUnitOf(tokens) === "currency" && metric.format !== "currency")
    unplaced.push(`an amount (${metric.name} is ${FORMAT_WORDS[metric.format ?? "number"] ?? metric.format})`);
  const partial: Partial<Interpretation> = { metric: metric.name, metric_label: metric.label ?? metric.name, why };
  if (unplaced.length) return { unplaced, partial };

  // the period
  let period: PeriodInput;
  let range = false;
  const found = periodsFound.sort((a, b) => a.start - b.start);
  // "in the first half of the year, January through June", "Q3 — July to September": a period restated after it as
  // the range it spans is one period; a restatement that spans anything else ("Q3, August through September") is no
  // restatement, and stays two periods to ask back
  if (found.length === 2 || found.length === 3) {
    const [first, from, to] = [found[0]!, found[1]!, found.at(-1)!];
    const apposed = /^(?:,|—|–|-|:|\(|,?\s*(?:i\.?e\.?|that\s+is|meaning|so|or),?)$/.test(
      text.slice(first.end, from.start).trim(),
    );
    const spans =
      found.length === 2 || /^(?:to|through|thru|until|till|-|–)$/.test(text.slice(from.end, to.start).trim());
    const whole = resolvePeriod(first.period, at);
    if (
      apposed &&
      spans &&
      resolvePeriod(from.period, at).start === whole.start &&
      resolvePeriod(to.period, at).end === whole.end
    )
      found.splice(1);
  }
  // "MRR in August vs July vs June": a comparison has two sides, never the first two of three
  if (compare && found.length > 2)
    return {
      unplaced: [`${found.map((f) => resolvePeriod(f.period, at).label).join(" vs ")} (two periods at a time)`],
      partial,
    };
  // "in August and September": two periods joined by "and" that meet end to end are one range; two that leave a
  // gap (or more than two) are never cut to the first one said
  const ranged =
    found.length >= 2 &&
    (/\b(?:from|between)\b/.test(text) ||
      (found.length === 2 &&
        /^(?:to|through|thru|until|till|-|–)$/.test(text.slice(found[0]!.end, found[1]!.start).trim())));
  let joined = false;
  if (found.length >= 2 && !ranged && !compare) {
    // "in August and September", "jul, aug and sep": each next one starts where the one before ends
    const meets = found.slice(1).every((f, k) => {
      const between = text.slice(found[k]!.end, f.start).trim();
      return (
        /^(?:and|&|,|plus|, and)$/.test(between) &&
        resolvePeriod(found[k]!.period, at).end === resolvePeriod(f.period, at).start
      );
    });
    if (meets) joined = true;
    else
      return {
        unplaced: [
          `${found.map((f) => resolvePeriod(f.period, at).label).join(" and ")} (one period or one range at a time)`,
        ],
        partial,
      };
  }
  if ((ranged || joined) && !compare) {
    const last = found[found.length - 1]!;
    period = spanOf(found[0]!.period, last.period, at);
    if (joined || !/\b(?:from|between)\b/.test(text)) {
      tokens.forEach((t, i) => {
        if (t.start >= found[0]!.end && t.end <= last.start) placed[i] = true;
      });
      why.push(`"${text.slice(found[0]!.start, last.end)}" is one range`);
    }
  } else if (found.length) period = found[0]!.period;
  else if (allTime && !argmax && !grain0 && !trend) {
    period = "all";
    why.push(`all time: every ${metric.grain} ${metric.name} has data for, from the first row of its mart`);
  } else if (kind === "ratio" && LONG_UNITS.test(metric.unit ?? "")) {
    // "how long is our sales cycle?": a duration of days is read over the deals of the year so far, not the
    // handful that closed last month; the answer says the window
    period = "ytd";
    why.push(`no period named: ${metric.name} is a duration in ${metric.unit}, read over the year to date`);
  } else {
    period = kind === "stock" ? "latest" : "last_month";
    why.push(
      kind === "stock"
        ? `no period named: ${metric.name} is a level, read now`
        : "no period named: the last full month",
    );
  }
  // "excluding the current partial month": the period ends where the running month starts; a period inside that
  // month, or a level read now, has nothing left to read, and asks back
  if (partialOut?.month) {
    // a month named left out: cut from the period's start or end; one in its middle (or outside it) asks back
    const r = period === "latest" ? undefined : resolvePeriod(period, at);
    // (a resolved period's end is the day after it)
    const last = r && inclusiveEnd(r.end);
    const cut = r && last && monthWithin(partialOut.month, { start: r.start, end: last });
    if (!r || !last || !cut || (cut.start > r.start && cut.end < last) || (cut.start <= r.start && cut.end >= last))
      return { unplaced: [`${partialOut.said} (left out of the middle of the period, or of no period said)`], partial };
    const dayBefore = inclusiveEnd(cut.start);
    const dayAfter = ymd(add(parseDate(cut.end), "day", 1));
    period = cut.end >= last ? { start: r.start, end: dayBefore } : { start: dayAfter, end: last };
    why.push(`"${partialOut.said}": ${cut.start.slice(0, 7)} left out, the period is ${period.start} to ${period.end}`);
  } else if (partialOut) {
    const monthStart = ymd(truncate(at, "month"));
    const r = period === "latest" ? undefined : resolvePeriod(period, at);
    if (!r || r.start >= monthStart)
      return { unplaced: [`${partialOut.said} (nothing of the period is left)`], partial };
    if (r.end > monthStart) {
      period = { start: r.start, end: inclusiveEnd(monthStart) };
      why.push(
        `"${partialOut.said}": ${labelOf(truncate(at, "month"), "month")} left out, the period ends ${inclusiveEnd(monthStart)}`,
      );
    }
  }
  // a level read at its period's start (customers_at_start) is already "at the start of October"
  if (instantStart && period !== "latest" && metric.time_rollup === "last") {
    const r = resolvePeriod(period, at);
    const prev = add(parseDate(r.start), metric.grain, -1);
    period = ymd(prev).slice(0, metric.grain === "month" ? 7 : 10);
    if (metric.grain === "month") period = ymd(prev).slice(0, 7);
    why.push(`the start of ${r.label} is the end of ${labelOf(prev, metric.grain)} for a level like ${metric.name}`);
  }
  // "ARR now vs the start of the year": the side said as a start is the end of the bucket before it, in a comparison too
  if (compare && metric.time_rollup === "last" && metric.grain === "month")
    for (const f of startOf) {
      const r = resolvePeriod(f.period, at);
      f.period = ymd(add(parseDate(r.start), "month", -1)).slice(0, 7);
    }
  if (period !== "latest") {
    const r = resolvePeriod(period, at);
    const startBucket = truncate(parseDate(r.start), metric.grain);
    const covers = ymd(startBucket) === r.start && ymd(add(startBucket, metric.grain, 1)) <= r.end;
    if (!covers && bucketsIn(period, metric.grain, at) === 1) {
      // "MRR today": a level inside the current month is that month to date; a flow cannot be split finer
      // a level is kept at bucket ends: a day inside a past month ("ARR as of September 15") is no month end, and
      // the month's end is another instant, so it asks back; the current month reads at the last pull
      if (kind === "stock") {
        const today = ymd(truncate(at, "day"));
        const lastBucket = truncate(add(parseDate(r.end), "day", -1), metric.grain);
        const bucketEnd = ymd(add(lastBucket, metric.grain, 1));
        // "users active today", "accounts that logged in this week": a count of those active at least once in the
        // bucket (MAU) is no level at an instant — the month to date is not today's; asked back (a metric of that
        // grain, DAU or WAU, is tried next)
        if (r.end > today && countsActivity(metric))
          return {
            unplaced: [`${r.label} (${metric.name} counts activity over a whole ${metric.grain})`],
            partial,
          };
        if (r.end > today) period = "latest";
        else if (bucketEnd === r.end && metric.grain === "month") period = ymd(lastBucket).slice(0, 7);
        else if (
          metric.grain === "month" &&
          r.start === ymd(lastBucket) &&
          ymd(add(parseDate(r.start), "day", 1)) === r.end
        ) {
          // "customers on Oct 1", "ARR as of 1 September": the first day of a month opens it, so the level is the
          // one the month starts with — the end of the month before (said in the reading)
          const prev = add(lastBucket, "month", -1);
          period = ymd(prev).slice(0, 7);
          why.push(
            `${r.label} is the start of ${labelOf(lastBucket, "month")}: the end of ${labelOf(prev, "month")} for a level like ${metric.name}`,
          );
        } else {
          const before = labelOf(add(lastBucket, metric.grain, -1), metric.grain);
          const after = bucketEnd > today ? "now" : `the end of ${labelOf(lastBucket, metric.grain)}`;
          return {
            unplaced: [
              `${r.label} (${metric.name} is kept at ${metric.grain} ends: ask for the end of ${before} or ${after})`,
            ],
            partial,
          };
        }
      } else
        return {
          unplaced: [`${r.label} (${metric.name} is counted by ${metric.grain})`],
          partial,
        };
    }
    // "MRR from Aug 3 to Sep 14", "MAU for Sep 15 – Oct 15": a level kept by month over a range of days is read at
    // month ends, and the month holding the range's last day ends after it (a count of the active, MAU, takes in the
    // whole month at either end): asked back, never the months' series (the month still running reads to date)
    if (kind === "stock" && bucketsIn(period, metric.grain, at) > 1) {
      const lastBucket = truncate(add(parseDate(r.end), "day", -1), metric.grain);
      const endsInside = ymd(add(lastBucket, metric.grain, 1)) !== r.end && lastBucket < truncate(at, metric.grain);
      if (endsInside || (countsActivity(metric) && ymd(startBucket) !== r.start))
        return {
          unplaced: [
            `${r.label} (${metric.name} is kept by ${metric.grain}: ${countsActivity(metric) ? `it counts activity over whole ${metric.grain}s` : `its values are at ${metric.grain} ends`}; ask for whole ${metric.grain}s)`,
          ],
          partial,
        };
    }
    // "new customers in the last 30 days": a count by month cannot start mid-month (it would count whole months), nor
    // end inside a month that is over ("new MRR from Jan 1 to Sep 14", "PYTD": all of September is no 14 days of it)
    const endBucket = truncate(add(parseDate(r.end), "day", -1), metric.grain);
    const endsInside = ymd(add(endBucket, metric.grain, 1)) !== r.end && endBucket < truncate(at, metric.grain);
    if (kind !== "stock" && period !== "latest" && (ymd(startBucket) !== r.start || endsInside))
      return { unplaced: [`${r.label} (${metric.name} is counted by ${metric.grain})`], partial };
    range = bucketsIn(period, metric.grain, at) > 1;
    if (period !== "latest" && resolvePeriod(period, at).start > ymd(truncate(at, "day")))
      return { unplaced: [`${resolvePeriod(period, at).label} (it has not started yet)`], partial };
  }
  // a level over an explicit range ("MRR from September to November") is its monthly series
  const spanned = (ranged || joined) && kind === "stock";
  let grain = argmaxGrain ?? grain0 ?? (trend || spanned ? metric.grain : undefined);
  if (grain && GRAIN_RANK[grain] < GRAIN_RANK[metric.grain]) grain = metric.grain;
  if (grain && !found.length && allTime) {
    period = "all";
    why.push(`"ever": every ${grain} with data`);
  } else if (grain && !found.length)
    period = trailingWindow(resolvePeriod("this_month", at).end, grain, grain === metric.grain ? 12 : 4, at);
  if (range && !grain && kind === "flow") why.push("a total over the whole period, not a monthly table");
  const statistic = /^\s*(median|avg|mean)\s*\(/i.exec(metric.expression ?? "")?.[1]?.toLowerCase();
  if (range && !grain && kind === "ratio")
    why.push(
      statistic
        ? `one ${statistic === "median" ? "median" : "mean"} over every case of the whole period, not an average of monthly values`
        : "one ratio over the whole period (numerator and denominator over the period, not a sum of monthly rates)",
    );
  if (range && !grain && kind === "stock") why.push(`${metric.name} is a level: its value at the end of the period`);

  const interpretation = buildInterpretation(metric, kind, period, filters, grain, groupBy, argmax, why, at, catalog);
  // "since launch": all time is every bucket the mart has, from its first row — said so in the reading
  if (period === "all" && !grain)
    interpretation.read_as = interpretation.read_as.replace(
      "all time",
      `all time (every ${metric.grain} of data, from the mart's first row)`,
    );
  return {
    ok: {
      metric,
      period,
      range,
      filters: filters.map(({ said: _, ...f }) => f),
      grain,
      grainSaid: !!(argmaxGrain ?? grain0 ?? trend),
      groupBy,
      argmax,
      compare,
      ...(compare && execSaid(OVER, text) ? { shift: OVER_UNIT[execSaid(OVER, text)![1]!.replace(/\W/g, "")] } : {}),
      periods: found,
      interpretation,
      extra,
      text,
    },
    unplaced: [],
  };
}

/** a value's clause negated ("not on Pro", "non-Enterprise", "that isn't Starter"), beside the shared leads */
const NEGATION_BEFORE = new Set([
  "non",
  "not",
  "outside",
  "besides",
  "isn't",
  "isnt",
  "aren't",
  "arent",
  "weren't",
  "werent",
  "wasn't",
  "wasnt",
]);
const NEGATION_AFTER = new Set(["excluded", "aside"]);
/** the shared exclusion leads (exclusion.ts) as words, longest first */
const LEAD_WORDS = EXCLUSION_LEADS.map((p) => p.split(" ")).sort((a, b) => b.length - a.length);
/** the length of the exclusion lead whose last word is tokens[k] ("apart from" ends at "from"), else undefined */
function leadEndingAt(tokens: { raw: string }[], k: number): number | undefined {
  if (k < 0) return undefined;
  return LEAD_WORDS.find((ws) => ws.every((w, d) => tokens[k - ws.length + 1 + d]?.raw === w))?.length;
}

/** The words that leave a value out: before it (a lead of EXCLUSION_LEADS, "not on the", "non-", "that isn't"),
 * skipping articles and the dimension's own name ("other than the Pro plan"), or after it ("Enterprise excluded");
 * undefined when the value is kept. */
export function negationAt(
  tokens: { raw: string; stem: string }[],
  at: number,
  end: number,
  dimPhrases: string[],
): number[] | undefined {
  const dimWords = new Set(dimPhrases.flatMap(stemsOf));
  const skip = (t: { raw: string; stem: string }) =>
    /^(the|a|an|on|in|of|for|from|our|any)$/.test(t.raw) || dimWords.has(t.stem);
  const used: number[] = [];
  let i = at - 1;
  // a skipped word may end a lead ("apart from", "except for")
  while (i >= 0 && skip(tokens[i]!) && !leadEndingAt(tokens, i) && at - i <= 4) used.push(i--);
  const t = tokens[i];
  // "everyone except Tom", "all except Pro": the whole said before the exception is the rest of it, nothing more
  const whole = (k: number) =>
    /^(everyone|everybody|everything|all|anyone|anybody)$/.test(tokens[k]?.raw ?? "") ? [k] : [];
  const lead = leadEndingAt(tokens, i);
  if (lead) {
    const first = i - lead + 1;
    return [...used, ...Array.from({ length: lead }, (_, d) => first + d), ...whole(first - 1)];
  }
  if (t && NEGATION_BEFORE.has(t.raw)) return [...used, i, ...whole(i - 1)];
  // "all but Enterprise", "every plan but Pro", "everything but Starter"
  if (t && t.raw === "but") {
    const k = [i - 1, i - 2].find((x) => /^(all|every|everything|everyone|anything)$/.test(tokens[x]?.raw ?? ""));
    if (k !== undefined) return [...used, ...Array.from({ length: i - k + 1 }, (_, d) => k + d)];
  }
  let j = end;
  const after: number[] = [];
  while (j < tokens.length && dimWords.has(tokens[j]!.stem)) after.push(j++);
  if (tokens[j] && NEGATION_AFTER.has(tokens[j]!.raw)) return [...after, j];
  if (tokens[j]?.raw === "left" && tokens[j + 1]?.raw === "out") return [...after, j, j + 1];
  // "if you take Enterprise out", "with Enterprise taken out", "leaving Pro out" (#15, batch 46)
  const verb = TAKE_OUT.has(tokens[i]?.raw ?? "") ? i : undefined;
  if (verb !== undefined && tokens[j]?.raw === "out") {
    let k = verb;
    while (k > 0 && /^(?:if|when|you|we|once|after)$/.test(tokens[k - 1]!.raw) && verb - k < 2) k--;
    return [...used, ...Array.from({ length: verb - k + 1 }, (_, d) => k + d), ...after, j];
  }
  if (tokens[j] && /^(?:taken|stripped|pulled|left)$/.test(tokens[j]!.raw) && tokens[j + 1]?.raw === "out")
    return [...after, j, j + 1, ...(tokens[i]?.raw === "with" ? [i] : [])];
  return undefined;
}
const TAKE_OUT = new Set(["take", "taking", "took", "leave", "leaving", "strip", "stripping", "pull", "pulling"]);

function findDimension(
  tokens: Token[],
  placed: boolean[],
  catalog: Catalog,
  metric: MetricDef,
  anywhere: boolean,
  at = 0,
  only?: (phrase: string) => boolean,
  within = tokens.length,
): { dim: string } | undefined {
  let best: { dim: string; i: number; len: number } | undefined;
  for (const dim of metric.dimensions) {
    for (const p of dimensionPhrases(catalog, metric, dim)) {
      if (only && !only(p)) continue;
      const stems = stemsOf(p);
      if (!stems.length) continue;
      // "who" is a stop word elsewhere; here it names the dimension whose synonyms say so
      const i = anywhere
        ? tokens.findIndex(
            (_, k) => k < within && stems.every((s, j) => tokens[k + j]?.stem === s && (!placed[k + j] || s === "who")),
          )
        : stems.every((s, j) => tokens[at + j]?.stem === s && !placed[at + j])
          ? at
          : -1;
      if (i >= 0 && (!best || stems.length > best.len)) best = { dim, i, len: stems.length };
    }
  }
  if (!best) return undefined;
  for (let k = best.i; k < best.i + best.len; k++) placed[k] = true;
  return { dim: best.dim };
}

function buildInterpretation(
  metric: MetricDef,
  kind: Interpretation["kind"],
  period: PeriodInput,
  filters: (Filter & { said: string })[],
  grain: Grain | undefined,
  groupBy: string[],
  argmax: Interpretation["argmax"],
  why: string[],
  at: Date,
  catalog: Catalog,
): Interpretation {
  const label = metric.label ?? metric.name.replaceAll("_", " ");
  const p = periodText(period, at, grain ? "flow" : kind, metric);
  const parts: string[] = [];
  if (grain) parts.push(`${label} by ${grain}, ${p.text}`);
  else if (kind === "stock")
    parts.push(`${label} at ${p.text.startsWith("now") ? p.text : p.text}`.replace(" at now", " now"));
  else if (bucketsIn(period, metric.grain, at) > 1)
    parts.push(
      kind === "flow"
        ? `${label}, total over ${p.text}`
        : /^\s*median\s*\(/i.test(metric.expression ?? "")
          ? `${label} over ${p.text} as one median`
          : /^\s*(?:avg|mean)\s*\(/i.test(metric.expression ?? "")
            ? `${label} over ${p.text} as one mean`
            : `${label} over ${p.text} as one ratio`,
    );
  else parts.push(`${label} ${during(p.text)}`);
  if (argmax) {
    const ranked = argmax.dimension === "period" && grain ? grain : argmax.dimension.replaceAll("_", " ");
    parts.push(
      argmax.n
        ? `the ${argmax.n} ${ranked}s with the ${argmax.direction}`
        : `the ${ranked} with the ${argmax.direction}`,
    );
  }
  if (groupBy.length) parts.push(`by ${groupBy.join(", ")}`);
  if (filters.length) parts.push(filters.map((f) => filterText(f)).join(" and "));
  else {
    const dim = metric.dimensions.find((d) => d !== "currency" && !groupBy.includes(d) && d !== argmax?.dimension);
    if (dim && !argmax) parts.push(`all ${dim.replaceAll("_", " ")}s`);
  }
  void catalog;
  // a reading decided by the metric's name and a period said plainly still says how it was read
  if (!why.length)
    why.push(
      kind === "stock" && !grain
        ? `${label} is a level: read at ${p.text}`
        : kind === "flow"
          ? `${label} counts what happened in a period: ${grain ? `per ${grain}` : "summed"} over ${p.text}`
          : `${label} is a ratio: ${grain ? `one per ${grain}` : "one"} over ${p.text}, never an average of rates`,
    );
  return {
    metric: metric.name,
    metric_label: label,
    kind,
    period: p,
    filters: filters.map((f) => ({ dimension: f.dimension, op: f.op, value: f.value, said: f.said })),
    grain: grain ?? null,
    group_by: groupBy,
    argmax,
    why,
    read_as: parts.join(", "),
  };
}

/**
 * The LLM path's reading: what its first metric call asked for, in the same fields as the offline planner's
 * (why says it came from the model's call); with no metric call, its ranking of a mart's rows. Null when it called
 * neither.
 */
export function interpretationOfCalls(
  catalog: Catalog,
  calls: { name: string; input: Record<string, unknown> }[],
  at: Date,
): Interpretation | null {
  const call = calls.find((c) => c.name === "query_metric" || c.name === "compare_periods");
  const metric = call && catalog.metrics.find((m) => m.name === call.input.metric);
  // no metric called: a ranking of a mart's rows is read as the offline planner reads one
  const ranked = calls.find((c) => c.name === "top_n");
  if ((!call || !metric) && ranked && catalog.models.has(String(ranked.input.mart)))
    try {
      return rowsInterpretation(ranked.input as Parameters<typeof rowsInterpretation>[0], catalog, at, false, [
        "the model's top_n call",
      ]);
    } catch {
      return null;
    }
  if (!call || !metric) return null;
  const period = (call.input.period ?? call.input.current ?? "latest") as PeriodInput;
  const filters = ((call.input.filters ?? []) as Filter[]).map((f) => ({ ...f, said: "" }));
  try {
    return buildInterpretation(
      metric,
      kindOf(metric),
      period,
      filters,
      call.input.grain as Grain | undefined,
      (call.input.group_by ?? []) as string[],
      null,
      [`the model's ${call.name} call`],
      at,
      catalog,
    );
  } catch {
    return null;
  }
}

/**
 * The words a refusal quotes back. A word with digits ("1m", "50k", "3f9a") is named, not repeated: a
 * refusal that repeats the asker's figure reads as an answer stating it ("MRR is $1M" injected, "when do we
 * hit $1M ARR"), to a reader and to any judge that takes the numbers of the text.
 */
export function placeList(words: string[]): string {
  // an explanation ("December 2027 (it has not started yet)") is shown whole; only the asker's own tokens are figures
  const figure = (w: string) => /\d/.test(w) && !/\s/.test(w);
  const shown = words.filter((w) => !figure(w)).map((w) => `"${w}"`);
  const figures = words.length - shown.length;
  if (figures) shown.push(figures === 1 ? "a figure you wrote" : "the figures you wrote");
  return shown.join(", ");
}
