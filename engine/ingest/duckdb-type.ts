/**
 * DuckDB column types as trees, for a stream's declared schema: parsed from DuckDB's own spelling
 * (DESCRIBE, state files), compared, widened, and checked against the shape of a batch of JSON
 * records (record-shape.ts). `null` is a type no value has shown yet (a field that was always null,
 * an object that was always empty): the first value that arrives gives it one, and that is no drift.
 */
import { ARRAY, BOOLEAN, INTEGER, NULL, NUMBER, OBJECT, STRING, VAST, WIDE, type ShapeNode } from "./record-shape.ts";

export type DType =
  | { kind: "null" }
  | { kind: "scalar"; name: string }
  | { kind: "list"; of: DType }
  | { kind: "struct"; fields: [string, DType][] }
  | { kind: "map"; key: DType; value: DType }
  /** UNION, ENUM, fixed-size ARRAY: kept as DuckDB spelled it */
  | { kind: "other"; text: string };

export const NULL_TYPE: DType = { kind: "null" };
/** what a column of no type yet lands as */
const UNKNOWN_SQL = "JSON";

const INTEGERS = new Set([
  "TINYINT",
  "SMALLINT",
  "INTEGER",
  "BIGINT",
  "HUGEINT",
  "UTINYINT",
  "USMALLINT",
  "UINTEGER",
  "UBIGINT",
  "UHUGEINT",
]);
/** types DuckDB's JSON reader infers from strings, all of which VARCHAR also holds */
const STRINGS = new Set([
  "VARCHAR",
  "DATE",
  "TIME",
  "TIMESTAMP",
  "TIMESTAMP WITH TIME ZONE",
  "TIMESTAMP_NS",
  "TIMESTAMP_MS",
  "TIMESTAMP_S",
  "UUID",
  "INTERVAL",
  "TIME WITH TIME ZONE",
]);

/** DuckDB's other names for a type, as it spells it in DESCRIBE (a pinned `TIMESTAMPTZ` is the same type as a landed one). */
const ALIASES: Record<string, string> = {
  TIMESTAMPTZ: "TIMESTAMP WITH TIME ZONE",
  TIMETZ: "TIME WITH TIME ZONE",
  INT: "INTEGER",
  INT4: "INTEGER",
  SIGNED: "INTEGER",
  INT8: "BIGINT",
  LONG: "BIGINT",
  INT2: "SMALLINT",
  SHORT: "SMALLINT",
  INT1: "TINYINT",
  TEXT: "VARCHAR",
  STRING: "VARCHAR",
  CHAR: "VARCHAR",
  BPCHAR: "VARCHAR",
  FLOAT8: "DOUBLE",
  "DOUBLE PRECISION": "DOUBLE",
  FLOAT4: "FLOAT",
  REAL: "FLOAT",
  BOOL: "BOOLEAN",
  LOGICAL: "BOOLEAN",
  BYTEA: "BLOB",
  BINARY: "BLOB",
  VARBINARY: "BLOB",
  DATETIME: "TIMESTAMP",
  NUMERIC: "DECIMAL(18,3)",
  DECIMAL: "DECIMAL(18,3)",
};

const isInteger = (t: DType) => t.kind === "scalar" && INTEGERS.has(t.name);
const isNumber = (t: DType) =>
  t.kind === "scalar" &&
  (INTEGERS.has(t.name) || t.name === "DOUBLE" || t.name === "FLOAT" || t.name.startsWith("DECIMAL"));
const isString = (t: DType) => t.kind === "scalar" && STRINGS.has(t.name);

/** Parse DuckDB's spelling of a type: `STRUCT(a VARCHAR, "b c" BIGINT[])`, `MAP(VARCHAR, JSON)`, `DECIMAL(18,3)`, `"NULL"`. */
export function parseType(text: string): DType {
  const p = new TypeParser(text);
  const t = p.type();
  if (!p.done()) return { kind: "other", text };
  return t;
}

class TypeParser {
  private pos = 0;
  constructor(private readonly s: string) {}

  done(): boolean {
    this.ws();
    return this.pos === this.s.length;
  }

  type(): DType {
    this.ws();
    const start = this.pos;
    let t: DType;
    if (this.s.startsWith('"NULL"', this.pos) || this.word() === "NULL") {
      this.pos = start + (this.s[start] === '"' ? 6 : 4);
      t = NULL_TYPE;
    } else {
      this.pos = start;
      const name = this.name();
      if (name === "STRUCT" && this.peek("(")) t = { kind: "struct", fields: this.fields() };
      else if (name === "MAP" && this.peek("(")) {
        this.pos++;
        const key = this.type();
        this.expect(",");
        const value = this.type();
        this.expect(")");
        t = { kind: "map", key, value };
      } else if (this.peek("(")) {
        const args = this.balanced();
        t =
          name === "DECIMAL" || name === "NUMERIC"
            ? { kind: "scalar", name: `DECIMAL${args.replaceAll(" ", "")}` }
            : { kind: "other", text: `${name}${args}` };
      } else t = { kind: "scalar", name: ALIASES[name.toUpperCase()] ?? name };
    }
    for (;;) {
      this.ws();
      if (this.s.startsWith("[]", this.pos)) {
        this.pos += 2;
        t = { kind: "list", of: t };
      } else if (this.peek("[")) {
        const end = this.s.indexOf("]", this.pos);
        t = { kind: "other", text: `${typeText(t)}${this.s.slice(this.pos, end + 1)}` };
        this.pos = end + 1;
      } else return t;
    }
  }

  private fields(): [string, DType][] {
    this.expect("(");
    const fields: [string, DType][] = [];
    for (;;) {
      this.ws();
      const name = this.peek('"') ? this.quoted() : this.word();
      fields.push([name, this.type()]);
      this.ws();
      if (this.peek(",")) this.pos++;
      else break;
    }
    this.expect(")");
    return fields;
  }

  /** A type name of one or more words: TIMESTAMP WITH TIME ZONE, DOUBLE PRECISION. */
  private name(): string {
    const words = [this.word()];
    for (;;) {
      const save = this.pos;
      this.ws();
      const w = this.word();
      if (/^(WITH|TIME|ZONE|PRECISION|VARYING)$/.test(w) && words.length < 4) words.push(w);
      else {
        this.pos = save;
        break;
      }
    }
    return words.join(" ");
  }

  private word(): string {
    this.ws();
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.s.slice(this.pos));
    if (!m) return "";
    this.pos += m[0].length;
    return m[0];
  }

  private quoted(): string {
    let out = "";
    this.pos++;
    for (;;) {
      const q = this.s.indexOf('"', this.pos);
      if (q < 0) throw new SyntaxError(`unterminated name in type ${this.s}`);
      out += this.s.slice(this.pos, q);
      this.pos = q + 1;
      if (this.s[this.pos] !== '"') return out;
      out += '"';
      this.pos++;
    }
  }

  /** `(…)` with nested parentheses and quotes, as written. */
  private balanced(): string {
    const start = this.pos;
    let depth = 0;
    let quote = "";
    for (; this.pos < this.s.length; this.pos++) {
      const c = this.s[this.pos]!;
      if (quote) {
        if (c === quote) quote = "";
      } else if (c === "'" || c === '"') quote = c;
      else if (c === "(") depth++;
      else if (c === ")" && --depth === 0) return this.s.slice(start, ++this.pos);
    }
    throw new SyntaxError(`unbalanced parentheses in type ${this.s}`);
  }

  private peek(c: string): boolean {
    this.ws();
    return this.s[this.pos] === c;
  }

  private expect(c: string): void {
    if (!this.peek(c)) throw new SyntaxError(`expected ${c} at ${this.pos} in type ${this.s}`);
    this.pos++;
  }

  private ws(): void {
    while (this.s[this.pos] === " ") this.pos++;
  }
}

const SIMPLE_NAME = /^[a-z_][a-z0-9_]*$/;

/** The type as people read it (and as the state file keeps it): a type no value has shown is NULL. */
export function typeText(t: DType): string {
  return print(t, false);
}

/** The type as DuckDB reads it in a statement: names quoted, no type yet read as JSON. */
export function typeSql(t: DType): string {
  return print(t, true);
}

function print(t: DType, sql: boolean): string {
  switch (t.kind) {
    case "null":
      return sql ? UNKNOWN_SQL : "NULL";
    case "scalar":
      return t.name;
    case "other":
      return t.text;
    case "list":
      return `${print(t.of, sql)}[]`;
    case "map":
      return `MAP(${print(t.key, sql)}, ${print(t.value, sql)})`;
    case "struct":
      return `STRUCT(${t.fields
        .map(([n, f]) => `${sql || !SIMPLE_NAME.test(n) ? `"${n.replaceAll('"', '""')}"` : n} ${print(f, sql)}`)
        .join(", ")})`;
  }
}

/**
 * Whether every value seen at `node` fits type `t` as it is, so the records can be read with it
 * and nothing is dropped or converted (strings into a DATE may still fail to parse: DuckDB says so).
 */
export function fits(t: DType, node: ShapeNode | undefined): boolean {
  if (!node) return true;
  const kinds = node.kinds & ~NULL;
  if (kinds === 0) return true;
  switch (t.kind) {
    case "null":
      return false;
    case "other":
      return false;
    case "scalar":
      if (t.name === "JSON") return true;
      if (t.name === "BOOLEAN") return kinds === BOOLEAN;
      if (isInteger(t) || /^DECIMAL\(\d+,0\)$/.test(t.name)) return kinds === INTEGER;
      if (isNumber(t)) return (kinds & ~(INTEGER | NUMBER)) === 0;
      if (isString(t)) return kinds === STRING;
      return false;
    case "list":
      return kinds === ARRAY && fits(t.of, node.items);
    case "map":
      if (kinds !== OBJECT) return false;
      for (const child of node.keys?.values() ?? []) if (!fits(t.value, child)) return false;
      return true;
    case "struct": {
      if (kinds !== OBJECT) return false;
      const fields = new Map(t.fields);
      for (const [key, child] of node.keys ?? []) {
        const f = fields.get(key);
        if (f === undefined || !fits(f, child)) return false;
      }
      return true;
    }
  }
}

/**
 * DuckDB's inferred type with the parts no value has shown marked as such: JSON where only nulls
 * were seen, a MAP(VARCHAR, JSON) for objects that were always empty, the items of arrays that were always empty.
 */
export function markUnknown(t: DType, node: ShapeNode | undefined): DType {
  if (!node || (node.kinds & ~NULL) === 0) return NULL_TYPE;
  if (node.kinds === (OBJECT | (node.kinds & NULL)) && (node.keys?.size ?? 0) === 0 && t.kind !== "struct")
    return NULL_TYPE;
  switch (t.kind) {
    case "list":
      return { kind: "list", of: markUnknown(t.of, node.items) };
    case "struct":
      return { kind: "struct", fields: t.fields.map(([n, f]) => [n, markUnknown(f, node.keys?.get(n))]) };
    case "map": {
      const children = [...(node.keys?.values() ?? [])];
      const valueSeen = children.some((c) => (c.kinds & ~NULL) !== 0);
      return { kind: "map", key: t.key, value: valueSeen ? t.value : NULL_TYPE };
    }
    default:
      return t;
  }
}

/** Integers past BIGINT as the lake holds them exactly: DuckDB writes a HUGEINT to Parquet as a DOUBLE. */
const WIDE_INTEGER: DType = { kind: "scalar", name: "DECIMAL(38,0)" };
const isWideInteger = (t: DType) => t.kind === "scalar" && t.name === WIDE_INTEGER.name;

/**
 * DuckDB's JSON reader infers HUGEINT for an integer past BIGINT and DOUBLE for one past 64 bits,
 * but Parquet has no 128-bit integer (DuckDB writes a HUGEINT as a DOUBLE) and the token is an
 * integer (and it infers HUGEINT for 2^63 and -1 together, which BIGINT holds): where only integers
 * were seen, they become BIGINT where it holds them, else DECIMAL(38,0), which the reader fills from
 * the token exactly, else VARCHAR (the token's digits) where one had more than 38 digits.
 */
export function exactIntegers(t: DType, node: ShapeNode | undefined): DType {
  if (!node) return t;
  switch (t.kind) {
    case "scalar":
      if ((t.name === "HUGEINT" || t.name === "UHUGEINT" || t.name === "DOUBLE") && (node.kinds & ~NULL) === INTEGER)
        return node.width === VAST
          ? { kind: "scalar", name: "VARCHAR" }
          : node.width === WIDE
            ? WIDE_INTEGER
            : { kind: "scalar", name: "BIGINT" };
      return t;
    case "list":
      return { kind: "list", of: exactIntegers(t.of, node.items) };
    case "struct":
      return { kind: "struct", fields: t.fields.map(([n, f]) => [n, exactIntegers(f, node.keys?.get(n))]) };
    default:
      return t;
  }
}

/**
 * A type that holds the values of both: what a column becomes when a value that does not fit
 * arrives. Integers widen to the wider integer (DECIMAL(38,0) past BIGINT), other numbers to DOUBLE, strings DuckDB read as dates or times to VARCHAR, structs take
 * the fields of both; anything else takes the newer type.
 */
export function widen(was: DType, now: DType): DType {
  if (was.kind === "null") return now;
  if (now.kind === "null") return was;
  if (same(was, now)) return was;
  if (was.kind === "scalar" && was.name === "JSON") return was;
  if (isNumber(was) && isNumber(now)) {
    if (isInteger(was) && isInteger(now)) return widerInteger(was, now);
    if ((isInteger(was) || isWideInteger(was)) && (isInteger(now) || isWideInteger(now))) return WIDE_INTEGER;
    return { kind: "scalar", name: "DOUBLE" };
  }
  if (isString(was) && isString(now)) return { kind: "scalar", name: "VARCHAR" };
  if (was.kind === "list" && now.kind === "list") return { kind: "list", of: widen(was.of, now.of) };
  if (was.kind === "map" && now.kind === "map")
    return { kind: "map", key: was.key, value: widen(was.value, now.value) };
  if (was.kind === "struct" && now.kind === "struct") {
    const next = new Map(now.fields);
    const fields: [string, DType][] = was.fields.map(([n, f]) => [n, next.has(n) ? widen(f, next.get(n)!) : f]);
    const known = new Set(was.fields.map(([n]) => n));
    for (const [n, f] of now.fields) if (!known.has(n)) fields.push([n, f]);
    return { kind: "struct", fields };
  }
  return now;
}

/** The narrowest integer both hold, signed when one is; DECIMAL(38,0) past BIGINT (the lake has no HUGEINT). */
function widerInteger(a: DType, b: DType): DType {
  const unsigned = (t: DType) => t.kind === "scalar" && t.name.startsWith("U");
  if (unsigned(a) === unsigned(b)) {
    const wider = rank(a) >= rank(b) ? a : b;
    return rank(wider) > 3 ? WIDE_INTEGER : wider;
  }
  const [u, s] = unsigned(a) ? [a, b] : [b, a];
  const at = Math.max(rank(u) + 1, rank(s));
  return at > 3 ? WIDE_INTEGER : { kind: "scalar", name: RANKS[at]! };
}

const RANKS = ["TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT"];
function rank(t: DType): number {
  return t.kind === "scalar" ? RANKS.indexOf(t.name.replace(/^U/, "")) : -1;
}

export function same(a: DType, b: DType): boolean {
  return typeText(a) === typeText(b);
}

/** Whether `now` is `was` with only types filled in where no value had shown one: no drift. */
export function onlyFilled(was: DType, now: DType): boolean {
  if (was.kind === "null") return true;
  if (was.kind !== now.kind) return false;
  if (was.kind === "list" && now.kind === "list") return onlyFilled(was.of, now.of);
  if (was.kind === "map" && now.kind === "map") return same(was.key, now.key) && onlyFilled(was.value, now.value);
  if (was.kind === "struct" && now.kind === "struct") {
    if (was.fields.length !== now.fields.length) return false;
    const next = new Map(now.fields);
    return was.fields.every(([n, f]) => next.has(n) && onlyFilled(f, next.get(n)!));
  }
  return same(was, now);
}
