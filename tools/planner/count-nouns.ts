import type { Catalog } from "../../engine/catalog/catalog.ts";
import type { Plan, Refusal } from "./plan-types.ts";

/**
 * A movement said as a count noun (#15, batch 53): "reactivations last quarter?", "upgrades in October", "churns
 * this year" ask how many movements, not their MRR. The count metric that declares the amount its companion
 * (reactivated_customers → reactivation_mrr) is read first, the amount beside it; the nouns are the amount's one-word
 * plural synonyms, from the metric YAML ("churns" is churned_customers' own synonym). Said with money words
 * ("MRR from upgrades", "how much did win-backs bring in", "in dollars") the amount stays the answer.
 */
const MONEY =
  /[$€£]|\b(?:mrr|arr|revenue|dollars?|usd|eur|gbp|money|amount|worth|value|how\s+much|cost|costs|brought|bring|brings|add(?:ed|s)?|gain(?:ed|s)?|lost\s+to|lose|lost|sum|total)\b/;
/** a rate or share said: the ratio metric stays ("churn rate", "% of customers") */
const RATE = /%|\b(?:rate|percent(?:age)?|share|ratio|proportion|fraction)\b/;

function mainMetric(plan: Plan | Refusal): string | undefined {
  if (plan.status !== "plan") return undefined;
  const main = plan.calls.find((c) => c.role === "main");
  return main?.name === "query_metric" ? (main.input as { metric?: string }).metric : undefined;
}

export function countNounFirst(
  typed: string,
  plan: Plan | Refusal,
  catalog: Catalog,
  again: (q: string) => Plan | Refusal,
): Plan | undefined {
  // ("how many win-backs this year" is asked back as a count of an amount: read as the count metric too)
  if (plan.status === "plan" ? plan.intent !== "metric" : plan.kind !== "clarify") return undefined;
  const text = typed.toLowerCase();
  if (MONEY.test(text) || RATE.test(text)) return undefined;
  const read = mainMetric(plan);
  for (const count of catalog.metrics) {
    if (!count.companion || count.format !== "number" || read === count.name) continue;
    const amount = catalog.metrics.find((m) => m.name === count.companion);
    // (an amount that names the count its own companion already answers both: "bookings" is won amount and deals won)
    if (!amount || amount.format !== "currency" || amount.companion === count.name) continue;
    const nouns = amount.synonyms.filter((s) => /^[a-z-]+s$/.test(s) && !s.endsWith("ss"));
    const said = nouns.find((n) => new RegExp(`\\b${n}\\b`).test(text));
    if (!said) continue;
    const name = (count.label ?? count.name.replaceAll("_", " ")).toLowerCase();
    const replanned = again(text.replace(new RegExp(`\\b${said}\\b`), name));
    if (replanned.status === "plan" && mainMetric(replanned) === count.name) return replanned;
  }
  return undefined;
}
