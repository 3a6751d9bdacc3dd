import type { Catalog } from "../../engine/catalog/catalog.ts";
import type { MetricDef } from "../../engine/transform/model-schema.ts";
import type { Plan, Refusal } from "./plan-types.ts";
import { testSaid } from "./may-match.ts";

/**
 * A unit said not to be meant, in a hurried gloss (issue #15, batch 37): "churn rate (logos not $)", "churn % (customers,
 * not dollars)", "revenue churn (dollars not logos)". The negated unit is no word of the metric's name: it says which of
 * two readings is meant. The question is read without it, and the reading kept only when its metrics are not what was
 * ruled out (a money metric when "$" is, a count of customers when "logos" is); otherwise it stays asked back.
 */
const NOT_MONEY = /,?\s*\bnot\s+(?:\$+|dollars?|revenue|money|mrr|arr)(?![a-z])/i;
const NOT_COUNT = /,?\s*\bnot\s+(?:logos?|customers?|accounts?|heads?|counts?)\b/i;

/** a metric that counts money: its unit, or an expression over MRR, amounts or revenue */
function moneyBased(m: MetricDef): boolean {
  return m.unit === "money" || /mrr|\barr\b|amount|revenue|currency/.test(`${m.name} ${m.expression ?? ""}`);
}

export function readNegatedUnit(
  question: string,
  catalog: Catalog,
  again: (q: string) => Plan | Refusal,
): Plan | undefined {
  const notMoney = testSaid(NOT_MONEY, question);
  const notCount = testSaid(NOT_COUNT, question);
  if (notMoney === notCount) return undefined;
  const text = question.replace(notMoney ? NOT_MONEY : NOT_COUNT, "");
  const planned = again(text);
  if (planned.status !== "plan") return undefined;
  const metrics = planned.calls.flatMap((c) => {
    const name = (c.input as { metric?: unknown }).metric;
    const m = typeof name === "string" ? catalog.metrics.find((x) => x.name === name) : undefined;
    return m ? [m] : [];
  });
  // (the metric read first is the answer; the ones beside it are its parts and context)
  const first = metrics[0];
  if (!first || moneyBased(first) === notMoney) return undefined;
  const why = `"${notMoney ? "not $" : "not logos"}": ${notMoney ? "a count of customers, not money" : "money, not a count of customers"} (${first.name})`;
  return planned.interpretation
    ? { ...planned, interpretation: { ...planned.interpretation, why: [...planned.interpretation.why, why] } }
    : planned;
}

/** "churned MRR last month (not $)": a reading whose first metric is what the gloss rules out is asked back, never answered. */
export function negatedUnitClash(question: string, planned: Plan, catalog: Catalog): Refusal | undefined {
  const notMoney = testSaid(NOT_MONEY, question);
  const notCount = testSaid(NOT_COUNT, question);
  if (notMoney === notCount || planned.intent !== "metric") return undefined;
  const name = (planned.calls[0]?.input as { metric?: unknown } | undefined)?.metric;
  const first = typeof name === "string" ? catalog.metrics.find((x) => x.name === name) : undefined;
  if (!first || moneyBased(first) !== notMoney) return undefined;
  return {
    status: "refusal",
    kind: "clarify",
    reason: `"${notMoney ? "not $" : "not logos"}" rules out ${first.label ?? first.name}, the metric the question names: say which number you mean`,
    known_metrics: catalog.metrics.map((m) => m.name),
  };
}
