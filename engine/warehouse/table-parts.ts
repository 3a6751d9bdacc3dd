import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
} from "node:fs";
import { basename, join } from "node:path";
import { DpError } from "../errors.ts";
import { type Db, ident, literal, qualified } from "./duckdb.ts";

/**
 * A published table is a list of immutable Parquet parts in snapshots/tables/, shared by every
 * snapshot whose version of the table they are. A table rebuilt in full is one part; an incremental
 * model's new rows are one more part (with merge keys, a later part replaces earlier rows that share a
 * key), so a run that appends 2k rows to 4M writes 2k rows.
 */
export interface TableEntry {
  /** the data version (the run that last rebuilt the model), or undefined when nothing versions it */
  version?: string;
  /**
   * The base file (snapshots/bases/, the manifest's `base`) whose copy of this table is its first layer, read through
   * the alias BASE_ALIAS; `parts` are then the rows added over it. Unset: the table is its parts alone.
   */
  base?: string;
  /** file names in snapshots/tables/, oldest first */
  parts: string[];
  /** merge keys: a row of a part is hidden by a row of a later part with the same key */
  keys?: string[];
  /**
   * Parts (of `parts`) whose keys were in no row of the table when their merge ran (its DELETE removed none): they
   * hide no earlier row, so the view anti-joins nothing against them. An incremental model of immutable facts
   * (product events by event id) adds such a part every run; without this every reader of its view, and the
   * publish's read-back, anti-joined the whole base against them (3.8M keys: 50–180 ms of CPU a count).
   */
  disjoint?: string[];
  /** how the warehouse table's columns are written into a part (as text where Parquet would change a value: see asText) */
  write: string;
  /** the snapshot's view of the parts: each column cast back to its warehouse type where Parquet changed it */
  select: string;
  rows: number;
  /**
   * bytes of every part; `base_bytes` of the first. For a table over a base, `base_bytes` is its share of the base
   * file (the file's bytes × its rows × columns over all tables'), an estimate DuckDB's storage gives no cheaper.
   */
  bytes: number;
  base_bytes: number;
}

/**
 * A whole-file copy of the checkpointed warehouse, published instead of parts when most of the warehouse changed
 * (snapshots.ts `chooseBase`): readers reach its tables by `ATTACH … AS dp_base (READ_ONLY)`. `bytes` and `hash`
 * are the warehouse file's, checked against the copy before the pointer moves, and by `dp doctor` later.
 */
export interface BaseEntry {
  /** file name in snapshots/bases/ */
  file: string;
  bytes: number;
  /** fileHash of the file: xxHash64 chained over 8 MB blocks, hex */
  hash: string;
}

export interface Manifest {
  run_id: string;
  /** `schema.name` → its parts */
  tables: Record<string, TableEntry>;
  /** `schema.name` → a table small enough to be copied into the snapshot file itself (snapshots.ts INLINE_ROWS) */
  inline?: Record<string, InlineEntry>;
  /** the base file the tables with a `base` read, when any does */
  base?: BaseEntry;
}

/** A table published inside the snapshot file: its data version and row count, as it was read back. */
export interface InlineEntry {
  version?: string;
  rows: number;
}

/** A run's new rows for an incremental model, kept in a temp table until the publish reads them. */
export interface TableDelta {
  /** the temp table holding the rows this build inserted */
  temp: string;
  strategy: "append" | "merge";
  keys: string[];
  /** the version the table had before the rows were added */
  base?: string;
  version: string;
  /** a merge whose keys matched no row of the table (its DELETE removed none): its part hides no earlier row */
  disjoint?: boolean;
}

/** Parts stop being added once the deltas reach this share of the base part (or this many parts): the table is written whole again. */
const MAX_DELTA_SHARE = 0.2;
const MAX_PARTS = 48;

export function partsDir(snapshotsDir: string): string {
  return join(snapshotsDir, "tables");
}

/** Where base files live: beside the parts, never pruned by the parts' rule (a base is kept while a manifest names it). */
export function basesDir(snapshotsDir: string): string {
  return join(snapshotsDir, "bases");
}

/** The name a snapshot's connection attaches its base under; the tables' views read `dp_base.schema.name`. */
export const BASE_ALIAS = "dp_base";

/**
 * A file's bytes hashed: xxHash64 over 8 MB blocks, each block's hash seeding the next's. Page-cached, 173 MB
 * take ≈30 ms of CPU (bench/ANALYSIS.md "Publishing a mostly-changed build as a copied base").
 */
export function fileHash(path: string): string {
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.allocUnsafe(8 << 20);
    let h = 0n;
    let pos = 0;
    for (let n = readSync(fd, buf, 0, buf.length, pos); n > 0; n = readSync(fd, buf, 0, buf.length, pos)) {
      h = BigInt(Bun.hash.xxHash64(buf.subarray(0, n), h));
      pos += n;
    }
    return h.toString(16).padStart(16, "0");
  } finally {
    closeSync(fd);
  }
}

export function manifestFile(snapshotFile: string): string {
  return `${snapshotFile.replace(/\.duckdb$/, "")}.manifest.json`;
}

export function readManifest(snapshotFile: string): Manifest | undefined {
  try {
    return JSON.parse(readFileSync(manifestFile(snapshotFile), "utf8")) as Manifest;
  } catch {
    return undefined;
  }
}

export type Column = { name: string; type: string };

/** Every table's columns in one query: a query per table cost a round trip each (500 models, 500 trips). */
export async function columnsByTable(db: Db): Promise<Map<string, Column[]>> {
  const rows = await db.all<{ rel: string; name: string; type: string }>(
    `SELECT schema_name || '.' || table_name AS rel, column_name AS name, data_type AS type FROM duckdb_columns()
     WHERE database_name = current_database() ORDER BY schema_name, table_name, column_index`,
  );
  const out = new Map<string, Column[]>();
  for (const r of rows) out.set(r.rel, [...(out.get(r.rel) ?? []), { name: r.name, type: r.type }]);
  return out;
}

function safe(s: string): string {
  return s.replace(/[^A-Za-z0-9_.-]/g, "_");
}

/**
 * Types Parquet cannot hold exactly, written as their text and cast back by the snapshot's view: 128-bit
 * integers (DuckDB writes them as DOUBLE), INTERVAL (Parquet's has milliseconds and no sign: a negative
 * one is refused) and TIME WITH TIME ZONE (Parquet keeps no offset), alone or inside a list or struct.
 */
function asText(type: string): boolean {
  return /\bU?HUGEINT\b|\bINTERVAL\b|TIME WITH TIME ZONE|\bTIMETZ\b/.test(type);
}

/**
 * An interval as text DuckDB reads back to the same value: months, days and microseconds (its own text
 * prints hours past 2^31 in a form it cannot parse, e.g. '2562047788:00:54.775807').
 */
const intervalText = (x: string) =>
  `(datepart('year', ${x}) * 12 + datepart('month', ${x})) || ' months ' || datepart('day', ${x}) || ' days ' || (datepart('hour', ${x})::HUGEINT * 3600000000 + datepart('minute', ${x})::HUGEINT * 60000000 + datepart('microseconds', ${x})) || ' microseconds'`;

/** A TIME WITH TIME ZONE as text with its offset to the second (DuckDB's own prints -00:00:01 as -00:01). */
const timetzText = (x: string) => {
  const tz = `datepart('timezone', ${x})`;
  const two = (e: string) => `lpad(CAST(${e} AS VARCHAR), 2, '0')`;
  return `CAST(CAST(${x} AS TIME) AS VARCHAR) || CASE WHEN ${tz} < 0 THEN '-' ELSE '+' END || ${two(`abs(${tz}) // 3600`)} || ':' || ${two(`abs(${tz}) % 3600 // 60`)} || ':' || ${two(`abs(${tz}) % 60`)}`;
};

/** How a column is written into a part: as is, or as text the snapshot's view casts back. */
function textOf(col: string, type: string): string {
  if (!asText(type)) return col;
  if (type === "INTERVAL") return intervalText(col);
  if (type === "INTERVAL[]") return `list_transform(${col}, v -> ${intervalText("v")})`;
  if (type === "TIME WITH TIME ZONE") return timetzText(col);
  if (type === "TIME WITH TIME ZONE[]") return `list_transform(${col}, v -> ${timetzText("v")})`;
  return `CAST(${col} AS VARCHAR)`;
}

/**
 * How a part is written. zstd at level 1, not DuckDB's default 3: the 9.8M-row events table of the 10× demo
 * took 7.0 s of CPU to write instead of 8.3–8.7, at the same size (192 against 190 MB), and it is read back
 * as fast. Snappy and LZ4 cost as little CPU but wrote 313–325 MB. A string column's dictionary page is given
 * up past 64 KB, not DuckDB's 1 MB: a column of ids or JSON (a distinct value per row) was dictionary-encoded
 * up to the limit and then written plain anyway, while a low-cardinality column fits well within 64 KB. Every
 * part of the `medium` demo's warehouse: 4.4–4.7 → 3.7–3.9 s of CPU, 90.0 → 92.2 MB (bench/ANALYSIS.md "The
 * 10× build (issue #18, branch build10x)"); turning dictionaries off cost about as little but wrote 10% more.
 */
export const PART_OPTIONS =
  "FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1, STRING_DICTIONARY_PAGE_SIZE_LIMIT 65536";

/**
 * The Parquet writer holds a row group per thread in memory, uncompressed, and DuckDB's row group is 122,880
 * rows whatever their width: the 97k demo's Stripe events (≈4 KB a row as text, 75k rows) made one 300 MB row
 * group and the publish ran out of memory under a 500 MB warehouse.memory_limit. A part of wide rows gets row
 * groups of about this many bytes instead (the 10M-row product events, ≈260 bytes a row, keep DuckDB's size).
 */
const ROW_GROUP_BYTES = 32 * 2 ** 20;
const DUCKDB_ROW_GROUP = 122_880;
/** Rows a table of narrow rows can have before its width is worth a look (2,048 rows of 16 KB are one budget). */
const PROBE_ROWS = 2_048;

/** Rows per row group for a part, from the text width of its first rows; undefined for DuckDB's own. */
async function rowGroupRows(db: Db, write: string, source: string, rows: number): Promise<number | undefined> {
  if (rows <= PROBE_ROWS) return undefined;
  const probe = await db.one<{ b: number | null }>(
    `SELECT avg(strlen(CAST(t AS VARCHAR)))::BIGINT AS b FROM (SELECT ${write} FROM ${source} LIMIT ${PROBE_ROWS}) t`,
  );
  const width = Number(probe?.b ?? 0);
  const fit = width > 0 ? Math.floor(ROW_GROUP_BYTES / width) : DUCKDB_ROW_GROUP;
  return fit >= DUCKDB_ROW_GROUP ? undefined : Math.max(PROBE_ROWS, fit);
}

/**
 * Writes `SELECT write FROM source` to a new part; returns its file name, size and the rows DuckDB's COPY wrote.
 * `rows`: how many rows `source` holds, for the row groups' size (rowGroupRows).
 */
async function writePart(
  db: Db,
  dir: string,
  stem: string,
  write: string,
  source: string,
  rows: number,
): Promise<NewPart & { bytes: number }> {
  mkdirSync(dir, { recursive: true });
  let n = 0;
  while (existsSync(join(dir, `${stem}.${n}.parquet`))) n++;
  const file = `${stem}.${n}.parquet`;
  const tmp = join(dir, `.${file}.tmp`);
  rmSync(tmp, { force: true });
  const group = await rowGroupRows(db, write, source, rows);
  const copied = await db.one<{ Count: number }>(
    `COPY (SELECT ${write} FROM ${source}) TO ${literal(tmp)} (${PART_OPTIONS}${group ? `, ROW_GROUP_SIZE ${group}` : ""})`,
  );
  renameSync(tmp, join(dir, file));
  return { file, bytes: statSync(join(dir, file)).size, rows: Number(copied?.Count ?? Number.NaN) };
}

/** A part written by this publish: its file name and the rows DuckDB's COPY reported writing into it. */
export interface NewPart {
  file: string;
  rows: number;
}

/** How a publish takes a table: the previous entry as it is, the previous entry and a part of new rows, or written whole. */
export type TablePlan = "share" | "delta" | "whole";

/**
 * Which of the three a table gets (publishTable follows it; the publish weighs the "whole" ones to choose a base).
 * `base` is the base file the new snapshot attaches, if any: an entry over another base cannot be reused.
 */
export function planTable(
  dir: string,
  version: string | undefined,
  previous: TableEntry | undefined,
  delta: TableDelta | undefined,
  rows: number,
  base: string | undefined,
): TablePlan {
  const present = (e: TableEntry) =>
    (e.base === undefined || e.base === base) && e.parts.every((p) => existsSync(join(dir, p)));
  if (version && previous?.version === version && previous.rows === rows && present(previous)) return "share";
  if (
    delta &&
    previous &&
    version === delta.version &&
    previous.version === delta.base &&
    present(previous) &&
    previous.parts.length < MAX_PARTS &&
    previous.bytes - previous.base_bytes < previous.base_bytes * MAX_DELTA_SHARE &&
    (delta.strategy === "append" ? !previous.keys : previous.keys?.join() === delta.keys.join())
  )
    return "delta";
  return "whole";
}

/** How a table's columns are written into a part, and how its view casts them back. */
function writeAndSelect(columns: Column[]): { write: string; select: string } {
  const write = columns.map((c) => `${textOf(ident(c.name), c.type)} AS ${ident(c.name)}`).join(", ");
  // every column cast to its warehouse type: a no-op where Parquet kept it (DuckDB drops a cast to the same
  // type), the way back where it did not (HUGEINT written as text, ENUM read back as VARCHAR)
  const select = columns.map((c) => `CAST(${ident(c.name)} AS ${c.type}) AS ${ident(c.name)}`).join(", ");
  return { write: write || "*", select: select || "*" };
}

/** A table read from the base alone: its warehouse rows at the base's checkpoint, no part over it yet. */
export function baseTableEntry(
  base: string,
  version: string | undefined,
  rows: number,
  columns: Column[],
  baseBytes: number,
  keys: string[] | undefined,
): TableEntry {
  return {
    ...(version ? { version } : {}),
    base,
    parts: [],
    ...(keys?.length ? { keys } : {}),
    ...writeAndSelect(columns),
    rows,
    bytes: baseBytes,
    base_bytes: baseBytes,
  };
}

/**
 * The entry for one warehouse table in the snapshot being published: the previous snapshot's when its
 * version is unchanged, that one plus a part of new rows for an incremental build on top of it (over a base or
 * over parts), else the whole table written again.
 */
export async function publishTable(
  db: Db,
  dir: string,
  schema: string,
  name: string,
  version: string | undefined,
  previous: TableEntry | undefined,
  delta: TableDelta | undefined,
  rows: number,
  columns: Column[],
  /** an incremental model's merge keys, for a table written whole */
  mergeKeys?: string[],
  /** the base file the new snapshot attaches, if any */
  base?: string,
): Promise<{ entry: TableEntry; written: number; part?: NewPart }> {
  const plan = planTable(dir, version, previous, delta, rows, base);
  if (plan === "share") return { entry: previous!, written: 0 };
  const stem = safe(`${schema}.${name}.${version ?? "v"}`);
  if (plan === "delta" && previous && delta) {
    // a merge or append that added no rows (a 15-minute run re-landing objects unchanged) is the previous entry
    // under the new version: an empty part would be one more file every reader's view anti-joins
    const added = Number((await db.one<{ n: number }>(`SELECT count(*) AS n FROM ${ident(delta.temp)}`))?.n ?? 0);
    if (added === 0 && rows === previous.rows) return { entry: { ...previous, version }, written: 0 };
    // the part's own rows size its row groups (a cron run's few hundred need no width probe), not the table's
    const part = await writePart(db, dir, stem, previous.write, ident(delta.temp), added);
    const disjoint = delta.strategy === "merge" && delta.disjoint ? [part.file] : [];
    const entry: TableEntry = {
      ...previous,
      version,
      parts: [...previous.parts, part.file],
      ...(previous.disjoint?.length || disjoint.length
        ? { disjoint: [...(previous.disjoint ?? []), ...disjoint] }
        : {}),
      rows,
      bytes: previous.bytes + part.bytes,
    };
    return { entry, written: part.bytes, part };
  }
  const { write, select } = writeAndSelect(columns);
  const part = await writePart(db, dir, stem, write, qualified(schema, name), rows);
  const keys = delta?.strategy === "merge" ? delta.keys : mergeKeys?.length ? mergeKeys : undefined;
  const entry: TableEntry = {
    version,
    parts: [part.file],
    ...(keys ? { keys } : {}),
    write,
    select,
    rows,
    bytes: part.bytes,
    base_bytes: part.bytes,
  };
  return { entry, written: part.bytes, part };
}

/**
 * The view a snapshot holds for a table: its parts, later merge parts hiding earlier rows with their keys. A table
 * over a base reads the base's copy first (`dp_base.schema.name`, the warehouse's own types: no cast), then its parts.
 */
export function tableViewSql(dir: string, e: TableEntry, rel?: string): string {
  const path = (p: string) => literal(join(dir, p));
  const list = (ps: string[]) => `read_parquet([${ps.map(path).join(", ")}])`;
  if (e.base !== undefined) {
    if (!rel) throw new DpError("INTERNAL", "a table over a base needs its name for its view");
    const dot = rel.indexOf(".");
    const arms = [
      `SELECT * FROM ${ident(BASE_ALIAS)}.${qualified(rel.slice(0, dot), rel.slice(dot + 1))}`,
      ...e.parts.map((p) => `SELECT ${e.select} FROM ${list([p])}`),
    ];
    if (arms.length === 1) return arms[0]!;
    if (!e.keys) return arms.join(" UNION ALL ");
    const using = e.keys.map(ident).join(", ");
    return arms
      .map((arm, i) => {
        const later = hiding(e, i);
        return later.length
          ? `SELECT a.* FROM (${arm}) a ANTI JOIN (SELECT ${e.select} FROM ${list(later)}) b USING (${using})`
          : arm;
      })
      .join(" UNION ALL ");
  }
  if (!e.keys || e.parts.length === 1) return `SELECT ${e.select} FROM ${list(e.parts)}`;
  const using = e.keys.map(ident).join(", ");
  const arms = e.parts.map((p, i) => {
    const later = hiding(e, i + 1);
    return later.length
      ? `SELECT a.* FROM ${list([p])} a ANTI JOIN ${list(later)} b USING (${using})`
      : `SELECT * FROM ${list([p])}`;
  });
  return `SELECT ${e.select} FROM (${arms.join(" UNION ALL ")})`;
}

/**
 * The row count of a table's view as the sum of its layers' counts, when the view is a plain union (no part hides a
 * row of another: no merge keys, or every part `disjoint`): the base table's count, which DuckDB keeps, and the parts'
 * from their footers. Counted through the view, such a union read every row of the base (3.8M product events: ≈
 * 60 ms of CPU each publish). Undefined when a part hides rows: then only the view says how many are left.
 */
export function unionCountSql(dir: string, e: TableEntry, rel: string): string | undefined {
  // a table read from the base alone is counted through its view as before (DuckDB answers it from the catalog)
  if (!e.parts.length || (e.keys && hiding(e, e.base !== undefined ? 0 : 1).length)) return undefined;
  const dot = rel.indexOf(".");
  const layers = [
    ...(e.base !== undefined
      ? [`(SELECT count(*) FROM ${ident(BASE_ALIAS)}.${qualified(rel.slice(0, dot), rel.slice(dot + 1))})`]
      : []),
    `(SELECT count(*) FROM read_parquet([${e.parts.map((p) => literal(join(dir, p))).join(", ")}], union_by_name = true))`,
  ];
  return layers.join(" + ");
}

/** The parts from index `from` on that can hide an earlier row by its key: all but the `disjoint` ones. */
function hiding(e: TableEntry, from: number): string[] {
  const disjoint = new Set(e.disjoint ?? []);
  return e.parts.slice(from).filter((p) => !disjoint.has(p));
}

/**
 * Checks parts against the rows their COPY reported writing, from each Parquet footer alone (no row is decoded):
 * the footer is a file's last bytes, so a part cut short or never finished fails here (DuckDB cannot read it, or
 * a count that differs). Returns each part with its count.
 */
export async function checkPartFooters<P extends { path: string; written: number }>(
  db: Db,
  parts: P[],
): Promise<Map<P, number>> {
  const out = new Map<P, number>();
  if (!parts.length) return out;
  const rows = await db.all<{ f: string; n: number }>(
    `SELECT file_name AS f, num_rows AS n FROM parquet_file_metadata([${parts.map((p) => literal(p.path)).join(", ")}])`,
  );
  const byPath = new Map(rows.map((r) => [r.f, Number(r.n)]));
  for (const p of parts) {
    const n = byPath.get(p.path) ?? 0;
    if (n !== p.written)
      throw new DpError(
        "PUBLISH",
        `snapshot check: part ${basename(p.path)} holds ${n} rows where its write reported ${p.written}`,
        { exitCode: 1 },
      );
    out.set(p, n);
  }
  return out;
}
