import type { Catalog } from "../../engine/catalog/catalog.ts";
import type { MetricDef } from "../../engine/transform/model-schema.ts";
import { metricPhraseList, STOP, stemOf, stemsOf } from "./lexicon.ts";
import { matchMetrics } from "./match.ts";
import { wordsOf } from "./text.ts";
import { understand } from "./understand.ts";
import { execSaid, testSaid } from "./may-match.ts";

/**
 * A question framed by the report a reporting tool shows it in: "the Contraction row of the MRR movements table",
 * "MRR chart filtered to the Pro plan — what was it …", "Deals won report — …", "Baremetrics says ARPU — what's
 * ours". The report, its row, the tool's name and "filtered to" say where the user saw the number, not which number;
 * read without them, the question names its metric, filters and period itself. Only tried on a question the planner
 * refused as typed, and each rewrite is planned again from the start, so a word it cannot place still asks back.
 */

/** the tools whose report names people quote (ChartMogul, Baremetrics, Stripe, HubSpot, Zendesk, product analytics) */
const VENDOR =
  "(?:chartmogul|chart\\s+mogul|baremetrics|profitwell|paddle|recurly|chargebee|stripe|hubspot|salesforce|pipedrive|zendesk|intercom|freshdesk|amplitude|mixpanel|statsig|posthog|heap|google\\s+analytics|quickbooks|xero)";
/** "Baremetrics says ARPU — …", "ChartMogul calls it ARPA": the tool's name for the metric, said before the question */
const VENDOR_SAYS = new RegExp(
  `^(?:so\\s+)?(?:in\\s+)?${VENDOR}(?:'s)?\\s+(?:says|calls\\s+(?:it|this)|labels\\s+(?:it|this)|shows|reports|has)\\s+`,
);
/** a report, chart or table the number was read on */
const REPORT_NOUN = "(?:report|chart|graph|table|dashboard|widget|tile|card|panel)s?";
/** "the Contraction row of the MRR movements table": the row is the metric asked for */
const ROW_OF = new RegExp(
  `\\b([a-z][a-z-]*(?:\\s+[a-z][a-z-]*){0,2}?)\\s+(?:row|line|column|bar|series|section|entry)\\s+(?:of|in|on|from)\\s+(?:the\\s+|our\\s+)?(?:[a-z][a-z-]*\\s+){0,3}?${REPORT_NOUN}\\b`,
);
/** "what did the Contraction row say for September", "what does the chart show": what the report said is its value */
const REPORT_SAYS =
  /\b(what|how\s+much|how\s+many)\s+(?:did|does|do)\s+(.{2,60}?)\s+(?:say|show|read|report|display)\b/;
/** "MRR chart filtered to the Pro plan": the filter of the report is a filter of the metric */
const FILTERED =
  /\b(?:filtered|filter(?:ing)?|limited|restricted|narrowed|segmented|scoped)\s+(?:down\s+)?(?:to|on|by|for)\b/g;
/** "MRR breakdown by plan": a breakdown by a dimension is that split */
const BREAKDOWN = /\b(?:breakdown|break-down)\s+(?:of\s+)?/g;
/** "customer churn rate for Q2 as one rate for the quarter": one ratio over the period is how a rate over it is read */
const ONE_RATE =
  /,?\s*\b(?:as|in)\s+(?:one|a\s+single|a)\s+(?:rate|ratio|percentage)(?:\s+(?:for|over|across)\s+(?:the\s+|that\s+|this\s+)?(?:whole\s+|entire\s+)?(?:quarter|period|year|month|range|window|span))?\b/g;
/** "who's on top", "who came out on top", "who leads": which one has the most (said after the report it ranks) */
const ON_TOP =
  /^(?:and\s+)?(?:who|which\s+(?:one|[a-z]+))(?:'s|\s+is|\s+was|\s+were|\s+came|\s+comes|\s+ended\s+up)?\s+(?:on\s+top|out\s+on\s+top|(?:in\s+)?(?:the\s+)?lead(?:ing)?|leads|led|first|number\s+one|#\s?1|the\s+winner|won\s+it|wins)$/;
/** "…, i.e. new business + expansion − churn": a definition restated after the metric's name */
const RESTATED =
  /(?:,|\(|—|–|-)?\s*\b(?:i\.\s?e\.?|ie|that\s+is|aka|a\.k\.a\.?|meaning|defined\s+as|calculated\s+as|computed\s+as|taken\s+as|counted\s+as|measured\s+as|understood\s+as)\s+([^()]+?)\)?\s*$/;
/**
 * "(leave Stripe fees out)", "before processing fees", "fees aside": the processor's fees not taken off — no amount of
 * the catalog takes them off, so said beside a restated formula (which has no fee in it) they change nothing; "net of
 * fees" takes them off, and is never cut
 */
const FEES_ASIDE =
  /\s*(?:,|\(|—|–)?\s*\b(?:(?:leave|leaving)\s+(?:the\s+)?(?:stripe\s+|processing\s+|processor\s+|payment\s+|transaction\s+)?fees\s+out|(?:before|ignoring|not\s+deducting|without\s+deducting)\s+(?:the\s+)?(?:stripe\s+|processing\s+|processor\s+|payment\s+|transaction\s+)?fees|(?:stripe\s+|processing\s+)?fees\s+(?:aside|left\s+out|not\s+deducted))\b\s*\)?/;
const OPERATOR = /^(?:\+|-|−|–|plus|minus|less|and|the|our|over|divided|by|\/|÷|×|\*|times)$/;
/** a frame ends before the question it frames: a dash, a colon or a semicolon */
const FRAME_END = /\s*(?:—|–|--|\s-\s|:|;)\s*/;

/** The question read without the report that frames it; undefined when nothing in it names a report or a tool. */
export function withoutFrame(
  text: string,
  catalog: Catalog,
): { text: string; said: string[]; restated?: string } | undefined {
  let out = text;
  const said: string[] = [];
  let formula: string | undefined;
  const cut = (re: RegExp, to: string | ((...m: string[]) => string)) => {
    const next = out.replace(re, (...m: unknown[]) => {
      said.push(String(m[0]).trim());
      return typeof to === "string" ? to : to(...(m as string[]));
    });
    out = next;
  };
  cut(VENDOR_SAYS, "");
  // a row of a money report ("the Churn row of the MRR movements table") is money: its unit goes with it
  cut(ROW_OF, (m, row) => {
    const unit = /\b(mrr|arr)\b/.exec(m.slice(row!.length));
    if (unit) return /\b(?:mrr|arr)\b/.test(row!) ? row! : `${row} ${unit[1]}`;
    // a one-word row of a report with no unit ("the Churn row of the Chart Data table") may be a count, an amount
    // or a rate: left as typed, and asked back
    return row!.split(/\s+/).filter((w) => w && !STOP.has(w)).length > 1 ? row! : m;
  });
  cut(REPORT_SAYS, (_m, what, subject) => `${what} was ${subject}`);
  cut(FILTERED, "for");
  cut(BREAKDOWN, "");
  cut(ONE_RATE, "");
  // a fee aside after a formula ("…, taken as payments minus refunds (leave Stripe fees out)") is said of it
  const fees = execSaid(FEES_ASIDE, out);
  const unfeed = fees ? `${out.slice(0, fees.index)} ${out.slice(fees.index + fees[0].length)}`.trim() : out;
  const restated = execSaid(RESTATED, unfeed);
  if (restated && restatesMetrics(restated[1]!, catalog)) {
    if (fees) cut(FEES_ASIDE, " ");
    out = out.trim();
    formula = restated[1]!.trim();
    cut(RESTATED, "");
  }
  // "Closed won amount by owner for October — who's on top?": the ranking asked of the report before it
  const parts = out.split(FRAME_END);
  if (parts.length === 2 && ON_TOP.test(parts[1]!.replace(/[?!.]+$/, "").trim())) {
    said.push(parts[1]!.trim());
    out = `who has the most ${parts[0]}`;
  }
  // "MRR breakdown by plan — which plan brings in the most MRR right now?": a frame every word of which the question
  // after it says again (or a report's own word) only named the report; the question is read alone
  const [frame, asked] = out.split(FRAME_END);
  if (asked && out.split(FRAME_END).length === 2 && /^(?:which|who|what|how)\b/.test(asked)) {
    const again = new Set(stemsOf(asked));
    const reportNoun = new RegExp(`^${REPORT_NOUN}$`);
    const own = stemsOf(frame!).filter((w) => !STOP.has(w) && !reportNoun.test(w));
    // a report's name ("Deals created vs closed report") may list other series than the one asked: words of the
    // catalog's metric names, never a value or a period (those would be filters the question drops)
    const named = stemsOf(frame!).some((w) => reportNoun.test(w));
    const values = new Set([...(catalog.dimensionValues?.values() ?? [])].flat().flatMap((v) => stemsOf(v)));
    const dimensions = new Set(catalog.metrics.flatMap((m) => m.dimensions.flatMap((d) => stemsOf(d))));
    const vocabulary = new Set(
      catalog.metrics
        .flatMap((m) => metricPhraseList(m).flatMap((p) => stemsOf(p)))
        .filter((w) => !values.has(w) && !dimensions.has(w)),
    );
    if (own.length && own.every((w) => again.has(w) || w === "movement" || (named && vocabulary.has(w)))) {
      said.push(frame!.trim());
      out = asked;
    }
  }
  // "Deals won report", "the MRR chart": the report is its metric
  cut(new RegExp(`(?<=[a-z0-9]\\s+)${REPORT_NOUN}\\b`, "g"), "");
  // "MRR movements for October — what was churn?": a row of the movements table is an amount of MRR, so the unit
  // goes with each movement named after it ("churn" there is churn MRR, never the churn rate); the table's name alone
  // ("MRR movements for Q3") names no one movement and is left to ask back
  const table = /\b(mrr|arr)\s+movements\b/.exec(out);
  const rest = table ? out.slice(table.index + table[0].length) : "";
  if (table && /\b(?:new|expansion|contraction|churn|churned|reactivation|net)\b/.test(rest)) {
    const unit = table[1]!;
    said.push(table[0]);
    const withUnit = rest.replace(
      /\b(new\s+business|new|expansion|contraction|churn|churned|reactivation)\b(?!\s+(?:mrr|arr|movements?)\b)/g,
      (m: string) => `${m} ${unit}`,
    );
    out = `${out.slice(0, table.index)}${withUnit}`;
  }
  out = out
    .replace(/\s*(?:—|–|--|\s-\s)\s*/g, " — ")
    .replace(/\s{2,}/g, " ")
    .trim();
  return said.length && out !== text ? { text: out, said, ...(formula ? { restated: formula } : {}) } : undefined;
}

const TERM_SPLIT = /\s*(\+|−|–|\s-\s|\bplus\b|\bminus\b|\bless\b|\band\b)\s*/;
/**
 * "new business + expansion + reactivation − contraction − churn" as signed metrics (each term read with the unit
 * the formula or the metric ends in, "churn" as churn MRR); undefined when a term is no whole name of a metric
 */
function signedTerms(formula: string, unit: string | undefined, catalog: Catalog): Map<string, number> | undefined {
  const parts = formula.toLowerCase().split(TERM_SPLIT);
  const terms = new Map<string, number>();
  const trailing = /\b(mrr|arr|revenue)\s*$/.exec(formula.toLowerCase())?.[1] ?? unit;
  for (let i = 0; i < parts.length; i += 2) {
    const sign = i === 0 || /^(?:\+|plus|and)$/.test(parts[i - 1]!.trim()) ? 1 : -1;
    // "Succeeded charges created in the period" (a description's words): the period is the question's own
    let term = parts[i]!.replace(/^(?:the|our)\s+/, "")
      .replace(/\s+(?:(?:created|made|issued)\s+)?(?:in|during|over)\s+the\s+period\b/g, "")
      .trim();
    if (!term) return undefined;
    if (trailing && !new RegExp(`\\b${trailing}$`).test(term)) term = `${term} ${trailing}`;
    const words = wordsOf(term);
    const m = matchMetrics(words, catalog)[0];
    // a whole name of a metric, else the term read as a question of its own ("churn MRR": the MRR churned)
    const read = m && m.from === 0 && m.to === words.length ? undefined : understand(term, catalog, new Date(0));
    const name = read ? ("interpretation" in read ? read.metric.name : undefined) : m?.item.name;
    if (!name || terms.has(name)) return undefined;
    terms.set(name, sign);
  }
  return inOneUnit(terms, catalog);
}

/**
 * "successful payments minus refunds": an amount less an amount, so a count among amounts is read as the amount its
 * metric's description names ("Successful payments … a count …; their amount is gross payments"); undefined when a
 * count has no such amount (a count less an amount is no number).
 */
function inOneUnit(terms: Map<string, number>, catalog: Catalog): Map<string, number> | undefined {
  const metric = (name: string) => catalog.metrics.find((m) => m.name === name);
  const money = [...terms.keys()].some((n) => metric(n)?.format === "currency");
  if (!money) return terms;
  const out = new Map<string, number>();
  for (const [name, sign] of terms) {
    const m = metric(name);
    let read = name;
    if (m && m.format !== "currency") {
      const said = /\btheir amount is ([a-z][a-z ]*?)\s*(?:[.;,)]|$)/i.exec(m.description ?? "")?.[1];
      const amount = said ? matchMetrics(wordsOf(said.toLowerCase()), catalog)[0] : undefined;
      if (!amount || amount.item.format !== "currency" || amount.to !== wordsOf(said!).length) return undefined;
      read = amount.item.name;
    }
    if (out.has(read)) return undefined;
    out.set(read, sign);
  }
  return out;
}

/**
 * A definition restated with the question ("net MRR movement, i.e. new business + expansion + reactivation −
 * contraction − churn") is the metric's own only when its signed terms are the ones the metric's description
 * opens with; another formula ("… i.e. new business minus churn") is another number, asked back.
 */
export function restatesDefinition(formula: string, metric: MetricDef, catalog: Catalog): boolean {
  const unit = /\b(mrr|arr)$/i.exec(metric.label ?? metric.name.replaceAll("_", " "))?.[1]?.toLowerCase();
  const own = signedTerms((metric.description ?? "").split(/[.,;:(]/)[0]!, unit, catalog);
  const said = signedTerms(formula, unit, catalog);
  return (
    !!own &&
    !!said &&
    own.size >= 2 &&
    own.size === said.size &&
    [...own].every(([name, sign]) => said.get(name) === sign)
  );
}

/** "new business + expansion + reactivation − contraction − churn": names of the catalog's metrics and operators only */
function restatesMetrics(formula: string, catalog: Catalog): boolean {
  const words = formula
    .toLowerCase()
    .split(/\s+|(?=[+−–/÷×*])|(?<=[+−–/÷×*])/)
    .filter(Boolean);
  const vocabulary = new Set(catalog.metrics.flatMap((m) => metricPhraseList(m).flatMap((p) => stemsOf(p))));
  const names = words.filter((w) => !testSaid(OPERATOR, w));
  return (
    names.length >= 2 &&
    words.some((w) => testSaid(OPERATOR, w) && !/^(?:and|the|our)$/.test(w)) &&
    names.every((w) => STOP.has(w) || vocabulary.has(stemOf(w.replace(/[^a-z]/g, ""))))
  );
}
