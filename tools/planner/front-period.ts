import type { Plan, Refusal } from "./plan-types.ts";
import { findPeriods } from "./periods.ts";
import { execSaid } from "./may-match.ts";

/**
 * A period said before a ranking's question word (#15, batch 34): "in Q3 which month had the most people using the
 * app?", "at the end of october which stage had the most open deals", "last quarter, which plan had the least MRR".
 * The lead — a preposition or "at the end of", then words that are all one period — is the ranking's period: read
 * again with the lead after the question ("which stage had the most open deals at the end of october"). Only when the
 * lead is wholly a period, the rest is a question of its own (which, what, who, whose, when) and names no period of
 * its own; the reading is kept only when it is a plan.
 */
type Again = (q: string) => Plan | Refusal;

const LEAD =
  /^(?:and\s+|so\s+|ok\s+)?((?:(?:at|by)\s+the\s+(?:end|close|start|beginning)\s+of|as\s+of|in|during|over|for|across|within)\s+)?(.+?)\s*[,;:—–-]?\s+((?:which|what|who|whose|when)\b.+)$/i;

export function frontPeriod(bare: string, today: Date, again: Again): Plan | undefined {
  const text = bare.trim();
  const m = execSaid(LEAD, text);
  if (!m) return undefined;
  const [, prep = "", said, question] = m;
  if (said!.split(/\s+/).length > 5) return undefined;
  // the lead is one period, whole; the question names none of its own
  const found = findPeriods(said!.toLowerCase(), today);
  if (found.length !== 1 || found[0]!.start !== 0 || found[0]!.end !== said!.length) return undefined;
  if (findPeriods(question!.toLowerCase(), today).length) return undefined;
  const [body, mark = ""] = /^(.*?)([?!.]*)$/.exec(question!)!.slice(1) as [string, string];
  const planned = again(`${body} ${prep}${said}${mark}`.replace(/\s+/g, " "));
  return planned.status === "plan" ? planned : undefined;
}
