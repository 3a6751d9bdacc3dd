import type { Plan, Refusal } from "./plan-types.ts";

/**
 * A purpose said around the ask (#15, batch 24): "for slide 3", "for the investor update", "the board wants …", "want
 * to staff up". It says why the number is asked, never which number: set aside, and said in the reading. Read only
 * when the question as typed could not be planned and the ask without the purpose plans on its own.
 */
const DOC = String.raw`(?:slide|page|tab|section|appendix|exhibit)\s+\d+[a-z]?|(?:the|our|my|this|next|tomorrow's|monday's|friday's|an?)\s+(?:(?:board|investor|investors'?|lp|all[- ]hands|exec|leadership|quarterly|monthly|weekly|annual|team|ops|sales|staff|budget)\s+)*(?:deck|pack|update|meeting|call|memo|report|review|slides?|presentation|newsletter|email|letter|sync|stand-?up|offsite)`;
/** "…, for slide 3", "… for the investor update" at the end */
const FOR_TAIL = new RegExp(
  String.raw`[\s,;:—–-]+(?:it'?s\s+|this\s+is\s+|that'?s\s+)?for\s+(?:${DOC})\s*[.!?]*$`,
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

type Read = (question: string) => Plan | Refusal;

export function readPurpose(typed: string, read: Read): Plan | undefined {
  let ask = typed.trim();
  const setAside: string[] = [];
  for (const re of [WHY_TAIL, FOR_TAIL, FOR_LEAD, WHO_WANTS]) {
    const m = re.exec(ask);
    if (!m) continue;
    setAside.push(m[0].replace(/^[\s,;:?.!—–-]+|[\s,;:?.!—–-]+$/g, ""));
    ask = `${ask.slice(0, m.index)}${re === WHY_TAIL ? "?" : " "}${ask.slice(m.index + m[0].length)}`.trim();
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
