/**
 * The measurements in a tool result as the model saw it (modelView's JSON), each with its unit.
 * Only value cells count: a metric's values and changes, a ranking's values; a row count, a test
 * count and a freshness age count only as what they are. Dates, as-of stamps, period labels,
 * filter values, ranks and limits are not measurements and never verify a number.
 */

export type CellUnit = "money" | "ratio" | "percent" | "number" | "tests" | "rows" | "duration" | "any";

export interface ValueCell {
  value: number;
  unit: CellUnit;
}

interface Scope {
  format?: string;
  unit?: unknown;
}

/** keys whose numbers are inputs or labels, not results */
const NOT_VALUES = new Set(["filters", "period", "input", "sql", "params", "rank", "n", "limit"]);

function valueUnit({ format, unit }: Scope): CellUnit {
  if (format === "currency" || (typeof unit === "string" && /^[A-Z]{3}$/.test(unit))) return "money";
  if (format === "percent") return "ratio";
  if (unit === "%" || unit === "percent") return "percent";
  return "number";
}

function cellUnit(key: string, scope: Scope): CellUnit | undefined {
  if (key === "value" || key === "change") return valueUnit(scope);
  if (key === "change_ratio") return "ratio";
  if (key === "rows" || key === "rows_withheld") return "rows";
  if (key.endsWith("_ms")) return "duration";
  return undefined;
}

function testCells(citations: unknown, out: ValueCell[]): void {
  if (!Array.isArray(citations)) return;
  for (const c of citations) {
    const t = (c as { tests?: { passed?: unknown; total?: unknown; failing?: unknown } })?.tests;
    if (!t) continue;
    const failing = Array.isArray(t.failing) ? t.failing.length : t.failing;
    for (const n of [t.passed, t.total, failing]) if (typeof n === "number") out.push({ value: n, unit: "tests" });
  }
}

function walk(node: unknown, scope: Scope, out: ValueCell[]): void {
  if (Array.isArray(node)) {
    for (const n of node) walk(n, scope, out);
    return;
  }
  if (!node || typeof node !== "object") return;
  const obj = node as Record<string, unknown>;
  const here: Scope = {
    format: typeof obj.format === "string" ? obj.format : scope.format,
    unit: "unit" in obj ? obj.unit : scope.unit,
  };
  for (const [key, v] of Object.entries(obj)) {
    if (key === "citations") testCells(v, out);
    else if (NOT_VALUES.has(key)) continue;
    else if (typeof v === "number" && Number.isFinite(v)) {
      const unit = cellUnit(key, here);
      if (unit) out.push({ value: v, unit });
    } else walk(v, here, out);
  }
}

/** Value cells of one tool result; a string (the human's own question) gives its numbers with any unit. */
export function valueCells(source: unknown): ValueCell[] {
  if (typeof source === "string")
    return [...source.matchAll(/\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?/g)].map((m) => ({
      value: Number(m[0].replaceAll(",", "")),
      unit: "any" as const,
    }));
  const out: ValueCell[] = [];
  walk(source, {}, out);
  return out;
}
