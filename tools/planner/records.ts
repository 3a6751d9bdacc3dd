import type { Catalog } from "../../engine/catalog/catalog.ts";
import { BOUND_SAID, boundOp } from "./bound-op.ts";
import { boundMisfit, filtersSaid, readBucketCount } from "./buckets.ts";
import { figureValue } from "./figure.ts";
import { findPeriods } from "./periods.ts";
import { normalize } from "./text.ts";
import type { Plan, Refusal } from "./plan-types.ts";
import { understand } from "./understand.ts";

/**
 * Records, extremes and streaks over time (#15, batch 47), read as the rankings and bucket readings the planner
 * already answers:
 *   - a record said without "ever": "the record number of deals won in a month", "record month for refunds", "the
 *     all-time high for DAU", "the most cash we've had in a single month", "what day did the backlog peak" — the
 *     ranking of every bucket with data (all time), when no period is named;
 *   - "slowest / quietest month for signups": the bucket with the fewest (never for a time to reply, where slow is
 *     the most);
 *   - "highest ARPA ever" with no bucket word: the metric's own grain;
 *   - "when did MRR first pass $50k", "first month with more than 100 customers", "when was ARR last below 400k": the
 *     first (last) bucket of all the data whose value passes the bound;
 *   - "when did open pipeline first go down month over month", "when did MRR last fall": the first (last) bucket
 *     below (above) the one before;
 *   - "how many months in a row has MRR grown (up to October)": the run of buckets above the one before, ending with
 *     the period said (this month when none).
 * A question with no metric ("when did we first pass 50k", "best month ever") is left to ask back.
 */

const SUP =
  /\b(?:most|fewest|least|highest|lowest|biggest|largest|smallest|best|worst|busiest|quietest|slowest|peak(?:ed|s)?|max(?:imum)?|min(?:imum)?|record)\b/;
const GRAIN = String.raw`(day|week|month|quarter)`;
const GRAIN_WORD = /\b(?:day|days|week|weeks|month|months|quarter|quarters)\b/;
/** a time to reply or resolve: "slow" is the most of it, never the fewest */
const DURATION = /\b(?:repl(?:y|ies|ied)|respon(?:se|ses|d)|resol(?:ve|ved|ution)|time|minutes|hours|wait|handle)\b/;

/** The record words of one question rewritten into the ranking the planner reads ("… in a month ever"). */
export function recordsSaid(typed: string, at: Date): string {
  const text = normalize(typed);
  let t = text;
  let record = false;
  const sub = (re: RegExp, to: string | ((...m: string[]) => string)) => {
    const next = t.replace(re, to as never);
    if (next !== t) record = true;
    t = next;
  };
  // "record number of deals won", "a record amount of refunds": the most
  sub(/\b(?:a |the |our )?record[\s-](?:number|count|amount|level|total|volume|high)s?(?: of)?\b/g, "most");
  // "record month for refunds", "our record week of tickets": the bucket with the most
  sub(new RegExp(String.raw`\b(?:a |the |our )?record[\s-]${GRAIN}s?\s+(?:for|of|in|on)\b`, "g"), "$1 with the most");
  // "all-time high for daily actives", "our all-time low in churn": the highest (lowest) ever
  sub(
    /\b(?:the |our |an? )?all[\s-]time[\s-](high|highs|peak|record|max(?:imum)?|best|low|lows|min(?:imum)?|worst)\s*(?:for|of|in|on)?\b/g,
    (_m: string, w: string) => (/^(?:low|lows|min|minimum|worst)$/.test(w) ? "lowest" : "highest"),
  );
  // "the most cash we've (ever) had | seen | collected in a single month": ever, with the verb that names the metric kept
  if (SUP.test(t)) {
    sub(
      /\b(?:that |which )?(?:we|i|you)(?:'ve|'d| have| had)?\s+ever\s+(?:had|seen|got|gotten|hit|recorded|done)\b/g,
      "ever",
    );
    sub(/\b(?:that |which )?(?:we|i|you)(?:'ve|'d| have| had)?\s+ever\b/g, "ever");
    sub(/\b(?:that |which )?(?:we|i|you)(?:'ve| have)\s+(?:had|seen|got|gotten|hit|recorded|done)\b/g, "");
    sub(/\b(?:that |which )?(?:we|i|you)(?:'ve| have)\s+(?=[a-z]+ed\b)/g, "");
    // "in a single day", "in any one month", "in one week": a bucket of that grain
    sub(
      new RegExp(
        String.raw`\bin\s+(?:a\s+(?:single|given)|any\s+(?:one|single|given)|one|a\s+one|a\s+sole)\s+${GRAIN}\b`,
        "g",
      ),
      "in a $1",
    );
  }
  // "is this month our biggest ever for new customers", "are downgrades this month already the worst we've ever had",
  // "is November already our worst month for failed payment dollars": the named bucket checked against every one
  const named = String.raw`((?:this|last)\s+(?:month|week|quarter)|(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?))`;
  const SUPS = String.raw`(biggest|largest|best|worst|highest|lowest|smallest|strongest|weakest|busiest|quietest)`;
  const checkA = new RegExp(
    String.raw`^(is|was)\s+${named}(?:'s)?\s+(?:already\s+|now\s+|officially\s+|really\s+)?(?:our|the)\s+${SUPS}\s+(?:(month|week|quarter)\s+)?(?:ever\s+|of\s+all\s+time\s+)?(?:for|in|on)\s+(.+?)(?:\s+ever)?$`,
  );
  const checkB = new RegExp(
    String.raw`^(are|is|were|was)\s+(?:our\s+|the\s+)?(.+?)\s+${named}\s+(?:already\s+|now\s+|officially\s+|really\s+)?(?:our|the)\s+${SUPS}\s+(?:(month|week|quarter)\s+)?(?:ever|(?:we|i)(?:'ve| have)\s+(?:ever\s+)?(?:had|seen)|of\s+all\s+time)$`,
  );
  const bare = t.replace(/[\s?!.…]+$/, "");
  const a = checkA.exec(bare);
  const b = a ? undefined : checkB.exec(bare);
  // any other check of a named bucket ("am I right that October was our record month") is belief.ts's to read
  const checked = new RegExp(
    String.raw`\b(?:(?:is|was|were|are)\s+(?:our\s+|the\s+)?${named}|${named}(?:'s)?\s+(?:is|was|were|are))\b`,
  );
  if (!a && !b && checked.test(bare)) return typed;
  if (a || b) {
    const [verb, when, sup, grain, what] = a
      ? [a[1]!, a[2]!, a[3]!, a[4], a[5]!]
      : [b![1]!, b![3]!, b![4]!, b![5], b![2]!];
    const unit = grain ?? /\b(?:week|quarter)\b/.exec(when)?.[0] ?? "month";
    const tense = /^(?:was|were)$/.test(verb) ? "was" : "is";
    return `${tense} ${when} the ${sup} ${unit} ever for ${what}`;
  }
  // "what day did the backlog peak", "when did DAU peak": the bucket with the highest
  const peak = new RegExp(
    String.raw`^(?:on\s+)?(?:what|which)\s+${GRAIN}\s+(?:did|was|were)\s+(?:the\s+|our\s+)?(.+?)\s+(?:peak|at\s+(?:its|their)\s+(?:peak|highest|high|max(?:imum)?))\b(.*)$`,
  );
  const p = peak.exec(t);
  if (p) {
    t = `which ${p[1]} had the highest ${p[2]}${p[3]}`;
    record = true;
  }
  // "slowest full month for new signups", "quietest week for tickets": the fewest (a time to reply is slow at its most)
  const slow = new RegExp(
    String.raw`\b(?:slowest|quietest|weakest|softest)\s+(?:full\s+|whole\s+|complete\s+)?${GRAIN}\s+(?:for|of|in)\s+(?!(?:the\s+)?(?:support|help\s*desk|app|product)\b)(.+)$`,
  );
  const s = slow.exec(t);
  if (s && !DURATION.test(s[2]!)) t = `${t.slice(0, s.index)}${s[1]} with the fewest ${s[2]}`;
  // "slowest day for first response", "fastest week for replies": a time is slow at its most, fast at its least
  const pace = new RegExp(
    String.raw`\b(slowest|fastest|quickest)\s+(?:full\s+|whole\s+|complete\s+)?${GRAIN}\s+(?:for|of|in|on)\s+(.+)$`,
  );
  const d = pace.exec(t);
  if (d && DURATION.test(d[3]!)) {
    t = `${t.slice(0, d.index)}${d[2]} with the ${d[1] === "slowest" ? "highest" : "lowest"} ${d[3]}`;
    record = true;
  }
  // "a full month": the ranking leaves the bucket still running out already
  t = t
    .replace(new RegExp(String.raw`${SUP.source}\s+(?:full|whole|complete)\s+${GRAIN}\b`, "g"), (m) =>
      m.replace(/\s+(?:full|whole|complete)\s+/, " "),
    )
    .replace(new RegExp(String.raw`\b(in|during)\s+a\s+(?:full|whole|complete)\s+${GRAIN}\b`, "g"), "$1 a $2");
  // "which month this year had the lowest churn, not counting November": the month still running is never ranked
  const month = at.toLocaleString("en-US", { month: "long", timeZone: "UTC" }).toLowerCase();
  if (SUP.test(t))
    t = t.replace(
      new RegExp(
        String.raw`,?\s*(?:not\s+counting|excluding|leaving\s+out|without|except(?:\s+for)?)\s+(?:this\s+month|${month}|${month.slice(0, 3)}|the\s+(?:current|partial|running)\s+month)(?:\s+(?:to\s+date|so\s+far))?\b`,
      ),
      ", not counting the partial month",
    );
  // "what's the most cash …", "what's our highest …": the ranking itself
  if (record)
    t = t.replace(
      /^(?:what(?:'s|\s+is|\s+was|\s+were|\s+are)|tell\s+me|give\s+me)\s+(?:the\s+|our\s+)?(?=(?:most|fewest|least|highest|lowest|biggest|largest|smallest)\b)/,
      "",
    );
  if (t === text) return typed;
  if (!record || /\bever\b|\ball[\s-]time\b|\bof all time\b/.test(t)) return t;
  if (findPeriods(t, at).length) return t;
  return `${t.replace(/[\s?!.…]+$/, "")} ever`;
}

const FIGURE = String.raw`(\$\s?\d[\d,]*(?:\.\d+)?\s?(?:k|m|mm|bn|thousand|million)?|\d[\d,]*(?:\.\d+)?\s?(?:k|m|mm|bn|thousand|million|%)?)(?![\w])`;
const CROSS = String.raw`(pass(?:ed|es)?|cross(?:ed|es)?|top(?:ped|s)?|hit|reach(?:ed|es)?|break|broke|exceed(?:ed|s)?|surpass(?:ed|es)?|clear(?:ed|s)?|(?:go|goes|went|get|got|gotten|come|came|climb(?:ed)?|rise|rose|grow|grew|jump(?:ed)?)\s+(?:over|above|past|beyond)|(?:drop(?:ped)?|fall|fell|dip(?:ped)?|slip(?:ped)?|sink|sank|go|went|get|got|come|came)\s+(?:below|under)|above|over|more than|greater than|higher than|at least|below|under|less than|fewer than|lower than)`;
const BOUND_AT = new RegExp(String.raw`\b${CROSS}\s+${FIGURE}(?:\s+(?:a|per)\s+(?:year|month))?`);
const MOVE_AT =
  /\b(?:(went|go|gone|going|was|been)\s+(down|up)|(fell|fall|fallen|drop(?:ped|s)?|declin(?:ed|es)|shr(?:ank|unk|inks?)|dipp(?:ed)|dip|decreas(?:ed|es)|contract(?:ed|s)?)|(grew|grow|grown|rose|rise|risen|increas(?:ed|es)|climb(?:ed|s)?|gain(?:ed|s)?|expand(?:ed|s)?))\b(?:\s+(?:month[\s-]over[\s-]month|mom|from\s+(?:the\s+)?(?:month|one\s+month)\s+(?:before|to\s+the\s+next)|on\s+the\s+month(?:\s+before)?|vs\.?\s+the\s+(?:prior|previous)\s+month))?/;
const FIRST = /\b(?:first(?:\s+time)?|for\s+the\s+first\s+time|earliest)\b/;
const LAST = /\b(?:last(?:\s+time)?|most\s+recent(?:ly)?|latest)\b(?!\s+(?:month|week|quarter|year|day|\d))/;
const STREAK =
  /\bhow\s+many\s+(?:consecutive\s+|straight\s+|successive\s+)?(months)(?:\s+(?:in\s+a\s+row|running|straight|on\s+end))?\b/;
const STREAK_SAID = /\b(?:in\s+a\s+row|running|straight|on\s+end|consecutive|successive)\b/;
const HALF = /\b(?:a\s+)?half\s+(?:a\s+)?(million|mil|thousand|billion|1000|1000000|1000000000)\b/;
const WORDS = {
  thousand: "k",
  million: "m",
  mil: "m",
  billion: "bn",
  "1000": "k",
  "1000000": "m",
  "1000000000": "bn",
} as Record<string, string>;

/** The rest of a question, its record words out, to read as the metric (and period) it names. */
function leftOver(text: string): string {
  return text
    .replace(FIRST, " ")
    .replace(/\b(?:when|what|which)\s+(?:month|week|day|quarter|time)\b/g, " ")
    .replace(/\b(?:when|what)\b/g, " ")
    .replace(/\b(?:did|do|does|was|were|is|are|has|have|had|we|our|the|it|its|ever|month|time|that|which)\b/g, " ")
    .replace(/[—–?!.,:;-]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * "when did MRR first pass $50k", "when did open pipeline first go down month over month", "how many months in a
 * row has MRR grown": read over the metric's buckets; undefined when no such words (or no metric) are said.
 */
export function readRecord(
  text: string,
  catalog: Catalog,
  at: Date,
  planRest: (q: string) => Plan | Refusal,
  askBack: (reason: string) => Refusal,
): Plan | Refusal | undefined {
  const t = text.replace(HALF, (_m, w: string) => `0.5${WORDS[w] ?? ""}`).replace(/(\d)\.5(k|m|bn)\b/, "$1.5$2");
  const first = FIRST.test(t);
  const last = !first && LAST.test(t) && /\b(?:when|what|which)\b/.test(t);
  const streak = STREAK.exec(t);
  if (streak) return readGrowthStreak(t, streak, catalog, at, askBack);
  if (first || last) return readFirstLast(t, first ? "first" : "last", catalog, at);
  return readOwnGrain(t, catalog, planRest);
}

function readFirstLast(text: string, pick: "first" | "last", catalog: Catalog, at: Date): Plan | Refusal | undefined {
  const b = BOUND_AT.exec(text);
  const m = b ? undefined : MOVE_AT.exec(text);
  if (!b && !m) return undefined;
  const cut = b ?? m!;
  const rest = leftOver(`${text.slice(0, cut.index)} ${text.slice(cut.index + cut[0].length)}`.replace(LAST, " "));
  if (!rest) return undefined;
  if (findPeriods(rest, at).length) return undefined;
  const u = understand(rest, catalog, at);
  if (!("interpretation" in u)) return undefined;
  if (u.compare || u.argmax || u.groupBy.length || u.extra.length) return undefined;
  const grain = u.metric.grain;
  const label = u.metric.label ?? u.metric.name;
  const edge = u.interpretation.kind === "stock" ? `${grain}-end ` : "";
  let threshold: NonNullable<Plan["interpretation"]>["threshold"];
  let said: string;
  if (b) {
    const word = b[1]!.replace(
      /^(?:go|goes|went|get|got|gotten|come|came|climb(?:ed)?|rise|rose|grow|grew|jump(?:ed)?|drop(?:ped)?|fall|fell|dip(?:ped)?|slip(?:ped)?|sink|sank)\s+/,
      "",
    );
    const figure = b[2]!.replace(/[$,\s]/g, "");
    const value = figureValue(figure);
    if (!Number.isFinite(value)) return undefined;
    if (boundMisfit(u.metric, figure, b[2]!)) return undefined;
    // "pass", "top", "hit", "reach": above it (the first bucket over the figure)
    const op = /^(?:hit|reach(?:ed|es)?)$/.test(word) ? ">" : boundOp(word.replace(/(?:ed|es|s|ped)$/, (x) => x));
    threshold = { op, value, pick };
    said = `${BOUND_SAID[op]} ${figure}`;
  } else {
    const down = !!(m![2] === "down" || m![3]);
    threshold = { op: down ? "<" : ">", value: 0, pick, move: true };
    said = `${down ? "below" : "above"} the ${grain} before`;
  }
  return {
    status: "plan",
    intent: "bucket_count",
    calls: [
      {
        role: "main",
        name: "query_metric",
        input: { metric: u.metric.name, period: "all", filters: u.filters, grain },
      },
    ],
    interpretation: {
      ...u.interpretation,
      period: { ...u.interpretation.period, text: "all time" },
      grain,
      threshold,
      read_as: `${label} by ${grain}, all time: the ${pick} ${grain} whose ${edge}value is ${said}${filtersSaid(u.interpretation.filters)}`,
      why: [...u.interpretation.why, `"${cut[0].trim()}" with "${pick}": the ${pick} ${grain} of the data ${said}`],
    },
  };
}

/** "how many months in a row has MRR grown (up to October)": the run of months above the one before */
function readGrowthStreak(
  text: string,
  h: RegExpExecArray,
  catalog: Catalog,
  at: Date,
  askBack: (reason: string) => Refusal,
): Plan | Refusal | undefined {
  const planRest = (q: string) => readBucketCount(q, catalog, at, askBack) ?? askBack(`"${q}": no run to count`);
  // "before this month, how many months running …": up to the last month; "up to October": as of it
  const t = text
    .replace(/\b(?:before|not\s+counting|excluding|leaving\s+out)\s+this\s+month\b/, "as of last month")
    .replace(
      /\b(?:up\s+to|through|thru|until|till|ending\s+(?:in|with))\s+(?=(?:the\s+end\s+of\s+)?[a-z]+\b)/,
      "as of ",
    );
  if (!STREAK_SAID.test(t)) return undefined;
  const m = MOVE_AT.exec(t.slice(h.index + h[0].length));
  if (!m) return t === text ? undefined : readBucketCount(t, catalog, at, askBack);
  if (m[2] === "down" || m[3]) return undefined;
  const at0 = h.index + h[0].length + m.index;
  const rest = leftOver(
    `${t.slice(0, h.index)} ${t.slice(h.index + h[0].length, at0)} ${t.slice(at0 + m[0].length)}`,
  ).replace(/\bas of\b/, "as of");
  const u = understand(rest || "x", catalog, at);
  if (!("interpretation" in u)) return undefined;
  if (u.compare || u.argmax || u.groupBy.length || u.extra.length || u.metric.grain !== "month") return undefined;
  // the period said is where the run ends: a month ("as of October"), or this month when none
  // no period said ("… has MRR grown", "… now", "so far"): the run ending this month
  const bare = rest
    .replace(/\b(?:now|so\s+far|to\s+date|currently|yet)\b/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  const ending = findPeriods(bare, at).length ? bare : `${bare} as of this month`;
  const up = planRest(`how many months in a row has ${ending} been above 0`);
  if (up.status !== "plan" || !up.interpretation?.threshold) return undefined;
  const label = u.metric.label ?? u.metric.name;
  const read = up.interpretation.read_as.replace(
    /the months in a row above 0 that end with/,
    "the months in a row above the month before, ending with",
  );
  return {
    ...up,
    interpretation: {
      ...up.interpretation,
      threshold: { op: ">", value: 0, streak: true, move: true },
      read_as: read.startsWith(label) ? read : `${label}: ${read}`,
      why: [
        ...u.interpretation.why,
        `"${h[0].trim()} … ${m[0].trim()}": each month against the month before, counted back until one did not grow`,
      ],
    },
  };
}

/** "highest ARPA ever", "lowest DAU ever": a ranking of the metric's own buckets, when no bucket word is said */
function readOwnGrain(
  text: string,
  catalog: Catalog,
  planRest: (q: string) => Plan | Refusal,
): Plan | Refusal | undefined {
  if (!/\bever\b/.test(text) || GRAIN_WORD.test(text) || !SUP.test(text)) return undefined;
  if (planRest(text).status === "plan") return undefined;
  for (const grain of ["day", "month"] as const) {
    const p = planRest(text.replace(/\s*\bever\b/, ` in a ${grain} ever`));
    if (p.status !== "plan" || p.intent !== "argmax" || !p.interpretation) continue;
    const metric = catalog.metrics.find((x) => x.name === p.interpretation!.metric);
    if (metric?.grain === grain && p.interpretation.grain === grain) return p;
  }
  return undefined;
}

/**
 * A ranking of days over all the data ("the busiest day ever", "what day did the backlog peak") can hold more days
 * than a query returns (the tools' row cap): its rows are asked for by value, the leader first, so the record day is
 * never cut off by the cap.
 */
export function recordOrder(planned: Plan | Refusal): Plan | Refusal {
  if (planned.status !== "plan" || planned.intent !== "argmax") return planned;
  const i = planned.interpretation;
  if (!i?.argmax || i.argmax.dimension !== "period" || i.grain !== "day" || i.group_by.length) return planned;
  const main = planned.calls.filter((c) => c.role === "main");
  if (main.length !== 1 || main[0]!.input.period !== "all") return planned;
  const order = i.argmax.direction === "least" ? "value_asc" : "value_desc";
  return { ...planned, calls: planned.calls.map((c) => (c === main[0] ? { ...c, input: { ...c.input, order } } : c)) };
}
