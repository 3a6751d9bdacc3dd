/**
 * The longest (shortest) sales cycle of one deal won (#15, batch 50): "longest sales cycle on a deal we won this
 * year, in days", "fastest deal we closed-won in Q3 — how many days from create to close?", "the quickest-closing
 * deal we won last quarter". That is the one won deal ranked by its own sales cycle (a row of the deals, its
 * sales_cycle_days), never the median or the mean of the cycle metric, nor another deal ranked by amount: the words
 * are read as the ranking of won deals by sales cycle, where the period keeps to the day they closed. The days said
 * ("in days", "how many days from create to close") are the cycle's own unit and say nothing more.
 */
const HOW = String.raw`(longest|slowest|shortest|quickest|fastest)`;
const DEAL = String.raw`(?:deals?|opportunit(?:y|ies)|opps?)`;
const WON = String.raw`(?:that\s+|which\s+)?(?:we\s+|was\s+|were\s+|got\s+)?(?:won|closed[\s-]+won|closed|signed|landed)`;
/** "longest sales cycle on a deal we won", "the shortest sales cycle of any won deal" */
const CYCLE_OF = new RegExp(
  String.raw`\b${HOW}\s+sales\s+cycles?\s+(?:on|of|for|among|in|across)\s+(?:a|an|any|the|one|our|all)?\s*(?:single\s+)?(?:(?:won|closed[\s-]+won)\s+${DEAL}|${DEAL}\s+${WON})\b`,
  "i",
);
/** "fastest deal we closed-won", "the slowest-closing deal we won", "quickest to close deal we won" */
const DEAL_OF = new RegExp(
  String.raw`\b${HOW}(?:[\s-]+(?:closing|to[\s-]+close))?\s+(?:(?:won|closed[\s-]+won)\s+${DEAL}|${DEAL}\s+${WON})\b`,
  "i",
);
/** the cycle's own unit, said around it */
const DAYS_SAID =
  /\s*(?:[—–-]+|,|\()?\s*(?:in\s+days|\(?days\)?|how\s+many\s+days(?:\s+(?:did\s+it\s+take\s+)?(?:from\s+)?(?:create|creation|created|creating|open(?:ed|ing)?)\s+to\s+(?:close|closed|closing|win|won))?|how\s+long\s+did\s+it\s+take)\s*\)?\s*[?.!]*\s*$/i;

export function cycleRowsSaid(text: string): string {
  const m = CYCLE_OF.exec(text) ?? DEAL_OF.exec(text);
  if (!m) return text;
  const how = /^(?:longest|slowest)$/i.test(m[1]!) ? "biggest" : "smallest";
  const out = `${text.slice(0, m.index)}${how} won deal by sales cycle${text.slice(m.index + m[0].length)}`;
  return out.replace(DAYS_SAID, "");
}

/**
 * A bound on the days a won deal took to close (#15, batch 50): "deals won this year that took more than 90 days to
 * close", "Q3 wins that closed within 30 days of being created", "won deals with a sales cycle over 60 days". The
 * words of the bound (verb, figure, days, "to close") are its own; `bound` is the comparison said, `days` the figure.
 */
export const CYCLE_BOUND =
  /\b(?:(?:that\s+|which\s+)?(?:took|take|takes|taking|needed|need|needs|closed|close|were\s+closed|got\s+closed|were\s+won|got\s+won|won|had\s+a\s+sales\s+cycle(?:\s+of)?|have\s+a\s+sales\s+cycle(?:\s+of)?|with\s+a\s+sales\s+cycle(?:\s+of)?)\s+)(more\s+than|over|longer\s+than|at\s+least|less\s+than|under|fewer\s+than|shorter\s+than|within|in\s+under|at\s+most|no\s+more\s+than|in\s+less\s+than)\s+(\d{1,4})\s+days?(?:\s+(?:to\s+(?:close|win|get\s+(?:won|closed))|from\s+(?:create|creation|created|being\s+created)\s+to\s+(?:close|won|win)|of\s+(?:being\s+)?(?:created|opened|creation)|(?:after|from)\s+(?:being\s+)?(?:created|opened|creation)))?/;

/** "Q3 wins", "wins this year": the won deals, said by their noun, for a count bounded by their cycle */
export function winsAsDeals(text: string): string {
  return text.replace(/\bwins\b/g, "won deals");
}

/**
 * The mean sales cycle said of deals kept to an amount (#15, batch 50): "avg days to close for deals under 1k won in
 * 2026", "average sales cycle of deals over $20k we won last quarter". The cycle metric has no amount to cut by, so
 * the won rows in that band are averaged by their own cycle; a median said, or no mean said, is left to ask back.
 */
export const MEAN_CYCLE =
  /^(?:what(?:'s|\s+is|\s+was)\s+)?(?:the\s+|our\s+)?(?:average|mean|avg\.?)\s+(?:number\s+of\s+)?(?:days\s+to\s+(?:close|win)|sales\s+cycle(?:\s+length)?(?:\s+in\s+days)?|time\s+to\s+close|days\s+from\s+(?:create|creation|created)\s+to\s+(?:close|won))\s+(?:for|of|on|across)\b/;
