import { during, labelOf, parseDate, truncate } from "../../engine/catalog/period.ts";
import type { Plan, Refusal } from "../planner/plan.ts";
import type { MetricResult } from "../toolbox/query-metric.ts";
import type { RoledResult } from "./compose.ts";

/**
 * A period wholly before the data starts (#15, batch 33): "MRR in March 2025", "tickets in Q1 2025", "paying customers
 * at the start of May 2025" (the end of April) when billing starts in May 2025. There is no number to give — not a 0,
 * and not an answer with no number in it — so the ask is a refusal of the same shape as the planner's, whose reason
 * says where the data starts and whose suggestion is the nearest period it can answer (the mart's first month). A
 * period that only partly overlaps the data is answered, with its partial-coverage note. Read from the results, since
 * the planner reads the catalog alone and the data's first row is the warehouse's.
 */
export function beforeData(plan: Plan, results: RoledResult[], known: string[]): Refusal | undefined {
  const metrics = results.filter((r) => r.name === "query_metric").map((r) => r.output as unknown as MetricResult);
  // (a comparison or a ranking reads other tools: left to its own answer)
  if (!metrics.length || metrics.length !== results.length) return undefined;
  const firsts = metrics.map((r) => {
    const first = r.data_range?.first?.slice(0, 10);
    const empty = !r.rows.some((row) => row.rows > 0);
    return first && empty && r.period.end <= first ? first : undefined;
  });
  if (firsts.some((f) => !f)) return undefined;
  const main = metrics[0]!;
  // "MRR at the end of March 2025", "Tickets opened in Q1 2025"
  const when = main.time_rollup === "last" ? `at the end of ${main.period.label}` : during(main.period.label);
  const month = labelOf(truncate(parseDate(firsts[0]!), "month"), "month");
  return {
    status: "refusal",
    kind: "refuse",
    reason: `no data before ${month}: ${main.label} ${when} is before the first row of ${main.citations?.[0]?.model ?? "its mart"}`,
    known_metrics: known,
    suggestions: [`${main.label} in ${month}`],
    ...(plan.interpretation ? { interpretation: plan.interpretation } : {}),
  };
}
