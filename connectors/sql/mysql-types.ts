import type { SpoolEncoding } from "../../engine/ingest/connector.ts";
import { base64, clockMicros, intervalText, type SqlColumn } from "./column.ts";

/**
 * MySQL's and MariaDB's column types, from a result's column definitions (type, flags, length,
 * decimals, character set: the server's catalog of what a query returns) → DuckDB's, exactly:
 *
 * - TINYINT … BIGINT, signed and UNSIGNED → TINYINT … BIGINT, UTINYINT … UBIGINT; YEAR → SMALLINT
 * - DECIMAL(M,D) → DECIMAL(M,D) up to 38 digits, else the exact text
 * - FLOAT → FLOAT (selected as DOUBLE: the server prints a FLOAT with 6 digits), DOUBLE → DOUBLE
 * - BIT(1…64) → UBIGINT
 * - DATE, DATETIME → DATE, TIMESTAMP; TIMESTAMP → TIMESTAMPTZ (the session is UTC). A zero date
 *   ('0000-00-00', or a zero month or day) is no date DuckDB has: it lands as NULL and the log counts it
 * - TIME (a signed duration up to 838 hours, not a time of day) → INTERVAL (kept as its text in the
 *   lake's files: Parquet's INTERVAL has no sign and milliseconds; the raw views read it as INTERVAL)
 * - binary strings (BINARY, VARBINARY, BLOB) and GEOMETRY → BLOB; MySQL's JSON → JSON;
 *   text, ENUM, SET, and MariaDB's JSON (a LONGTEXT), UUID and INET6 → VARCHAR
 */

/** A column of a result, as mysql2 gives its definition. */
export interface MysqlField {
  name: string;
  columnType?: number;
  columnLength?: number;
  decimals?: number;
  flags?: number | string[];
  characterSet?: number;
}

const T = {
  decimal: 0,
  tiny: 1,
  short: 2,
  long: 3,
  float: 4,
  double: 5,
  null: 6,
  timestamp: 7,
  longlong: 8,
  int24: 9,
  date: 10,
  time: 11,
  datetime: 12,
  year: 13,
  newdate: 14,
  varchar: 15,
  bit: 16,
  json: 245,
  newdecimal: 246,
  enum: 247,
  set: 248,
  blob: 252,
  varString: 253,
  string: 254,
  geometry: 255,
} as const;

const NOT_NULL = 1;
const UNSIGNED = 32;
const ENUM_FLAG = 256;
const SET_FLAG = 2048;
/** the `binary` character set: bytes, not text */
const BINARY_CHARSET = 63;
const MAX_DECIMAL = 38;

const INTEGERS: Record<number, [string, string, string]> = {
  [T.tiny]: ["tinyint", "TINYINT", "UTINYINT"],
  [T.short]: ["smallint", "SMALLINT", "USMALLINT"],
  [T.int24]: ["mediumint", "INTEGER", "UINTEGER"],
  [T.long]: ["int", "INTEGER", "UINTEGER"],
  [T.longlong]: ["bigint", "BIGINT", "UBIGINT"],
};

/** A zero date or a date with a zero month or day. */
const ZERO_DATE = /^\d{4}-(00-|\d\d-00)/;

interface Mapped {
  type: string;
  sourceType: string;
  encode: (v: unknown) => unknown;
  encoding?: SpoolEncoding;
  select?: (quoted: string) => string;
  param?: (placeholder: string) => string;
  zeroDates?: boolean;
  /** kept as text in the state file: a 64-bit integer or a decimal */
  exactText?: boolean;
}

const same = (v: unknown) => v;

/** The result's column definitions as columns dp lands. */
export function describeFields(fields: MysqlField[]): SqlColumn[] {
  return fields.map((f) => {
    const m = mapField(f);
    const type = f.columnType;
    const col: SqlColumn = {
      name: f.name,
      type: m.type,
      source_type: m.sourceType,
      encoding: m.encoding,
      encode: m.encode,
      cursor: (raw) => {
        if (raw instanceof Uint8Array) return type === T.bit ? bitsValue(raw) : base64(raw);
        return m.exactText ? String(raw) : (raw as string | number);
      },
      bind: (kept) => (m.encoding === "base64" && typeof kept === "string" ? Buffer.from(kept, "base64") : kept),
      select: m.select,
      param: m.param,
      notNull: typeof f.flags === "number" && (f.flags & NOT_NULL) !== 0,
    };
    if (m.zeroDates) {
      col.zeroDates = 0;
      const encode = m.encode;
      col.encode = (v) => {
        if (typeof v === "string" && ZERO_DATE.test(v)) {
          col.zeroDates!++;
          return null;
        }
        return encode(v);
      };
    }
    return col;
  });
}

function mapField(f: MysqlField): Mapped {
  const type = f.columnType ?? T.varString;
  const flags = typeof f.flags === "number" ? f.flags : 0;
  const unsigned = (flags & UNSIGNED) !== 0;
  const binary = f.characterSet === BINARY_CHARSET;
  const integer = INTEGERS[type];
  if (integer) {
    return {
      type: unsigned ? integer[2] : integer[1],
      sourceType: `${integer[0]}${unsigned ? " unsigned" : ""}`,
      encode: same,
      // a string and a number compare as doubles: a 64-bit key binds as an integer
      param: (p) => `CAST(${p} AS ${unsigned ? "UNSIGNED" : "SIGNED"})`,
      exactText: type === T.longlong,
    };
  }
  switch (type) {
    case T.decimal:
    case T.newdecimal: {
      const scale = f.decimals ?? 0;
      const precision = (f.columnLength ?? 0) - (scale > 0 ? 1 : 0) - (unsigned ? 0 : 1);
      const sourceType = `decimal(${precision},${scale})${unsigned ? " unsigned" : ""}`;
      const param = (p: string) => `CAST(${p} AS DECIMAL(${precision},${scale}))`;
      const type = precision > MAX_DECIMAL ? "VARCHAR" : `DECIMAL(${precision},${scale})`;
      return { type, sourceType, encode: same, param, exactText: true };
    }
    case T.float:
      return { type: "FLOAT", sourceType: "float", encode: same, select: (c) => `CAST(${c} AS DOUBLE)` };
    case T.double:
      return { type: "DOUBLE", sourceType: "double", encode: same };
    case T.year:
      return { type: "SMALLINT", sourceType: "year", encode: same };
    case T.bit:
      return {
        type: "UBIGINT",
        sourceType: `bit(${f.columnLength ?? 1})`,
        encode: (v) => (v instanceof Uint8Array ? bitsValue(v) : v),
        param: (p) => `CAST(${p} AS UNSIGNED)`,
        exactText: true,
      };
    case T.date:
    case T.newdate:
      return { type: "DATE", sourceType: "date", encode: same, zeroDates: true };
    case T.datetime:
      return { type: "TIMESTAMP", sourceType: withFraction("datetime", f), encode: same, zeroDates: true };
    case T.timestamp:
      return {
        type: "TIMESTAMP WITH TIME ZONE",
        sourceType: withFraction("timestamp", f),
        encode: (v) => (typeof v === "string" ? `${v}+00` : v),
        zeroDates: true,
      };
    case T.time:
      return { type: "INTERVAL", sourceType: withFraction("time", f), encode: time, encoding: "interval" };
    case T.json:
      return { type: "JSON", sourceType: "json", encode: same, encoding: "json-text" };
    case T.geometry:
      return { type: "BLOB", sourceType: "geometry", encode: bytes, encoding: "base64" };
    case T.enum:
      return { type: "VARCHAR", sourceType: "enum", encode: same };
    case T.set:
      return { type: "VARCHAR", sourceType: "set", encode: same };
    default: {
      const name = flags & ENUM_FLAG ? "enum" : flags & SET_FLAG ? "set" : stringType(type, binary);
      if (binary) return { type: "BLOB", sourceType: name, encode: bytes, encoding: "base64" };
      return { type: "VARCHAR", sourceType: name, encode: same };
    }
  }
}

function stringType(type: number, binary: boolean): string {
  if (type === T.blob) return binary ? "blob" : "text";
  if (type === T.string) return binary ? "binary" : "char";
  if (type === T.null) return "null";
  return binary ? "varbinary" : "varchar";
}

function withFraction(name: string, f: MysqlField): string {
  return f.decimals ? `${name}(${f.decimals})` : name;
}

const bytes = (v: unknown) => (v instanceof Uint8Array ? base64(v) : v);

/** A BIT value's bytes (big-endian) → its unsigned integer, as text: BIT(64) passes 2^53. */
function bitsValue(v: Uint8Array): string {
  let n = 0n;
  for (const b of v) n = (n << 8n) | BigInt(b);
  return n.toString();
}

/** TIME '-838:59:59.999999' → microseconds DuckDB's INTERVAL reads. */
function time(v: unknown): unknown {
  if (typeof v !== "string") return v;
  const micros = clockMicros(v);
  return micros === undefined ? v : intervalText(0n, 0n, micros);
}
