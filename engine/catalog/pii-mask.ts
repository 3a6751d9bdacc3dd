import { ident } from "../warehouse/duckdb.ts";

/**
 * How a value of a column tagged `pii: true` looks once masked, before it leaves the machine (tool
 * output, exports): an email keeps its first letters (p***@a***), digits and phone numbers become ***,
 * words keep their initials (P*** K***). One definition in TypeScript and the same one in SQL, so a
 * file export masks inside DuckDB's COPY and a tool result masks in memory, with equal results.
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

/** maskValue as a DuckDB expression over one column, named as the column. */
export function maskSql(column: string): string {
  const v = `CAST(${ident(column)} AS VARCHAR)`;
  return `CASE WHEN ${v} IS NULL THEN NULL
    WHEN regexp_full_match(${v}, '[^@\\s]+@[^@\\s]+') THEN left(split_part(${v}, '@', 1), 1) || '***@' || left(split_part(${v}, '@', 2), 1) || '***'
    WHEN regexp_full_match(${v}, '[\\d\\s+().-]+') THEN '***'
    ELSE array_to_string(list_transform(list_filter(string_split_regex(${v}, '\\s+'), lambda w: w <> ''), lambda w: left(w, 1) || '***'), ' ')
  END AS ${ident(column)}`;
}

/**
 * Error text with the data values taken out, for what leaves the machine or outlives the run (alerts,
 * run history): DuckDB quotes the offending value in single quotes ("Could not convert string
 * 'paula.kim@acme.io' to INT32"), and an email may appear bare. Identifiers (double-quoted) stay.
 */
export function withoutDataValues(text: string): string {
  return text
    .replace(/'(?:[^']|'')*'/g, "'***'")
    .replace(/[^\s@'"<>()[\],;:]+@[^\s@'"<>()[\],;:]+\.[A-Za-z]{2,}/g, "***@***");
}
