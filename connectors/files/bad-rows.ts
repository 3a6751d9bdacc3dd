/** A row the reader could not take, located in the original file. */
export interface BadRow {
  line: number;
  column?: number;
  columnName?: string;
  error: string;
  raw: string;
}

export const REJECT_COLUMNS = ["file", "line", "column", "column_name", "error", "raw"] as const;

export function csvField(value: string | number | undefined): string {
  if (value === undefined) return "";
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function rejectLine(file: string, bad: BadRow): string {
  return `${[file, bad.line, bad.column, bad.columnName, bad.error, bad.raw].map(csvField).join(",")}\n`;
}

export function describeBadRow(file: string, bad: BadRow): string {
  const where = `${file}:${bad.line}${bad.column !== undefined ? `:${bad.column}` : ""}`;
  const column = bad.columnName ? ` (column "${bad.columnName}")` : "";
  return `${where}${column}: ${bad.error}`;
}
