import type { RestStreamConfig } from "./config.ts";

type CursorFormat = RestStreamConfig["cursor_format"];

/** Comparable form of a cursor value: timestamps as ms, numbers as numbers, other strings as-is. */
function comparable(value: string | number, format: CursorFormat): string | number {
  if (format === "iso" && typeof value === "string") {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? value : ms;
  }
  return value;
}

const INTEGER = /^-?\d+$/;

/**
 * Both cursors as integers when they are (an integer past 2^53 arrives as its digits, exact-json.ts):
 * compared as numbers, not as text ("10" > "9") and not rounded.
 */
function bigIntegers(a: string | number, b: string | number): [bigint, bigint] | undefined {
  const text = [String(a), String(b)];
  if (!text.every((t) => INTEGER.test(t))) return undefined;
  if (typeof a === typeof b && !text.some((t) => t.replace("-", "").length > 15)) return undefined;
  return [BigInt(text[0]!), BigInt(text[1]!)];
}

export function laterCursor(
  a: string | number | undefined,
  b: unknown,
  format: CursorFormat,
): string | number | undefined {
  if (typeof b !== "string" && typeof b !== "number") return a;
  if (a === undefined) return b;
  const big = bigIntegers(a, b);
  if (big) return big[1] > big[0] ? b : a;
  const ca = comparable(a, format);
  const cb = comparable(b, format);
  if (typeof ca === typeof cb) return cb > ca ? b : a;
  return String(b) > String(a) ? b : a;
}

/** The value sent as cursor_param: the stored cursor, moved back by the lookback window for timestamps. */
export function cursorParam(cursor: string | number, format: CursorFormat, lookbackMs: number): string | number {
  switch (format) {
    case "raw":
      return cursor;
    case "iso": {
      const ms = typeof cursor === "number" ? cursor : Date.parse(cursor);
      return Number.isNaN(ms) ? cursor : new Date(ms - lookbackMs).toISOString();
    }
    case "unix":
      return Number(cursor) - Math.ceil(lookbackMs / 1000);
    case "unix_ms":
      return Number(cursor) - lookbackMs;
  }
}
