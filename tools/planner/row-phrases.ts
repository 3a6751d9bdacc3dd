import type { Plan, Refusal } from "./plan-types.ts";
import { normalize } from "./text.ts";

/**
 * Rows said the way a list is titled rather than asked (#15, batch 52), read again as the count the planner reads,
 * only when the words as typed were not placed:
 * - "deals created in the last 45 days", "deals we lost in Q3": rows that did something in a window → "how many
 *   deals were created in the last 45 days";
 * - "…, not counting ones under $1k", "excluding those below 500": a bound said as what is left out → "of at least
 *   $1k" (and "not counting ones over $X" → "of at most $X");
 * - "top 4 countries by paying customers": the values of a dimension ranked by a count of rows → "which country has
 *   the most paying customers", the N kept.
 */
const ROWS = "deals|customers|tickets|accounts|trials|subscriptions|invoices|payments";
const DONE = "created|opened|won|lost|closed|signed up|started|converted|churned|resolved";
const TITLED = new RegExp(
  `^(?:(?:the\\s+)?(?:number|count|total number)\\s+of\\s+)?(${ROWS})\\s+(?:that\\s+|which\\s+)?(?:we\\s+|were\\s+)?(${DONE})\\b(.*)$`,
);
const LEFT_OUT =
  /,?\s*\b(?:not\s+counting|excluding|ignoring|leaving\s+out|except(?:\s+for)?|without)\s+(?:the\s+)?(?:ones|those|any|deals|customers|tickets|accounts)?\s*(?:that\s+(?:are|were)\s+|which\s+(?:are|were)\s+)?(under|below|less\s+than|smaller\s+than|over|above|more\s+than|bigger\s+than|larger\s+than)\s+(\$?\d[\d,]*(?:\.\d+)?\s*(?:k|m)?)(?=\s|$)/;
const PAST: Record<string, string> = { win: "won", lose: "lost" };
const TOP_VALUES =
  /^(?:(?:what|which)\s+are\s+)?(?:(?:our|the)\s+)?(top|bottom)\s+(\d+)\s+([a-z]+?)(ies|es|s)\s+by\s+(?:(?:the\s+)?(?:number|count)\s+of\s+)?(.+)$/;

// "paying accounts we haven't seen in over a week": their days since last seen, bounded
const UNSEEN =
  /^(?:how\s+many\s+)?((?:paying\s+)?accounts)\s+(?:that\s+)?(?:we\s+)?(?:have\s*n[o']t|has\s*n[o']t|did\s*n[o']t|haven't|hasn't|didn't|not)\s+(?:been\s+)?seen\s+(?:in|for)\s+(?:over|more\s+than|longer\s+than)\s+(a|an|one|two|three|four|\d+)\s+(day|week|month)s?$/;
const COUNT: Record<string, number> = { a: 1, an: 1, one: 1, two: 2, three: 3, four: 4 };
const DAYS: Record<string, number> = { day: 1, week: 7, month: 30 };

const RANKED =
  /\b(?:which|who|most|least|fewest|biggest|largest|smallest|highest|lowest|best|worst|top|bottom|rank\w*)\b/;

export function rowPhrases(typed: string, read: (q: string) => Plan | Refusal): Plan | undefined {
  const text = normalize(typed)
    .replace(/[?!.]+$/, "")
    .trim();
  const top = TOP_VALUES.exec(text);
  if (top) {
    // "countries" → "country", "owners" → "owner", "pipelines" → "pipeline"
    const value = `${top[3]}${top[4] === "ies" ? "y" : top[4] === "es" && !/(?:ch|sh|x|s)$/.test(top[3]!) ? "e" : ""}`;
    const n = Number(top[2]);
    // read as the one with the most, then ranked the way said (the fewest: the same counts from the bottom)
    const p = read(`which ${value} has the most ${top[5]}`);
    const direction = top[1] === "top" ? "top" : "bottom";
    if (p.status !== "plan" || p.intent !== "top_n" || p.calls.length !== 1 || !p.calls[0]!.input.count)
      return undefined;
    // a row with no value is no value of the dimension ("top 4 countries": the customers with no country are left out)
    const label = String(p.calls[0]!.input.label);
    const kept = (p.calls[0]!.input.filters ?? []) as { column: string; op: string; value: unknown }[];
    const input = {
      ...p.calls[0]!.input,
      n,
      direction,
      filters: [...kept, { column: label, op: "is_null", value: false }],
    };
    const i = p.interpretation;
    return {
      ...p,
      calls: [{ ...p.calls[0]!, input }],
      ...(i
        ? {
            interpretation: {
              ...i,
              read_as: `${i.read_as.replace(`the ${value} with the most`, `the ${n} ${value} values with the ${direction === "top" ? "most" : "fewest"}`)}, with a ${label.replaceAll("_", " ")}`,
              ...(i.argmax ? { argmax: { ...i.argmax, n, direction: direction === "top" ? "most" : "least" } } : {}),
            },
          }
        : {}),
    };
  }
  // "deals won in October, which one is the most": a ranking asked, never their count
  if (RANKED.test(text)) return undefined;
  let q = text;
  const unseen = UNSEEN.exec(q);
  if (unseen) {
    const n = (COUNT[unseen[2]!] ?? Number(unseen[2])) * DAYS[unseen[3]!]!;
    // a month is no fixed number of days: only days and weeks are read
    if (unseen[3] !== "month") q = `how many ${unseen[1]} have not been seen in more than ${n} days`;
  }
  const left = LEFT_OUT.exec(q);
  if (left) {
    const under = /under|below|less|smaller/.test(left[1]!);
    q = `${q.replace(left[0], "").trim()} ${under ? "of at least" : "of at most"} ${left[2]}`;
  }
  const titled = TITLED.exec(q);
  if (titled) q = `how many ${titled[1]} were ${titled[2]}${titled[3]}`;
  else {
    // "deals we lost in Q3": the rows, then what we did to them
    const did = new RegExp(
      `^(${ROWS})\\s+(?:that\\s+|which\\s+)?we\\s+(win|lose|won|lost|closed|created|opened)\\b(.*)$`,
    ).exec(q);
    if (did) q = `how many ${did[1]} were ${PAST[did[2]!] ?? did[2]}${did[3]}`;
  }
  if (q === text) return undefined;
  const p = read(q);
  return p.status === "plan" ? p : undefined;
}
