import type { ToolCall } from "../toolbox/index.ts";
import type { Interpretation } from "./understand.ts";

/**
 * What the offline planner returns: a plan of typed tool calls, or a refusal that says why. Its own module so the
 * planner's readers (buckets.ts, …) can return them without importing plan.ts, which imports them.
 */

/** left, minus, per: the two sides of a difference ("new minus churned MRR") or a per-unit ratio ("tickets per customer") */
export type CallRole =
  | "main"
  | "trend"
  | "total"
  | "numerator"
  | "denominator"
  | "companion"
  | "left"
  | "minus"
  /** "churned + contraction MRR": the second of two of a kind added */
  | "plus"
  | "per"
  | "share"
  | "times"
  /** "(new + expansion) ÷ (churned + contraction) MRR": one metric of a formula said in the question (formula.ts) */
  | "leaf"
  /** "October vs the average month this year": the other side, a per-month mean over the year's whole months */
  | "mean"
  /** "the biggest drop (rise) in win rate this year": the series read for its largest fall (rise) month to month */
  | "drop"
  | "rise";
export type Intent =
  | "metric"
  | "arithmetic"
  | "argmax"
  | "compare"
  | "top_n"
  | "freshness"
  | "lineage"
  | "list_metrics"
  | "describe_metric"
  | "describe_mart"
  | "average"
  | "count_rows"
  | "compound"
  | "bucket_count"
  /** a first-paid cohort followed to the last pull (cohort.ts) */
  | "cohort";

export interface PlannedCall extends ToolCall {
  role: CallRole;
}

export interface Plan {
  status: "plan";
  intent: Intent;
  calls: PlannedCall[];
  /** metric questions: how the question was read ("Read as: …") */
  interpretation?: Interpretation;
}

export interface Refusal {
  status: "refusal";
  reason: string;
  known_metrics: string[];
  /** clarify: the question has a word the catalog cannot place; refuse: out of bounds (PII, SQL, writes, forecasts) */
  kind?: "refuse" | "clarify";
  /** the nearest questions the planner can answer, in words */
  suggestions?: string[];
  /** the reading so far, when a metric was found */
  interpretation?: Partial<Interpretation>;
  unplaced?: string[];
}
