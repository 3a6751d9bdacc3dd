import type { Catalog } from "../../engine/catalog/catalog.ts";
import { figureValue } from "./figure.ts";
import { oneValue, unitFits } from "./checks.ts";
import type { Plan, Refusal } from "./plan-types.ts";
import { normalize } from "./text.ts";
import type { Check } from "./understand.ts";
import { execSaid, replaceSaid } from "./may-match.ts";

/**
 * A half-remembered figure to check (#15, batch 24): "I think MRR was around 60k in September, right?", "we had about
 * 600 paying customers at the end of October, is that right?", "wasn't the win rate in Q2 something like 30%?", "I half
 * remember net new MRR going negative in August, was it?". The figure said with "around/about/roughly/something like"
 * is approximate: the answer gives the real value and says whether the figure holds within APPROX_TOLERANCE of it
 * ("yes"), within twice that ("close") or not ("no"). "Going negative" is a bound below 0 (the threshold check). The
 * question without the figure and the asker's frame is planned by the planner itself and kept only when it is one
 * value of a metric in the figure's unit; anything else is left to the planner's own ask-back.
 */
export const APPROX_TOLERANCE = 0.1;

type Side = (question: string) => Plan | Refusal;

const NUMBER = String.raw`\d[\d,]*(?:\.\d+)?`;
const FIG = String.raw`((?:[$€£]\s?)?${NUMBER}(?:\s?(?:k|m|mm|bn)\b|\s(?:thousand|million)\b)?(?:\s?%|\s(?:percent|per\s?cent)\b)?)(?:\s+(dollars|bucks|usd|euros?|pounds))?`;
const APPROX_WORD = String.raw`(?:around|about|roughly|approximately|approx\.?|something\s+like|somewhere\s+around|in\s+the\s+region\s+of|circa|close\s+to|near(?:ly)?|~)`;
/** "around 60k", "~$2k", "60k or so", "600ish" */
const APPROX = new RegExp(
  String.raw`(?:\b(?:at|was|were|is|of|had)\s+)?(?:${APPROX_WORD}\s*${FIG}|(?<![\w.])${FIG}(?:\s?ish\b|\s+or\s+so\b))`,
);
/** "going negative", "went negative", "turned negative", "was negative", "below zero" */
const NEGATIVE =
  /\b(?:(?:go|goes|going|gone|went|turn|turned|turning|dip|dipped|dipping|was|were|is|be|been)\s+)?(?:negative|below\s+zero|under\s+zero|into\s+the\s+red)\b/;

/** The asker's frame around the belief: set aside, never read as the question. */
const LEAD =
  /^(?:(?:so|ok|okay|hey|quick\s+q(?:uestion)?)[,\s]+)*(?:i\s+(?:think|thought|believe|reckon|recall|remember|half[- ]remember|vaguely\s+remember|seem\s+to\s+remember|have\s+a\s+feeling|was\s+told|heard)(?:\s+that)?\s+|i'?ve\s+got\s+|i\s+have\s+|i\s+had\s+|my\s+(?:sheet|spreadsheet|notes?|numbers?)\s+(?:says?|shows?|has)\s+|(?:wasn'?t|weren'?t|isn'?t|aren'?t|didn'?t|was|were|is|are|did)\s+)+/;
const TAIL =
  /(?:[,;:\s—-]+(?:(?:is|was)\s+(?:that|this|it)\s+(?:right|true|correct|so)|(?:was|is|did)\s+(?:it|that|they)|right|correct|true|no|yes|or\s+not|(?:does|do)\s+(?:that|this|it)\s+(?:match|check\s+out|add\s+up|line\s+up)|(?:can|could)\s+you\s+(?:confirm|check)(?:\s+(?:that|it))?|or\s+am\s+i\s+(?:wrong|misremembering|off)|(?:in|on)\s+my\s+(?:sheet|spreadsheet|notes?|model|deck)))+$/;

export interface Approx {
  figure: string;
  value: number;
  /** the question left without the figure and the frame */
  rest: string;
  negative: boolean;
}

/** The approximate figure (or "going negative") of a belief, and the question left without it; undefined when none. */
export function readApprox(question: string): Approx | undefined {
  const text = normalize(question)
    .replace(/[?!.]+$/, "")
    .trim();
  if (/[.?!;]\s+\S/.test(text)) return undefined;
  let t = text;
  for (let i = 0; i < 3; i++) t = replaceSaid(t, TAIL, "").replace(LEAD, "").trim();
  if (t === text) return undefined;
  const a = execSaid(APPROX, t);
  const n = a ? undefined : execSaid(NEGATIVE, t);
  if (!a && !n) return undefined;
  const m = (a ?? n)!;
  const figure = a ? (a[1] ?? a[3])! : "0";
  const unit = a ? (a[2] ?? a[4]) : undefined;
  const said = unit ? `${figure} ${unit}` : figure;
  const value = figureValue(said);
  if (!Number.isFinite(value)) return undefined;
  const rest = `${t.slice(0, m.index)} ${t.slice(m.index + m[0].length)}`
    .replace(/^(?:we|our|the\s+company)\s+(?:had|have|were|was|got|did)\s+/, "")
    .replace(/\s{2,}/g, " ")
    .trim();
  // a figure with nothing else ("around 60k, right?") names no metric: left to the planner
  if (!/[a-z]{3}/.test(rest)) return undefined;
  return { figure: said, value, rest, negative: !a };
}

/** The figure's kind as checks.ts reads it, from the words of the figure alone. */
function figureKind(said: string): "money" | "foreign money" | "percent" | "plain" {
  if (/%|percent|per\s?cent/.test(said)) return "percent";
  if (/[€£]|euro|pound/.test(said)) return "foreign money";
  if (/[$]|dollar|buck|usd/.test(said)) return "money";
  return "plain";
}

/**
 * A half-remembered figure read as its check: the metric's one value with a check of the figure (approximate, with
 * the tolerance said in the reading) or of its sign; undefined when the question left is no one value in the unit.
 */
export function readApproxCheck(question: string, catalog: Catalog, side: Side): Plan | undefined {
  const ap = readApprox(question);
  if (!ap) return undefined;
  const tries = [ap.rest, `what was ${ap.rest}`, `how many ${ap.rest}`];
  for (const q of tries) {
    const read = side(q);
    if (!oneValue(read) || read.intent !== "metric") continue;
    const metric = catalog.metrics.find((m) => m.name === read.interpretation.metric);
    if (!metric) continue;
    const label = read.interpretation.metric_label;
    if (ap.negative) {
      const check: Check = { kind: "threshold", op: "<", value: 0, said: "below 0 (negative)" };
      return {
        ...read,
        interpretation: {
          ...read.interpretation,
          yes_no: check,
          read_as: `${read.interpretation.read_as}; checked: negative (below 0)`,
          why: [...read.interpretation.why, `"negative": a yes/no check of ${label} against 0`],
        },
      };
    }
    const fits = unitFits({ kind: figureKind(ap.figure) }, metric);
    if (!fits) return undefined;
    const pct = Math.round(APPROX_TOLERANCE * 100);
    const check: Check = { kind: "approx", value: ap.value, tolerance: APPROX_TOLERANCE, said: `about ${ap.figure}` };
    return {
      ...read,
      interpretation: {
        ...read.interpretation,
        yes_no: check,
        read_as: `${read.interpretation.read_as}; checked: about ${ap.figure} (within ${pct}% holds, within ${pct * 2}% is close)`,
        why: [
          ...read.interpretation.why,
          `"${ap.figure}" said as approximate: it holds when the value is within ${pct}% of it, is close within ${pct * 2}%`,
        ],
      },
    };
  }
  return undefined;
}
