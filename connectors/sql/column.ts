import type { DeclaredColumn } from "../../engine/ingest/connector.ts";

/**
 * A column of a database stream, typed from the database's catalog: its DuckDB type (declared to the
 * engine), and how a value goes from what the driver returns to what the record carries, the state
 * file keeps as a cursor, and a query binds back.
 */
export interface SqlColumn extends DeclaredColumn {
  /** the select-list expression when the column itself does not return its exact value (MariaDB FLOAT, money) */
  select?: (quoted: string) => string;
  /** the driver's value → the record's: text or a number the DuckDB type reads exactly, base64, null */
  encode: (raw: unknown) => unknown;
  /** the driver's value → the cursor as kept: exact, a string for 64-bit integers and decimals */
  cursor: (raw: unknown) => string | number;
  /** a kept cursor → a query parameter (default: as kept) */
  bind?: (kept: string | number) => unknown;
  /** a placeholder as the database compares it exactly with this column (default: as is) */
  param?: (placeholder: string) => string;
  /** zero dates (MariaDB) that landed as NULL: no DuckDB date holds them; the log names them */
  zeroDates?: number;
  /** the catalog says it is never NULL */
  notNull?: boolean;
}

/** The text of bytes as base64, which the engine decodes to a BLOB. */
export function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

/** Whether two key values are the same (driver values: strings, numbers, bytes). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.compare(a, b) === 0;
  return false;
}

/**
 * An interval as DuckDB reads it exactly: months, days and microseconds, the three fields both
 * PostgreSQL and DuckDB keep. Sub-second digits past six are not written by either database.
 */
export function intervalText(months: bigint, days: bigint, micros: bigint): string {
  return `${months} months ${days} days ${micros} microseconds`;
}

/** `[-]H:MM:SS[.ffffff]` (any number of hours) → microseconds. */
export function clockMicros(text: string): bigint | undefined {
  const m = /^([+-])?(\d+):(\d\d):(\d\d)(?:\.(\d{1,6}))?$/.exec(text);
  if (!m) return undefined;
  const micros =
    (BigInt(m[2]!) * 3600n + BigInt(m[3]!) * 60n + BigInt(m[4]!)) * 1_000_000n + BigInt((m[5] ?? "").padEnd(6, "0"));
  return m[1] === "-" ? -micros : micros;
}
