import { MONTHS } from "../../engine/catalog/period.ts";
import type { Plan, Refusal } from "./plan-types.ts";
import { findPeriods } from "./periods.ts";
import { replaceSaid, testSaid } from "./may-match.ts";

/**
 * The period of a review said by its context (#15, batch 39): "the month we're reviewing", "this review", "this review
 * month", "for this MBR", "for this monthly review", "at the end of this review", "the month under review" are the
 * last complete month (a monthly review is built after its month has closed); "this QBR", "the quarter we're
 * reviewing", "this quarterly review", "the quarter view" are the last complete quarter. "for the QBR", "for the MBR"
 * alone say only what the number is for (a purpose: purpose.ts), as "right now" beside any of them does. Read as that month (quarter),
 * and said so in the reading. When the question names its own period ("for the MBR: MRR in October"), the review's
 * words only say what the number is for: set aside. A review with no period of its own ("the board meeting month",
 * "the last review") is left as typed, to be asked back.
 */
const MONTH_REVIEW = String.raw`(?:the\s+)?month\s+(?:(?:that\s+)?(?:we|i)(?:'re|'m|\s+are|\s+am)\s+(?:reviewing|reporting\s+on|reporting)|under\s+review|in\s+review|being\s+reviewed)|(?:this|the)\s+(?:month'?s\s+)?review(?:'s)?\s+month|(?:this|the)\s+(?:reporting|review)\s+month|this\s+(?:month'?s\s+)?(?:mbr|monthly(?:\s+business)?\s+review)|(?:this|the\s+current)\s+review`;
const QUARTER_REVIEW = String.raw`(?:the\s+)?quarter\s+(?:(?:that\s+)?(?:we|i)(?:'re|'m|\s+are|\s+am)\s+(?:reviewing|reporting\s+on)|under\s+review|in\s+review|being\s+reviewed)|(?:this|the)\s+(?:review|reporting)\s+quarter|this\s+(?:qbr|quarterly(?:\s+business)?\s+review)|(?:this|the)\s+quarter\s+view`;

/** "at the end of / at the close of X", "in / during / for / over X", or X alone */
const around = (x: string) =>
  new RegExp(
    String.raw`(?:\b(at\s+the\s+(?:end|close)\s+of|as\s+of\s+the\s+end\s+of|by\s+the\s+end\s+of)\s+|\b(?:in|during|for|over|of)\s+)?\b(?:${x})\b`,
    "i",
  );
const MONTH_RE = around(MONTH_REVIEW);
const QUARTER_RE = around(QUARTER_REVIEW);

/** "right now", "currently", "to date": the question's own period is today's */
const NOW = /\b(?:right\s+now|now|currently|current|today|to\s+date|so\s+far|as\s+it\s+stands)\b/i;

/** "for the MBR", "in the QBR": the review named beside its period */
const THE_REVIEW = /\s*\b(?:for|in|of)\s+the\s+(?:mbr|qbr|(?:monthly|quarterly)(?:\s+business)?\s+review)\b/gi;

export interface ReviewRead {
  text: string;
  said: string;
  note: string;
}

/** The question with the review's period in the planner's words; undefined when it says none. */
export function reviewPeriod(question: string, today: Date): ReviewRead | undefined {
  const y = today.getUTCFullYear();
  const m0 = today.getUTCMonth();
  const lastMonth = m0 === 0 ? `${MONTHS[11]} ${y - 1}` : `${MONTHS[m0 - 1]} ${y}`;
  const q = Math.floor(m0 / 3);
  const lastQuarter = q === 0 ? `Q4 ${y - 1}` : `Q${q} ${y}`;
  for (const [re, period, what] of [
    [MONTH_RE, lastMonth, "the month under review: the last complete month"],
    [QUARTER_RE, lastQuarter, "the quarter under review: the last complete quarter"],
  ] as const) {
    const all = [...question.matchAll(new RegExp(re.source, "gi"))];
    if (!all.length) continue;
    const blanked = all.reduceRight((t, m) => `${t.slice(0, m.index)} ${t.slice(m.index + m[0].length)}`, question);
    const saidOf = (m: RegExpMatchArray) =>
      m[0].replace(/^(?:(?:at|as\s+of|by)\s+the\s+(?:end|close)\s+of|in|during|for|over|of)\s+/i, "").trim();
    const tidy = (t: string) =>
      t
        .replace(/\s+([,:;?!.])/g, "$1")
        .replace(/^[\s,:;—–-]+/, "")
        .replace(/\s{2,}/g, " ")
        .trim();
    // the question names its own period: the review's words say only what the number is for
    if (findPeriods(blanked.toLowerCase(), today).length || testSaid(NOW, blanked))
      return {
        text: tidy(blanked),
        said: all.map(saidOf).join('", "'),
        note: "set aside: the review the number is for; the question names its own period",
      };
    // one of them is the period ("at the end of" first, else the last said); the others only say what it is for
    const m = all.find((x) => x[1]) ?? all[all.length - 1]!;
    const lead = m[1] ? "at the end of " : /^(?:in|during|for|over|of)\s/i.test(m[0]) ? "in " : "";
    const text = all.reduceRight(
      (t, x) => `${t.slice(0, x.index)}${x === m ? `${lead}${period}` : " "}${t.slice(x.index! + x[0].length)}`,
      question,
    );
    // ("pipeline for the MBR: … at the end of the review month": the review named again only says what it is for)
    const again = [...text.matchAll(THE_REVIEW)].map((x) => x[0].replace(/^\W*(?:for|in|of)\s+/i, ""));
    const said = [...all.map(saidOf), ...again].join('", "');
    return { text: tidy(replaceSaid(text, THE_REVIEW, " ")), said, note: `${period} (${what})` };
  }
  return undefined;
}

/** The question read with the review's period, its reading saying which period that is. */
export function readReviewPeriod(
  typed: string,
  today: Date,
  read: (question: string) => Plan | Refusal,
): Plan | Refusal | undefined {
  const review = reviewPeriod(typed, today);
  if (!review) return undefined;
  const plan = read(review.text);
  if (plan.status !== "plan" || !plan.interpretation) return plan;
  return {
    ...plan,
    interpretation: {
      ...plan.interpretation,
      read_as: `${plan.interpretation.read_as} ("${review.said}": ${review.note})`,
      why: [...plan.interpretation.why, `"${review.said}" read as ${review.note}; read as "${review.text}"`],
    },
  };
}
