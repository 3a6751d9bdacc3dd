import { CARDINALS } from "./number-words.ts";
import { execSaid, replaceSaid } from "./may-match.ts";

/**
 * "6-month logo retention (last 6 full months)", "12-month NRR, TTM": a span said twice, once as an adjective on the
 * metric and once as the window itself. The adjective only repeats the window's length, so it is dropped when every
 * window said is that many months; said alone ("12-month NRR": which twelve?) or against a window of another length
 * ("6-month NRR over the last 12 months") it is left as typed, to be asked back.
 */
const NUM = `(\\d{1,2}|${Object.keys(CARDINALS).join("|")})`;
// "6-month", "twelve-month" (a hyphen, or a question opening "6 month …"), not "trailing twelve-month" (a window)
const ADJECTIVE = new RegExp(
  `(?<!\\b(?:trailing|rolling|last|past|previous|prior|next|first)[\\s-]+)(?:\\b${NUM}-months?\\b|^\\s*${NUM}\\s+month\\b)(?!\\s+(?:basis|through|thru|to|ending|ended|up\\s+to)\\b)`,
  "i",
);
// the windows a question says, by their length in months
const WINDOWS: [RegExp, number | undefined][] = [
  [
    new RegExp(
      `\\b(?:last|past|previous|prior|trailing|rolling)[\\s-]+${NUM}[\\s-]+(?:full\\s+|complete\\s+|whole\\s+|calendar\\s+|closed\\s+)?months?\\b`,
      "gi",
    ),
    undefined,
  ],
  [new RegExp(`\\b${NUM}[\\s-]+months?\\s+(?:through|thru|to|ending|ended|up\\s+to)\\b`, "gi"), undefined],
  [/\b(?:ttm|ltm|t12m|l12m)\b/gi, 12],
  [/\b(?:l3m|t3m)\b/gi, 3],
];

const count = (said: string): number => CARDINALS[said.toLowerCase()] ?? Number(said);

/** The question with a span adjective that repeats its window's length dropped; as typed otherwise. */
export function spanAdjectiveSaid(question: string): string {
  const adj = execSaid(ADJECTIVE, question);
  if (!adj) return question;
  const n = count(adj[1] ?? adj[2]!);
  const rest = `${question.slice(0, adj.index)} ${question.slice(adj.index + adj[0].length)}`;
  const lengths: number[] = [];
  for (const [re, fixed] of WINDOWS)
    replaceSaid(rest, re, (m: string, said: string | undefined) => {
      lengths.push(fixed ?? count(said!));
      return m;
    });
  if (lengths.length === 0 || lengths.some((l) => l !== n)) return question;
  return rest.replace(/\s{2,}/g, " ").trim();
}
