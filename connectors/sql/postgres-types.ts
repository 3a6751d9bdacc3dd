import pg from "pg";
import type { SpoolEncoding } from "../../engine/ingest/connector.ts";
import { base64, clockMicros, intervalText, type SqlColumn } from "./column.ts";

/**
 * PostgreSQL's types (pg_catalog.pg_type, pg_attribute) → DuckDB's, exactly. The session returns
 * every value as PostgreSQL's own text (UTC, ISO dates, postgres interval style, shortest exact
 * floats, hex bytea), and each column turns that text into what its DuckDB type reads:
 *
 * - smallint, integer, bigint, oid → SMALLINT, INTEGER, BIGINT, UINTEGER
 * - numeric(p,s) → DECIMAL when its digits fit DuckDB's 38 (a negative scale or one above the
 *   precision widens it), else the exact text; NaN in a DECIMAL column lands the column as text
 * - real, double precision → FLOAT, DOUBLE, NaN and ±Infinity kept; money → DECIMAL(19,2)
 * - date, timestamp, timestamptz, time → DATE, TIMESTAMP, TIMESTAMPTZ, TIME, BC dates and ±infinity kept
 * - interval → INTERVAL (months, days, microseconds), timetz → TIMETZ (time and offset): Parquet holds
 *   neither exactly, so the lake's files keep their text and the raw views read it as the type
 * - bytea → BLOB, uuid → UUID, json and jsonb → JSON (the document's text as given)
 * - arrays → lists of the element's type, as many levels deep as the column was declared
 * - domains → their base type; enums, composites, ranges, network, geometric and text types → VARCHAR
 */

/** A column of a result, as RowDescription gives it. */
export interface PgField {
  name: string;
  dataTypeID: number;
  dataTypeModifier: number;
  tableID: number;
  columnID: number;
}

interface PgType {
  oid: number;
  typname: string;
  nsp: string;
  typtype: string;
  typcategory: string;
  typelem: number;
  typbasetype: number;
  typtypmod: number;
}

interface Scalar {
  type: string;
  encode: (text: string) => unknown;
  encoding?: SpoolEncoding;
  /** a number kept as a number in the state file (it is exact as one) */
  numeric?: boolean;
  select?: (quoted: string) => string;
}

const text = (v: string) => v;
/** PostgreSQL writes "2026-01-02 BC" and "… 10:00:00+00 BC"; DuckDB reads "2026-01-02 (BC)" and "… (BC) 10:00:00+00". */
const datetime = (v: string) => (v.endsWith(" BC") ? v.slice(0, -3).replace(/^(\S+)/, "$1 (BC)") : v);

const SCALARS: Record<string, Scalar> = {
  bool: { type: "BOOLEAN", encode: (v) => v === "t" },
  int2: { type: "SMALLINT", encode: Number, numeric: true },
  int4: { type: "INTEGER", encode: Number, numeric: true },
  oid: { type: "UINTEGER", encode: Number, numeric: true },
  // 64-bit integers and the floats stay text: DuckDB reads them exactly, NaN and Infinity included
  int8: { type: "BIGINT", encode: text },
  float4: { type: "FLOAT", encode: text },
  float8: { type: "DOUBLE", encode: text },
  // the fraction digits follow lc_monetary (describeFields asks): DECIMAL(19,2) under most locales
  money: { type: "DECIMAL(19,2)", encode: text, select: (c) => `${c}::numeric` },
  date: { type: "DATE", encode: datetime },
  timestamp: { type: "TIMESTAMP", encode: datetime },
  timestamptz: { type: "TIMESTAMP WITH TIME ZONE", encode: datetime },
  time: { type: "TIME", encode: text },
  timetz: { type: "TIME WITH TIME ZONE", encode: text, encoding: "text" },
  interval: { type: "INTERVAL", encode: interval, encoding: "interval" },
  bytea: { type: "BLOB", encode: (v) => base64(Buffer.from(v.slice(2), "hex")), encoding: "base64" },
  uuid: { type: "UUID", encode: text },
  json: { type: "JSON", encode: text, encoding: "json-text" },
  jsonb: { type: "JSON", encode: text, encoding: "json-text" },
};
const VARCHAR: Scalar = { type: "VARCHAR", encode: text };

/** DuckDB's DECIMAL holds 38 digits. */
const MAX_DECIMAL = 38;

function numeric(typmod: number): Scalar {
  if (typmod < 4) return VARCHAR;
  const precision = ((typmod - 4) >> 16) & 0xffff;
  // the scale is 11 bits, signed (PostgreSQL 15: -1000 to 1000)
  const scale = (((typmod - 4) & 0x7ff) ^ 1024) - 1024;
  const width = scale < 0 ? precision - scale : Math.max(precision, scale);
  if (width > MAX_DECIMAL) return VARCHAR;
  return { type: `DECIMAL(${width},${Math.max(scale, 0)})`, encode: text };
}

/** "1 year 2 mons -3 days +04:05:06.789" (IntervalStyle postgres) → months, days and microseconds. */
function interval(v: string): string {
  let months = 0n;
  let days = 0n;
  let micros = 0n;
  for (const part of v.matchAll(/([+-]?\d+) (year|mon|day)s?|([+-]?\d+:\d\d:\d\d(?:\.\d+)?)/g)) {
    if (part[3]) micros = clockMicros(part[3].replace(/^\+/, "")) ?? 0n;
    else if (part[2] === "year") months += BigInt(part[1]!) * 12n;
    else if (part[2] === "mon") months += BigInt(part[1]!);
    else days = BigInt(part[1]!);
  }
  return intervalText(months, days, micros);
}

/**
 * The catalog's description of each field, as columns dp lands. `isTable`: the fields are a table's
 * own columns, so its NOT NULL constraints hold (through a query's outer join they may not).
 */
export async function describeFields(client: pg.Client, fields: PgField[], isTable: boolean): Promise<SqlColumn[]> {
  const types = await loadTypes(
    client,
    fields.map((f) => f.dataTypeID),
  );
  const sourceTypes = (
    await client.query<{ t: string }>({
      text: "SELECT format_type(f.oid, f.mod) AS t FROM unnest($1::oid[], $2::int4[]) WITH ORDINALITY AS f(oid, mod, i) ORDER BY f.i",
      values: [fields.map((f) => f.dataTypeID), fields.map((f) => f.dataTypeModifier)],
    })
  ).rows.map((r) => r.t);
  const attributes = await tableAttributes(client, fields);
  const money = await moneyScale(client, types);
  return fields.map((f, i) => {
    let t = types.get(f.dataTypeID)!;
    let mod = f.dataTypeModifier;
    let depth = 0;
    for (let guard = 0; guard < 16; guard++) {
      if (t.typtype === "d") {
        if (t.typtypmod >= 0) mod = t.typtypmod;
        t = types.get(t.typbasetype)!;
      } else if (t.typcategory === "A" && t.typelem) {
        depth++;
        t = types.get(t.typelem)!;
      } else break;
    }
    const attribute = attributes.get(`${f.tableID}:${f.columnID}`);
    if (depth > 0) depth = Math.max(depth, attribute?.dims ?? 0);
    const scalar =
      t.nsp !== "pg_catalog" ? VARCHAR : t.typname === "numeric" ? numeric(mod) : (SCALARS[t.typname] ?? VARCHAR);
    const col = column(f.name, sourceTypes[i]!, scalar, depth);
    if (isTable && attribute?.notNull) col.notNull = true;
    return col;
  });
}

function column(name: string, sourceType: string, scalar: Scalar, depth: number): SqlColumn {
  const kept = (raw: unknown) => (scalar.numeric && depth === 0 ? Number(raw) : (raw as string));
  const col: SqlColumn = {
    name,
    type: scalar.type + "[]".repeat(depth),
    source_type: sourceType,
    encoding: scalar.encoding,
    encode:
      depth === 0 ? (raw) => (raw === null ? null : scalar.encode(raw as string)) : (raw) => list(raw, scalar.encode),
    cursor: kept,
  };
  if (scalar.select) {
    const select = scalar.select;
    col.select = depth === 0 ? select : (c) => `${select(c)}[]`;
  }
  return col;
}

const arrays = pg.types.arrayParser as unknown as {
  create(source: string, transform: (entry: string) => unknown): { parse(): unknown[] };
};

/** An array's text (`{1,NULL,"a b"}`, `{{1,2},{3,4}}`, `[0:1]={…}`) → nested lists of encoded elements. */
function list(raw: unknown, encode: (text: string) => unknown): unknown {
  if (raw === null) return null;
  return arrays.create(raw as string, encode).parse();
}

/** money is a 64-bit count of the locale's smallest unit: its fraction digits are lc_monetary's. */
async function moneyScale(client: pg.Client, types: Map<number, PgType>): Promise<number> {
  if (![...types.values()].some((t) => t.typname === "money" && t.nsp === "pg_catalog")) return 2;
  const { rows } = await client.query<{ s: string }>("SELECT scale('1'::money::numeric) AS s");
  return Number(rows[0]!.s);
}

/** Every type the fields name, with the domains' base types and the arrays' element types they lead to. */
async function loadTypes(client: pg.Client, oids: number[]): Promise<Map<number, PgType>> {
  const types = new Map<number, PgType>();
  let wanted = [...new Set(oids)];
  while (wanted.length) {
    const rows = (
      await client.query<PgType>({
        text: `SELECT t.oid::int4 AS oid, t.typname::text AS typname, n.nspname::text AS nsp, t.typtype::text AS typtype,
                      t.typcategory::text AS typcategory, t.typelem::int4 AS typelem, t.typbasetype::int4 AS typbasetype, t.typtypmod
                 FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
                WHERE t.oid = ANY($1::oid[])`,
        values: [wanted],
      })
    ).rows.map((r) => ({
      // the session returns every value as text
      ...r,
      oid: Number(r.oid),
      typelem: Number(r.typelem),
      typbasetype: Number(r.typbasetype),
      typtypmod: Number(r.typtypmod),
    }));
    for (const r of rows) types.set(r.oid, r);
    wanted = [...new Set(rows.flatMap((r) => [r.typelem, r.typbasetype]))].filter((o) => o && !types.has(o));
  }
  return types;
}

/**
 * What the catalog says of the table columns among the fields: how many dimensions an array column
 * was declared with (`int[][]`: 2; PostgreSQL does not enforce it), and NOT NULL.
 */
async function tableAttributes(
  client: pg.Client,
  fields: PgField[],
): Promise<Map<string, { dims: number; notNull: boolean }>> {
  const fromTables = fields.filter((f) => f.tableID);
  if (!fromTables.length) return new Map();
  const rows = (
    await client.query<{ rel: number; num: number; dims: number; not_null: boolean }>({
      text: `SELECT a.attrelid::int4 AS rel, a.attnum::int4 AS num, a.attndims::int4 AS dims, a.attnotnull AS not_null
               FROM pg_catalog.pg_attribute a JOIN unnest($1::oid[], $2::int2[]) AS f(rel, num) ON a.attrelid = f.rel AND a.attnum = f.num`,
      values: [fromTables.map((f) => f.tableID), fromTables.map((f) => f.columnID)],
    })
  ).rows;
  return new Map(rows.map((r) => [`${r.rel}:${r.num}`, { dims: Number(r.dims), notNull: String(r.not_null) === "t" }]));
}
