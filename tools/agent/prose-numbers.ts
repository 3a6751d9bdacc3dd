/**
 * The numbers a model states in its prose, each with the unit the prose gives it: "$1.2M" is money,
 * "4.1%" and "0.5 pp" are percentages, "14 of 14 tests" a test count, "21 churned" a count of
 * things, "1,187,400" a bare number. Dates, period phrases ("the last 6 months") and ranks ("top 5",
 * "#1", "2nd") are labels, not measurements, and are not read.
 */

export type ProseUnit = "percent" | "money" | "count" | "number" | "tests" | "rows" | "duration";

export interface ProseNumber {
  /** as written, with its unit word when it has one ("$1.2M", "6%", "0.5 pp", "3 dollars") */
  text: string;
  /** the number as written, k/M/B applied; a percentage stays in points (6.1), a duration in its unit */
  value: number;
  /** half of this is the rounding the written form allows */
  step: number;
  unit: ProseUnit;
  /** milliseconds per unit of a duration */
  unitMs?: number;
  index: number;
}

const MONTHS =
  "(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|jun(?:e)?|jul(?:y)?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";
const SPANS = "(?:days?|weeks?|months?|quarters?|years?)";

/** dates, period phrases and ranks are labels; they are checked as text elsewhere (or not claims at all) */
const NOT_MEASUREMENTS = [
  /\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?Z?)?(?: UTC)?/gi,
  /\b\d{4}-\d{2}\b/g,
  new RegExp(`\\b${MONTHS}\\.?\\s+\\d{1,2}(?:st|nd|rd|th)?,?\\s+\\d{4}\\b`, "gi"),
  new RegExp(`\\b${MONTHS}\\.?\\s+\\d{4}\\b`, "gi"),
  new RegExp(`\\b${MONTHS}\\.?\\s+\\d{1,2}(?:st|nd|rd|th)?\\b`, "gi"),
  new RegExp(`\\b\\d{1,2}(?:st|nd|rd|th)?\\s+(?:of\\s+)?${MONTHS}\\b`, "gi"),
  /\bQ[1-4]\s+\d{4}\b/gi,
  /\b(?:19|20)\d{2}\b(?![.,]\d)/g,
  /\b\d{1,2}:\d{2}\b/g,
  /^\s*\d+[.)]\s/gm,
  /\b[a-z_]+\d+[a-z_\d]*\b/gi,
  new RegExp(
    `\\b(?:last|past|previous|prior|next|trailing|rolling|first|over|in|for)\\s+(?:the\\s+)?\\d+\\s*-?\\s*${SPANS}\\b`,
    "gi",
  ),
  new RegExp(`\\b\\d+-${SPANS.replaceAll("s?", "")}\\b`, "gi"),
  /\b(?:top|bottom|first|last)\s+\d+\b/gi,
  /#\d+\b/g,
  /\b\d+(?:st|nd|rd|th)\b/gi,
];

const NUMBER =
  /(-|−)?(US\$|\$|€|£)?\s?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s?(%|k\b|K\b|M\b|m\b(?!o)|B\b|bn\b|million\b|billion\b|thousand\b)?/g;
const SCALE: Record<string, number> = {
  k: 1e3,
  K: 1e3,
  thousand: 1e3,
  M: 1e6,
  m: 1e6,
  million: 1e6,
  B: 1e9,
  bn: 1e9,
  billion: 1e9,
};

const DURATION_MS: [RegExp, number][] = [
  [/^sec/i, 1_000],
  [/^min/i, 60_000],
  [/^h/i, 3_600_000],
  [/^d/i, 86_400_000],
  [/^w/i, 604_800_000],
];

/** words after a number that do not make it a count of things ("902 in October", "54 vs 48") */
const NOT_NOUNS = new Set(
  "in on at for vs versus to from and or of the this that last per by with across over compared than a an was were is are which when while so down up since as until through during".split(
    " ",
  ),
);

/** The unit the words right after a number give it, and how many of those words belong to its text. */
function unitAfter(after: string): { unit: ProseUnit; extra: number; unitMs?: number } {
  let m: RegExpExecArray | null;
  if ((m = /^\s*(?:percent(?:age points?)?|per cent|pp|points?|pts)\b/i.exec(after)))
    return { unit: "percent", extra: m[0].length };
  if ((m = /^\s*(?:USD|EUR|GBP|dollars?|euros?|pounds)\b/i.exec(after))) return { unit: "money", extra: m[0].length };
  if (/^\s*(?:of\s+(?:the\s+)?[\d,]+\s+)?(?:data\s+)?(?:tests?|checks?)\b/i.test(after))
    return { unit: "tests", extra: 0 };
  if (/^\s*(?:of\s+[\d,]+\s+)?(?:mart\s+)?(?:rows?|records?)\b/i.test(after)) return { unit: "rows", extra: 0 };
  if ((m = /^\s*(seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?)\b/i.exec(after))) {
    const ms = DURATION_MS.find(([re]) => re.test(m![1]!))![1];
    return { unit: "duration", extra: m[0].length, unitMs: ms };
  }
  const word = /^\s*([a-z]+)/i.exec(after)?.[1]?.toLowerCase();
  return { unit: word && !NOT_NOUNS.has(word) ? "count" : "number", extra: 0 };
}

export function extractNumbers(prose: string): ProseNumber[] {
  let text = prose;
  for (const re of NOT_MEASUREMENTS) text = text.replace(re, (m) => " ".repeat(m.length));
  const out: ProseNumber[] = [];
  for (const m of text.matchAll(NUMBER)) {
    const [whole, minus, currency, int, frac, suffix] = m;
    const base = Number(`${int!.replaceAll(",", "")}${frac ?? ""}`);
    if (!Number.isFinite(base)) continue;
    const scale = suffix && suffix !== "%" ? SCALE[suffix]! : 1;
    const decimals = frac ? frac.length - 1 : 0;
    const lead = whole.length - whole.trimStart().length;
    const end = m.index! + whole.trimEnd().length;
    const after = suffix === "%" ? { unit: "percent" as const, extra: 0 } : unitAfter(text.slice(end));
    const unit: ProseUnit = currency ? "money" : after.unit;
    out.push({
      text: prose.slice(m.index! + lead, end + after.extra).trim(),
      value: (minus ? -1 : 1) * base * scale,
      step: scale * 10 ** -decimals,
      unit,
      ...(after.unitMs ? { unitMs: after.unitMs } : {}),
      index: m.index! + lead,
    });
  }
  return out;
}
