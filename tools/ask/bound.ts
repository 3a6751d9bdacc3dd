// A bound a belief sets on a value ("under 10% of MRR", "at least 40 customers"), checked the same way by the check lines.
import type { BoundOp } from "../planner/bound-op.ts";

/** Whether the value meets the bound the asker said. */
export function meets(value: number, op: BoundOp, bound: number): boolean {
  return op === "<" ? value < bound : op === ">" ? value > bound : op === "<=" ? value <= bound : value >= bound;
}

/** The bound's words in a verdict ("the share is not under 10%"). */
export const BOUND_WORDS: Record<BoundOp, string> = { "<": "under", ">": "over", "<=": "at most", ">=": "at least" };
