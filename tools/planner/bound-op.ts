import { testSaid } from "./may-match.ts";
/**
 * The comparison a bound's word says ("over $10k", "at least 40", "3,000 or more", "no more than 2%"), one reading
 * for every reader of a bound: row thresholds (plan.ts), bucket counts (buckets.ts), belief checks (checks.ts) and
 * shares (belief.ts). Each reader's own pattern decides which words it takes as a bound ("top 3 plans" is no bound
 * for a belief check); this only says what a word taken as one means.
 */
export type BoundOp = ">" | ">=" | "<" | "<=";

const GREATER =
  /^(?:above|over|more than|greater than|higher than|bigger than|larger than|in excess of|north of|exceed(?:s|ed|ing)?|beyond|cross(?:ed|ing)?|pass(?:ed|ing)?|surpass(?:ed)?|top(?:s|ped|ping)?|longer than|past|break|broke|broken|broken through|broke through|cleared)$/;
const AT_LEAST =
  /^(?:at least|hit|hitting|reach|reached|reaching|made it to|make it to|got to|gotten to|get to|no less than|no fewer than|at or above|or (?:more|above|higher|over|greater)|and (?:up|above)|plus)$/;
const LESS =
  /^(?:below|under|less than|fewer than|lower than|smaller than|beneath|south of|short of|shorter than|quicker than|faster than)$/;

/** ">" for "over", ">=" for "at least" and "or more", "<" for "under"; "<=" for "at most", "no more than", "or less". */
export function boundOp(word: string): BoundOp {
  const w = word.trim().toLowerCase().replace(/\s+/g, " ");
  return testSaid(GREATER, w) ? ">" : testSaid(AT_LEAST, w) ? ">=" : testSaid(LESS, w) ? "<" : "<=";
}

/** How a reading says each comparison: "above", "at or above", "below", "at or below". */
export const BOUND_SAID: Readonly<Record<BoundOp, string>> = {
  ">": "above",
  ">=": "at or above",
  "<": "below",
  "<=": "at or below",
};
