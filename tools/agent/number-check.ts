import { extractNumbers, type ProseNumber } from "./prose-numbers.ts";
import { type ValueCell, valueCells } from "./value-cells.ts";

/**
 * Every number in the model's prose must be a value a tool returned (or the human's own words), in
 * the same unit, up to the rounding its written form allows: "4.1%" matches a ratio of 0.04123,
 * "$1.2M" money of 1,187,400, "37 customers" a count of 37. A number found only in a date, an
 * as-of stamp, a test count, a period label, a row count or a limit verifies nothing.
 */

export type { ProseNumber } from "./prose-numbers.ts";
export { extractNumbers } from "./prose-numbers.ts";
export { type ValueCell, valueCells } from "./value-cells.ts";

export interface NumberCheck {
  checked: ProseNumber[];
  mismatches: ProseNumber[];
}

function roundsTo(candidate: number, shown: ProseNumber): boolean {
  const target = Math.abs(shown.value);
  const diff = Math.abs(Math.abs(candidate) - target);
  if (diff <= shown.step / 2 + 1e-9) return true;
  // "about $1.2M", "12%" from 12.4%: one more unit of rounding than shown, at most 0.5% relative
  return target !== 0 && diff / target <= 0.005;
}

/** The cell's value in the prose number's terms, or undefined when the units disagree. */
function inProseTerms(n: ProseNumber, c: ValueCell): number | undefined {
  if (c.unit === "any") return c.value;
  switch (n.unit) {
    case "percent":
      return c.unit === "ratio" ? c.value * 100 : c.unit === "percent" ? c.value : undefined;
    case "money":
      return c.unit === "money" ? c.value : undefined;
    case "count":
      return c.unit === "number" ? c.value : undefined;
    case "number":
      return ["number", "money", "ratio", "percent"].includes(c.unit) ? c.value : undefined;
    case "duration":
      return c.unit === "duration" ? c.value / n.unitMs! : undefined;
    default:
      return c.unit === n.unit ? c.value : undefined;
  }
}

function verified(n: ProseNumber, cells: ValueCell[]): boolean {
  return cells.some((c) => {
    const v = inProseTerms(n, c);
    return v !== undefined && roundsTo(v, n);
  });
}

/** sources: tool results as the model saw them, and the human's question (a string). */
export function checkNumbers(prose: string, sources: unknown[]): NumberCheck {
  const cells = sources.flatMap((s) => valueCells(s));
  const checked = extractNumbers(prose);
  return { checked, mismatches: checked.filter((n) => !verified(n, cells)) };
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
