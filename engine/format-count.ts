/** One way to print a count everywhere (logs, tables, summaries): `20,690 rows`, `1,448 records`. */
export function formatCount(n: number | bigint): string {
  return typeof n === "bigint" ? n.toLocaleString("en-US") : Math.round(n).toLocaleString("en-US");
}
