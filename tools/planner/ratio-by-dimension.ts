import type { Catalog } from "../../engine/catalog/catalog.ts";
import type { MetricDef } from "../../engine/transform/model-schema.ts";
import { metricPhraseList } from "./lexicon.ts";
import { saysNegation } from "./negation-words.ts";
import type { Plan, Refusal } from "./plan-types.ts";

/**
 * A ratio with a value left out of a dimension it does not declare (#15, batch 46): "ex-Enterprise ARPA for October",
 * "ARPA excluding Starter in Q3". ARPA is MRR ÷ active customers on a mart with no plan; the catalog's metrics that declare the plan give
 * the same two sides — the numerator's column summed (sum(mrr)) and the metric whose description names the
 * denominator's column as the one to split or filter it by ("… more than active_customers; the metric to split or
 * filter customers by plan"). The question is read again as that numerator per that denominator, filtered, and the
 * reading says so. Read only when the question as typed was asked back; any other ratio asks back as before.
 */
type Read = (question: string) => Plan | Refusal;

const RATIO = /sum\(\s*([a-z_][a-z0-9_]*)\s*\)\s*\/\s*(?:nullif\(\s*)?sum\(\s*([a-z_][a-z0-9_]*)\s*\)/i;
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const sums = (m: MetricDef, column: string) => new RegExp(`\\bsum\\(\\s*${esc(column)}\\s*\\)`, "i").test(m.expression);

export function ratioByDimension(typed: string, whole: Plan | Refusal, catalog: Catalog, read: Read): Plan | undefined {
  if (whole.status !== "refusal" || whole.kind !== "clarify" || !whole.unplaced?.length) return undefined;
  const text = typed.trim();
  if (!saysNegation(text)) return undefined;
  const lower = text.toLowerCase();
  for (const ratio of catalog.metrics) {
    const sides = RATIO.exec(ratio.expression);
    if (!sides) continue;
    const [, top, bottom] = sides as unknown as [string, string, string];
    // the ratio named in the question, by its longest name said
    const said = metricPhraseList(ratio)
      .map((p) => ({ p, m: new RegExp(`(?<![a-z])${esc(p.toLowerCase())}(?![a-z])`).exec(lower) }))
      .filter((x) => x.m)
      .sort((a, b) => b.p.length - a.p.length)[0];
    if (!said?.m) continue;
    for (const numerator of catalog.metrics) {
      if (numerator.name === ratio.name || !sums(numerator, top)) continue;
      const extra = numerator.dimensions.filter((d) => !ratio.dimensions.includes(d));
      if (!extra.length) continue;
      const denominator = catalog.metrics.find(
        (m) =>
          m.mart === numerator.mart &&
          m.name !== numerator.name &&
          extra.every((d) => m.dimensions.includes(d)) &&
          (sums(m, bottom) || new RegExp(`\\b${esc(bottom)}\\b`).test(m.description ?? "")),
      );
      if (!denominator) continue;
      // a value of a dimension only they declare is said
      const valueSaid = extra.some((d) =>
        (catalog.dimensionValues?.get(`${numerator.mart}.${d}`) ?? []).some((v) =>
          new RegExp(`(?<![a-z])${esc(v.toLowerCase())}(?![a-z])`).test(lower),
        ),
      );
      if (!valueSaid) continue;
      const at = said.m.index;
      // (by their names: a label may read as a breakdown, "Customers by plan")
      const rewritten = `${text.slice(0, at)}${numerator.name.replaceAll("_", " ")} per ${denominator.name.replaceAll("_", " ")}${text.slice(at + said.p.length)}`;
      const plan = read(rewritten);
      if (plan.status !== "plan" || plan.intent !== "arithmetic" || !plan.interpretation) continue;
      // only a value left out ("ex-Enterprise", "excluding Starter"): a value kept ("ARPA on growth") may be a word of
      // change or a plan, and "per customer on Pro" another customer count — those ask back as before
      const filtered = plan.calls.every((c) =>
        ((c.input as { filters?: { dimension: string; op: string }[] }).filters ?? []).some(
          (f) => extra.includes(f.dimension) && (f.op === "!=" || f.op === "not_in"),
        ),
      );
      if (!filtered) continue;
      const read_ = plan.interpretation;
      return {
        ...plan,
        interpretation: {
          ...read_,
          read_as: `${ratio.label ?? ratio.name} as ${read_.read_as}`,
          why: [
            ...read_.why,
            `"${said.p}" (${ratio.description ?? ratio.expression}) has no ${extra.join(", ")}: filtered, it is ${numerator.name} over ${denominator.name}, which declare it (${denominator.description ?? denominator.name})`,
          ],
        },
      };
    }
  }
  return undefined;
}
