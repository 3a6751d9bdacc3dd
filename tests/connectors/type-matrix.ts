import { expect } from "bun:test";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { Db } from "../../engine/warehouse/duckdb.ts";
import { runDp, tempDir } from "../helpers.ts";

/**
 * A type matrix: one column per source type, each with the values its database documents as
 * extreme or special. `dp pull` runs as a process under two time zones; every landed value is
 * compared with the value the database itself prints for it, both brought to one spelling by
 * `normalize` (which only respells: it never rounds, and a NULL stays NULL).
 */
export interface MatrixColumn {
  name: string;
  /** the column's type in the source's DDL */
  ddl: string;
  /** SQL literals, one per row (row ids start at 1); rows past the list are NULL */
  values: string[];
  /** the DuckDB type the stream declares and the raw views (what staging reads) hold it as */
  landed: string;
  /** the Parquet files' type, when it is not `landed`: the text of a type Parquet cannot hold exactly */
  stored?: string;
  /** how both sides are spelled before comparing */
  kind: Kind;
  /** the list depth of an array column: values are compared element by element */
  depth?: number;
  /** the source's text of a value, when its plain cast to text is not it (SQL over the column) */
  source?: (col: string) => string;
}

export type Kind =
  | "text"
  | "bool"
  | "int"
  | "float4"
  | "float8"
  | "decimal"
  | "datetime"
  | "interval"
  | "timetz"
  | "hex"
  | "zero-date";

/** The time zones the dp process runs in; the lake must not depend on them. */
export const TIME_ZONES = ["UTC", "America/New_York"] as const;

export function rowsOf(columns: MatrixColumn[]): number {
  return Math.max(...columns.map((c) => c.values.length));
}

export function literalAt(c: MatrixColumn, row: number): string {
  return c.values[row] ?? "NULL";
}

const SPECIAL_FLOATS: Record<string, string> = {
  inf: "Infinity",
  infinity: "Infinity",
  "+inf": "Infinity",
  "-inf": "-Infinity",
  "-infinity": "-Infinity",
  nan: "NaN",
  "-nan": "NaN",
};

/** Astronomical year, date, time without trailing fraction zeros, offset: PostgreSQL's "BC", DuckDB's "(BC)" and MariaDB's year 0000 meet here. */
function datetime(text: string): string {
  if (text === "infinity" || text === "-infinity") return text;
  const m = /^(\d+)-(\d\d)-(\d\d)( \(BC\))?(?:[ T](\d\d:\d\d:\d\d)(\.\d+)?)?([+-]\d\d(?::?\d\d)?)?( BC)?$/.exec(text);
  if (!m) return `unparsed:${text}`;
  const bc = Boolean(m[4] || m[8]);
  const year = bc ? 1 - Number(m[1]) : Number(m[1]);
  const fraction = (m[6] ?? "").replace(/\.?0+$/, "");
  // UTC is UTC, spelled +00, +00:00 or not at all (a MariaDB TIMESTAMP's text)
  const offset = m[7]
    ? m[7]
        .replace(/^([+-]\d\d):?(\d\d)$/, "$1:$2")
        .replace(/:00$/, "")
        .replace(/^[+-]00$/, "")
    : "";
  return `${year}-${m[2]}-${m[3]}${m[5] ? ` ${m[5]}${fraction}` : ""}${offset}`;
}

/** One spelling for both sides of a comparison; null stays null. */
export function normalize(kind: Kind, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const text = String(value);
  switch (kind) {
    case "bool":
      return text === "t" || text === "true" || text === "1"
        ? "true"
        : text === "f" || text === "false"
          ? "false"
          : text;
    case "int":
      return BigInt(text).toString();
    case "float4":
    case "float8": {
      const special = SPECIAL_FLOATS[text.toLowerCase()];
      if (special) return special;
      const n = kind === "float4" ? Math.fround(Number(text)) : Number(text);
      return Object.is(n, -0) ? "-0" : String(n);
    }
    case "decimal":
      // DuckDB prints DECIMAL(5,5) without the zero before the point
      return text.replace(/^(-?)\./, "$10.");
    case "datetime":
      return datetime(text);
    case "zero-date":
      // zero dates and dates with a zero month or day land as NULL (and the log names them)
      return /^0000-00-00|^\d{4}-00-|^\d{4}-\d\d-00/.test(text) ? null : datetime(text);
    case "hex":
      return text.toLowerCase();
    default:
      return text;
  }
}

/** An SQL expression over the lake column that gives the text `normalize` reads (DuckDB side). */
export function lakeText(c: MatrixColumn, col: string): string {
  const scalar = (x: string): string => {
    if (c.kind === "hex") return `lower(hex(${x}))`;
    if (c.kind === "timetz") {
      // the time of day and the offset in seconds (DuckDB prints an offset under a minute as minutes)
      const t = `CAST(${x} AS TIME WITH TIME ZONE)`;
      return `CAST(${t} AS TIME)::VARCHAR || ',' || datepart('timezone', ${t})`;
    }
    if (c.kind === "interval") {
      const i = `CAST(${x} AS INTERVAL)`;
      return `(datepart('year', ${i}) * 12 + datepart('month', ${i})) || ',' || datepart('day', ${i}) || ',' ||
              (datepart('hour', ${i})::BIGINT * 3600000000 + datepart('minute', ${i})::BIGINT * 60000000 + datepart('microseconds', ${i}))`;
    }
    // DuckDB prints a TIMESTAMPTZ through ICU, whose last digits drift near year 294247; its microseconds do not
    if (c.landed.startsWith("TIMESTAMP WITH TIME ZONE"))
      return `CASE WHEN isinf(${x}) THEN ${x}::VARCHAR ELSE make_timestamp(epoch_us(${x}))::VARCHAR END`;
    return `CAST(${x} AS VARCHAR)`;
  };
  if (!c.depth) return scalar(col);
  let flat = col;
  for (let d = 1; d < c.depth; d++) flat = `flatten(${flat})`;
  return `list_transform(${flat}, lambda x: ${scalar("x")})`;
}

/** A temp project with one database source whose one stream is the matrix table, pulled by `dp` under a time zone. */
export async function pullMatrix(
  connector: "postgres" | "mysql",
  urlVar: string,
  table: string,
  timeZone: string,
): Promise<{ dir: string; stdout: string; stderr: string }> {
  const dir = tempDir(`dp-matrix-${connector}-`);
  writeFileSync(
    join(dir, "project.yaml"),
    stringify({
      name: "matrix",
      sources: {
        db: {
          connector,
          retries: { max_attempts: 1 },
          config: { url: `\${${urlVar}}`, streams: [{ name: "matrix", table, primary_key: "id", batch_size: 7 }] },
        },
      },
    }),
  );
  const out = await runDp(["pull", "-C", dir], { env: { TZ: timeZone, DP_LOG: "info" } });
  if (out.code !== 0) throw new Error(`dp pull under TZ=${timeZone} exited ${out.code}: ${out.stdout}${out.stderr}`);
  return { dir, stdout: out.stdout, stderr: out.stderr };
}

/** The landed rows (id → column → text), read in UTC by a DuckDB that is not dp's. */
export async function lakeRows(
  dir: string,
  columns: MatrixColumn[],
): Promise<{ rows: Map<number, Record<string, unknown>>; types: Map<string, string> }> {
  const db = await Db.open(":memory:");
  try {
    await db.run("SET TimeZone = 'UTC'");
    const glob = join(dir, "lake/raw/db/matrix/*/*.parquet");
    const types = new Map(
      (await db.describe(`SELECT * FROM read_parquet('${glob}')`)).map((c) => [c.name, c.type] as const),
    );
    const select = columns.map((c) => `${lakeText(c, `"${c.name}"`)} AS "${c.name}"`).join(", ");
    const rows = await db.all(`SELECT id::INTEGER AS id, ${select} FROM read_parquet('${glob}') ORDER BY id`);
    return { rows: new Map(rows.map((r) => [r.id as number, r])), types };
  } finally {
    db.close();
  }
}

/** Compare every landed value with the source's, naming the column, row and both values on a mismatch. */
export function expectSameValues(
  columns: MatrixColumn[],
  source: Map<number, Record<string, unknown>>,
  lake: Map<number, Record<string, unknown>>,
  label: string,
): void {
  expect([...lake.keys()].sort((a, b) => a - b)).toEqual([...source.keys()].sort((a, b) => a - b));
  const mismatches: string[] = [];
  for (const [id, src] of source) {
    const landed = lake.get(id)!;
    for (const c of columns) {
      const want = c.depth ? listOf(c, src[c.name]) : normalize(c.kind, src[c.name]);
      const got = c.depth ? listOf(c, landed[c.name]) : normalize(c.kind, landed[c.name]);
      if (JSON.stringify(want) !== JSON.stringify(got))
        mismatches.push(
          `${label} ${c.name} (${c.ddl}) row ${id}: source ${JSON.stringify(src[c.name])} → lake ${JSON.stringify(landed[c.name])}`,
        );
    }
  }
  expect(mismatches).toEqual([]);
}

function listOf(c: MatrixColumn, value: unknown): (string | null)[] | null {
  if (value === null || value === undefined) return null;
  return (value as unknown[]).map((v) => normalize(c.kind, v));
}

/**
 * The landed rows as staging reads them: a model selecting every column of the stream's raw view,
 * built by `dp build` and read back by `dp sql`, with each column's DuckDB type there.
 */
export async function stagingRows(
  dir: string,
  columns: MatrixColumn[],
  timeZone: string,
): Promise<{ rows: Map<number, Record<string, unknown>>; types: Map<string, string> }> {
  mkdirSync(join(dir, "models", "staging"), { recursive: true });
  writeFileSync(join(dir, "models", "staging", "stg_matrix.sql"), "select * from {{ source('db', 'matrix') }}\n");
  const built = await runDp(["build", "-C", dir], { env: { TZ: timeZone } });
  if (built.code !== 0)
    throw new Error(`dp build under TZ=${timeZone} exited ${built.code}: ${built.stdout}${built.stderr}`);
  // plain aliases: dp sql --json spells keys in snake_case
  const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;
  const select = columns.flatMap((c, i) => [
    `${lakeText(c, quote(c.name))} AS v${i}`,
    `typeof(${quote(c.name)}) AS t${i}`,
  ]);
  const out = await runDp(
    ["sql", "--json", "-C", dir, `SELECT id::INTEGER AS id, ${select.join(", ")} FROM staging.stg_matrix ORDER BY id`],
    { env: { TZ: timeZone } },
  );
  if (out.code !== 0) throw new Error(`dp sql exited ${out.code}: ${out.stdout}${out.stderr}`);
  const read = JSON.parse(out.stdout) as Record<string, unknown>[];
  const rows = new Map(
    read.map((r) => [r.id as number, Object.fromEntries(columns.map((c, i) => [c.name, r[`v${i}`]]))] as const),
  );
  const types = new Map(columns.map((c, i) => [c.name, String(read[0]?.[`t${i}`])] as const));
  return { rows, types };
}

/** Declared types as `dp sources --json` shows them, per column of the matrix stream. */
export async function declaredTypes(dir: string): Promise<Map<string, { type: string; source_type?: string }>> {
  const out = await runDp(["sources", "--json", "-C", dir]);
  expect(out.code).toBe(0);
  const [row] = JSON.parse(out.stdout) as {
    streams: { stream: string; columns: { name: string; type: string; source_type?: string }[] }[];
  }[];
  const stream = row!.streams.find((s) => s.stream === "matrix")!;
  return new Map(stream.columns.map((c) => [c.name, c]));
}

/**
 * The matrix pulled by `dp` under each time zone: every value compared with the source's, in the
 * Parquet files and as staging reads them (built by `dp build`), and each column's Parquet, declared
 * and staging types with the ones the matrix names. `also` checks the rest per pull.
 */
export async function checkMatrix(opts: {
  connector: "postgres" | "mysql";
  urlVar: string;
  table: string;
  columns: MatrixColumn[];
  source: Map<number, Record<string, unknown>>;
  dirs: string[];
  also: (declared: Map<string, { type: string; source_type?: string }>, log: string) => void;
}): Promise<void> {
  for (const tz of TIME_ZONES) {
    const { dir, stdout, stderr } = await pullMatrix(opts.connector, opts.urlVar, opts.table, tz);
    opts.dirs.push(dir);
    const lake = await lakeRows(dir, opts.columns);
    expectSameValues(opts.columns, opts.source, lake.rows, `TZ=${tz}`);
    const declared = await declaredTypes(dir);
    const staging = await stagingRows(dir, opts.columns, tz);
    expectSameValues(opts.columns, opts.source, staging.rows, `TZ=${tz} staging`);
    for (const col of opts.columns) {
      expect(`${col.name}: ${lake.types.get(col.name)}`).toBe(`${col.name}: ${col.stored ?? col.landed}`);
      expect(`${col.name}: ${declared.get(col.name)?.type}`).toBe(`${col.name}: ${col.landed}`);
      expect(`${col.name}: ${staging.types.get(col.name)}`).toBe(`${col.name}: ${col.landed}`);
    }
    opts.also(declared, stdout + stderr);
  }
}

export function removeAll(dirs: string[]): void {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}
