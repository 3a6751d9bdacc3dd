import type { Plan, Refusal } from "./plan-types.ts";

/**
 * A purpose said around the ask (#15, batch 24): "for slide 3", "for the investor update", "the board wants …", "want
 * to staff up". It says why the number is asked, never which number: set aside, and said in the reading. Read only
 * when the question as typed could not be planned and the ask without the purpose plans on its own.
 */
const DOC = String.raw`(?:slide|page|tab|section|appendix|exhibit)\s+\d+[a-z]?|(?:the|our|my|this|next|tomorrow's|monday's|friday's|an?)\s+(?:(?:board|investor|investors'?|lp|all[- ]hands|exec|leadership|quarterly|monthly|weekly|annual|team|ops|sales|staff|budget|month[- ]end|quarter[- ]end|year[- ]end|books|finance)\s+)*(?:deck|pack|update|meeting|call|memo|report|review|slides?|presentation|newsletter|email|letter|sync|stand-?up|offsite|close|reconciliation|recon)`;
/** "…, for slide 3", "… for the investor update" at the end */
const FOR_TAIL = new RegExp(
  String.raw`[\s,;:—–-]+(?:it'?s\s+|this\s+is\s+|that'?s\s+|(?:i\s+|we\s+)?needs?\s+(?:it|this|that|them)\s+)?for\s+(?:${DOC})\s*[.!?]*$`,
  "i",
);
/** "for slide 3:", "for the investor update," at the start */
const FOR_LEAD = new RegExp(String.raw`^(?:for\s+(?:${DOC}))\s*[,:;—–-]?\s+`, "i");
/** "the board wants", "our investors want to know", "my boss asked for" at the start: the one who asks, set aside */
const WHO_WANTS =
  /^(?:the|our|my)\s+(?:board|investors?|ceo|cfo|coo|founders?|boss|manager|lead|vp|head\s+of\s+[a-z]+|lender|bank|auditors?|accountant)\s+(?:wants?|needs?|asked\s+(?:for|about)|is\s+asking\s+(?:for|about)|would\s+like)(?:\s+to\s+(?:know|see))?\s+/i;
/** "? want to staff up", ". we need to plan hiring": a sentence after the ask saying only why */
const WHY_TAIL =
  /(?:[?.!]\s+|[\s,;—–-]+(?:because|since|as)\s+)(?:(?:i|we)\s+)?(?:want|need|have|'d\s+like|would\s+like|am\s+trying|are\s+trying|'m\s+trying|'re\s+trying)\s+to\s+(?:staff\s+up|hire|plan|budget|prep(?:are)?|brief|update|report|show|share|present|decide|figure\s+out\s+staffing)\b[^?]*[.!]?$/i;

/**
 * Slide and bridge framing (#15, batch 39): where in a deck the number goes, never which number. "customers slide:",
 * "MRR bridge, first bar:", "and the churn bar:", "next bar on the bridge —", "quarter view:" at the start; "slide 2
 * needs …"; "…, for the retention slide", "…, same slide?", "… on the revenue slide" around the ask; "what do I put
 * for ARR" asks what ARR is.
 */
const FRAME_NOUN = String.raw`(?:slides?|bars?|bridge|chart|graph|view|deck|section|scorecard|appendix|cover|page)`;
const SLIDE = String.raw`(?:(?:the|our|my|this|that|same|next|first|last|a)\s+)?(?:[a-z&/-]+[\s,]+){0,3}?${FRAME_NOUN}(?:\s+\d+[a-z]?)?(?:\s+(?:on|of|in)\s+the\s+${FRAME_NOUN})?`;
const SLIDE_LEAD = new RegExp(String.raw`^(?:and\s+|now\s+|then\s+)?(?:for\s+)?${SLIDE}\s*(?::|—|–|\s-\s)\s*`, "i");
const SLIDE_NEEDS = /^(?:and\s+)?(?:slide|page|tab)\s+\d+[a-z]?\s+(?:needs|wants|is|shows|has|gets)\s+/i;
const SLIDE_TAIL = new RegExp(
  String.raw`[\s,;:—–-]+(?:(?:i\s+)?needs?\s+it\s+|it'?s\s+)?(?:(?:for|on|in)\s+)?(?:the\s+|this\s+|that\s+|our\s+|same\s+)(?:[a-z&/-]+\s+){0,2}${FRAME_NOUN}(?:\s+\d+[a-z]?)?\s*[.!?]*$`,
  "i",
);
const SLIDE_MID = new RegExp(
  String.raw`\s+(?:on|for|in)\s+(?:the|our|my|this|that)\s+(?:[a-z&/-]+\s+){0,2}(?:slides?|bridge)\b`,
  "i",
);
const PUT_FOR =
  /^(?:so\s+)?what\s+(?:do|should|would|can|shall)\s+(?:i|we)\s+(?:put|use|write|show|enter|say|report)\s+(?:down\s+)?(?:for|as)\s+/i;

type Read = (question: string) => Plan | Refusal;

export function readPurpose(typed: string, read: Read): Plan | undefined {
  let ask = typed.trim();
  const setAside: string[] = [];
  for (const re of [WHY_TAIL, FOR_TAIL, FOR_LEAD, WHO_WANTS, SLIDE_NEEDS, SLIDE_LEAD, SLIDE_TAIL, SLIDE_MID, PUT_FOR]) {
    const m = re.exec(ask);
    if (!m) continue;
    setAside.push(m[0].replace(/^[\s,;:?.!—–-]+|[\s,;:?.!—–-]+$/g, ""));
    const put = re === PUT_FOR ? "what is " : " ";
    ask = `${ask.slice(0, m.index)}${re === WHY_TAIL ? "?" : put}${ask.slice(m.index + m[0].length)}`.trim();
  }
  if (!setAside.length || !/[a-z]{3}/i.test(ask)) return undefined;
  // "the board wants the win rate": the one who asks set aside leaves a noun phrase, asked as "what is …"
  const plan = read(ask);
  if (plan.status !== "plan" || !plan.interpretation) return undefined;
  const said = setAside.map((s) => `"${s}"`).join(", ");
  return {
    ...plan,
    interpretation: {
      ...plan.interpretation,
      read_as: `${plan.interpretation.read_as} (set aside: ${said}, the purpose of the ask)`,
      why: [...plan.interpretation.why, `${said}: why the number is asked, naming nothing that changes it`],
    },
  };
}
