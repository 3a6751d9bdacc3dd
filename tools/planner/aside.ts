import type { Catalog } from "../../engine/catalog/catalog.ts";
import type { MetricDef } from "../../engine/transform/model-schema.ts";
import { metricPhraseList, STOP, stemOf, stemsOf } from "./lexicon.ts";
import { findPeriods } from "./periods.ts";
import type { Plan, Refusal } from "./plan-types.ts";
import { normalize } from "./text.ts";
import { understand } from "./understand.ts";
import { execSaid, replaceSaid, testSaid } from "./may-match.ts";

/**
 * A question asked in another tool's words (issue #15, batch 21): the tool it was read in ("ProfitWell's New
 * Recurring Revenue", "in Baremetrics I watched User Churn", "our Sigma query used to give …"), a gloss of where the
 * number is shown ("(the Amplitude 'Active Users' chart)", "— the red churn bar on the MRR Movements chart", "— the
 * one expansion can't prop up") and a definition spelled out ("churned customers over the customers at the start of
 * the month"). The tool and the gloss are context, set aside when every catalog word of the gloss is the metric's own;
 * a definition is checked against the metric's expression: the same quotient answers, another asks back. Only tried
 * on a question refused as typed; what is left is planned again from the start.
 */

/** the tools people come from, as they name them */
export const TOOL =
  "(?:chart\\s*mogul|baremetrics|profitwell|paddle|recurly|chargebee|stripe(?:\\s+sigma)?|sigma|hubspot|salesforce|pipedrive|zendesk(?:\\s+explore)?|intercom|freshdesk|amplitude|mixpanel|posthog|heap|looker|metabase|tableau)";

/** "in Baremetrics I watched", "on ChartMogul we track": the tool the metric was followed in, said first */
const WATCHED_IN = new RegExp(
  `(?:^|(?<=[.!?]\\s))(?:in|on|from|with)\\s+${TOOL}\\s+(?:i|we)\\s+(?:used\\s+to\\s+)?(?:watched|watch|tracked|track|followed|follow|checked|check|looked\\s+at|monitored|monitor|saw|used|reported|had)\\s+`,
  "g",
);
/** "our Sigma query used to give", "the HubSpot report shows": the tool's query or report that showed it */
const TOOL_GAVE = new RegExp(
  `\\b(?:our|the|my|a)\\s+${TOOL}\\s+(?:query|report|dashboard|chart|view|export|sql)\\s+(?:used\\s+to\\s+|would\\s+|always\\s+)?(?:gives?|gave|shows?|showed|reports?|reported|returns?|returned|tracks?|tracked|calls?|called)\\s+`,
  "g",
);
/** "ProfitWell's New Recurring Revenue": the tool's possessive before the metric */
const TOOL_OWNS = new RegExp(`\\b${TOOL}'s\\s+`, "g");
/** "I mean the ChartMogul one: …": the definition said after it is the one meant */
const MEANT = new RegExp(
  `(?:^|\\s)(?:i\\s+mean|meaning|as\\s+in)\\s+(?:the\\s+)?(?:${TOOL}\\s+)?(?:one|version|definition)\\b\\s*[:,—–-]?\\s*`,
);
/** a quotient said in words */
const RATIO_OP = /\s+(?:over|÷|\/|divided\s+by)\s+/;
const SUM_OP = /\s*(?:\+|\bplus\b|\band\b)\s*/;
/** a report's own nouns and the words a chart is described with */
const REPORT_WORDS = new Set(
  "report chart graph table dashboard widget tile card panel bar bars line row column series movement movements query view screen tab page"
    .split(" ")
    .map(stemOf),
);
/** "at the start of the month", "starting", "opening": a level said at the period's start */
const AT_START =
  /\b(?:(?:we\s+had\s+)?(?:at\s+)?(?:the\s+)?(?:start|beginning)(?:\s+of\s+(?:the\s+|each\s+)?(?:month|period|quarter|year))?|starting|opening)\b/g;

/**
 * A tool whose metric of that name is another number than the catalog's (each from the tool's own docs): named with
 * it, the metric is asked back, never set aside.
 */
const TOOL_DEFINES: { tool: RegExp; metric: string; theirs: string }[] = [
  {
    tool: /\b(?:zendesk|intercom|freshdesk)\b/,
    metric: "csat",
    theirs: "its satisfaction score is the percent of good ratings (good ÷ (good + bad))",
  },
  {
    tool: /\b(?:amplitude|mixpanel|posthog)\b/,
    metric: "stickiness",
    theirs: "its Stickiness chart is the share of users active on N or more days of a week or month",
  },
];

/**
 * A plan of a metric the question names with a tool whose metric of that name is another number (TOOL_DEFINES):
 * asked back, whatever set the tool aside.
 */
export function toolsOwnNumber(typed: string, plan: Plan, catalog: Catalog): Refusal | undefined {
  const read = plan.interpretation;
  const metric = read && catalog.metrics.find((m) => m.name === read.metric);
  if (!read || !metric) return undefined;
  const text = normalize(typed);
  const theirs = TOOL_DEFINES.find((d) => d.metric === metric.name && d.tool.test(text));
  if (!theirs) return undefined;
  const tool = text.match(theirs.tool)![0];
  return {
    status: "refusal",
    reason: `${read.metric_label} in ${tool}'s terms is another number: ${theirs.theirs}, while ${read.metric_label} here is ${metric.description?.split(/[.;]/)[0]}; ask for ${read.metric_label} as defined here, or say which`,
    known_metrics: catalog.metrics.map((m) => m.name),
    kind: "clarify",
    interpretation: read,
    unplaced: [tool],
  };
}

export interface Aside {
  text: string;
  tools: string[];
  glosses: string[];
  definition?: string;
  /** another tool's word for the catalog's, said as read ("time to won" read as "time to close") */
  renamed: string[];
}

/** The question without the tool it was read in, its glosses and a spelled-out definition; undefined when none. */
export function asideOf(typed: string): Aside | undefined {
  let text = normalize(typed);
  const tools: string[] = [];
  const glosses: string[] = [];
  let definition: string | undefined;
  // Pipedrive's "time to won" (days from a deal's creation to its won date) is the time to close of a won deal
  const renamed: string[] = [];
  text = text.replace(/\b(time|days)\s+to\s+won\b/g, (m, unit: string) => {
    renamed.push(`"${m}" read as "${unit} to close"`);
    return `${unit} to close`;
  });
  // Baremetrics' "User Churn" is its customers' churn (a user there is a paying customer, not a product user)
  text = text.replace(/\buser\s+churn\b/g, (m) => {
    renamed.push(`"${m}" read as "customer churn"`);
    return "customer churn";
  });
  // group analytics' "how many companies": companies counted are accounts ("company" alone is the speaker's own)
  text = text.replace(/\b(how\s+many|number\s+of)\s+companies\b/g, (m, lead: string) => {
    renamed.push(`"${m}" read as "${lead} accounts"`);
    return `${lead} accounts`;
  });
  for (const re of [WATCHED_IN, TOOL_GAVE, TOOL_OWNS])
    text = text.replace(re, (m) => {
      tools.push(m.trim());
      return "";
    });
  // "I mean the ChartMogul one: churned customers over …" to the sentence's end
  const meant = execSaid(MEANT, text);
  if (meant) {
    const rest = text.slice(meant.index + meant[0].length);
    const end = /[.!?](?:\s|$)/.exec(rest);
    const said = (end ? rest.slice(0, end.index) : rest).trim();
    if (RATIO_OP.test(` ${said} `)) {
      definition = said;
      tools.push(meant[0].trim().replace(/[:,—–-]$/, ""));
      text = `${text.slice(0, meant.index)} ${end ? rest.slice(end.index + 1) : ""}`;
    }
  }
  // "(…)" and "— … ." / "— …" to the end: a definition when it holds a quotient, else a gloss
  text = text.replace(/\s*\(([^()]{3,140})\)/g, (m, inner: string) => {
    if (RATIO_OP.test(` ${inner} `) && !definition) definition = inner.trim();
    else glosses.push(inner.trim());
    return "";
  });
  text = text.replace(/\s+(?:—|–|--|-)\s+([^.?!—–]{3,140}?)(?=[.?!]\s|[.?!]?$)/g, (m, inner: string) => {
    // a question after the dash is the question, never a gloss ("— who closed the most?")
    if (/^(?:who|which|what|how|did|do|does|is|are|was|were|whose|when)\b/.test(inner)) return m;
    if (RATIO_OP.test(` ${inner} `) && !definition) definition = inner.trim();
    else if (/^(?:the|a|our|that|this|i\.?e\.?)\b/.test(inner)) glosses.push(inner.trim());
    else return m;
    return "";
  });
  text = text
    .replace(/\s+([.,?!])/g, "$1")
    .replace(/^[\s,.]+/, "")
    .replace(/\s{2,}/g, " ")
    .trim();
  if (!tools.length && !glosses.length && !definition && !renamed.length) return undefined;
  return { text, tools, glosses, renamed, ...(definition ? { definition } : {}) };
}

/** the stems a metric is named and described with (its name, label, synonyms, verbs and description) */
function ownStems(m: MetricDef): Set<string> {
  return new Set(
    [...metricPhraseList(m), ...(m.verbs ?? []), m.description ?? ""].flatMap((p) =>
      stemsOf(p.toLowerCase().replace(/[^a-z0-9' ]+/g, " ")),
    ),
  );
}

/**
 * A gloss names nothing but the metric when each of its words that the catalog knows (a metric's, a dimension's or a
 * value's word) is the metric's own, and it says no period: "the red churn bar" of churned MRR, never "the Pro one".
 */
function glossOnlyNames(gloss: string, metric: MetricDef, catalog: Catalog, at: Date): boolean {
  if (findPeriods(gloss, at).some((p) => !ownStems(metric).has(stemOf(gloss.slice(p.start, p.end))))) return false;
  if (/\d/.test(gloss)) return false;
  const own = ownStems(metric);
  const known = new Set([
    ...catalog.metrics.flatMap((m) => metricPhraseList(m).flatMap((p) => stemsOf(p.toLowerCase()))),
    ...catalog.metrics.flatMap((m) => m.dimensions.flatMap((d) => stemsOf(d.replaceAll("_", " ")))),
    ...[...(catalog.dimensionValues?.values() ?? [])].flat().flatMap((v) => stemsOf(v.toLowerCase())),
  ]);
  const tool = new RegExp(`^${TOOL}$`);
  return stemsOf(gloss.replace(/['"‘’“”]/g, " ")).every(
    (w) => STOP.has(w) || tool.test(w) || REPORT_WORDS.has(w) || own.has(w) || !known.has(w),
  );
}

/** the columns a ratio metric's expression divides: sum(…) columns over the columns after its "/" */
function quotientOf(m: MetricDef, catalog: Catalog): { num: Set<string>; den: Set<string> } | undefined {
  if (m.time_rollup !== "ratio") return undefined;
  const cut = m.expression.indexOf(" / ");
  if (cut < 0) return undefined;
  const columns = new Set(catalog.models.get(m.mart)?.columns.map((c) => c.name) ?? []);
  const num = new Set([...m.expression.slice(0, cut).matchAll(/\bsum\((\w+)\)/g)].map((x) => x[1]!));
  const den = new Set(
    [...m.expression.slice(cut + 3).matchAll(/\b[a-z_]+\b/g)]
      .map((x) => x[0])
      .filter((c) => columns.has(c) && c !== m.time_column),
  );
  return num.size && den.size === 1 ? { num, den } : undefined;
}

/** the one column a metric sums ("sum(churned_mrr)", "case … else sum(churned_mrr) end") */
function columnSummed(m: MetricDef): string | undefined {
  const sums = [...m.expression.matchAll(/\bsum\((\w+)\)/g)].map((x) => x[1]!);
  return sums.length === 1 ? sums[0] : undefined;
}

interface Term {
  metric: MetricDef;
  atStart: boolean;
}

/**
 * "churn + contraction MRR", "the customers we had at the start of the month": each term read as a metric; a sum said
 * with no unit of its own takes the other side's ("churn + downgrades over starting MRR": amounts of MRR)
 */
function termsOf(side: string, catalog: Catalog, at: Date, other?: string): Term[] | undefined {
  const parts = side.split(SUM_OP).map((p) => p.trim());
  const unit = /\b(mrr|arr)$/.exec(parts.at(-1) ?? "")?.[1] ?? (parts.length > 1 ? other : undefined);
  const out: Term[] = [];
  for (const raw of parts) {
    const atStart = testSaid(AT_START, raw);
    AT_START.lastIndex = 0;
    let term = raw
      .replace(AT_START, " ")
      .replace(/^(?:all\s+|the\s+|our\s+|total\s+)+/, "")
      .replace(/\b(?:we\s+had|there\s+were)\b/g, " ")
      .replace(/\s+/g, " ")
      .trim();
    if (!term) return undefined;
    if (unit && !new RegExp(`\\b${unit}$`).test(term)) term = `${term} ${unit}`;
    const read = understand(term, catalog, at);
    if (!("interpretation" in read) || read.filters.length) return undefined;
    out.push({ metric: read.metric, atStart });
  }
  return out;
}

/**
 * A spelled-out quotient against a metric: "same" when its terms are the columns the metric's expression divides (a
 * level said "at the start" is the start column of that level), "differs" when they are other metrics, undefined
 * when a term is no metric.
 */
export function definitionMatches(
  definition: string,
  metric: MetricDef,
  catalog: Catalog,
  at: Date,
): "same" | "differs" | undefined {
  const [a, b, ...more] = definition.split(RATIO_OP);
  if (!a || !b || more.length) return undefined;
  const num = termsOf(a, catalog, at, /\b(mrr|arr)$/.exec(b.trim())?.[1]);
  const den = termsOf(b, catalog, at);
  if (!num || !den) return undefined;
  const q = quotientOf(metric, catalog);
  if (!q || den.length !== 1) return "differs";
  const numCols = num.map((t) => (t.atStart ? undefined : columnSummed(t.metric)));
  if (numCols.some((c) => !c) || numCols.length !== q.num.size || !numCols.every((c) => q.num.has(c!)))
    return "differs";
  const d = den[0]!;
  const denCol = [...q.den][0]!;
  const col = columnSummed(d.metric) ?? "";
  const words = (c: string) => new Set(c.split("_").map(stemOf));
  // "customers at the start" is customers_at_start, "MRR at the start" start_mrr: a start column of the same level
  const same = d.atStart
    ? /\bstart\b/.test(denCol.replaceAll("_", " ")) && [...words(col)].some((w) => words(denCol).has(w))
    : col === denCol;
  return same ? "same" : "differs";
}

/**
 * The question planned without its tool, glosses and definition: kept when what is left reads as one metric whose
 * own words are all the glosses name and whose quotient is the definition's; a definition of another quotient asks
 * back. A count defined over the whole it is part of ("failed charges over all charge attempts") is that share.
 */
export function readAside(
  typed: string,
  catalog: Catalog,
  at: Date,
  planAgain: (q: string) => Plan | Refusal,
): Plan | Refusal | undefined {
  const aside = asideOf(typed);
  if (!aside || !aside.text) return undefined;
  const again = planAgain(aside.text);
  const setAside = [...aside.tools, ...aside.glosses].map((s) => `"${s}"`);
  if (again.status !== "plan") return aside.definition ? shareDefined(aside, catalog, at, planAgain) : undefined;
  const read = again.interpretation;
  const metric = read?.metric ? catalog.metrics.find((m) => m.name === read.metric) : undefined;
  if (!read || !metric) return undefined;
  if (!aside.glosses.every((g) => glossOnlyNames(g, metric, catalog, at))) return undefined;
  const theirs = toolsOwnNumber(typed, again, catalog);
  if (theirs) return theirs;
  const notes: string[] = [];
  if (aside.definition) {
    const match = definitionMatches(aside.definition, metric, catalog, at);
    if (!match) return undefined;
    // "the payment failure rate — failed charges over all charge attempts" read as the count: the share it defines
    const share = match === "differs" ? shareDefined(aside, catalog, at, planAgain) : undefined;
    if (share) return share;
    if (match === "differs")
      return {
        status: "refusal",
        reason: `"${aside.definition}" is not how ${read.metric_label} is defined here (${metric.description?.split(/[.;]/)[0]}); ask for it as defined, or for each part`,
        known_metrics: catalog.metrics.map((m) => m.name),
        kind: "clarify",
        interpretation: read,
        unplaced: [aside.definition],
      };
    notes.push(`"${aside.definition}" is how ${read.metric_label} is defined here`);
  }
  if (setAside.length)
    notes.push(`${setAside.join(", ")}: the tool or chart it was read in, naming nothing that changes the number`);
  return {
    ...again,
    interpretation: {
      ...read,
      read_as: `${read.read_as} (${[
        ...aside.renamed,
        ...(setAside.length || aside.definition
          ? [
              `set aside: ${[...setAside, ...(aside.definition ? [`"${aside.definition}" (the same definition)`] : [])].join(", ")}`,
            ]
          : []),
      ].join("; ")})`,
      why: [...read.why, ...notes],
    },
  };
}

/**
 * "the payment failure rate — failed charges over all charge attempts": a count over the metric it is part of, named
 * by words of the count only (and "rate", "share", "percentage"), is the count as a share of that whole.
 */
function shareDefined(
  aside: Aside,
  catalog: Catalog,
  at: Date,
  planAgain: (q: string) => Plan | Refusal,
): Plan | undefined {
  const [a, b, ...more] = aside.definition!.split(RATIO_OP);
  if (!a || !b || more.length) return undefined;
  const num = termsOf(a, catalog, at);
  const den = termsOf(b, catalog, at);
  if (num?.length !== 1 || den?.length !== 1 || num[0]!.atStart || den[0]!.atStart) return undefined;
  const part = num[0]!.metric;
  const whole = den[0]!.metric;
  if (part.part_of !== whole.name) return undefined;
  const periods = findPeriods(aside.text, at);
  if (periods.length !== 1) return undefined;
  const period = aside.text.slice(periods[0]!.start, periods[0]!.end);
  // the rest names the count and a rate, nothing else
  const own = ownStems(part);
  const rest = `${aside.text.slice(0, periods[0]!.start)} ${aside.text.slice(periods[0]!.end)}`;
  const frame = /\b(?:what|was|is|it|were|for|in|during|give|show|the|our|rate|ratio|share|percentage|percent)\b/g;
  if (!stemsOf(rest.replace(frame, " ")).every((w) => STOP.has(w) || own.has(w))) return undefined;
  const asked = `${part.label ?? part.name} as a share of ${whole.label ?? whole.name} ${period}`.toLowerCase();
  const p = planAgain(asked);
  if (p.status !== "plan" || !p.interpretation) return undefined;
  const setAside = [...aside.tools, ...aside.glosses].map((s) => `"${s}"`);
  return {
    ...p,
    interpretation: {
      ...p.interpretation,
      read_as: `${p.interpretation.read_as} (the question read as "${asked}"${setAside.length ? `; set aside: ${setAside.join(", ")}` : ""})`,
      why: [
        ...p.interpretation.why,
        `"${aside.definition}": ${part.label ?? part.name} over the ${whole.label ?? whole.name} it is part of, a share`,
      ],
    },
  };
}

/** "— did we grow faster?", "did it grow more": whether the later period grew more, asked of a comparison */
const GREW_FASTER =
  /\s*(?:—|–|--|\s-|,|;)?\s*(?:so\s+)?(?:did|have|were|are|was)\s+(?:we|it|they|things)\s+(?:grow|grew|growing|grown)\s+(?:faster|more|quicker|more\s+quickly)\s*[?.!]*$/;

/**
 * "Net MRR Movements: October vs September — did we grow faster?": of a metric that is growth itself (its names say
 * "growth": net new MRR is MRR growth), growing faster is more of it, so the comparison answers; of any other metric
 * (growth of new MRR, of MRR) it is not read here.
 */
export function grewFaster(
  typed: string,
  catalog: Catalog,
  planAgain: (q: string) => Plan | Refusal,
): Plan | undefined {
  const text = normalize(typed);
  const said = execSaid(GREW_FASTER, text);
  if (!said) return undefined;
  const rest = text.slice(0, said.index).replace(/:\s*/g, " ").trim();
  const p = planAgain(rest);
  if (p.status !== "plan" || !p.interpretation || p.calls[0]?.name !== "compare_periods") return undefined;
  const metric = catalog.metrics.find((m) => m.name === p.interpretation!.metric);
  if (!metric || !metricPhraseList(metric).some((x) => stemsOf(x.toLowerCase()).includes(stemOf("growth"))))
    return undefined;
  const label = metric.label ?? metric.name;
  return {
    ...p,
    interpretation: {
      ...p.interpretation,
      read_as: `${p.interpretation.read_as} ("${said[0].replace(/^[\s—–,;-]+/, "").trim()}": ${label} is the growth, so the larger one grew faster)`,
      why: [...p.interpretation.why, `${label} is the growth itself: growing faster is more of it`],
    },
  };
}

const RANK_WORD = /\b(most|biggest|largest|highest|greatest|top|best|least|smallest|lowest|fewest)\b/;
const NOW_WORD = /\b(?:today|right\s+now|now|currently|at\s+the\s+moment)\b/;

/**
 * A report's title and the ranking asked of it: "Closed won amount by deal owner, October — who closed the most?",
 * "Open deal amount by owner — whose pipeline is biggest today?". The title names the metric, the dimension and the
 * period (said in the title, it applies); the question after it asks for the value of the dimension with the most,
 * in words of the metric only. Read as "which <dimension> has the most <metric> <period>".
 */
export function titleRanking(
  typed: string,
  catalog: Catalog,
  at: Date,
  planAgain: (q: string) => Plan | Refusal,
): Plan | undefined {
  const text = normalize(typed).replace(/[?!.]+$/, "");
  const parts = text.split(/\s+(?:—|–|--|-)\s+|:\s+/);
  if (parts.length !== 2) return undefined;
  const [title, asked] = parts as [string, string];
  const t = /^(.+?)\s+by\s+([a-z][a-z ]{1,24}?)(?:\s*,\s*(.+))?$/.exec(title);
  if (!t || !/^(?:and\s+)?(?:who|whose|which)\b/.test(asked)) return undefined;
  const rank = execSaid(RANK_WORD, asked);
  if (!rank) return undefined;
  const [, named, dim, period] = t as unknown as [string, string, string, string | undefined];
  if (period && !findPeriods(period, at).length) return undefined;
  if (findPeriods(replaceSaid(asked, NOW_WORD, " "), at).length) return undefined;
  const now = execSaid(NOW_WORD, asked)?.[0];
  if (now && period) return undefined;
  const most = /^(?:least|smallest|lowest|fewest)$/.test(rank[1]!) ? "least" : "most";
  const question = `which ${dim} has the ${most} ${named}${period ? ` in ${period}` : ""}${now ? ` ${now}` : ""}`;
  const p = planAgain(question);
  const input = p.status === "plan" ? (p.calls[0]?.input as { group_by?: string[] }) : undefined;
  if (p.status !== "plan" || !p.interpretation || input?.group_by?.length !== 1) return undefined;
  const metric = catalog.metrics.find((m) => m.name === p.interpretation!.metric);
  if (!metric) return undefined;
  // the question after the title says nothing the title doesn't: its catalog words are the metric's or the dimension's
  const own = ownStems(metric);
  const dims = new Set(stemsOf(dim));
  const free =
    /\b(?:who|whose|which|one|is|was|has|had|have|closed|the|a|most|biggest|largest|highest|greatest|top|best|least|smallest|lowest|fewest)\b/g;
  const words = stemsOf(replaceSaid(asked, NOW_WORD, " ").replace(free, " "));
  if (!words.every((w) => STOP.has(w) || own.has(w) || dims.has(w))) return undefined;
  return {
    ...p,
    interpretation: {
      ...p.interpretation,
      read_as: `${p.interpretation.read_as} (the report "${title}" and the question "${asked}" read as "${question}")`,
      why: [...p.interpretation.why, `"${title}": a report's title, its period applies to the ranking asked of it`],
    },
  };
}
