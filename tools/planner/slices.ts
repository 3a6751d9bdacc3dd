import type { Catalog } from "../../engine/catalog/catalog.ts";
import { execSaid, testSaid } from "./may-match.ts";

/**
 * A slice said in words (#15, batch 32): the grammar around a dimension's values, so a filter said is placed or asked
 * back, never dropped. The values' own words are value synonyms in models/** ("German" is country DE, "pay us" is a
 * paying status); this is what surrounds them:
 *   - "how many accounts are on Growth": the customers on that plan (an account on a plan is a customer of it), never
 *     another metric whose name holds "accounts";
 *   - "Growth + Pro MRR combined", "pro plus enterprise together": both values, summed ("Growth and Pro");
 *   - "US-based", "US customers": the country, never the pronoun a stop word drops;
 *   - "the big customers", "our key accounts": a segment no column holds, asked back (sliceAskBack).
 */

const RISK = /\b(?:risk|risky|churn(?:ing)?|likely|cancel(?:l?ing)?)\b/;
const ROWS = String.raw`(?:accounts?|accts?|clients?|companies|logos|subscribers|customers?)`;
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** the values of every dimension the catalog read, each with its dimension */
function valuesOf(catalog: Catalog): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const [key, values] of catalog.dimensionValues ?? [])
    for (const v of values)
      if (/^[a-z][a-z ]+$/i.test(v)) out.set(v.toLowerCase(), (out.get(v.toLowerCase()) ?? new Set()).add(key));
  return out;
}

/** the plan values (mrr_by_plan_monthly.plan), lower-cased */
function planValues(catalog: Catalog): string[] {
  return [...(catalog.dimensionValues ?? [])]
    .filter(([k]) => k.endsWith(".plan"))
    .flatMap(([, v]) => v.map((x) => x.toLowerCase()));
}

export function slicesSaid(text: string, catalog: Catalog): string {
  let out = text;
  // "US-based", "us based", "US customers": the country; "in the us" is what the count reads as the place
  out = out.replace(/\bu\.?s\.?[\s-]+based\b/gi, "american");
  out = out.replace(
    new RegExp(
      String.raw`(?<!\b(?:pay|pays|paid|paying|give|gave|bring|brought|send|sent|show|tell|get|got|cost|costs|let)\s)\bus(?=(?:\s+(?:paying|active|churned|trialing|trialling|past[\s-]due|new|lost|signed[\s-]up))*\s+(?:${ROWS}|sign[\s-]?ups?)\b)`,
      "gi",
    ),
    "the us",
  );
  // "outside the US, which country has the most paying customers": the leading exclusion read after the ranking
  out = out.replace(
    /^((?:outside|excluding|except(?:\s+for)?|other\s+than|besides|apart\s+from|aside\s+from|not\s+counting)(?:\s+of)?\s+[^,;:—–]+?)\s*[,;:—–]\s*((?:which|what)\s.+?)([?.!]*)$/i,
    "$2 $1$3",
  );
  // "Pro vs Growth — how many customers on each at the end of September": the values set against each other are the
  // question's own, read where a comparison of values is ("customers on Pro vs Growth at the end of September")
  out = out.replace(
    /^([a-z][a-z ]{0,30}?\s(?:vs\.?|versus)\s[a-z][a-z ]{0,30}?)\s*[—–:,-]+\s*(?:how\s+many|how\s+much|what(?:'s|\s+is|\s+are|\s+was|\s+were)?)\s+(?:the\s+)?(.+?)\s+(?:on|for|in|of|with)\s+each(?:\s+(?:one|side|plan|tier|of\s+them))?\b(.*)$/i,
    (_m, sides: string, what: string, rest: string) =>
      `${what} ${/\b(?:customers|accounts|clients)$/i.test(what) ? "on" : "for"} ${sides}${rest}`,
  );
  // "paying customers across countries", "customers per country": counted per value, the most first
  out = out.replace(
    /^(?:(?:how\s+many|number\s+of|count\s+of)\s+)?(.+?\b(?:customers|accounts|clients))\s+(?:across|by|per|in\s+each|for\s+each|split\s+by|broken\s+down\s+by)\s+(?:the\s+)?(country|countries|status|statuses)\s*(?:,?\s*how\s+many)?\s*([?.!]*)$/i,
    (_m, rows: string, col: string, end: string) =>
      `which ${col.replace(/ies$/i, "y").replace(/ses$/i, "s")} has the most ${rows}, each${end}`,
  );
  // "which stage has the most money sitting in it": the open pipeline it holds
  out = out.replace(
    /\b((?:which|what)\s+(?:deal\s+)?(?:stage|rep|owner|pipeline)s?\s+(?:has|have|had)\s+(?:the\s+)?(?:most|least|biggest|largest|smallest))\s+(?:money|dollars|value|\$)\s+(?:sitting|parked|tied\s+up|stuck|waiting)(?:\s+in\s+(?:it|them|(?:their\s+|his\s+|her\s+|the\s+)?(?:open\s+)?(?:deals|pipeline)))?\b/gi,
    "$1 open pipeline",
  );
  // "stuck in security review", "sitting in procurement": the deals in that stage now
  out = out.replace(
    /\b(?:stuck|sitting|sat|parked|waiting|hanging|languishing|held\s+up|tied\s+up)\s+(?=(?:in|at)\s)/gi,
    "",
  );
  // "have a contract out with them", "with a contract out": the deals in Contract Sent (its value synonym)
  out = out.replace(
    /\b(?:(?:have|has|with)\s+)?(?:a\s+|the\s+)?contracts?\s+out(?:\s+(?:with|to)\s+(?:them|the\s+(?:customer|buyer|prospect)s?))?\b/gi,
    (m) => (/^(?:have|has)\b/i.test(m) ? "are in contract sent" : "in contract sent"),
  );
  // "how much high-priority stuff came in": stuff is counted, as tickets are
  out = out.replace(/^how\s+much\b(?=.*\bstuff\b)/i, "how many");
  // "signups that never paid us a cent": the customers of that status
  out = out.replace(/\bnever\s+paid(?:\s+us)?(?:\s+(?:a\s+(?:cent|dime|penny|thing)|anything))\b/gi, "never paid");
  out = out.replace(/\b(?:sign[\s-]?ups)\b(?=\s+(?:(?:that|who)\s+)?never\s+paid\b)/gi, "customers");
  // "how many German customers pay us": a count of the paying ones ("which customer pays us the most" is a ranking of
  // people, left as typed)
  if (/\bhow\s+many\b/i.test(out) && !/\b(?:most|least|more|less|top)\b/i.test(out))
    out = out.replace(/\b(?:(?:who|that)\s+)?(?:pay|are\s+paying|still\s+pay)\s+us\b/gi, "paying");
  // "accounts on Growth", "clients on the enterprise tier": the customers of that plan
  const plans = planValues(catalog);
  if (plans.length && !RISK.test(out.toLowerCase())) {
    const plan = plans.map(esc).join("|");
    const on = new RegExp(
      String.raw`\b(?:accounts?|accts?|clients?|companies|logos)\b(?=(?:\s+[a-z']+){0,3}?\s+on\s+(?:the\s+|our\s+)?(?:${plan})\b)`,
      "gi",
    );
    out = out.replace(on, (m) => (/s$/i.test(m) ? "customers" : "customer"));
  }
  // "Growth + Pro", "pro plus enterprise", "Enterprise & Pro": two values of one dimension, both kept
  const values = valuesOf(catalog);
  out = out.replace(/\b([a-z][a-z ]{1,30}?)\s*(?:\+|&|\bplus\b)\s*([a-z][a-z ]{1,30})/gi, (m, a: string, b: string) => {
    const left = [...values.keys()].find((v) => new RegExp(`(?:^|\\s)${esc(v)}$`, "i").test(a));
    const right = [...values.keys()].find((v) => new RegExp(`^${esc(v)}(?:\\s|$)`, "i").test(b));
    if (!left || !right || left === right) return m;
    if (![...values.get(left)!].some((k) => values.get(right)!.has(k))) return m;
    return `${a} and ${b}`;
  });
  return out;
}

/** a grade said of customers that no column holds: which ones is asked back */
const VAGUE = new RegExp(
  String.raw`\b(?:the|our|my|those|these|from|of|do|did)\s+(big|bigger|large|larger|small|smaller|important|key|main|major|strategic|best|vip|whale|core)\s+${ROWS}\b`,
  "i",
);
/** "top 5 customers", "who are our best customers": a ranking said, read as one */
const RANKING = /\b(?:top|bottom)\s+\d+|\b(?:who|which)\s+(?:are|is|were)\b|\bby\s+(?:mrr|arr|revenue|lifetime)/i;

/**
 * "outside the US", "excluding the UK", "not in Germany", "non-US": the words before a value that leave it out. The
 * index the leading words start at, or undefined when the value is said plainly.
 */
const LEAVES_OUT =
  /(?:\b(?:outside(?:\s+of)?|excluding|except(?:\s+for)?|other\s+than|besides|apart\s+from|aside\s+from|not\s+in|not\s+from|not\s+counting)\s+(?:the\s+)?|\bnon[\s-])$/i;
export function leftOutBefore(text: string, index: number): number | undefined {
  const m = LEAVES_OUT.exec(text.slice(0, index));
  return m ? m.index : undefined;
}

export function sliceAskBack(text: string): string | undefined {
  const m = execSaid(VAGUE, text);
  if (!m || testSaid(RANKING, text)) return undefined;
  return `"${m[0].replace(/^\S+\s+/, "")}" names no segment the catalog keeps: say which customers (a plan such as Enterprise, a country, a status), or ask for the top customers by MRR`;
}
