import type { Plan, Refusal } from "./plan-types.ts";
import type { Interpretation } from "./understand.ts";
import { execSaid, replaceSaid } from "./may-match.ts";

/**
 * Yes/no checks said in everyday words (#15, batch 35), read as the questions the planner already answers:
 *   - "is anyone behind on their payments", "any accounts overdue right now": the customers past due, counted;
 *   - "have any customers come back after cancelling this year": reactivated customers (the cancelling is what they
 *     came back from, never a cancellation still due);
 *   - "are we getting back to people within 4 hours": the first response time;
 *   - "did upgrades bring in more MRR than we lost to cancellations": expansion MRR against churned MRR;
 *   - "did DAU drop yesterday compared with the day before": the day before is the comparison's own previous day;
 *   - "is MRR flat this month", "did refunds double from September to October": the change, both values stated —
 *     with no verdict, since "flat" needs a tolerance and "double" a ratio no claim of the planner checks;
 *   - "is anyone on the sales team below a 20% win rate this year": the rep with the lowest (or highest) win rate,
 *     named with the value.
 */
type Side = (question: string) => Plan | Refusal;

const ANYONE = String.raw`(?:any\s*one|anybody|any\s+(?:customers?|accounts?|clients?)|any\s+of\s+(?:our|the)\s+(?:customers|accounts|clients))`;
const BEHIND = new RegExp(
  String.raw`^(?:is|are|was|were)\s+${ANYONE}\s+(?:currently\s+|still\s+)?(behind\s+on\s+(?:(?:their|the|his|her|its)\s+)?(?:payments?|bills?|invoices?)|late\s+(?:on|with)\s+(?:(?:their|the)\s+)?(?:payments?|bills?|invoices?)|overdue|past\s+due|in\s+arrears)\b(.*)$`,
);
const CAME_BACK =
  /\b(?:have|has|did)\s+any\s+(customers|accounts|clients|people)\s+(?:come|came|coming)\s+back(?:\s+after\s+(?:cancell?ing|churning|leaving|they\s+(?:cancell?ed|churned|left)|having\s+(?:cancell?ed|churned|left)))?\b/;
const GET_BACK =
  /\b(?:are|is|were|was)\s+(?:we|the\s+team|support|the\s+support\s+team)\s+(?:getting|get|got|replying|responding)\s+(?:back\s+)?to\s+(?:people|customers|users|folks|tickets|requests)\b/;
/** "upgrades bring in more MRR than we lost to cancellations": the movements by their metrics' names */
const MOVEMENTS: [RegExp, string][] = [
  [
    /\b(did|do|does|have|has)\s+upgrades\s+(bring|brought)\s+in\s+more\s+mrr\s+than\b/,
    "$1 expansion mrr $2 in more than",
  ],
  [
    /\b(?:(?:the\s+)?mrr\s+)?(?:that\s+)?we\s+lost\s+to\s+(?:cancell?ations|churn|cancell?ed\s+customers|customers\s+leaving)\b/,
    "churned mrr",
  ],
  [/\b(?:(?:the\s+)?mrr\s+)?(?:that\s+)?we\s+lost\s+to\s+downgrades\b/, "contraction mrr"],
];
/** "compared with the day before": the previous bucket of the period said, which a change reads already */
const BEFORE =
  /\s+(?:compared\s+(?:with|to)|vs\.?|versus|against|from|over|on)\s+the\s+(?:day|week|month|quarter|year)\s+before\b/;

/** The everyday words of a check as the planner's words; the text unchanged when none is said. */
export function checkWordsSaid(text: string): string {
  let t = text;
  const behind = execSaid(BEHIND, t);
  if (behind) t = `how many customers are past due${behind[2]}`;
  t = replaceSaid(t, CAME_BACK, "how many customers came back");
  t = replaceSaid(t, GET_BACK, "is our first response time");
  for (const [re, to] of MOVEMENTS) t = replaceSaid(t, re, to);
  if (/\b(?:yesterday|last\s+(?:week|month|quarter|year))\b/.test(t)) t = replaceSaid(t, BEFORE, "");
  return t;
}

const FLAT =
  /^(?:is|are|was|were|has|have)\s+(?:our\s+|the\s+)?(.+?)\s+(?:been\s+|staying\s+|stayed\s+|holding\s+|remained\s+|gone\s+|going\s+|basically\s+|pretty\s+much\s+)*(?:flat|flatlining|flatlined|stagnant|stagnating|stalled|stalling|unchanged|plateaued|plateauing)\b(.*)$/;
const DOUBLE =
  /^(?:did|has|have|had|do|does)\s+(?:our\s+|the\s+)?(.+?)\s+(double|doubled|triple|tripled|halve|halved)\b(.*)$/;

/** "is MRR flat this month", "did refunds double from September to October": the change, both values, no verdict */
export function readChangeWords(text: string, side: Side): Plan | undefined {
  const f = execSaid(FLAT, text);
  const d = f ? null : execSaid(DOUBLE, text);
  if (!f && !d) return undefined;
  const [what, word, rest] = f ? [f[1]!, "flat", f[2]!] : [d![1]!, d![2]!, d![3]!];
  const read = side(`did ${what} go up ${rest}`.replace(/\s+/g, " ").trim());
  if (read.status !== "plan" || read.intent !== "compare" || !read.interpretation) return undefined;
  const mains = read.calls.filter((c) => c.role === "main");
  if (mains.length !== 1 || mains[0]!.name !== "compare_periods") return undefined;
  const how =
    word === "flat"
      ? `"flat": the change stated with both values (no tolerance for "flat" is defined, so no yes or no)`
      : `"${word}": both values stated with their change (the ratio of the later to the earlier decides it)`;
  return { ...read, interpretation: { ...read.interpretation, why: [...read.interpretation.why, how] } };
}

const TEAM_BOUND =
  /^(?:is|are|was|were|has|have|does|do)\s+(?:anyone|anybody|any\s+(?:reps?|sales\s?reps?|sellers?|closers?|aes?|owners?)|any\s+of\s+(?:our|the)\s+(?:reps|sales\s?reps|sellers|closers|aes))(?:\s+(?:on|in)\s+(?:the\s+|our\s+)?(?:sales\s+)?team)?\s+(?:got\s+|had\s+|having\s+|with\s+)?(below|under|less\s+than|lower\s+than|above|over|more\s+than|higher\s+than)\s+(?:a\s+)?(\d+(?:\.\d+)?\s*(?:%|percent))\s+(.+)$/;

/** "is anyone on the sales team below a 20% win rate this year": the rep at the bottom (or top), named with its value */
export function readTeamBound(text: string, side: Side): Plan | undefined {
  const m = execSaid(TEAM_BOUND, text);
  if (!m) return undefined;
  const [, bound, figure, rest] = m;
  const low = /^(?:below|under|less|lower)/.test(bound!);
  const read = side(`which rep has the ${low ? "lowest" : "highest"} ${rest}`);
  if (read.status !== "plan" || read.intent !== "argmax" || read.interpretation?.argmax?.dimension !== "owner")
    return undefined;
  const i: Interpretation = read.interpretation;
  if (!/%|rate|share/i.test(i.metric_label) && !i.metric.endsWith("_rate")) return undefined;
  return {
    ...read,
    interpretation: {
      ...i,
      why: [
        ...i.why,
        `"anyone ${bound} ${figure}": the rep with the ${low ? "lowest" : "highest"} ${i.metric_label.toLowerCase()} decides it — yes when that rep is ${low ? "below" : "above"} ${figure}`,
      ],
    },
  };
}
