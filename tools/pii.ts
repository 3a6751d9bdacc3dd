/**
 * Row-level values of columns tagged `pii: true` never leave a tool unmasked: tool output is what an
 * LLM would see, and the offline answer is printed from the same output.
 */
export function maskValue(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const s = String(value);
  const email = /^([^@\s]+)@([^@\s]+)$/.exec(s);
  if (email) return `${email[1]!.slice(0, 1)}***@${email[2]!.slice(0, 1)}***`;
  if (/^[\d\s+().-]+$/.test(s)) return "***";
  return s
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => `${w.slice(0, 1)}***`)
    .join(" ");
}

export function maskRows<T extends Record<string, unknown>>(rows: T[], piiColumns: Set<string>): T[] {
  if (piiColumns.size === 0) return rows;
  return rows.map((r) => {
    const out: Record<string, unknown> = { ...r };
    for (const c of piiColumns) if (c in out) out[c] = maskValue(out[c]);
    return out as T;
  });
}
