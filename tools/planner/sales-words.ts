import { replaceSaid, testSaid } from "./may-match.ts";
/**
 * Sales talk read in the catalog's words (#15, batch 29): the weekly pipeline review says its numbers in idioms
 * ("which stage is holding the most money", "deals on their plate", "brought in the most money from closed deals",
 * "decided one way or the other", "what percent of enterprise deals are we winning", "shortest typical sales cycle",
 * "days from a deal being created to it being won"). Each is rewritten to the words the planner reads — open
 * pipeline, open deals, won amount, deals closed, win rate, average deal size, sales cycle — keeping every other word
 * (the period, the rep, the pipeline) where it was, so a filter said is still placed or asked back.
 */

/** who is ranked: a rep, a stage or a pipeline (the sales dimensions), or "who" */
const RANKED = String.raw`(?:which|what)\s+(?:sales\s+)?(?:stage|stages|rep|reps|owner|owners|salesperson|seller|ae|account\s+executive|pipeline|pipelines|deal\s+stage)|who`;

/** "which stage is holding the most money": the money open deals hold is the open pipeline */
const HOLDING = new RegExp(
  String.raw`^(.*?\b(?:${RANKED}))\s+(?:is\s+|was\s+|are\s+|were\s+)?(?:holding|holds|held|carrying|carries|carried|sitting\s+on|sits\s+on|sat\s+on)\s+(?:the\s+)?(most|least|biggest|largest|smallest|fewest)\s+(?:money|dollars|value|\$)\b`,
  "i",
);

/** "deals on their plate": the deals a rep is working, the open deals */
const PLATE =
  /\b(?:(open|live|active)\s+)?(deals|opportunities|opps)\b(.*?)\s+on\s+(?:their|his|her|my|our|your|the)\s+plates?\b/i;

/** "brought in the most money from closed deals": the amount won */
const BROUGHT_IN = new RegExp(
  String.raw`^(.*?\b(?:${RANKED}))\s+(?:has\s+|have\s+|had\s+)?(?:brought|brings?|bringing|made|makes?|generated|generates?)\s+(?:in\s+)?(?:us\s+)?the\s+(most|least)\s+(?:money|revenue|dollars|cash|value)(?:\s+(?:from|on|with|in)\s+(?:(?:closed|won|closed[\s-]won)\s+)?(?:deals|opportunities|opps))?`,
  "i",
);
/** the rep or pipeline said of brought-in money with no deals said: still a sales ranking (reps have no MRR) */
const SALES_RANKED =
  /\b(?:stage|stages|rep|reps|owner|owners|salesperson|seller|ae|account\s+executive|pipeline|pipelines)\b|^who\b/i;

/** "which pipeline brings in the bigger deals on average": the average won deal size */
const BIGGER_DEALS = new RegExp(
  String.raw`^(.*?\b(?:${RANKED}))\s+(?:has\s+|have\s+|had\s+|tends?\s+to\s+)?(?:brings?|brought|bringing|closes|closed|closing|close|wins?|won|winning|lands?|landed|signs?|signed|gets?|got|has|have|had)\s+(?:in\s+)?(?:the\s+)?(bigger|biggest|larger|largest|smaller|smallest)\s+deals\s*,?\s+on\s+average\b`,
  "i",
);

/** "how many deals closed, won or lost", "decided one way or the other": won plus lost, deals closed */
const WON_OR_LOST = /\bclosed\s*[,(]?\s*(?:either\s+)?won\s+or\s+lost\s*[,)]?/i;
const DECIDED =
  /\b(?:(?:got|get|gets|were|was|have\s+been|has\s+been|been|are|is)\s+)?(?:decided|resolved)(?:\s*,?\s*(?:one\s+way\s+or\s+(?:the\s+)?other|either\s+way))?/i;

/** "what percent of enterprise deals are we winning": the won share of those deals, their win rate */
const PERCENT_WON =
  /\b(?:what\s+)?(?:%|percent|percentage|pct|share|fraction|proportion|portion)\s+of\s+(?:our\s+|the\s+|all\s+)?((?:[a-z'’]+\s+){0,4}?)(deals|opportunities|opps)((?:\s+(?:in|from|on|for|owned\s+by)\s+(?:the\s+)?(?:[a-z'’]+\s+){0,2}?[a-z'’]+?)?)\s+(?:that\s+)?(?:(?:are|do|did|does|have|has|had)\s+)?(?!won\b|win\b)(?:we|you|they|i|he|she|[a-z]+)\s+(?:win|wins|winning|won|close\s+won|closed\s+won)\b/i;

/** "shortest typical sales cycle": a duration, so the shortest is the lowest */
const SHORTEST =
  /\b(shortest|quickest|fastest|longest|slowest)\b(?=\s+(?:[a-z]+\s+){0,3}?(?:sales\s+)?(?:cycles?|times?|days)\b)/gi;

/** "days from a deal being created to it being won": the sales cycle (won deals only) */
const DAYS_FROM =
  /\b(?:how\s+many\s+|number\s+of\s+)?days\s+(?:it\s+takes\s+|does\s+it\s+take\s+)?(?:from|between)\s+(?:a\s+|the\s+|our\s+)?(?:deals?\s+|deal's\s+)?(?:being\s+|getting\s+|is\s+|are\s+|was\s+|were\s+)?(?:created|opened|creation|create|open)(?:\s+date)?\s+(?:to|and|until|till|through)\s+(?:it\s+|they\s+|its\s+|their\s+|the\s+deal\s+)?(?:being\s+|getting\s+|is\s+|are\s+|was\s+|were\s+)?(?:won|closed(?:[\s-]won)?|close|closing|winning)(?:\s+date)?\b/i;
const ON_AVERAGE = /(?:^|\s)on\s+(?:an?\s+)?average\b\s*,?/i;
const AVERAGE_WORD =
  /\b(?:the\s+)?(?:average|avg|mean)\s+(?=(?:number\s+of\s+)?(?:how\s+many\s+)?days\b|sales\s+cycle\b)/i;

/** "whose deals take the longest to close": the rep whose deals … (the deals' owner) */
const WHOSE_DEALS = /^(?:and\s+)?whose\s+(?=(?:deals|opportunities|opps)\b)/i;
/** "deals take the longest to close": their sales cycle, the longest the highest */
const TAKE_LONGEST =
  /\b(deals|opportunities|opps)\s+(?:take|takes|took|taking)\s+(?:the\s+)?(longest|shortest|quickest|fastest|slowest|least\s+time|most\s+time)\s+(?:time\s+)?to\s+(?:close|win|get\s+won|get\s+closed)\b/i;

/**
 * "average sales cycle for Enterprise pipeline deals we won in Q3": the sales cycle is the won deals' own (its
 * definition), so "won" said of its deals restates the metric's population and is read as "deals" (#15, batch 48)
 */
const CYCLE_SAID = /\b(?:sales\s+cycles?|deal\s+cycles?|days\s+to\s+(?:close|win)|time\s+to\s+(?:close|win))\b/i;
const WON_GLOSS =
  /\b(deals|opportunities|opps)\s+(?:that\s+|which\s+)?(?:(?:we|you|they)\s+)?(?:have\s+|had\s+|were\s+)?(?:won|closed[\s-]won)\b|\b(?:won|closed[\s-]won)\s+(deals|opportunities|opps)\b/i;

const MOST = (w: string) => (/^(?:most|biggest|largest|bigger|larger)$/i.test(w) ? "most" : "least");
const DEALS_SAID = /\b(?:deals?|opportunit(?:y|ies)|opps?)\b/i;

export function salesSaid(text: string): string {
  let out = text;
  out = replaceSaid(out, HOLDING, (_m, who: string, most: string) => `${who} has the ${MOST(most)} open pipeline`);
  out = replaceSaid(out, PLATE, (_m, open: string | undefined, deals: string, between: string) =>
    `${open ? `${open} ` : "open "}${deals}${between}`.replace(/\bopen\s+open\b/i, "open"),
  );
  out = out.replace(
    BIGGER_DEALS,
    (_m, who: string, size: string) =>
      `${who} has the ${/^(?:bigger|biggest|larger|largest)$/i.test(size) ? "highest" : "lowest"} average deal size`,
  );
  out = replaceSaid(out, BROUGHT_IN, (m, who: string, most: string) =>
    testSaid(DEALS_SAID, m) || testSaid(SALES_RANKED, who) ? `${who} has the ${most} won amount` : m,
  );
  // "how much new business did we close": closed business is the amount won (a subscription is never "closed")
  out = out
    .replace(/\bnew\s+business\s+(did|do|does|have|has|had)\s+([a-z']+)\s+(?:close|closed)\b/i, "won amount $1 $2 have")
    .replace(/\b(?:new\s+business\s+(?:(?:we|they)\s+)?closed|closed\s+new\s+business)\b/i, "won amount");
  if (testSaid(DEALS_SAID, out)) out = replaceSaid(out, WON_OR_LOST, "closed ").replace(DECIDED, "closed");
  // "how many deals were won or lost": one count of both, never set against each other ("won or lost more")
  if (testSaid(DEALS_SAID, out) && /\bhow\s+many\b/i.test(out) && !/\b(?:more|fewer|less|than|vs|versus)\b/i.test(out))
    out = out.replace(/\b(?:either\s+)?(?:won\s+or\s+lost|lost\s+or\s+won)\b/i, "closed");
  out = replaceSaid(
    out,
    PERCENT_WON,
    (_m, said: string, deals: string, of: string) => `win rate of ${said}${deals}${of}`,
  );
  out = out
    .replace(WHOSE_DEALS, "which rep's ")
    .replace(
      TAKE_LONGEST,
      (_m, deals: string, how: string) =>
        `${deals} have the ${/^(?:longest|slowest|most\s+time)$/i.test(how) ? "highest" : "lowest"} sales cycle`,
    );
  out = replaceSaid(out, SHORTEST, (w) => (/^(?:longest|slowest)$/i.test(w) ? "highest" : "lowest"));
  if (testSaid(DAYS_FROM, out)) {
    const averaged = testSaid(ON_AVERAGE, out) || testSaid(AVERAGE_WORD, out);
    out = out
      .replace(ON_AVERAGE, " ")
      .replace(AVERAGE_WORD, "")
      .replace(DAYS_FROM, averaged ? "average sales cycle" : "sales cycle");
  }
  if (testSaid(CYCLE_SAID, out))
    out = replaceSaid(out, WON_GLOSS, (_m, a: string | undefined, b: string | undefined) => a ?? b ?? "deals");
  return out.replace(/\s{2,}/g, " ").trim();
}
