import type { Plan, Refusal } from "./plan-types.ts";
import { execSaid } from "./may-match.ts";

/**
 * A figure guessed, then the exact number asked (#15, batch 49): "our open pipeline, we are near to 1 billion or not?
 * how much is it exactly", "ARR — are we close to 1M? what is it exactly", "MRR, is it over 100k or not? how much
 * exactly". The topic said first names the metric; the guess is answered by the exact value, which is what the
 * message ends by asking. The topic is planned alone and kept only when it is one reading of a metric; the guess is
 * said in the reading as answered by the value (never checked against a scale word: "billion" is 10^9 in English,
 * 10^12 in much of Europe and Latin America).
 */
const GUESS_THEN_EXACT =
  /^(.+?)\s*[,;:—–-]+\s*(?:(?:are|is)\s+(?:we|it|that|they)|(?:we|it|that|they)\s+(?:are|is|'re|'s)|we're|it's)\s+((?:near|nearly|close|almost|around|about|over|above|under|below|beyond|past|at)\s+(?:to\s+)?[^?]{1,40}?)(?:[\s,]+(?:or\s+not|or\s+no|yes\s+or\s+no|right|no))?\s*\?+\s*(?:and\s+|so\s+)?(?:how\s+(?:much|many)|what)\s+(?:is|was|are)?\s*(?:it|that|they|the\s+(?:number|figure|value|amount))?\s*(?:exactly|precisely|really|actually|for\s+real)\s*[?.!]*$/i;
/** "how much is it exactly", "what is the number exactly": the ask for the exact value, said last */
const SCALE_WORD = /\b(?:billion|billions|bn|milliard|trillion)\b/i;

type Read = (question: string) => Plan | Refusal;

export function guessThenExact(text: string, read: Read): Plan | undefined {
  const m = execSaid(GUESS_THEN_EXACT, text.trim());
  if (!m) return undefined;
  const topic = m[1]!.replace(/^(?:and|so|ok|okay)\s+/i, "").trim();
  const guess = m[2]!.trim();
  const plan = read(topic);
  if (plan.status !== "plan" || !plan.interpretation || plan.intent !== "metric") return undefined;
  const scale = SCALE_WORD.test(guess)
    ? ` ("billion" is 10^9 in English and 10^12 in much of Europe and Latin America: the value is given as it is)`
    : "";
  const note = `"${guess}": a guess the exact value answers, which the question asks for${scale}`;
  return {
    ...plan,
    interpretation: {
      ...plan.interpretation,
      read_as: `${plan.interpretation.read_as} (the question read as "${topic}"; ${note})`,
      why: [...plan.interpretation.why, note],
    },
  };
}
