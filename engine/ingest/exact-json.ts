/**
 * Integers past 2^53 in a source's JSON, kept as written. JSON.parse rounds 9007199254740993 to
 * …992 and 18446744073709551615 to 18446744073709552000; a record must land the source's digits.
 * Every path that reads a page keeps the integer's token (the text walk in records-text.ts copies
 * it, parseJson here keeps it as JSON.rawJSON, which JSON.stringify writes back unchanged), and
 * DuckDB's JSON reader reads the token exactly as BIGINT, UBIGINT, HUGEINT or VARCHAR. Other
 * numbers are JavaScript's, as before (1.50 → 1.5, 1e2 → 100).
 */

/** JSON.rawJSON and JSON.isRawJSON (TC39 "JSON.parse source text access"; Bun has them). */
const RawJson = JSON as unknown as {
  rawJSON(text: string): object;
  isRawJSON(value: unknown): boolean;
};

/**
 * A number token of 16 digits or more where one starts (after a colon, a comma or a bracket, or
 * first in the text): no integer past 2^53 without one, so text without one parses with JSON.parse
 * alone, without a reviver (ten times slower). A string that looks like one only costs that time.
 */
const LONG_DIGITS = /[:,[]\s*-?\d{16}/;
const LONG_DIGITS_FIRST = /^\s*-?\d{16}/;

/**
 * JSON.parse with integers past 2^53 kept as written, as JSON.rawJSON values: JSON.stringify writes
 * their digits back, `isBigInteger` finds them, `exactValue` reads them as their digits.
 */
export function parseJson<T = unknown>(text: string): T {
  if (!LONG_DIGITS.test(text) && !LONG_DIGITS_FIRST.test(text)) return JSON.parse(text) as T;
  return JSON.parse(text, reviver) as T;
}

function reviver(this: unknown, _key: string, value: unknown, context?: { source?: string }): unknown {
  if (typeof value !== "number" || Number.isSafeInteger(value)) return value;
  const source = context?.source;
  return source && /^-?\d+$/.test(source) ? RawJson.rawJSON(source) : value;
}

/** A value parseJson kept as written: an integer past 2^53, as JSON text. */
export function isBigInteger(value: unknown): value is { rawJSON: string } {
  return typeof value === "object" && value !== null && RawJson.isRawJSON(value);
}

/** A parsed number as its exact digits when parseJson kept it as written, else the value itself. */
export function exactValue(value: unknown): unknown {
  return isBigInteger(value) ? value.rawJSON : value;
}
