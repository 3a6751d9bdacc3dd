/**
 * Every number in the model's prose must come from a tool result (or the question). Numbers are
 * read with their formatting ($, %, thousands separators, k/M/B) and matched with rounding
 * tolerance: "4.1%" matches 0.04123, "$1.2M" matches 1_187_400, "37" matches 37.
 */

export interface ProseNumber {
  text: string;
  value: number;
  decimals: number;
  percent: boolean;
  index: number;
}

export interface NumberCheck {
  checked: ProseNumber[];
  mismatches: ProseNumber[];
}

const MONTHS =
  "(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|jun(?:e)?|jul(?:y)?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";
/** dates and period names are labels, not measurements; they are checked as text elsewhere */
const NOT_MEASUREMENTS = [
  /\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?Z?)?(?: UTC)?/gi,
  /\b\d{4}-\d{2}\b/g,
  new RegExp(`\\b${MONTHS}\\.?\\s+\\d{1,2}(?:st|nd|rd|th)?,?\\s+\\d{4}\\b`, "gi"),
  new RegExp(`\\b${MONTHS}\\.?\\s+\\d{4}\\b`, "gi"),
  new RegExp(`\\b\\d{1,2}(?:st|nd|rd|th)?\\s+${MONTHS}\\b`, "gi"),
  /\bQ[1-4]\s+\d{4}\b/gi,
  /\b(?:19|20)\d{2}\b(?![.,]\d)/g,
  /\b\d{1,2}:\d{2}\b/g,
  /^\s*\d+[.)]\s/gm,
  /\b[a-z_]+\d+[a-z_\d]*\b/gi,
];

const NUMBER =
  /(-|−)?(\$|€|£)?\s?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s?(%|k\b|K\b|M\b|m\b(?!o)|B\b|bn\b|million\b|billion\b|thousand\b)?/g;
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

export function extractNumbers(prose: string): ProseNumber[] {
  let text = prose;
  for (const re of NOT_MEASUREMENTS) text = text.replace(re, (m) => " ".repeat(m.length));
  const out: ProseNumber[] = [];
  for (const m of text.matchAll(NUMBER)) {
    const [, minus, , int, frac, suffix] = m;
    const base = Number(`${int!.replaceAll(",", "")}${frac ?? ""}`);
    if (!Number.isFinite(base)) continue;
    const scale = suffix && suffix !== "%" ? SCALE[suffix]! : 1;
    out.push({
      text: m[0].trim(),
      value: (minus ? -1 : 1) * base * scale,
      decimals: frac ? frac.length - 1 : 0,
      percent: suffix === "%",
      index: m.index! + (m[0].length - m[0].trimStart().length),
    });
  }
  return out;
}

/** Every number in a JSON value, strings included ("October 2026" → 2026, "37 of 902" → 37, 902). */
export function numbersIn(value: unknown, into: number[] = []): number[] {
  if (typeof value === "number" && Number.isFinite(value)) into.push(value);
  else if (typeof value === "string") {
    for (const m of value.matchAll(/-?\d+(?:\.\d+)?/g)) into.push(Number(m[0]));
  } else if (Array.isArray(value)) for (const v of value) numbersIn(v, into);
  else if (value && typeof value === "object") for (const v of Object.values(value)) numbersIn(v, into);
  return into;
}

function roundsTo(candidate: number, shown: ProseNumber, scaled: boolean): boolean {
  const target = Math.abs(shown.value);
  const c = Math.abs(candidate);
  const step = scaled
    ? (Math.abs(shown.value) / Number(shown.text.replace(/[^\d.]/g, ""))) * 10 ** -shown.decimals
    : 10 ** -shown.decimals;
  if (Math.abs(c - target) <= step / 2 + 1e-9) return true;
  // "about $1.2M", "12%" from 12.4%: one more unit of rounding than shown, at most 0.5% relative
  return target !== 0 && Math.abs(c - target) / target <= 0.005;
}

function matches(shown: ProseNumber, known: number[]): boolean {
  const scaled = /[kKmMbB]|million|billion|thousand/.test(shown.text.replace(/^[^\d]*[\d.,\s]+/, ""));
  for (const v of known) {
    if (roundsTo(v, shown, scaled)) return true;
    if (shown.percent && roundsTo(v * 100, shown, false)) return true;
  }
  return false;
}

export function checkNumbers(prose: string, sources: unknown[]): NumberCheck {
  const known = sources.flatMap((s) => numbersIn(s));
  const checked = extractNumbers(prose);
  return { checked, mismatches: checked.filter((n) => !matches(n, known)) };
}

/** The prose with each unmatched number marked, so it is never printed as fact. */
export function flagMismatches(prose: string, mismatches: ProseNumber[]): string {
  let out = prose;
  for (const n of [...mismatches].sort((a, b) => b.index - a.index)) {
    const end = n.index + n.text.length;
    out = `${out.slice(0, end)} [unverified]${out.slice(end)}`;
  }
  return out;
}
