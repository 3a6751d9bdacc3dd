import { maskValue } from "../engine/catalog/pii-mask.ts";

export { maskValue };

/**
 * Row-level values of columns tagged `pii: true` never leave a tool unmasked: tool output is what an
 * LLM would see, and the offline answer is printed from the same output.
 */
export function maskRows<T extends Record<string, unknown>>(rows: T[], piiColumns: Set<string>): T[] {
  if (piiColumns.size === 0) return rows;
  return rows.map((r) => {
    const out: Record<string, unknown> = { ...r };
    for (const c of piiColumns) if (c in out) out[c] = maskValue(out[c]);
    return out as T;
  });
}
