import type { Plan, Refusal } from "./plan-types.ts";
import { findPeriods } from "./periods.ts";
import { normalize } from "./text.ts";

/**
 * "Did ARPA dip below $95 at any point since March?", "did more than 20 customers churn in any month this year?"
 * (#15, batch 52): a bound checked against every bucket of a range, not its end. Read as the month (week, quarter)
 * with the most — or, for a bound from above ("below", "under"), the least — of the metric over the range, and the
 * answer says whether that extreme passes the bound. The range's end alone ("ARPA at the end of March–November,
 * below $95") is another question's number.
 */
const ANY =
  /\s*,?\s*\b(?:(?:in|during|for|on)\s+)?(?:any|a\s+single|any\s+single|any\s+one)\s+(month|week|quarter|day)\b|\s*\b(?:at\s+any\s+(?:point|time|stage)|at\s+some\s+point|ever)\b/;
const BOUND =
  /\b(?:(?:dip(?:ped)?|drop(?:ped)?|fall|fell|go|went|get|got|come|came|sink|sank|slip(?:ped)?)\s+)?(more\s+than|over|above|exceed(?:ed)?|cross(?:ed)?|top(?:ped)?|greater\s+than|at\s+least|below|under|less\s+than|fewer\s+than|beneath|at\s+most)\s+(\$?\d[\d,]*(?:\.\d+)?\s*(?:k|m|%)?)(?=\s|$)/;
const AUX = /^(?:did|was|were|has|have|had|is|are|do|does)\s+(?:we\s+|our\s+|the\s+|it\s+)?(?:ever\s+)?(?:been\s+)?/;

type Op = ">" | ">=" | "<" | "<=";

function opOf(word: string): Op {
  const w = word.replace(/\s+/g, " ");
  if (w === "at least") return ">=";
  if (w === "at most") return "<=";
  return /^(?:below|under|less than|fewer than|beneath)$/.test(w) ? "<" : ">";
}

function amountOf(said: string): { value: number; percent: boolean } {
  const m = /^\$?([\d,]+(?:\.\d+)?)\s*(k|m|%)?$/.exec(said.trim())!;
  const n = Number(m[1]!.replaceAll(",", ""));
  const scale = m[2] === "k" ? 1e3 : m[2] === "m" ? 1e6 : m[2] === "%" ? 0.01 : 1;
  return { value: n * scale, percent: m[2] === "%" };
}

export function anyBucket(typed: string, at: Date, read: (q: string) => Plan | Refusal): Plan | Refusal | undefined {
  const text = normalize(typed)
    .replace(/[?!.]+$/, "")
    .trim();
  const any = ANY.exec(text);
  const bound = BOUND.exec(text);
  if (!any || !bound) return undefined;
  // "has MRR ever been below $50k": ever since when? A range read by default (the last twelve months) is not "ever"
  if (!findPeriods(text, at).length) return undefined;
  const grain = [...text.matchAll(new RegExp(ANY.source, "g"))].find((x) => x[1])?.[1] ?? "month";
  const op = opOf(bound[1]!);
  const { value, percent } = amountOf(bound[2]!);
  const most = op === ">" || op === ">=" ? "most" : "least";
  // the words left are the metric and its range: "ARPA since March", "customers churn this year"
  const rest = text
    .replace(new RegExp(ANY.source, "g"), " ")
    .replace(bound[0], " ")
    .replace(AUX, "")
    .replace(/\s+/g, " ")
    .trim();
  // "20 customers churn": the things counted and what they did ("churned customers")
  const did = /^([a-z]+s)\s+([a-z]+?)(?:ed)?\b(.*)$/.exec(rest);
  const candidates = [
    `which ${grain} had the ${most} ${rest}`,
    ...(did ? [`which ${grain} had the ${most} ${did[2]}ed ${did[1]}${did[3]}`] : []),
  ];
  for (const q of candidates) {
    const p = read(q);
    if (p.status !== "plan" || p.intent !== "argmax" || !p.interpretation) continue;
    const main = p.calls.find((c) => c.role === "main" && c.name === "query_metric");
    if (!main || main.input.grain !== grain) continue;
    // a percentage bound checks a rate, a plain number a count or an amount
    const isRate =
      /rate|%|percent|share/i.test(p.interpretation.metric_label) || p.interpretation.metric.endsWith("_rate");
    if (percent !== isRate) continue;
    return {
      ...p,
      interpretation: {
        ...p.interpretation,
        read_as: `${p.interpretation.read_as}; checked: ${bound[1]} ${bound[2]} in any ${grain}`,
        why: [
          ...p.interpretation.why,
          `"${any[0].trim()}": the bound is checked against every ${grain} of the range, so against the ${most} of them`,
        ],
        check: { kind: "any_bucket", op, value, said: `${bound[1]} ${bound[2]}`, grain },
      },
    };
  }
  return undefined;
}
