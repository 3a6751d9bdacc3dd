import type { AnswerExpect, Tolerance } from "./schema.ts";

/** Where a tool's headline value lives in its output. */
const MAIN_VALUE: Record<string, string> = {
  query_metric: "value",
  top_n: "value",
  compare_periods: "current.value",
};

export function at(output: unknown, path: string): unknown {
  let cur: unknown = output;
  for (const key of path.split(".")) {
    if (cur === null || cur === undefined) return undefined;
    if (key === "length" && Array.isArray(cur)) return cur.length;
    cur = (cur as Record<string, unknown>)[/^\d+$/.test(key) && Array.isArray(cur) ? Number(key) : key];
  }
  return cur;
}

export function withinTolerance(expected: number, actual: number, tolerance: Tolerance): boolean {
  const allowed =
    typeof tolerance === "number" ? tolerance : (Math.abs(expected) * Number(tolerance.slice(0, -1))) / 100;
  return Math.abs(expected - actual) <= allowed + 1e-12;
}

function same(expected: unknown, actual: unknown, tolerance: Tolerance): boolean {
  if (typeof expected === "number") return typeof actual === "number" && withinTolerance(expected, actual, tolerance);
  if (typeof expected === "string" && typeof actual === "string")
    return expected.toLowerCase() === actual.toLowerCase();
  return expected === (actual ?? null);
}

export interface ValueCheck {
  ok: boolean;
  /** the headline value read, for the report */
  actual?: unknown;
  why: string;
}

/** Compare the expected values with the tool's output: the headline value (from the row `where` picks) and any output paths. */
export function checkValues(
  expect: AnswerExpect,
  tool: string,
  output: Record<string, unknown>,
  fileTolerance: Tolerance,
): ValueCheck {
  const tolerance = expect.tolerance ?? fileTolerance;
  const problems: string[] = [];
  let actual: unknown;
  let scope: unknown = output;
  if (expect.where) {
    const rows = Array.isArray(output.rows) ? (output.rows as Record<string, unknown>[]) : [];
    const row = rows.find((r) => Object.entries(expect.where!).every(([k, v]) => same(v, r[k] ?? null, 0)));
    if (!row) return { ok: false, why: `no row where ${JSON.stringify(expect.where)} (${rows.length} rows)` };
    scope = row;
  } else if (Array.isArray(output.rows)) scope = (output.rows as unknown[])[0];
  if (expect.value !== undefined) {
    const path = expect.where || tool !== "compare_periods" ? "value" : MAIN_VALUE[tool]!;
    const from = tool === "compare_periods" && !expect.where ? output : scope;
    if (!MAIN_VALUE[tool]) problems.push(`${tool} has no headline value; use output: {path: value}`);
    else {
      actual = at(from, path);
      if (!same(expect.value, actual, tolerance)) problems.push(`value ${fmt(expect.value)} ≠ ${fmt(actual)}`);
    }
  }
  for (const [path, want] of Object.entries(expect.output)) {
    const got = at(output, path);
    if (actual === undefined) actual = got;
    if (!same(want, got, tolerance)) problems.push(`${path} ${fmt(want)} ≠ ${fmt(got)}`);
  }
  return { ok: problems.length === 0, actual, why: problems.join("; ") };
}

export function fmt(v: unknown): string {
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
  return v === undefined ? "(none)" : JSON.stringify(v);
}
