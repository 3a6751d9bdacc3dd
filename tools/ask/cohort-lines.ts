import { formatValue } from "../../engine/catalog/metric-format.ts";
import type { cohortTool } from "../toolbox/cohort.ts";
import type { ToolCallResult } from "../toolbox/index.ts";

type CohortOut = Awaited<ReturnType<(typeof cohortTool)["run"]>>;

/**
 * A first-paid cohort's answer (the cohort tool): the number asked first, then the cohort's size, who still pays and
 * who churned, so that a reader sees the group the number is of. MRR is said in its one currency, never across two.
 */
export function cohortLines(result: ToolCallResult): string[] {
  const o = result.output as unknown as CohortOut;
  const n = (v: number | null) => formatValue(v, "number");
  const pct = (v: number | null) => formatValue(v, "percent");
  const money = (v: number | null) => formatValue(v, "currency", o.currency ?? undefined);
  const at = o.at_label ? `at the last pull (${o.at_label}, to date)` : "at the last pull";
  const who =
    o.group === "paying_at"
      ? `The customers paying on ${o.cohort.start} (MRR > 0 at the end of the month before)`
      : `The ${o.cohort.label} cohort (customers who first paid in ${o.cohort.label})`;
  const first = `the end of each customer's first month`;
  if (o.several_currencies && /^mrr/.test(o.measure))
    return [
      `${who} pays in several currencies: its MRR is not added across them. ${o.size} customers, ${o.still_paying} still paying.`,
    ];
  const head: Record<typeof o.measure, string> = {
    size: `${who}: ${n(o.size)} customers.`,
    still_paying: `${who}: ${n(o.still_paying)} of ${n(o.size)} still paying ${at}.`,
    share_still_paying: `${who}: ${pct(o.share_still_paying)} still paying ${at} (${n(o.still_paying)} of ${n(o.size)}).`,
    churned: `${who}: ${n(o.churned)} of ${n(o.size)} ${o.group === "paying_at" ? "pay nothing" : "have churned (paid before, paying nothing now)"} ${at}.`,
    mrr_now: `${who}: MRR ${money(o.mrr_now)} ${at}, from ${n(o.still_paying)} still paying of ${n(o.size)}.`,
    mrr_start: `${who}: MRR ${money(o.mrr_start)} at ${first} (${n(o.size)} customers).`,
    mrr_vs_start: `${who}: MRR now is ${pct(o.mrr_vs_start)} of its MRR at ${first} (${money(o.mrr_now)} ${at} vs ${money(o.mrr_start)}).`,
    mrr_per_paying: `${who}: ${money(o.mrr_per_paying)} MRR per still-paying customer ${at} (${money(o.mrr_now)} over ${n(o.still_paying)} of ${n(o.size)}).`,
  };
  const lines = [head[o.measure]];
  if (o.measure === "size")
    lines.push(`Of them, ${n(o.still_paying)} still pay ${at} and ${n(o.churned)} have churned.`);
  return lines;
}
