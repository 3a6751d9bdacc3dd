import { MONTH_NAMES } from "./periods.ts";
import { replaceSaid } from "./may-match.ts";

/**
 * Where a reader got the figure they ask about, and the words around a reply to a report (#15, batch 25): investors
 * reply to the monthly update with a figure they remember ("you said ARR was around 750k in the October update —
 * right?", "MRR is about 65k now if I read the chart right?", "Q3 win rate at roughly 35% from the board deck, does
 * that hold?") or ask for a number "for comparison". The source of a figure is no part of what is counted: it is set
 * aside, and a check's tag ("does that hold", "if I read it right") is said as the "right?" the checks read. An update
 * named by its month ("the October update") names that month as the period, as "in October" would.
 */
const MONTH = `(?:${MONTH_NAMES})`;
const DOC = String.raw`(?:update|investor\s+update|board\s+deck|deck|memo|report|e-?mail|letter|newsletter|chart|dashboard|slides?|data\s+room|one[\s-]pager|pack)`;
const DOC_QUAL = String.raw`(?:(?:the|your|our|last|latest|previous|monthly|quarterly|board|investor|investors'?|lp)\s+)*`;

const REMEMBERED: [RegExp, string][] = [
  // "Read the October update, thanks!", "Loved the Q3 memo.": a reply's opening, before the ask
  [
    new RegExp(
      String.raw`^\s*(?:i\s+|just\s+)?(?:read|saw|got|loved|enjoyed|went\s+through)\s+${DOC_QUAL}(?:(?:${MONTH}|q[1-4])\s+)?${DOC_QUAL}${DOC}\s*[,;:—–-]*\s*(?:(?:thanks|thank\s+you|thx|cheers)\s*)?[!.]+\s*`,
      "i",
    ),
    "",
  ],
  // "you said ARR was …", "you told us MRR is …": the figure is checked whoever said it
  [/^\s*(?:you|u|they)\s+(?:said|told\s+(?:us|me)|mentioned|reported|wrote|quoted|shared|showed)\s+(?:that\s+)?/i, ""],
  // "the founder told me we're at …", "our CEO mentioned …", "someone in sales said …" (#15, batch 40): whoever said it
  [
    /^\s*(?:(?:the|our|my)\s+)?(?:founders?|co-?founders?|ceo|cfo|cro|coo|boss|board|investors?|predecessor|team|sales\s+team|finance|someone|somebody|a\s+colleague|(?:an?\s+)?(?:vp|head)\s+of\s+\w+)(?:\s+(?:in|from)\s+\w+)?\s+(?:said|says|told\s+(?:us|me)|tells\s+(?:us|me)|mentioned|claims?|claimed|reckons?|thinks?|thought)\s+(?:that\s+)?/i,
    "",
  ],
  // "in the October update": that month
  [
    new RegExp(
      String.raw`\b(?:in|from|per|on)\s+${DOC_QUAL}(${MONTH}|q[1-4])(?:\s+20\d\d)?\s+${DOC_QUAL}${DOC}\b`,
      "i",
    ),
    "in $1",
  ],
  // "from the board deck", "per the last update", "on the dashboard": set aside
  [
    new RegExp(
      String.raw`\s*\b(?:in|from|per|on|according\s+to)\s+(?:the|your|our|last\s+month's|this\s+month's)\s+${DOC_QUAL}${DOC}\b`,
      "i",
    ),
    "",
  ],
  // "if I read the chart right", "if I remember correctly": the check's tag
  [
    /\s*,?\s*\bif\s+(?:i|we)\s+(?:read|remember|recall|understood|understand|have)\s+(?:(?:the|your|this|that)\s+\w+\s+|it\s+|that\s+)?(?:right|correctly|correct)\b\s*\??/i,
    ", right?",
  ],
  // "does that hold?", "does that still hold up?", "is that still accurate?"
  [/\s*[,;—–-]*\s*\b(?:does|will|would)\s+(?:that|it|this)\s+(?:still\s+)?hold(?:\s+up)?[\s?.!…]*$/i, ", right?"],
  // "…, true?", "— correct?": the check's tag
  [/\s*[,;—–-]+\s*(?:true|correct|accurate|legit|accurate\s+or\s+not)\s*\?\s*$/i, ", right?"],
  // "…, for comparison?", "for reference": the number itself is the ask
  [/\s*[,;—–-]+\s*(?:just\s+)?(?:for|as\s+a)\s+(?:comparison|reference|context)\s*(?=[?.!]*$)/i, ""],
];

/** The question with where its figure came from set aside; as typed when nothing is said. */
export function rememberedSaid(question: string): string {
  let out = question;
  for (const [re, to] of REMEMBERED) out = replaceSaid(out, re, to);
  return out === question
    ? question
    : out
        .replace(/\s{2,}/g, " ")
        .replace(/,\s*,/g, ",")
        .trim();
}
