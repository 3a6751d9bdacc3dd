import { normalize } from "./text.ts";

/**
 * Whether the planner could read a bare dimension value in the question
 * ("MRR for enterprise"): filtersOf() only looks for values after one of these
 * words. Without one, `dp ask` skips reading the values from the marts.
 */
export function mayNameDimensionValue(question: string): boolean {
  return /\b(?:for|on|in|with|from|among|of)\s+\S/.test(normalize(question));
}
