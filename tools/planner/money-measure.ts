import type { Catalog } from "../../engine/catalog/catalog.ts";
import { askBack } from "./ask-back.ts";
import type { Plan, Refusal } from "./plan-types.ts";
import { normalize } from "./text.ts";

/**
 * "How many customers are above $100?" (#15, batch 52): a bound in money on rows that hold several amounts (a
 * customer's MRR and lifetime revenue; an ARR said as well) with no word naming which. The planner bounds the first
 * money column; the asker may mean a month's payment, everything paid, or a year's. Asked back, naming the columns,
 * unless the question says the measure: its column's words, or words of paying by the month or in all.
 */
const MONEY = /(?:^|_)(?:mrr|arr|revenue|amount|value|price|ltv)(?:_|$)/;
const NUMERIC = /^(?:TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|FLOAT|REAL|DOUBLE|DECIMAL)/i;
const MEASURE_SAID =
  /\b(?:pay\w*|paid|month\w*|mo|recurring|lifetime|all[- ]time|in total|total|spen[dt]\w*|billed|charged|mrr|arr|revenue|ltv|worth|amount|value|a year|annual\w*|yearly|per year)\b|\/mo\b|\/yr\b/;

type RowsInput = { mart: string; filters?: { column: string; op: string; value: unknown }[] };

export function moneyMeasure(typed: string, plan: Plan | Refusal, catalog: Catalog): Plan | Refusal {
  if (plan.status !== "plan" || (plan.intent !== "count_rows" && plan.intent !== "top_n")) return plan;
  const main = plan.calls.find((c) => c.role === "main" && c.name === "top_n");
  if (!main) return plan;
  const input = main.input as RowsInput;
  const mart = catalog.models.get(input.mart);
  if (!mart) return plan;
  const money = mart.columns.filter((c) => MONEY.test(c.name) && (!c.type || NUMERIC.test(c.type))).map((c) => c.name);
  const bound = (input.filters ?? []).find((f) => money.includes(f.column) && /^[<>]=?$/.test(f.op));
  if (!bound || money.length < 2) return plan;
  const text = normalize(typed);
  const words = bound.column.split("_");
  if (MEASURE_SAID.test(text) || words.some((w) => new RegExp(`\\b${w}\\b`).test(text))) return plan;
  return askBack(
    catalog,
    `a bound in money on ${input.mart} names no amount: ${money.map((c) => c.replaceAll("_", " ")).join(" or ")}? Say which (for example "paying over … a month" for MRR)`,
  );
}
