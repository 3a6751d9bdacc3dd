import type { Catalog } from "../../engine/catalog/catalog.ts";
import type { Filter } from "../../engine/catalog/metric-query.ts";
import { resolvePeriod, type PeriodInput } from "../../engine/catalog/period.ts";
import type { MetricDef } from "../../engine/transform/model-schema.ts";
import { columnOf, metricPhraseList, STOP, stemOf, stemsOf } from "./lexicon.ts";
import { findPeriods } from "./periods.ts";
import { wordsOf } from "./text.ts";
import { filterText, understand, type Interpretation, type Understood } from "./understand.ts";
import { shorthandSaid } from "./vocabulary.ts";
import { filterOnWhole, wholeFilterAskBack } from "./share-whole.ts";
import { execSaid } from "./may-match.ts";

/**
 * Two metrics in one question: "new minus churned MRR last month" (a difference), "tickets per customer last month"
 * (a per-unit ratio). Each side is read as its own question over the same period and filters, and the answer states
 * both and what they make; a side the catalog cannot read, or sides that do not share a period, unit or filter, ask
 * back rather than answer one of them as if it were the whole question.
 */
export type ArithmeticOp = "minus" | "plus" | "per" | "share" | "times";

export interface ArithmeticRead {
  op: ArithmeticOp;
  left: { metric: MetricDef; period: PeriodInput; filters: Filter[] };
  right: { metric: MetricDef; period: PeriodInput; filters: Filter[] };
  interpretation: Interpretation;
}

export interface ArithmeticAskBack {
  reason: string;
  /** "average value per won deal": the left metric is already that quotient (won amount over deals won) */
  itself?: Understood;
}

/** The metric a ratio metric divides by ("sum(won_amount) / nullif(sum(deals_won), 0)" → deals_won), if named. */
function denominatorOf(metric: MetricDef, catalog: Catalog): MetricDef | undefined {
  if (metric.time_rollup !== "ratio") return undefined;
  const m = /^\s*sum\([^()]+\)(?:::\w+)?\s*\/\s*(?:nullif\(\s*)?(sum\([^()]+\))/i.exec(metric.expression);
  if (!m) return undefined;
  const same = (a: string, b: string) => a.replace(/\s+/g, "").toLowerCase() === b.replace(/\s+/g, "").toLowerCase();
  return catalog.metrics.find((x) => x.mart === metric.mart && x.name !== metric.name && same(x.expression, m[1]!));
}

const MINUS = /\s(?:minus|less(?!\s+than)|subtract(?:ing)?|take away|[−–])\s/;
/** "churned + contraction MRR", "new plus reactivated customers": a sum of two of a kind over one period */
const PLUS = /\s(?:plus|\+)\s/;
const PER = /\sper\s/;

/** A metric's own name says the operator ("average revenue per customer"): the question is that one metric. */
function namedByOneMetric(text: string, catalog: Catalog, word: RegExp): boolean {
  return catalog.metrics.some((m) =>
    metricPhraseList(m).some((p) => word.test(` ${p.toLowerCase()} `) && text.includes(p.toLowerCase())),
  );
}

function plain(u: Understood | ReturnType<typeof understand>): Understood | undefined {
  if (!("interpretation" in u)) return undefined;
  if (u.compare || u.extra.length || u.groupBy.length || u.grain || u.argmax) return undefined;
  return u;
}

/** A metric that is itself a quotient (a rate, an average, ARPA): dividing it again reads as no number anyone uses. */
function isQuotient(m: MetricDef): boolean {
  return m.time_rollup === "ratio" || /\//.test(m.expression);
}

/**
 * Why "<left> per <right>" is no number to state, or undefined when it is one: an average or rate divided again
 * ("ARPA per new customer"), or a level at an instant divided by a count over the period ("MRR per new customer"
 * is the new customers' MRR, not all MRR spread over them). Either way the words hold a question the two metrics do
 * not make, so it is asked back rather than answered with their quotient.
 */
export function perMismatch(left: MetricDef, right: MetricDef): string | undefined {
  if (isQuotient(left) || isQuotient(right)) {
    const q = isQuotient(left) ? left : right;
    return `${q.name} is already a ratio or an average, so ${left.name} per ${right.name} is no number I can state; ask for ${left.name} and ${right.name} each`;
  }
  const kind = (x: MetricDef) => (x.time_rollup === "sum" ? "flow" : "stock");
  if (kind(left) === "stock" && kind(right) === "flow")
    return `${left.name} is a level at an instant and ${right.name} a count over the period, so ${left.name} per ${right.name} does not say whose ${left.name} is meant; ask for ${left.name} and ${right.name} each`;
  return undefined;
}

export function readArithmetic(
  typed: string,
  catalog: Catalog,
  at: Date,
): ArithmeticRead | ArithmeticAskBack | undefined {
  // "(new − churned) customers in October": the parentheses around the two sides say nothing more
  const text = typed.replace(/^\(([^()]+)\)\s+(?=[a-z])/, "$1 ");
  const m = execSaid(MINUS, text) ?? execSaid(PLUS, text) ?? execSaid(PER, text);
  if (!m) return undefined;
  const op: ArithmeticOp = PER.test(m[0]) ? "per" : PLUS.test(m[0]) ? "plus" : "minus";
  if (namedByOneMetric(text, catalog, op === "per" ? PER : op === "plus" ? PLUS : MINUS)) return undefined;
  // a third side ("new + expansion + reactivation MRR") is more than two metrics: not read here
  if (op === "plus" && PLUS.test(text.slice(m.index + m[0].length))) return undefined;
  const leftText = text.slice(0, m.index).trim();
  const rightText = text.slice(m.index + m[0].length).trim();
  if (!leftText || !rightText) return undefined;
  const right = plain(understand(rightText, catalog, at));
  if (!right) return undefined;
  // the words after the right metric's name (its period) belong to both sides: "new minus churned MRR last month"
  const p = findPeriods(rightText, at)[0];
  let cut = p ? p.start : rightText.length;
  const before = wordsOf(rightText.slice(0, cut));
  while (before.length && /^(in|for|during|over|of|the|on|at)$/.test(before.at(-1)!.text)) cut = before.pop()!.start;
  const shared = rightText.slice(cut).trim();
  const rightName = before.map((w) => w.text);
  // "MRR per plan" is a breakdown: the right side names a dimension of the left metric, not a second metric
  // "average MRR per new customer": the average is what "per" makes; the left side is read without the word
  const leftBare = leftText.replace(/^(?:the\s+)?(?:average|avg|mean)\s+/, "");
  const leftAlone =
    plain(understand(`${leftText} ${shared}`.trim(), catalog, at)) ??
    (leftBare !== leftText && op === "per"
      ? plain(understand(`${leftBare} ${shared}`.trim(), catalog, at))
      : undefined);
  if (op === "per" && leftAlone) {
    const dims = new Set(
      leftAlone.metric.dimensions
        .flatMap((d) => [d, ...(columnOf(catalog, leftAlone.metric.mart, d)?.synonyms ?? [])])
        // lexicon stems on both sides: text.ts's stems differ ("created" vs "creat")
        .flatMap((d) => stemsOf(d)),
    );
    if (rightName.every((w) => STOP.has(w) || dims.has(stemOf(w)))) return undefined;
  }
  // the left side borrows the right's last word when it is not a metric alone: "new minus churned MRR" is new MRR
  const head = rightName.filter((w) => !STOP.has(w)).at(-1);
  // a difference takes two of a kind in one unit: two counts over the period, two levels, two rates ("MRR less
  // refunds" sets a level against a month's flow: asked back)
  const kindOf = (x: MetricDef) => (x.time_rollup === "sum" ? "flow" : x.time_rollup === "ratio" ? "ratio" : "stock");
  const sameUnit = (x: Understood) =>
    op === "per" || (x.metric.format === right.metric.format && kindOf(x.metric) === kindOf(right.metric));
  let left = leftAlone && leftAlone.metric.name !== right.metric.name && sameUnit(leftAlone) ? leftAlone : undefined;
  if (head && !wordsOf(leftText).some((w) => w.text === head)) {
    const borrowed = plain(understand(`${leftText} ${head} ${shared}`.trim(), catalog, at));
    // "new to churned customers": the left side alone ("new") may read another metric (new MRR); the right's noun
    // borrowed reads the one said, so it wins when it reads in the right's unit and the bare side does not
    const better =
      borrowed &&
      borrowed.metric.name !== right.metric.name &&
      sameUnit(borrowed) &&
      (!left ||
        (left.metric.name !== borrowed.metric.name &&
          borrowed.metric.format === right.metric.format &&
          left.metric.format !== right.metric.format));
    if (better) left = borrowed;
  }
  // "average MRR per new customer": a level over a count of a period is the count's own amount (its companion,
  // the amount behind the count: new MRR behind new customers), never all MRR spread over them
  if (op === "per" && left && left.metric.time_rollup !== "sum" && right.metric.time_rollup === "sum") {
    const own = right.metric.companion ? catalog.metrics.find((x) => x.name === right.metric.companion) : undefined;
    const base = (x: MetricDef) => x.name.split("_").at(-1);
    if (own && own.format === left.metric.format && own.time_rollup === "sum" && base(own) === base(left.metric)) {
      const read = plain(understand(`${own.name.replaceAll("_", " ")} ${shared}`.trim().toLowerCase(), catalog, at));
      if (read?.metric.name === own.name) {
        read.interpretation.why.push(
          `"${leftText}" per ${right.metric.name}: the ${right.metric.name}' own ${left.metric.name}, ${own.name} (the amount behind the count)`,
        );
        left = read;
      }
    }
  }
  // "Enterprise MRR / total MRR": one metric cut by a value over the same metric whole is that value's share of it
  if (
    op === "per" &&
    !left &&
    leftAlone &&
    leftAlone.metric.name === right.metric.name &&
    leftAlone.filters.length &&
    !right.filters.length &&
    !isQuotient(right.metric) &&
    right.metric.format !== "percent"
  ) {
    const li = leftAlone.interpretation;
    const r = resolvePeriod(leftAlone.period === "latest" ? "this_month" : leftAlone.period, at);
    const q = resolvePeriod(right.period === "latest" ? "this_month" : right.period, at);
    if (r.start !== q.start || r.end !== q.end) return undefined;
    const key = (f: Filter) => `${f.dimension} ${f.op} ${JSON.stringify(f.value)}`;
    const shown = leftAlone.filters.map(filterText).join(", ");
    return {
      op: "share",
      left: { metric: leftAlone.metric, period: leftAlone.period, filters: leftAlone.filters },
      right: { metric: right.metric, period: right.period, filters: [] },
      interpretation: {
        ...li,
        filters: leftAlone.filters.map((f) => ({ dimension: f.dimension, op: f.op, value: f.value, said: key(f) })),
        read_as: `${li.metric_label} with ${shown} as a share of all ${li.metric_label}, ${li.period.text}`,
        why: [
          ...li.why,
          `a share: ${right.metric.name} with ${shown} over ${right.metric.name} with no filter, the same period`,
        ],
      },
    };
  }
  if (!left) return undefined;
  if (op === "per") {
    const odd = perMismatch(left.metric, right.metric);
    // "the average value per won deal": an average whose own denominator is the right side is that average itself
    if (odd && denominatorOf(left.metric, catalog)?.name === right.metric.name && !right.filters.length) {
      left.interpretation.why.push(
        `"per ${rightName.join(" ")}": ${left.metric.name} is already ${left.metric.name} per ${right.metric.name} (its definition), so it is read alone`,
      );
      return { reason: odd, itself: left };
    }
    if (odd) return { reason: odd };
  }
  const li = left.interpretation;
  const ri = right.interpretation;
  const span = (x: Understood) => {
    const r = resolvePeriod(x.period === "latest" ? "this_month" : x.period, at);
    return `${r.start}/${r.end}`;
  };
  const starting = op === "per" && overStartingLevel(left, right, rightText, at);
  if (span(left) !== span(right) && !starting)
    return {
      reason: `${left.metric.name} and ${right.metric.name} read different periods here; name one period for both`,
    };
  // a filter said on one side holds for both ("MRR per Enterprise customer"): each metric must be able to apply it
  const key = (f: Filter) => `${f.dimension} ${f.op} ${JSON.stringify(f.value)}`;
  const all = new Map<string, Filter>();
  for (const f of [...left.filters, ...right.filters]) all.set(key(f), f);
  const filters = [...all.values()];
  const missing = filters.filter(
    (f) => !left.metric.dimensions.includes(f.dimension) || !right.metric.dimensions.includes(f.dimension),
  );
  if (missing.length)
    return {
      reason: `${missing.map(filterText).join(", ")} applies to only one of ${left.metric.name} and ${right.metric.name}; ask for each of them`,
    };
  const word = op === "minus" ? "minus" : op === "plus" ? "plus" : starting ? "as a share of" : "per";
  const interpretation: Interpretation = {
    ...li,
    filters: filters.map((f) => ({ dimension: f.dimension, op: f.op, value: f.value, said: key(f) })),
    read_as: `${li.metric_label} ${word} ${ri.metric_label}${starting ? ` at ${ri.period.text}` : ""}, ${li.period.text}${filters.map((f) => `, ${filterText(f)}`).join("")}`,
    why: [
      ...li.why,
      ...ri.why,
      op === "minus"
        ? `"${m[0].trim()}": ${left.metric.name} less ${right.metric.name}, each over the same period`
        : op === "plus"
          ? `"${m[0].trim()}": ${left.metric.name} and ${right.metric.name} added, each over the same period`
          : starting
            ? `a share: ${left.metric.name} over the period over ${right.metric.name} at its start (the end of the period before)`
            : `"per": ${left.metric.name} divided by ${right.metric.name}, each over the same period`,
    ],
  };
  return {
    op: starting ? "share" : op,
    left: { metric: left.metric, period: left.period, filters },
    right: { metric: right.metric, period: right.period, filters },
    interpretation,
  };
}

/**
 * "MRR from paying customers": a metric qualified by a population that a count metric of the catalog defines by
 * that very metric (paying customers are "customers with MRR > 0"), so the qualifier adds nothing and the question is
 * the metric itself, with the population's own filters ("paying Enterprise customers": plan = Enterprise). Read from
 * the descriptions, never from the words of a question; a population the description does not tie to the metric
 * stays unplaced (the question asks back).
 */
export function readImpliedPopulation(text: string, catalog: Catalog, at: Date): Understood | undefined {
  for (const m of text.matchAll(/\s(?:from|of|among|across)\s+(?:(?:all\s+)?(?:of\s+)?(?:our|the)\s+|all\s+)?/g)) {
    const leftText = text.slice(0, m.index).trim();
    const rightText = text.slice(m.index! + m[0].length).trim();
    if (!leftText || !rightText) continue;
    const population = plain(understand(rightText, catalog, at));
    if (!population || population.metric.format !== "number") continue;
    // only a group standing at an instant (paying customers now) is all of a metric; a group counted over a period
    // ("customers acquired in 2025", "new customers") is a part of it, and the metric cannot be split that way
    if (population.metric.time_rollup === "sum") continue;
    const p = findPeriods(rightText, at)[0];
    const shared = p ? rightText.slice(p.start) : "";
    // the population's filters said again in words the metric reads the same way (a left-out value stays left out)
    const said = population.filters.map((f) => {
      const values = (Array.isArray(f.value) ? f.value : [f.value]).map(String).join(" and ");
      return f.op === "!=" || f.op === "not_in" ? `excluding ${values}` : values;
    });
    const question = `${leftText} ${said.join(" ")} ${shared}`.replace(/\s+/g, " ").trim().toLowerCase();
    const metric = plain(understand(question, catalog, at));
    if (!metric || metric.metric.name === population.metric.name) continue;
    const key = (f: { dimension: string; op: string; value: unknown }) =>
      `${f.dimension} ${f.op} ${JSON.stringify(f.value)}`;
    if (population.filters.map(key).sort().join() !== metric.filters.map(key).sort().join()) continue;
    const names = [metric.metric.label, metric.metric.name.replaceAll("_", " ")].filter((x): x is string => !!x);
    const definedBy = names.some((n) =>
      new RegExp(`\\b${n.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\b`).test(
        population.metric.description.toLowerCase(),
      ),
    );
    if (!definedBy) continue;
    metric.interpretation.why.push(
      `"${rightText.slice(0, p ? p.start : undefined).trim()}" are ${population.metric.name}: ${population.metric.description.split(/[.;(]/)[0]!.trim()}, so all of ${metric.metric.name} is theirs`,
    );
    return metric;
  }
  return undefined;
}

/**
 * A share's part said by a dimension value alone ("what % of MRR is growth", "growth's share of MRR"): the value
 * with its dimension named ("growth plan"), so that a value spelt like a measure word is read as the value — a share
 * of a total is cut by a filter, never by a change over time. Only values of one dimension are named this way.
 */
function valuesNamed(said: string, catalog: Catalog): string {
  let out = said;
  const named = new Set<string>();
  for (const [key, values] of catalog.dimensionValues ?? []) {
    const dim = key.split(".").at(-1)!.replaceAll("_", " ");
    for (const v of values) {
      const lower = v.toLowerCase();
      if (named.has(lower) || lower.length < 3) continue;
      const bare = new RegExp(`\\b${lower.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\b(?!\\s+${dim}\\b)`);
      if (!bare.test(out)) continue;
      out = out.replace(bare, `${lower} ${dim}`);
      named.add(lower);
    }
  }
  return out;
}

/** "what % of X", "what share of X", "the percentage of X": the part asked about follows */
const SHARE_OF =
  /^(?:(?:what|whats|what's|how much|how big)\s+)?(?:(?:is|was|are|were)\s+)?(?:the\s+|a\s+)?(?:%|percent|percentage|pct|share|fraction|proportion|portion)\s+of\s+(?:(?:our|the|all)\s+)?(.+)$|^how ((?:much|many) of\s+(?:(?:our|the|all)\s+)?.+?\s+(?:is|are|was|were|comes?|came)\s+.+)$/;
/** "Enterprise share of MRR", "Pro's % of MRR": the part is named before the cue */
const PART_SHARE_OF =
  /^(?:(?:what|whats|what's)\s+(?:is\s+)?)?(?:the\s+|our\s+)?(.+?)(?:'s)?\s+(?:%|percent|percentage|pct|share|fraction|proportion|portion)\s+of\s+(?:(?:our|the|all)\s+)?(?:total\s+)?(.+)$/;

/**
 * A share of a total: "what % of MRR is from Pro", "Enterprise share of MRR", "what percentage of customers are on
 * Starter". The part is the metric with the filters said; the whole is the same metric, same period, with none. Only
 * a metric that adds up over its dimensions (a count or an amount, not a rate or an average) has such a share, and
 * only a part that names a filter is one; otherwise undefined, and the question is read (or asked back) as before.
 */
export function readShare(text: string, catalog: Catalog, at: Date): ArithmeticRead | ArithmeticAskBack | undefined {
  const a = execSaid(SHARE_OF, text);
  const b = a ? undefined : execSaid(PART_SHARE_OF, text);
  // "how many of our deals are …": the count cue stays with the part ("how many" prefers a count to an amount)
  const said = a
    ? (a[1] ?? `how ${a[2]!.replace(/^(much|many) of\s+(?:(?:our|the|all)\s+)?/, "$1 ")}`)
    : b
      ? `${b[1]} ${b[2]}`
      : undefined;
  if (!said) return undefined;
  const named = valuesNamed(said, catalog);
  const byValue = named === said ? undefined : plain(understand(named, catalog, at));
  const part = byValue?.filters.length ? byValue : plain(understand(said, catalog, at));
  if (part && part === byValue)
    part.interpretation.why.push(
      `"${said}": a share is cut by a value, so ${part.filters.map((f) => `"${String(f.value).toLowerCase()}" is the ${f.dimension}`).join(" and ")}, not a change over time`,
    );
  if (!part) return undefined;
  const metric = part.metric;
  if (metric.format === "percent" || isQuotient(metric)) return undefined;
  // "what share of tickets were high priority": a metric that is a declared part of another (part_of) over that
  // one, with the same filters; otherwise a part is the metric with a filter said, over the metric with none
  const of = metric.part_of ? catalog.metrics.find((x) => x.name === metric.part_of) : undefined;
  if (!of && !part.filters.length) return undefined;
  // "what percent of enterprise deals did we lose": a filter said of the whole is never dropped from it (share-whole.ts)
  const onWhole = !of && a?.[1] ? filterOnWhole(a[1], part.interpretation.filters) : undefined;
  if (onWhole) return wholeFilterAskBack(onWhole, part.interpretation.metric_label);
  const whole = of
    ? { metric: of, period: part.period, filters: part.filters }
    : { metric, period: part.period, filters: [] as Filter[] };
  const key = (f: Filter) => `${f.dimension} ${f.op} ${JSON.stringify(f.value)}`;
  const li = part.interpretation;
  const shown = part.filters.map(filterText).join(", ");
  const wholeLabel = of ? (of.label ?? of.name) : li.metric_label;
  const interpretation: Interpretation = {
    ...li,
    filters: part.filters.map((f) => ({ dimension: f.dimension, op: f.op, value: f.value, said: key(f) })),
    read_as: of
      ? `${li.metric_label} as a share of all ${wholeLabel}, ${li.period.text}${shown ? `, ${shown}` : ""}`
      : `${li.metric_label} with ${shown} as a share of all ${li.metric_label}, ${li.period.text}`,
    why: [
      ...li.why,
      of
        ? `a share: ${metric.name} over ${of.name}, the whole it is declared a part of (part_of), the same period`
        : `a share: ${metric.name} with ${shown} over ${metric.name} with no filter, the same period`,
    ],
  };
  return { op: "share", left: { metric, period: part.period, filters: part.filters }, right: whole, interpretation };
}

/** "after refunds", "net of refunds", "less refunds": the words that take a second metric out of the first */
const NET_OF =
  /\s(?:after|less(?!\s+than)|minus|net\s+of|subtracting|excluding|without)\s+(?:the\s+|any\s+|all\s+|our\s+)?/g;

/**
 * Whether the catalog defines `left` as already net of `right`: its description (or its column's), outside
 * parentheses, says "less <right>", "minus <right>", "net of <right>", "− <right>" by one of right's names.
 */
export function netsOut(left: MetricDef, right: MetricDef, catalog: Catalog): boolean {
  const said = [left.description ?? "", columnOf(catalog, left.mart, left.name)?.description ?? ""]
    .join(" ")
    .toLowerCase()
    // a parenthesis speaks of another metric ("before refunds (revenue collected is these less refunds)")
    .replace(/\([^)]*\)/g, " ");
  const names = [right.name, right.name.replaceAll("_", " "), right.label ?? "", ...(right.synonyms ?? [])]
    .map((n) => n.toLowerCase().trim())
    .filter(Boolean)
    .map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return names.some((n) => new RegExp(`(?:\\bless|\\bminus|\\bnet of|−|\\s-)\\s+(?:the\\s+)?${n}\\b`).test(said));
}

/**
 * "net cash collected in October after refunds", "cash collected less refunds": a second metric taken out of a
 * first that the catalog already defines net of it (revenue collected is charges less refunds) is the first alone —
 * subtracting it again would state a number for another question. Said of a metric that does not net it out, this
 * reads nothing (the difference, or an ask-back, is left to the rest of the planner).
 */
export function readNetted(text: string, catalog: Catalog, at: Date): Understood | undefined {
  for (const m of text.matchAll(NET_OF)) {
    const leftText = text.slice(0, m.index).trim();
    // "net of refunds, T3M": the period after the second metric is found as it is typed out ("last 3 months"), so
    // the first keeps it — never a window dropped for the default month
    const rightText = shorthandSaid(text.slice(m.index! + m[0].length)).trim();
    if (!leftText || !rightText) continue;
    const right = plain(understand(rightText, catalog, at));
    if (!right) continue;
    const p = findPeriods(rightText, at)[0];
    let cut = p ? p.start : rightText.length;
    const before = wordsOf(rightText.slice(0, cut));
    while (before.length && /^(in|for|during|over|of|the|on|at)$/.test(before.at(-1)!.text)) cut = before.pop()!.start;
    const shared = rightText.slice(cut).trim();
    const left = plain(understand(`${leftText} ${shared}`.trim(), catalog, at));
    if (!left || left.metric.name === right.metric.name || !netsOut(left.metric, right.metric, catalog)) continue;
    const said = `${m[0].trim()} ${rightText.slice(0, cut).trim()}`;
    const rightLabel = right.metric.label ?? right.metric.name;
    left.interpretation.read_as = `${left.interpretation.read_as} (already net of ${rightLabel.toLowerCase()})`;
    left.interpretation.why.push(
      `"${said}": ${left.metric.name} is defined net of ${right.metric.name} already ("${left.metric.description ?? ""}"), so nothing more is taken out`,
    );
    return left;
  }
  return undefined;
}

/**
 * The two sides of "A <relation> B" said with one period ("in October, …", "… as of the end of October"): the words
 * before the relation (lead) and the period after B belong to both. The second side may borrow the first's noun
 * ("Pro MRR than Starter"). Undefined when either side is no plain metric.
 */
function readPair(
  leadSaid: string,
  firstSaid: string,
  secondSaid: string,
  catalog: Catalog,
  at: Date,
): [Understood, Understood] | undefined {
  let lead = leadSaid.replace(/[,;:—–-]+\s*$/, "").trim();
  let first = firstSaid.trim();
  const second = secondSaid.trim();
  const p = findPeriods(second, at)[0];
  // "year to date, refunds have been …": a period said with the first side alone is the pair's when the second says none
  const q = p ? undefined : findPeriods(first, at)[0];
  if (q) {
    lead = `${lead} ${first.slice(q.start, q.end)}`.trim();
    first = `${first.slice(0, q.start)} ${first.slice(q.end)}`
      .replace(/^[\s,;:—–-]+|[\s,;:—–-]+$/g, "")
      .replace(/^(?:(?:in|for|during|over|since|as of|at)\s+)+|(?:\s+(?:in|for|during|over|since|as of|at))+$/g, "")
      .trim();
  }
  let cut = p ? p.start : second.length;
  const before = wordsOf(second.slice(0, cut));
  while (before.length && /^(in|for|during|over|of|the|on|at|as)$/.test(before.at(-1)!.text)) cut = before.pop()!.start;
  const shared = `${lead} ${second.slice(cut)}`.trim();
  const secondBare = second.slice(0, cut).trim();
  const read = (side: string) => plain(understand(`${side} ${shared}`.trim(), catalog, at));
  const a = read(first);
  let b = read(secondBare);
  const head = wordsOf(first).at(-1)?.text;
  if (!b && a && head && !wordsOf(secondBare).some((w) => w.text === head)) {
    const borrowed = read(`${secondBare} ${head}`);
    if (borrowed?.metric.name === a.metric.name) b = borrowed;
  }
  return a && b ? [a, b] : undefined;
}

const kindOf = (x: MetricDef) => (x.time_rollup === "sum" ? "flow" : x.time_rollup === "ratio" ? "ratio" : "stock");
const spanOf = (x: Understood, at: Date) => {
  const r = resolvePeriod(x.period === "latest" ? "this_month" : x.period, at);
  return `${r.start}/${r.end}`;
};

/** "starting MRR", "customers at the start of Q3", "opening ARR": the level a period began at */
const STARTING = /\b(?:start|starting|beginning|opening)\b/;
/**
 * "churned MRR / starting MRR for Q3", "net new MRR as a % of starting MRR": a flow over the period set against the
 * level it began at (the level at the end of the period before, in the same unit) is a rate of that level — read
 * so only when the words say the start and the level's period ends where the flow's begins.
 */
export function overStartingLevel(flow: Understood, level: Understood, levelSaid: string, at: Date): boolean {
  if (kindOf(flow.metric) !== "flow" || kindOf(level.metric) !== "stock") return false;
  if (flow.metric.format !== level.metric.format || flow.metric.format === "percent") return false;
  if (isQuotient(flow.metric) || isQuotient(level.metric) || !STARTING.test(levelSaid)) return false;
  const f = resolvePeriod(flow.period === "latest" ? "this_month" : flow.period, at);
  const l = resolvePeriod(level.period === "latest" ? "this_month" : level.period, at);
  return l.end === f.start;
}

const SHARE_WORD = String.raw`(?:percent|percentage|pct|share|fraction|proportion|portion)`;
/** "refunds have been what percent of gross payments", "refunds as a percentage of gross payments": A over B */
const PERCENT_OF: { re: RegExp; wholeFirst?: boolean }[] = [
  {
    re: new RegExp(
      String.raw`^(.*?)\b(?:(?:what|how)\s+(?:is|was|are|were)\s+)?(?!what\b)(.+?)\s+(?:is|was|are|were|has been|have been|made up|make up|represented|represent|amounted to|amount to)\s+what\s+${SHARE_WORD}\s+of\s+(.+)$`,
    ),
  },
  {
    re: new RegExp(
      String.raw`^(.*?)\b(?:(?:what|how much)\s+(?:is|was|are|were)\s+)?(?!what\b)(.+?)\s+as\s+an?\s+${SHARE_WORD}\s+of\s+(.+)$`,
    ),
  },
  // "what percentage of gross payments were refunds this year": the whole first, then the part ("came from" is left
  // out: it says the one is inside the other, which two metrics of the catalog need not be — new MRR has no expansion)
  {
    re: new RegExp(
      String.raw`^(.*?)\bwhat\s+${SHARE_WORD}\s+of\s+(?:our\s+|the\s+|all\s+)?(.+?)\s+(?:is|was|were|are|has been|have been)\s+(.+)$`,
    ),
    wholeFirst: true,
  },
];

/**
 * One metric as a share of another, both named: "year to date, refunds have been what percent of gross payments",
 * "churned MRR as a percentage of MRR". Read only for two metrics of one unit and kind (two amounts over the period,
 * two counts), neither itself a ratio, over one period; a share of one metric cut by a filter is readShare's.
 */
export function readPercentOf(
  text: string,
  catalog: Catalog,
  at: Date,
): ArithmeticRead | ArithmeticAskBack | undefined {
  for (const { re, wholeFirst } of PERCENT_OF) {
    const m = re.exec(text);
    if (!m) continue;
    const pair = readPair(m[1]!, m[2]!, m[3]!, catalog, at);
    if (!pair) return undefined;
    const [part, whole] = wholeFirst ? [pair[1], pair[0]] : pair;
    if (part.metric.name === whole.metric.name) return undefined;
    const starting = overStartingLevel(part, whole, wholeFirst ? m[2]! : m[3]!, at);
    if (
      !starting &&
      (part.metric.format !== whole.metric.format ||
        kindOf(part.metric) !== kindOf(whole.metric) ||
        isQuotient(part.metric) ||
        isQuotient(whole.metric) ||
        part.metric.format === "percent")
    )
      return {
        reason: `${part.metric.name} and ${whole.metric.name} are not two amounts or counts of one kind, so one is no share of the other; ask for each of them`,
      };
    if (!starting && spanOf(part, at) !== spanOf(whole, at))
      return {
        reason: `${part.metric.name} and ${whole.metric.name} read different periods here; name one period for both`,
      };
    const key = (f: Filter) => `${f.dimension} ${f.op} ${JSON.stringify(f.value)}`;
    const all = new Map<string, Filter>();
    for (const f of [...part.filters, ...whole.filters]) all.set(key(f), f);
    const filters = [...all.values()];
    if (
      filters.some(
        (f) => !part.metric.dimensions.includes(f.dimension) || !whole.metric.dimensions.includes(f.dimension),
      )
    )
      return {
        reason: `a filter here applies to only one of ${part.metric.name} and ${whole.metric.name}; ask for each of them`,
      };
    const pi = part.interpretation;
    const interpretation: Interpretation = {
      ...pi,
      filters: filters.map((f) => ({ dimension: f.dimension, op: f.op, value: f.value, said: key(f) })),
      read_as: `${pi.metric_label} as a share of ${whole.interpretation.metric_label}${starting ? ` at ${whole.interpretation.period.text}` : ""}, ${pi.period.text}${filters.map((f) => `, ${filterText(f)}`).join("")}`,
      why: [
        ...pi.why,
        ...whole.interpretation.why,
        starting
          ? `a share: ${part.metric.name} over the period over ${whole.metric.name} at its start (the end of the period before)`
          : `a share: ${part.metric.name} over ${whole.metric.name}, each over the same period`,
      ],
    };
    return {
      op: "share",
      left: { metric: part.metric, period: part.period, filters },
      right: { metric: whole.metric, period: whole.period, filters },
      interpretation,
    };
  }
  return undefined;
}

const BIGGER = String.raw`(?:larger|bigger|greater|higher|more)`;
/**
 * The ways a multiple is asked ("how many times larger is A than B", "how many times A was B", "A as a multiple of
 * B", "A is how many times B"): each gives the number said first and the one it is a multiple of.
 */
const MULTIPLE: { re: RegExp; of: "ab" | "ba" }[] = [
  // "how many times larger is Pro MRR than Starter MRR": A ÷ B
  {
    re: new RegExp(
      String.raw`^(.*?)\bhow many times\s+${BIGGER}\s+(?:is|was|are|were|has been|have been)\s+(.+?)\s+than\s+(.+)$`,
    ),
    of: "ab",
  },
  // "A is how many times (larger than | as large as | the size of) B": A ÷ B
  {
    re: new RegExp(
      String.raw`^(.*?)\b(?:what\s+is\s+|what\s+was\s+)?(.+?)\s+(?:is|was|are|were|has been|have been)\s+how many times\s+(?:${BIGGER}\s+than\s+|as\s+(?:large|big|high|much)\s+as\s+|the\s+size\s+of\s+)?(.+)$`,
    ),
    of: "ab",
  },
  // "A as a multiple of B": A ÷ B
  {
    re: /^(.*?)\b(?:what\s+(?:is|was|are|were)\s+)?(.+?)\s+as\s+a\s+multiple\s+of\s+(.+)$/,
    of: "ab",
  },
  // "how many times the value of won deals was the value of lost deals": the second is that many times the first, B ÷ A
  {
    re: /^(.*?)\bhow many times\s+(?!(?:did|does|do|has|have|had|is|was|are|were|will|would|can|could)\b)(.+?)\s+(?:is|was|are|were|has been|have been)\s+(.+)$/,
    of: "ba",
  },
];

/**
 * A multiple of one number by another: "how many times larger is Pro MRR than Starter MRR at the end of October",
 * "in October, how many times the value of won deals was the value of lost deals". Each side is its own metric with
 * its own filters (Pro's MRR over Starter's), over the one period said (before, or after both); the answer is the
 * plain quotient. Two sides that are not of one unit and kind, or read other periods, are asked back; words that
 * make no two metrics read nothing here (undefined).
 */
export function readMultiple(text: string, catalog: Catalog, at: Date): ArithmeticRead | ArithmeticAskBack | undefined {
  for (const { re, of } of MULTIPLE) {
    const m = re.exec(text);
    if (!m) continue;
    const pair = readPair(m[1]!, m[2]!, m[3]!, catalog, at);
    if (!pair) return undefined;
    const [a, b] = pair;
    const [num, den] = of === "ab" ? [a, b] : [b, a];
    if (num.metric.format !== den.metric.format || kindOf(num.metric) !== kindOf(den.metric))
      return {
        reason: `a multiple sets two numbers of one unit against each other; ${num.metric.name} and ${den.metric.name} are not of one unit and kind, so ask for each of them`,
      };
    if (spanOf(num, at) !== spanOf(den, at))
      return {
        reason: `${num.metric.name} and ${den.metric.name} read different periods here; name one period for both`,
      };
    const key = (f: Filter) => `${f.dimension} ${f.op} ${JSON.stringify(f.value)}`;
    const side = (x: Understood) =>
      `${x.interpretation.metric_label}${x.filters.map((f) => ` (${filterText(f)})`).join("")}`;
    const ni = num.interpretation;
    const interpretation: Interpretation = {
      ...ni,
      filters: num.filters.map((f) => ({ dimension: f.dimension, op: f.op, value: f.value, said: key(f) })),
      read_as: `${side(num)} as a multiple of ${side(den)}, ${ni.period.text}`,
      why: [
        ...ni.why,
        ...den.interpretation.why,
        `"${m[0].slice(m[1]!.length).trim()}": ${num.metric.name} divided by ${den.metric.name}, each with its own filters, over the same period (a plain multiple)`,
      ],
    };
    return {
      op: "times",
      left: { metric: num.metric, period: num.period, filters: num.filters },
      right: { metric: den.metric, period: den.period, filters: den.filters },
      interpretation,
    };
  }
  return undefined;
}
