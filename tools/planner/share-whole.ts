/**
 * "What percent of enterprise deals did we lose": in "what share of X <verb> Y" the words before the verb name the
 * whole, so a value said there ("enterprise") cuts the whole, not only the part. A share read as "the part with the
 * filter over the whole with none" would drop it from the whole and state another number (the share of all losses
 * that are Enterprise): such a question is asked back, naming the filter, unless the catalog keeps the ratio itself
 * (a win rate is read before this — sales-words.ts).
 */

/** the verb that ends the whole's words: "of our enterprise deals | did we lose", "of customers | are on Pro" */
const LINK = /\s(?:is|are|was|were|do|does|did|have|has|had|come|comes|came|get|gets|got|that|which|we|you|they)\s/;

/** The words of a filter said among the whole's words, if any; "" filters (a value read with no words) never count. */
export function filterOnWhole(said: string, filters: { said: string }[]): string | undefined {
  const link = LINK.exec(` ${said.toLowerCase()} `);
  if (!link) return undefined;
  const whole = ` ${said.toLowerCase()} `.slice(0, link.index + 1);
  return filters
    .map((f) => f.said.toLowerCase().trim())
    .find((w) => w && new RegExp(`\\b${w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\b`).test(whole));
}

export function wholeFilterAskBack(words: string, metricLabel: string): { reason: string } {
  return {
    reason: `"${words}" is said of the whole this share is taken of, and ${metricLabel} has no total of its own over it that I can divide by; ask for ${metricLabel} with "${words}" and the total it is a share of, each on its own`,
  };
}
