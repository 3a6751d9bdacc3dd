import type { Catalog } from "../../engine/catalog/catalog.ts";
import type { Citation } from "../citations.ts";
import type { ToolCallResult } from "../toolbox/index.ts";
import { maskValue } from "../pii.ts";

export interface ModelView {
  /** the JSON string put in the tool_result block */
  content: string;
  /** rows kept on this machine (ai.allow_row_level: false); printed to the human under the answer */
  withheld: boolean;
}

function slimCitation(c: Citation) {
  return {
    model: c.model,
    as_of: c.as_of,
    sources: c.sources.map((s) => ({ source: `${s.source}.${s.stream}`, freshness: s.freshness })),
    tests: { passed: c.tests.passed, total: c.tests.total, failing: c.tests.failing.map((t) => t.id) },
    last_build_failed: c.last_build_failed,
  };
}

/** Belt and braces behind the tools' own masking: in result rows, a field named like a PII column is masked. */
function maskPiiKeys(value: unknown, pii: Set<string>, inRows = false): unknown {
  if (Array.isArray(value)) return value.map((v) => maskPiiKeys(v, pii, inRows));
  if (!value || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] =
      inRows && pii.has(k) && (typeof v === "string" || typeof v === "number")
        ? maskValue(v)
        : maskPiiKeys(v, pii, inRows || k === "rows");
  }
  return out;
}

export function piiColumns(catalog: Catalog): Set<string> {
  return new Set(catalog.marts().flatMap((m) => m.columns.filter((c) => c.pii).map((c) => c.name)));
}

/** top_n over a column that no metric declares as a dimension ranks individual records: row-level. */
export function isRowLevel(result: ToolCallResult, catalog: Catalog): boolean {
  if (result.name !== "top_n") return false;
  const label = String(result.output.label_column ?? "");
  return !catalog.metrics.some((m) => m.mart === result.output.mart && m.dimensions.includes(label));
}

/**
 * What the model sees of a tool result: JSON data (never instructions), SQL and bound values
 * dropped, PII masked, row-level rows withheld unless ai.allow_row_level.
 */
export function modelView(result: ToolCallResult, catalog: Catalog, allowRowLevel: boolean): ModelView {
  const {
    sql: _sql,
    params: _params,
    citations,
    ...rest
  } = result.output as Record<string, unknown> & { citations: Citation[] };
  let data: Record<string, unknown> = rest;
  let withheld = false;
  if (!allowRowLevel && isRowLevel(result, catalog)) {
    const rows = Array.isArray(rest.rows) ? rest.rows.length : 0;
    data = {
      ...Object.fromEntries(Object.entries(rest).filter(([k]) => k !== "rows")),
      rows_withheld: rows,
      note: "row-level values stay on this machine (ai.allow_row_level is false); the ranked rows are shown to the human directly under your answer. Refer to them as 'the table below'; do not invent names or values.",
    };
    withheld = true;
  }
  const masked = maskPiiKeys(data, piiColumns(catalog)) as Record<string, unknown>;
  return {
    content: JSON.stringify({ tool: result.name, data: masked, citations: citations.map(slimCitation) }),
    withheld,
  };
}
