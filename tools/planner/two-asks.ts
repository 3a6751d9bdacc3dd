import type { Plan, Refusal } from "./plan-types.ts";
import { negationAmong } from "./negation-words.ts";
import type { Interpretation } from "./understand.ts";
import { execSaid } from "./may-match.ts";

/**
 * Two asks in one where one part is not in the catalog (#15, batch 24): "what was MRR at the end of October and how
 * does it compare with the budget we set?", "refunds in October and what did the bank charge us in fees?". The part
 * the catalog has is answered; the other is said plainly as not answered (`unanswered` in the reading), never given a
 * number. Read only when the whole question was asked back for words no catalog term holds, and every one of those
 * words is in the second ask (the first ask plans on its own, with nothing unplaced); otherwise the ask-back stands.
 */
const SECOND_ASK =
  /(?:,\s*|\s+)(?:and|plus|also|&)\s+(?:also\s+)?(?=(?:how|what|what's|whats|which|who|when|where|did|do|does|is|are|was|were|can|could|have|has)\b)/i;

/**
 * "open pipeline today vs the Q4 sales target", "new customers in Q3 against our quota" (#15, batch 25): a number set
 * against a target, quota or budget the catalog does not hold is the number, with the target not answered — only when
 * the target ends the question (a period said after it, "vs budget for October", is the number's too: asked back).
 */
const VERSUS_TARGET =
  /\s*[,;—–-]*\s+(?=(?:vs\.?|versus|against|compared\s+(?:to|with))\s+(?:(?:the|our|your|their|this|next)\s+)?(?:[\w'-]+\s+){0,3}?(?:targets?|quotas?|goals?|budgets?|forecasts?|projections?)\s*[?.!]*$)/i;

type Read = (question: string) => Plan | Refusal;

export function readTwoAsks(typed: string, whole: Plan | Refusal, read: Read): Plan | undefined {
  if (whole.status !== "refusal" || whole.kind !== "clarify" || !whole.unplaced?.length) return undefined;
  // a negation the catalog cannot place ("and didn't convert", "but not Tom's") is never a second ask set aside: the
  // first part answered alone is the number the question left out (negation-words.ts)
  if (negationAmong(whole.unplaced)) return undefined;
  const text = typed.replace(/[‘’]/g, "'").trim();
  const cut = execSaid(SECOND_ASK, text) ?? execSaid(VERSUS_TARGET, text);
  if (!cut) return nounPair(text, whole.unplaced, read);
  if (SECOND_ASK.test(text.slice(cut.index + cut[0].length))) return undefined;
  const first = text.slice(0, cut.index).trim();
  const second = text
    .slice(cut.index + cut[0].length)
    .replace(/[?!.]+$/, "")
    .trim();
  const words = (s: string) => new Set(s.toLowerCase().match(/[a-z0-9']+/g) ?? []);
  const [w1, w2] = [words(first), words(second)];
  const unplaced = whole.unplaced.map((u) => u.toLowerCase());
  // every word the catalog cannot place is the second ask's, none the first's (a figure or a quoted phrase is no word)
  if (!unplaced.every((u) => /^[a-z0-9' ]+$/.test(u) && u.split(" ").every((x) => w2.has(x) && !w1.has(x))))
    return undefined;
  const plan = read(first);
  if (plan.status !== "plan" || !plan.interpretation) return undefined;
  // the second ask must not be answerable itself (then the question is two numbers, asked back as typed)
  if (read(second).status === "plan") return undefined;
  return answered(plan, plan.interpretation, second, unplaced);
}

function answered(plan: Plan, read: Interpretation, second: string, unplaced: string[]): Plan {
  const said = unplaced.map((u) => `"${u}"`).join(", ");
  return {
    ...plan,
    interpretation: {
      ...read,
      read_as: `${read.read_as} (the question's other ask, "${second}", is not answered: ${said} ${unplaced.length > 1 ? "are" : "is"} in no metric of the catalog)`,
      why: [...read.why, `"${second}": a second ask the catalog has no metric for (${said}); not answered`],
      unanswered: { ask: second, words: unplaced },
    },
  };
}

/**
 * "refunds and chargebacks for Q3?", "net collections & bad debt in October" (#15, batch 41): two nouns asking for one
 * period, the second in no metric of the catalog. The first is read with the words after the second (its period) and
 * answered; the second is said as not answered — only when every word the catalog cannot place is the second noun's,
 * and the second noun with those words is refused on its own.
 */
const NOUN_AND = /^(.+?)\s+(?:and|&|plus|as\s+well\s+as)\s+(.+)$/i;
function nounPair(text: string, unplacedSaid: string[], read: Read): Plan | undefined {
  const m = NOUN_AND.exec(text.replace(/[?!.]+$/, ""));
  if (!m || NOUN_AND.test(m[2]!)) return undefined;
  const unplaced = unplacedSaid.map((u) => u.toLowerCase());
  if (!unplaced.every((u) => /^[a-z0-9']+$/.test(u))) return undefined;
  // the second noun: its leading words, each holding a word the catalog cannot place ("chargebacks": "backs")
  const tokens = m[2]!.split(/\s+/);
  const ofUnplaced = (t: string) => {
    const letters = t.toLowerCase().replace(/[^a-z0-9']/g, "");
    return unplaced.some((u) => letters.includes(u));
  };
  let n = /^(?:the|our|any|all)$/i.test(tokens[0] ?? "") ? 1 : 0;
  const start = n;
  while (n < tokens.length && ofUnplaced(tokens[n]!)) n++;
  if (n === start) return undefined;
  const noun = tokens.slice(start, n).join(" ");
  const nounLetters = noun.toLowerCase().replace(/[^a-z0-9']/g, "");
  const firstWords = new Set(m[1]!.toLowerCase().match(/[a-z0-9']+/g) ?? []);
  if (!unplaced.every((u) => nounLetters.includes(u) && !firstWords.has(u))) return undefined;
  const tail = tokens.slice(n).join(" ");
  const plan = read(`${m[1]!} ${tail}`.trim());
  if (plan.status !== "plan" || !plan.interpretation) return undefined;
  if (read(`${noun} ${tail}`.trim()).status === "plan") return undefined;
  return answered(plan, plan.interpretation, `${noun} ${tail}`.trim(), unplaced);
}
