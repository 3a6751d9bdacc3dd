import type { Catalog } from "../../engine/catalog/catalog.ts";
import { execSaid } from "./may-match.ts";
import type { Plan } from "./plan-types.ts";
import { type Interpretation, understand, type Understood } from "./understand.ts";

/**
 * One metric times a constant said in the question: "MRR × 12 for October", "new MRR times 3 last quarter", "what's
 * 10% of our ARR". The metric is its own call over the period said; the answer states the product with the metric's
 * value and the factor, never the metric alone. Read only when the other words are one metric of the catalog, an
 * amount or a count (a rate or an average scaled is no number anyone uses), with no second metric or sign in them —
 * "(total MRR − Enterprise MRR) × 12" is more than one metric and is left to the readers of two.
 */
const TIMES =
  /^(?:(?:what(?:'s|\s+is|\s+was|\s+are|\s+were)|show(?:\s+me)?|give\s+me)\s+)?(.+?)\s*(?:×|\*|\btimes\b|\bmultiplied\s+by\b)\s*(\d+(?:\.\d+)?)(?![\d.]|\s*(?:%|percent\b|x\b|times\b))(.*)$/;
const PERCENT_OF =
  /^(?:(?:what(?:'s|\s+is|\s+was|\s+are|\s+were)|show(?:\s+me)?|give\s+me)\s+)?(?:the\s+)?(\d+(?:\.\d+)?)\s*(?:%|percent\b)\s+of\s+(.+)$/;
/** a second metric or another operation in the words: not one metric scaled */
const OTHER_SIGN =
  /[−–+/÷()=^]|\s-\s|\b(?:minus|plus|less|per|over|divided|if|were|would|assuming|at\s+current|at\s+today)\b/;

export interface Scaled {
  read: Understood;
  factor: number;
  said: string;
}

export function readScaled(text: string, catalog: Catalog, at: Date): Scaled | undefined {
  const t = text.replace(/[?!.]+$/, "").trim();
  const times = execSaid(TIMES, t);
  const pct = times ? undefined : execSaid(PERCENT_OF, t);
  if (!times && !pct) return undefined;
  const said = times ? `${times[1]} ${times[3]}` : pct![2]!;
  const factor = times ? Number(times[2]) : Number(pct![1]) / 100;
  if (!Number.isFinite(factor) || factor <= 0 || OTHER_SIGN.test(said)) return undefined;
  const read = understand(said.replace(/\s+/g, " ").replace(/^[\s,;:]+|[\s,;:]+$/g, ""), catalog, at);
  if (!("interpretation" in read)) return undefined;
  if (read.compare || read.extra.length || read.groupBy.length || read.grain || read.argmax) return undefined;
  const m = read.metric;
  if (m.format === "percent" || m.time_rollup === "ratio" || /\//.test(m.expression)) return undefined;
  return { read, factor, said: times ? `× ${times[2]}` : `${pct![1]}% of` };
}

/** The plan of a metric scaled: one call, the factor in the reading. */
export function scaledPlan(s: Scaled): Plan {
  const i = s.read.interpretation;
  const read_as = s.said.startsWith("×")
    ? `${i.metric_label} ${s.said}, ${i.period.text}`
    : `${s.said} ${i.metric_label}, ${i.period.text}`;
  return scaledMetricPlan(
    { metric: s.read.metric.name, period: s.read.period, filters: s.read.filters },
    {
      ...i,
      read_as: `${read_as}${i.read_as.includes("test accounts excluded") ? ", test accounts excluded" : ""}`,
      scale: { factor: s.factor, said: s.said },
      why: [...i.why, `"${s.said}": ${s.read.metric.name} multiplied by ${s.factor}, a constant said in the question`],
    },
  );
}

/** One metric's call whose value the answer multiplies by `interpretation.scale` (this file, duration-units.ts). */
export function scaledMetricPlan(
  input: { metric: string; period: unknown; filters: unknown[] },
  interpretation: Interpretation,
): Plan {
  return {
    status: "plan",
    intent: "arithmetic",
    calls: [{ role: "left", name: "query_metric", input }],
    interpretation,
  };
}
