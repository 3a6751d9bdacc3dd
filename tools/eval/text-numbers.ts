import { MONTH_NAMES } from "../planner/periods.ts";
/**
 * The numbers an answer states, read from the text the user sees, with their units. Dates, years,
 * months, quarters, times, periods ("last 8 months") and the "Read as:" line are not values.
 */
export type StatedUnit = "money" | "percent" | "days" | "number";

export interface StatedNumber {
  value: number;
  unit: StatedUnit;
  /** half of the last stated digit, scaled: "3.5%" → 0.0005 as a ratio, "$1.2k" → 50 */
  precision: number;
  text: string;
}

const MONTH = `(?:${MONTH_NAMES})`;
const NOT_VALUES: RegExp[] = [
  /\b\d{4}-\d{2}-\d{2}(?:[t ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?z?)?(?:\s*utc)?/gi, // ISO dates and timestamps
  /\b\d{4}-\d{2}\b/g, // 2026-10
  /\b\d{1,2}:\d{2}(?::\d{2})?\b/g, // times
  new RegExp(`\\b${MONTH}\\.?\\s+\\d{1,2}(?:st|nd|rd|th)?,?\\s+\\d{4}\\b`, "gi"), // Oct 1, 2026
  new RegExp(`\\b\\d{1,2}(?:st|nd|rd|th)?\\s+(?:of\\s+)?${MONTH}\\.?(?:,?\\s+\\d{4})?\\b`, "gi"), // 1 October 2026
  new RegExp(`\\b${MONTH}\\.?\\s+\\d{4}\\b`, "gi"), // October 2026
  /\bq[1-4]\s*(?:of\s+)?\d{4}\b/gi, // Q3 2026
  /\b\d{4}\s*-?\s*q[1-4]\b/gi, // 2026-Q3
  /\b(?:last|past|previous|trailing|first|next)\s+\d+\s+(?:days?|weeks?|months?|quarters?|years?|buckets?)\b/gi,
  /\b\d+\s+(?:weeks?|months?|quarters?|years?)\b/gi, // "12 months", "8 months"
  /\b(?:19|20)\d{2}\b/g, // bare years
  /\b\d+(?:\.\d+)?\s*(?:ms|s)\b/g, // latency in the receipt
  /\btests?:\s*\d+\/\d+/gi, // test counts
  /\b\d+\/\d+\b/g, // fractions like 3/4 in receipts
];

/** The part of an answer that states values: no "Read as:" line, no receipt lines, no indented "source:" lines. */
export function valueText(answer: string): string {
  return answer
    .split("\n")
    .filter((l) => !/^\s*(?:read as|source|data as of|tests?):/i.test(l) && !/^\s*[▁▂▃▄▅▆▇█][▁▂▃▄▅▆▇█ ]*\s/.test(l))
    .join("\n");
}

function precisionOf(digits: string, scale: number): number {
  const dot = digits.indexOf(".");
  const decimals = dot < 0 ? 0 : digits.length - dot - 1;
  return 0.5 * 10 ** -decimals * scale;
}

const SCALE: Record<string, number> = { k: 1e3, m: 1e6, b: 1e9, "": 1 };

export function statedNumbers(answer: string): StatedNumber[] {
  let text = valueText(answer);
  for (const re of NOT_VALUES) text = text.replace(re, (m) => " ".repeat(m.length));
  const out: StatedNumber[] = [];
  const re =
    /(?<![\w.])([-−–]?)\s?([$€£]|\b(?:usd|eur|gbp)\s)?\s?([-−]?)(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?:\s?([kmb])\b)?(\s?%|\s?pp\b|\s?(?:usd|eur|gbp)\b|\s+days?\b)?/gi;
  for (const m of text.matchAll(re)) {
    const [whole, sign1, currency, sign2, digits, suffix, after] = m;
    const scaleKey = (suffix ?? "").toLowerCase();
    const raw = Number(digits!.replaceAll(",", "")) * (SCALE[scaleKey] ?? 1);
    const negative = !!(sign1 || sign2);
    const value = negative ? -raw : raw;
    const tail = (after ?? "").trim().toLowerCase();
    let unit: StatedUnit = "number";
    if (tail === "%") unit = "percent";
    else if (tail === "pp")
      continue; // a change in percentage points is not the value
    else if (currency || /^(usd|eur|gbp)$/.test(tail)) unit = "money";
    else if (/^days?$/.test(tail)) unit = "days";
    const precision = precisionOf(digits!.replaceAll(",", ""), SCALE[scaleKey] ?? 1) / (unit === "percent" ? 100 : 1);
    out.push({ value: unit === "percent" ? value / 100 : value, unit, precision, text: whole.trim() });
  }
  return out;
}
