import type { Catalog } from "../../engine/catalog/catalog.ts";
import type { Plan, Refusal } from "./plan-types.ts";
import { askBack } from "./ask-back.ts";
import { execSaid, testSaid } from "./may-match.ts";

/**
 * Combined asks whose reading lost one of their constraints (#15, batch 48): a plan was found, but it answers
 * another question than the one asked, so the question is asked back rather than answered with that number.
 *   - "high-priority tickets per week in October", "refunds per week in September": a flow per day (week) over a
 *     longer period is an average over those units (total ÷ days); a series by the unit, or the period's total, is
 *     neither — asked back unless the plan is that average (intent "average", planAverage);
 *   - "deals won per rep on average", "avg deals won per rep": a mean over the members of a breakdown is no
 *     breakdown (nor another metric whose name takes in "average" and the count's words: average deal size);
 *   - "what's the average per rep for last quarter": "average" names no measure when, without it, no metric is read;
 *   - "ARR from customers billed yearly": a billing interval said that the plan does not filter on;
 *   - "Enterprise pipeline, Q3 vs Q2": a comparison whose metric is named only by the dimension's own noun of the
 *     value said ("Enterprise pipeline" is the pipeline named Enterprise, no measure of it: open, created or won).
 */

/** a flow said per day or per week */
const PER_TIME = /\b(?:per|a|an)\s+(day|week|weekday|business\s+day|working\s+day|work\s+day|workday|hour)\b/;
/** the mean said as an adverb */
const ON_AVERAGE = /\bon\s+(?:an?\s+)?(?:average|avg)\b/;
/** "average" said of a count broken down: "avg deals won per rep", "average number of deals per owner" */
const AVERAGE_WORD = /\b(?:average|avg|mean)\b/;
/** "the average per rep", "mean by owner": the mean with no measure between it and what it is taken over */
const AVERAGE_PER_BARE = /\b(?:average|avg|mean)\s+(?:per|for\s+each|for\s+every|by|across|of\s+each)\s+[a-z]/;
/** a billing interval said of the customers counted or summed */
const INTERVAL =
  /\b(?:billed|paying|pay|invoiced|charged)\s+(?:annually|yearly|monthly)\b|\b(?:on\s+(?:an?\s+)?)?(?:annual|yearly|monthly)\s+(?:billing|billed|plans?|contracts?|subscriptions?|terms?|invoicing|prepay|prepaid)\b|\b(?:annual|yearly)\s+(?:customers|accounts|clients|subscribers)\b|\bbilling\s+(?:interval|period|cycle|frequency)\b/;

const clarify = (catalog: Catalog, reason: string, unplaced: string[]): Refusal =>
  askBack(catalog, reason, { unplaced });

/** the filters every call of the plan carries, on a column or a dimension */
function filteredOn(plan: Plan): Set<string> {
  const out = new Set<string>();
  for (const c of plan.calls) {
    const fs = (c.input as { filters?: { column?: string; dimension?: string }[] }).filters ?? [];
    for (const f of fs) out.add(String(f.column ?? f.dimension ?? ""));
  }
  return out;
}

/**
 * The columns and dimensions the plan keeps a value of: its filters, and what its calls break down or rank by ("is
 * Germany our biggest market?" ranks the countries: "germany" is kept there by the ranking, not by a filter)
 */
function keptOn(plan: Plan): Set<string> {
  const out = filteredOn(plan);
  for (const c of plan.calls) {
    const input = c.input as { group_by?: string[]; label?: string; dimension?: string };
    for (const g of input.group_by ?? []) out.add(String(g));
    if (input.label) out.add(input.label);
    if (input.dimension) out.add(input.dimension);
  }
  return out;
}

const mainMetric = (plan: Plan): string | undefined => {
  const m = (plan.calls[0]?.input as { metric?: unknown } | undefined)?.metric;
  return typeof m === "string" ? m : undefined;
};

const DAY_MS = 86_400_000;
const escaped = (v: string) => v.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * A value of a column said — a value synonym of three letters or more ("germany", "the us", "american"), or a code
 * of those synonyms in capitals ("our US customers") — with no call of the plan filtering on that column
 */
function valueDropped(
  typed: string,
  text: string,
  planned: Plan,
  catalog: Catalog,
): { said: string; column: string } | undefined {
  const kept = keptOn(planned);
  for (const mart of catalog.marts())
    for (const col of mart.columns) {
      if (!col.value_synonyms || kept.has(col.name)) continue;
      // (a column of codes: every value its synonyms say is a code in capitals, "DE", "GB" — not a status word)
      const values = Object.values(col.value_synonyms).flat().map(String);
      if (!values.length || !values.every((v) => /^[A-Z]{2,3}$/.test(v))) continue;
      const phrases = Object.keys(col.value_synonyms).filter(
        (p) => p.replace(/[^a-z]/gi, "").length >= 3 || /[\s.]/.test(p),
      );
      const codes = [...new Set(Object.values(col.value_synonyms).flat().map(String))].filter((c) =>
        /^[A-Z]{2,3}$/.test(c),
      );
      for (const p of phrases) {
        const hit = new RegExp(`(?:^|[^a-z.])${escaped(p.toLowerCase())}(?![a-z])`).exec(text);
        if (hit) return { said: p, column: col.name };
      }
      for (const c of codes)
        if (new RegExp(`\\b${c}\\s+(?:customers|accounts|clients|companies|subscribers|users|based)\\b`).test(typed))
          return { said: c, column: col.name };
    }
  return undefined;
}

/**
 * "tickets closed per day so far this month": the period's total over its days (per week: days ÷ 7), the days
 * through today when it is still running; one flow with no breakdown, else undefined (asked back)
 */
export function ratePlan(planned: Plan, unit: string, at: Date): Plan | undefined {
  const reading = planned.interpretation;
  const mains = planned.calls.filter((c) => c.role === "main");
  if (!reading || mains.length !== 1 || mains[0]!.name !== "query_metric" || reading.group_by.length) return undefined;
  if (unit !== "day" && unit !== "week") return undefined;
  const start = Date.parse(`${reading.period.start}T00:00:00Z`);
  const end = Date.parse(`${reading.period.end}T00:00:00Z`);
  const today = Date.parse(`${at.toISOString().slice(0, 10)}T00:00:00Z`);
  const last = reading.period.to_date ? Math.min(end, today) : end;
  const days = Math.round((last - start) / DAY_MS) + 1;
  if (!Number.isFinite(days) || days < 1 || (unit === "week" && days < 7)) return undefined;
  const { grain: _grain, ...input } = mains[0]!.input as Record<string, unknown>;
  const per = unit as "day" | "week";
  const label = reading.metric_label;
  return {
    status: "plan",
    intent: "average",
    calls: [{ role: "main", name: "query_metric", input: input as never }],
    interpretation: {
      ...reading,
      grain: null,
      rate: { per, days },
      read_as: `${label}, the total over ${reading.period.text} per ${per} (${days} days${per === "week" ? " ÷ 7" : ""})`,
      why: [
        ...reading.why.filter((w) => !/ per (?:day|week) over /.test(w)),
        `"per ${per}": the period's total over its ${days} days${per === "week" ? " ÷ 7" : ""}${reading.period.to_date ? " (through today)" : ""}, never one ${per}'s value`,
      ],
    },
  };
}

/**
 * "deals won per rep on average last quarter": read without "on average", a flow broken down by one dimension — the
 * mean of its values over the members with data (total ÷ members)
 */
function meanOverGroups(
  text: string,
  adverb: string,
  groupBy: string[],
  again: (q: string) => Plan | Refusal,
): Plan | undefined {
  if (groupBy.length !== 1) return undefined;
  const plain = again(
    text
      .replace(adverb, " ")
      .replace(/\s+/g, " ")
      .replace(/^\s*,\s*/, "")
      .trim(),
  );
  const read = plain.status === "plan" ? plain.interpretation : undefined;
  if (plain.status !== "plan" || plain.intent !== "metric" || !read || read.kind !== "flow") return undefined;
  if (read.group_by.join() !== groupBy.join() || read.grain) return undefined;
  const main = plain.calls.filter((c) => c.role === "main");
  if (main.length !== 1 || main[0]!.name !== "query_metric") return undefined;
  const over = groupBy[0]!;
  return {
    status: "plan",
    intent: "average",
    calls: [main[0]!],
    interpretation: {
      ...read,
      mean_over: over,
      read_as: `${read.metric_label}, the average per ${over} over ${read.period.text} (the total ÷ the ${over}s with data)${read.filters.length ? `, ${read.filters.map((f) => `${f.dimension} = ${String(f.value)}`).join(", ")}` : ""}`,
      why: [...read.why, `"${adverb.trim()}": ${read.metric_label} by ${over}, averaged over the ${over}s`],
    },
  };
}

/**
 * "what's the average per rep": without "average", is any metric named at all? If not, "average" names no measure and
 * is asked back — whether the words with it read as some metric (combinedAskBack) or as none, several metrics having
 * "average" in their names (plan.ts reads it for a refusal too)
 */
export function averageOfNothing(
  text: string,
  catalog: Catalog,
  again: (q: string) => Plan | Refusal,
): Refusal | undefined {
  if (!testSaid(AVERAGE_PER_BARE, text)) return undefined;
  const bare = again(text.replace(AVERAGE_WORD, " ").replace(/\s+/g, " ").trim());
  if (bare.status === "plan" && bare.interpretation) return undefined;
  return clarify(
    catalog,
    `"average" names no measure here: the average of what (deals won, deal size, sales cycle, …)?`,
    ["average"],
  );
}

export function combinedAskBack(
  typed: string,
  planned: Plan,
  catalog: Catalog,
  again: (q: string) => Plan | Refusal,
  at: Date,
): Plan | Refusal | undefined {
  const text = typed
    .toLowerCase()
    .replace(/[–—]/g, " ")
    .replace(/[?!.]+\s*$/, "");
  const reading = planned.interpretation;
  const label = reading?.metric_label ?? mainMetric(planned) ?? "the metric";
  // a billing interval said, no filter on it: the number is the whole company's
  const interval = execSaid(INTERVAL, text);
  if (interval && !filteredOn(planned).has("billing_interval"))
    return clarify(
      catalog,
      `"${interval[0].trim()}": this reading of ${label} does not keep to the customers of that billing interval; ask for the paying accounts billed that way (e.g. "how much MRR is sitting in paying accounts billed yearly")`,
      [interval[0].trim()],
    );
  // "average MRR per customer in the US": a value of a column said (its value synonyms, or its code in capitals)
  // that no call of the plan filters on
  const value = valueDropped(typed, text, planned, catalog);
  if (value)
    return clarify(
      catalog,
      `"${value.said}" (${value.column}) is not kept by this reading of ${label}: it would be every customer's number; ask for what is kept by ${value.column}, or leave it out`,
      [value.said],
    );
  if (!reading) return undefined;
  // a flow per day (week): the average over those units, not a series of them nor the period's total
  const perTime = execSaid(PER_TIME, text);
  if (perTime && reading.kind === "flow" && (planned.intent === "metric" || planned.intent === "compare")) {
    const rate = planned.intent === "metric" ? ratePlan(planned, perTime[1]!, at) : undefined;
    if (rate) return rate;
    return clarify(
      catalog,
      `"${perTime[0]}": ${label} per ${perTime[1]} over ${reading.period.text} is an average over its ${perTime[1]}s, which this reading does not take; ask for the total over the period, "${label.toLowerCase()} by ${perTime[1] === "week" ? "week" : "day"}", or "average ${label.toLowerCase()} per ${perTime[1] === "week" ? "week" : "day"}"`,
      [perTime[0]],
    );
  }
  const grouped = planned.intent === "metric" && reading.group_by.length > 0;
  const noMeasure = averageOfNothing(text, catalog, again);
  if (noMeasure) return noMeasure;
  if (grouped) {
    // "deals won per rep on average": the mean over the breakdown's members
    const adverb = execSaid(ON_AVERAGE, text);
    const mean = adverb ? meanOverGroups(text, adverb[0], reading.group_by, again) : undefined;
    if (mean) return mean;
    if (adverb)
      return clarify(
        catalog,
        `"${adverb[0]}": ${label} by ${reading.group_by.join(", ")} states each one's value; their average over the ${reading.group_by.join(", ")}s is another number this reading does not take — ask for the breakdown or for the total`,
        [adverb[0]],
      );
    // "avg deals won per rep": a count's words read into another metric's name with "average"
    if (testSaid(AVERAGE_WORD, text)) {
      const without = again(text.replace(AVERAGE_WORD, " ").replace(/\s+/g, " ").trim());
      const other = without.status === "plan" ? without.interpretation : undefined;
      if (other && other.metric !== reading.metric && other.group_by.join() === reading.group_by.join())
        return clarify(
          catalog,
          `"average … per ${reading.group_by.join(", ")}": the average of ${other.metric_label} over the ${reading.group_by.join(", ")}s, or ${label} by ${reading.group_by.join(", ")}? Say which`,
          ["average"],
        );
    }
  }
  // "Enterprise pipeline, Q3 vs Q2": the metric named only by the noun of the value said
  if (planned.intent === "compare" && reading.filters.length) {
    const named = reading.why
      .map((w) => /^"([^"]+)" is a name of /.exec(w)?.[1])
      .find((w): w is string => w !== undefined);
    const noun = named?.toLowerCase();
    const ofValue =
      noun !== undefined &&
      reading.filters.some((f) => f.dimension.toLowerCase() === noun || String(f.value).toLowerCase().includes(noun));
    if (ofValue)
      return clarify(
        catalog,
        `"${noun}" here names the ${reading.filters.map((f) => `${f.dimension} ${f.value}`).join(", ")}, not a measure of it: compared across two periods, is it the open amount at each end, the deals created, or the deals won?`,
        [noun!],
      );
  }
  return undefined;
}

/**
 * "new customers per day on average in October": a flow kept in buckets coarser than the day (week) said has no mean
 * of those buckets (planAverage leaves it); read without the average word, it is the period's total per day (week).
 */
export function averagedRate(typed: string, again: (q: string) => Plan | Refusal, at: Date): Plan | undefined {
  const text = typed
    .toLowerCase()
    .replace(/[?!.]+\s*$/, "")
    .trim();
  const perTime = execSaid(PER_TIME, text);
  if (!perTime || !testSaid(AVERAGE_WORD, text)) return undefined;
  const without = text
    .replace(ON_AVERAGE, " ")
    .replace(/\b(?:the\s+|an?\s+)?(?:average|avg|mean)(?:\s+number\s+of)?\b/, " ")
    .replace(/^\s*,\s*/, "")
    .replace(/\s+/g, " ")
    .trim();
  const plain = again(without);
  if (plain.status !== "plan" || plain.intent !== "metric" || plain.interpretation?.kind !== "flow") return undefined;
  return ratePlan(plain, perTime[1]!, at);
}

/** a share asked: "what share of", "what % of", "as a share of" */
const SHARE_ASKED =
  /\b(?:what|which)\s+(?:share|%|percent(?:age)?|fraction|proportion|part)\s+of\b|\bas\s+an?\s+(?:share|percent(?:age)?|fraction|proportion)\s+of\b/;
/** the share's unit said again after it: ", as a percent", "in %", "in percentage terms" */
const PERCENT_GLOSS =
  /\s*[,;:—–-]?\s*\b(?:as\s+an?|in)\s+(?:percent(?:age)?s?|pct|%|percentage\s+terms)(?=\s*(?:please|pls)?\s*$)|\s*[,;:—–-]?\s*\bin\s+%(?=\s*$)/;

/**
 * "what share of tickets in Q3 were high priority, as a percent": a share is a percentage, so the unit said after it
 * adds nothing; read without it, kept only when the reading is that share (one metric as a share of another, or a
 * percentage metric)
 */
export function shareGloss(typed: string, catalog: Catalog, again: (q: string) => Plan | Refusal): Plan | undefined {
  const text = typed
    .toLowerCase()
    .replace(/[?!.]+\s*$/, "")
    .trim();
  if (!testSaid(SHARE_ASKED, text)) return undefined;
  const gloss = execSaid(PERCENT_GLOSS, text);
  if (!gloss) return undefined;
  const without = `${text.slice(0, gloss.index)}${text.slice(gloss.index + gloss[0].length)}`.trim();
  const plain = again(without);
  if (plain.status !== "plan") return undefined;
  const share = plain.calls.some((c) => c.role === "share");
  const metric = catalog.metrics.find((m) => m.name === mainMetric(plain));
  return share || metric?.format === "percent" ? plain : undefined;
}

/** "tickets in the last 30 days per enterprise account": the rows' mean, said without "average" */
const PER_ROW =
  /^(?:what(?:'s|\s+is|\s+are)\s+)?(?:the\s+|our\s+)?(.+?)\s+per\s+((?:[a-z]+\s+){0,2}?(?:account|customer|client))s?$/;

/**
 * "tickets in the last 30 days per enterprise account", "seats per pro customer": a column of the paying accounts'
 * rows over those rows is their mean (account-book.ts reads it when "average" is said); kept only when read so
 */
export function perRowMean(typed: string, again: (q: string) => Plan | Refusal): Plan | undefined {
  const text = typed
    .toLowerCase()
    .replace(/[?!.]+\s*$/, "")
    .trim();
  const m = execSaid(PER_ROW, text);
  if (!m || testSaid(AVERAGE_WORD, text)) return undefined;
  const plain = again(`average ${m[1]} per ${m[2]}`);
  if (plain.status !== "plan" || plain.intent !== "count_rows") return undefined;
  return plain.calls.some((c) => (c.input as { mean?: unknown }).mean === true) ? plain : undefined;
}

/** "churn rate for each month of Q3 — what was the worst one?": a series said, then its extreme asked */
const EACH_THEN_PICK =
  /^(?:(?:show\s+me|give\s+me|what(?:'s|\s+is|\s+was|\s+were)|list)\s+)?(?:the\s+|our\s+)?(.+?)\s+(?:for|in|over|across|by)\s+(?:each|every)\s+(month|week|day|quarter)\s+(?:of|in)\s+(.+?)\s*(?:[—–,;:]|\s-)\s*(?:and\s+|so\s+)?(?:what|which)\s+(?:was|is|were|one\s+was)\s+(?:the\s+)?(worst|best|highest|lowest|biggest|smallest|largest|busiest|quietest)(?:\s+one)?$/;
const UNIT_GLOSS = /\s*,?\s*\b(?:as\s+an?|in)\s+(?:percent(?:age)?|%)(?=\s|$)/;

/**
 * "churn rate as a percent for each month of Q3 — what was the worst one?": the bucket of the period with the
 * extreme value, read as "which month of Q3 had the worst churn rate" (the metric's own direction for best/worst);
 * a percentage said of the metric is its unit, kept only for a percentage metric
 */
export function eachThenPick(typed: string, catalog: Catalog, again: (q: string) => Plan | Refusal): Plan | undefined {
  const text = typed
    .toLowerCase()
    .replace(/[?!.]+\s*$/, "")
    .trim();
  const m = execSaid(EACH_THEN_PICK, text);
  if (!m) return undefined;
  const gloss = testSaid(UNIT_GLOSS, m[1]!);
  const metric = m[1]!.replace(UNIT_GLOSS, " ").replace(/\s+/g, " ").trim();
  const plain = again(`which ${m[2]} of ${m[3]} had the ${m[4]} ${metric}`);
  if (plain.status !== "plan" || plain.intent !== "argmax" || plain.interpretation?.grain !== m[2]) return undefined;
  if (gloss && catalog.metrics.find((x) => x.name === plain.interpretation?.metric)?.format !== "percent")
    return undefined;
  return plain;
}
