import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import type { RawRecord, StreamSpec } from "./connector.ts";
import { isoDate } from "../clock.ts";
import { Db, ident, literal } from "../warehouse/duckdb.ts";
import { DpError } from "../errors.ts";
import { crashPoint } from "./crash-points.ts";
import { fsyncPathAsync } from "../atomic-write.ts";
import { RecordShape } from "./record-shape.ts";
import type { RecordsText } from "./records-text.ts";
import type { ColumnSchema } from "./cursor-state.ts";
import { StreamSchema, landExpr, readType, type Drift, type FilePlan } from "./stream-schema.ts";
import { parseType, typeSql, typeText } from "./duckdb-type.ts";

/** Columns dp adds to every raw record. */
export const LOADED_AT = "_dp_loaded_at";
export const RUN_ID = "_dp_run_id";

export function newRunId(at: Date): string {
  const stamp = at
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  return `${stamp}-${Math.random().toString(36).slice(2, 8)}`;
}

export function streamDir(rawDir: string, source: string, stream: string): string {
  return join(rawDir, source, stream);
}

/** The glob staging reads; hive partitions give load_date as a column. */
export function streamGlob(rawDir: string, source: string, stream: string): string {
  return join(streamDir(rawDir, source, stream), "*", "*.parquet");
}

export function streamHasData(rawDir: string, source: string, stream: string): boolean {
  const dir = streamDir(rawDir, source, stream);
  if (!existsSync(dir)) return false;
  return readdirSync(dir).some((part) => {
    const p = join(dir, part);
    return statSync(p).isDirectory() && readdirSync(p).some((f) => f.endsWith(".parquet"));
  });
}

/** Every visible Parquet file of a stream (each load_date partition), sorted. */
export function landedFiles(rawDir: string, source: string, stream: string): string[] {
  const dir = streamDir(rawDir, source, stream);
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const part of readdirSync(dir).sort()) {
    const p = join(dir, part);
    if (!statSync(p).isDirectory()) continue;
    for (const f of readdirSync(p).sort()) if (f.endsWith(".parquet")) out.push(join(p, f));
  }
  return out;
}

export interface LandedFile {
  path: string;
  rows: number;
  schema: ColumnSchema[];
}

export interface StreamWriterOptions {
  lakeDir: string;
  source: string;
  stream: StreamSpec;
  runId: string;
  loadedAt: Date;
  /** flush a Parquet file every N records */
  maxRecords?: number;
  /** or every N bytes of spooled JSON, whichever comes first */
  maxBytes?: number;
  /** the stream's declared schema (default: none recorded yet, and the stream's pinned columns) */
  schema?: StreamSchema;
  /**
   * Called in file order before a file becomes visible, with the drift it brings to the declared
   * schema and the values that did not fit their column's declared type; throw to refuse the file.
   */
  beforePublish?: (drift: Drift | undefined, misfits: Map<string, string>) => void;
}

/**
 * Appends records to the raw lake as Parquet. Records are spooled as NDJSON,
 * converted by DuckDB, and the Parquet file appears under its final name only
 * when complete (write, fsync, rename). Files are never edited afterwards.
 */
export interface ConvertedSpool {
  spoolPath: string;
  rows: number;
  name: string;
  tmpParquet: string;
  /** the columns it was converted with */
  plan: FilePlan;
  /** the connection it was converted on, to convert it again if an earlier file widened a column */
  db: Db;
}

export interface SealedSpool {
  spoolPath: string;
  rows: number;
  seq: number;
  /** the shape of the first `headRows` records (SAMPLE_RECORDS, or the whole batches that reach it), and of all of them */
  head: RecordShape;
  headRows: number;
  shape: RecordShape;
}

/** Records DuckDB infers a spool file's schema from when they show every key and kind in the file. */
const SAMPLE_RECORDS = 4096;
/** the largest record DuckDB's JSON reader takes (64 MB) */
const MAX_OBJECT = 67_108_864;
/** bytes of NDJSON encoded at a time into the writer's one reused buffer before they go to the spool file */
const ENCODE_BYTES = 4 * 2 ** 20;
/** records stringified into one piece of text before it is spooled (or fewer, when they pass half the buffer) */
const SPOOL_RECORDS = 1024;

const ENCODER = new TextEncoder();

export class StreamWriter {
  /** the spool file; written synchronously so a full disk is an error here, not an unhandled rejection later */
  private sink: number | undefined;
  private spoolPath = "";
  private spooled = 0;
  private spooledBytes = 0;
  private seq = 0;
  private head = new RecordShape();
  private headRows = 0;
  private shape = new RecordShape();
  /** UTF-8 of the text being spooled: one buffer for the writer's life, not one per batch for the GC to collect */
  private encoded: Buffer | undefined;
  private readonly maxRecords: number;
  private readonly maxBytes: number;
  private readonly tmpDir: string;
  private readonly finalDir: string;
  readonly schema: StreamSchema;

  constructor(
    private readonly db: Db,
    private readonly opts: StreamWriterOptions,
    /** a second connection: odd files convert on it while even ones convert on `db` */
    private readonly spare?: Db,
  ) {
    this.maxRecords = opts.maxRecords ?? 100_000;
    // DuckDB holds about a file's worth of JSON while it infers the schema over every record,
    // so a byte cap, not only a record cap, keeps a pull's memory flat whatever the record size
    this.maxBytes = opts.maxBytes ?? 32 * 2 ** 20;
    this.tmpDir = join(opts.lakeDir, ".tmp", opts.runId, `${opts.source}__${opts.stream.name}`);
    this.finalDir = join(opts.lakeDir, "raw", opts.source, opts.stream.name, `load_date=${isoDate(opts.loadedAt)}`);
    this.schema = opts.schema ?? new StreamSchema(undefined, opts.stream.columns);
  }

  get pending(): number {
    return this.spooled;
  }

  get full(): boolean {
    return this.spooled >= this.maxRecords || this.spooledBytes >= this.maxBytes;
  }

  write(records: RawRecord[]): void {
    if (records.length === 0) return;
    // spooled a piece at a time: a batch of large records (10,000 Stripe invoices are ≈30 MB of
    // JSON) is never one string on the heap as well as its records
    let chunk = "";
    let count = 0;
    for (const r of records) {
      chunk += JSON.stringify(r);
      chunk += "\n";
      if (++count === SPOOL_RECORDS || chunk.length >= ENCODE_BYTES / 2) {
        this.spool(chunk, count);
        chunk = "";
        count = 0;
      }
    }
    if (count > 0) this.spool(chunk, count);
    // the source declared every column: nothing about these records' shape decides a type
    if (this.schema.isExhaustive) return;
    const room = SAMPLE_RECORDS - this.headRows;
    if (room > 0) {
      this.head.add(room >= records.length ? records : records.slice(0, room));
      this.headRows += Math.min(room, records.length);
    }
    this.shape.add(records);
  }

  /** Records already serialized, one per line, with their shape (records-text.ts). */
  writeText(text: RecordsText): void {
    if (text.count === 0) return;
    this.spoolBytes(text.bytes, text.count);
    // the head takes whole batches; DuckDB then samples exactly the records it covers
    if (this.headRows < SAMPLE_RECORDS) {
      this.head.merge(text.shape);
      this.headRows += text.count;
    }
    this.shape.merge(text.shape);
  }

  private spool(chunk: string, count: number): void {
    const fd = this.openSpool();
    this.encoded ??= Buffer.allocUnsafe(ENCODE_BYTES);
    const buf = this.encoded;
    this.guard(() => {
      // the text in pieces of at most the buffer's size (encodeInto stops before a character that does not fit)
      for (let at = 0; at < chunk.length; ) {
        const { read, written } = ENCODER.encodeInto(at === 0 ? chunk : chunk.slice(at), buf);
        at += read;
        writeAll(fd, buf, written);
      }
    });
    this.spooled += count;
    this.spooledBytes += chunk.length;
  }

  /** NDJSON already in UTF-8 (a page's records, copied from its body) goes to the spool file as is. */
  private spoolBytes(bytes: Uint8Array, count: number): void {
    const fd = this.openSpool();
    this.guard(() => writeAll(fd, bytes, bytes.length));
    this.spooled += count;
    this.spooledBytes += bytes.length;
  }

  private openSpool(): number {
    if (this.sink === undefined) {
      mkdirSync(this.tmpDir, { recursive: true });
      this.spoolPath = join(this.tmpDir, `${this.opts.stream.name}-${this.seq}.ndjson`);
      this.sink = this.guard(() => openSync(this.spoolPath, "w"));
    }
    return this.sink;
  }

  /** Turn what is spooled into one visible Parquet file; undefined when nothing was spooled. */
  async flush(): Promise<LandedFile | undefined> {
    const sealed = this.seal();
    return sealed && this.land(sealed);
  }

  /** Close the spool file so writing goes on into the next one while this one lands. */
  seal(): SealedSpool | undefined {
    if (this.sink === undefined) return undefined;
    closeSync(this.sink);
    this.sink = undefined;
    const sealed = {
      spoolPath: this.spoolPath,
      rows: this.spooled,
      seq: this.seq++,
      head: this.head,
      headRows: this.headRows,
      shape: this.shape,
    };
    this.head = new RecordShape();
    this.headRows = 0;
    this.shape = new RecordShape();
    this.spooled = 0;
    this.spooledBytes = 0;
    return sealed;
  }

  /** Convert a sealed spool file to Parquet and make it visible (write, fsync, rename). */
  async land(sealed: SealedSpool): Promise<LandedFile> {
    return this.publish(await this.convert(sealed));
  }

  /**
   * Convert a sealed spool file to a Parquet file not yet visible, with the declared types where the
   * records fit them (DuckDB infers only fields that are new or do not fit). Files alternate between
   * the writer's two connections, so two convert at once while the next one spools (`publish` stays in order).
   */
  async convert(sealed: SealedSpool): Promise<ConvertedSpool> {
    const { spoolPath, rows } = sealed;
    const name = `${this.opts.runId}-${String(sealed.seq).padStart(5, "0")}.parquet`;
    const tmpParquet = join(this.tmpDir, `${name}.tmp`);
    const db = sealed.seq % 2 && this.spare ? this.spare : this.db;
    const shape = this.schema.isExhaustive ? undefined : sealed.shape;
    let plan = this.schema.planFromShape(shape);
    if (!plan) {
      // when no key or kind appears after the sample, inferring from it drops nothing
      const sample = rows > sealed.headRows && sealed.head.equals(sealed.shape) ? sealed.headRows : -1;
      plan = this.schema.planFromInference(await this.infer(db, spoolPath, sample), shape, false);
    }
    try {
      await this.copy(db, spoolPath, tmpParquet, plan);
    } catch (e) {
      if (this.schema.isExhaustive) {
        // a value its declared type cannot hold (NaN in a DECIMAL, a year past DuckDB's last timestamp)
        const misfits = await this.misfits(db, spoolPath, plan);
        if (misfits.size === 0) throw e;
        plan = this.schema.widenMisfits(plan, misfits);
      } else {
        // a string the declared or sampled type cannot parse: infer over every record
        plan = this.schema.planFromInference(await this.infer(db, spoolPath, -1), shape, true);
      }
      await this.copy(db, spoolPath, tmpParquet, plan);
    }
    // on the thread pool, while this thread fetches and spools the next file; publish renames only after it
    await fsyncPathAsync(tmpParquet);
    return { spoolPath, rows, name, tmpParquet, plan, db };
  }

  /** Make a converted file visible: schema check, fsync, rename. Called in file order. */
  async publish(converted: ConvertedSpool): Promise<LandedFile> {
    const { spoolPath, rows, name, tmpParquet } = converted;
    let plan = converted.plan;
    let accepted = this.schema.accept(plan);
    while (accepted.redo) {
      // a file before it, converted at the same time, widened a column this one has narrower
      plan = accepted.redo;
      await this.copy(converted.db, spoolPath, tmpParquet, plan);
      await fsyncPathAsync(tmpParquet);
      accepted = this.schema.accept(plan);
    }
    this.opts.beforePublish?.(accepted.drift, plan.misfits);
    mkdirSync(this.finalDir, { recursive: true });
    const finalPath = join(this.finalDir, name);
    // the Parquet file was fsynced when converted
    crashPoint("before-rename");
    renameSync(tmpParquet, finalPath);
    await fsyncPathAsync(this.finalDir);
    crashPoint("after-rename");
    await rm(spoolPath, { force: true });
    return { path: finalPath, rows, schema: plan.columns.map((c) => ({ name: c.name, type: typeText(c.type) })) };
  }

  /**
   * A pull's only file less the records the lake already holds as they are: what a 15-minute pull
   * re-reads behind its cursor (a day's lookback) or a stream landed whole every pull brings again
   * unchanged. Landing them again would leave every model's result the same but for when a row
   * landed, and would give the stream a new data version, so every model reading it would rebuild.
   *
   * - A stream read by cursor (`incremental`): a record is left out when its key has one content in
   *   this file and the newest landed version of that key (every row of it at its newest load time,
   *   before this pull's) has exactly that content. Another version of the key, a key new to the
   *   lake, or a key twice in the file with two contents, lands as before.
   * - A stream read whole every pull: the file is left out only when its rows are, as a multiset,
   *   those of the stream's newest landing; else it lands whole (a model may read "present in the
   *   newest pull" as current, so dropping part of it would change the answer).
   *
   * Content is every column but dp's own (`_dp_run_id`, `_dp_loaded_at`), compared as the MD5 of
   * the row's text: a column another file has and this one lacks counts as NULL, a value of another
   * type as different. Returns undefined when nothing is left to land, with the count left out.
   */
  async withoutUnchanged(
    converted: ConvertedSpool,
    incremental: boolean,
  ): Promise<{ converted: ConvertedSpool | undefined; unchanged: number }> {
    const keep = { converted, unchanged: 0 };
    const pk = this.opts.stream.primaryKey;
    const prior = landedFiles(join(this.opts.lakeDir, "raw"), this.opts.source, this.opts.stream.name);
    if (!prior.length || !pk.length) return keep;
    const db = converted.db;
    const file = `read_parquet(${literal(converted.tmpParquet)})`;
    const lakeOf = (files: string[], named: boolean) =>
      `read_parquet([${files.map(literal).join(", ")}], union_by_name = true, hive_partitioning = false${named ? ", filename = '_dp_file'" : ""})`;
    const lake = lakeOf(prior, false);
    const own = new Set([RUN_ID, LOADED_AT]);
    const mine = new Set((await db.describe(`SELECT * FROM ${file}`)).map((c) => c.name).filter((c) => !own.has(c)));
    const theirs = new Set((await db.describe(`SELECT * FROM ${lake}`)).map((c) => c.name));
    if (!theirs.has(LOADED_AT) || pk.some((k) => !mine.has(k) || !theirs.has(k))) return keep;
    const columns = [...new Set([...mine, ...theirs])].filter((c) => !own.has(c)).sort();
    const content = (has: Set<string>, alias = "") =>
      `md5(CAST({${columns.map((c) => `${literal(c)}: ${has.has(c) ? alias + ident(c) : "NULL"}`).join(", ")}} AS VARCHAR))`;
    const keys = pk.map(ident).join(", ");
    const at = `TIMESTAMPTZ ${literal(this.opts.loadedAt.toISOString())}`;
    let unchanged: number;
    if (incremental) {
      // where each key's newest landed version is, from the key and load-time columns alone: a lake of
      // millions of rows is not decoded whole for the few hundred keys a pull brings back
      await db.run(`CREATE OR REPLACE TEMP TABLE _dp_once AS
        SELECT ${keys}, any_value(_dp_h) AS _dp_h FROM (SELECT ${keys}, ${content(mine)} AS _dp_h FROM ${file})
        GROUP BY ALL HAVING count(DISTINCT _dp_h) = 1`);
      await db.run(`CREATE OR REPLACE TEMP TABLE _dp_where AS
        SELECT DISTINCT ${keys}, ${ident(LOADED_AT)} AS _dp_at, _dp_file
        FROM ${lakeOf(prior, true)} SEMI JOIN _dp_once USING (${keys})
        QUALIFY ${ident(LOADED_AT)} = max(${ident(LOADED_AT)}) OVER (PARTITION BY ${keys})`);
      const holding = (await db.all<{ f: string }>(`SELECT DISTINCT _dp_file AS f FROM _dp_where ORDER BY 1`)).map(
        (r) => r.f,
      );
      if (!holding.length) return keep;
      // then those versions' content, from the files that hold them (a column only other files have is NULL here)
      const held = new Set((await db.describe(`SELECT * FROM ${lakeOf(holding, false)}`)).map((c) => c.name));
      const on = pk.map((k) => `t.${ident(k)} = w.${ident(k)}`).join(" AND ");
      await db.run(`CREATE OR REPLACE TEMP TABLE _dp_same AS
        WITH theirs AS (
          SELECT ${pk.map((k) => `t.${ident(k)}`).join(", ")}, ${content(held, "t.")} AS _dp_h, t.${ident(LOADED_AT)} AS _dp_at
          FROM ${lakeOf(holding, false)} t SEMI JOIN _dp_where w ON ${on} AND t.${ident(LOADED_AT)} = w._dp_at),
        newest AS (
          SELECT ${keys}, any_value(_dp_h) AS _dp_h FROM theirs GROUP BY ALL
          HAVING count(DISTINCT _dp_h) = 1 AND max(_dp_at) < ${at})
        SELECT ${keys} FROM _dp_once JOIN newest USING (${keys}) WHERE _dp_once._dp_h = newest._dp_h`);
      const [same] = await db.all<{ n: bigint }>(
        `SELECT count(*) AS n FROM ${file} SEMI JOIN _dp_same USING (${keys})`,
      );
      unchanged = Number(same?.n ?? 0);
    } else {
      const [cmp] = await db.all<{ mine: bigint; theirs: bigint; differ: bigint; newest: string | null }>(
        `WITH theirs AS (
           SELECT ${content(theirs)} AS _dp_h FROM ${lake}
           WHERE ${ident(LOADED_AT)} = (SELECT max(${ident(LOADED_AT)}) FROM ${lake})),
         mine AS (SELECT ${content(mine)} AS _dp_h FROM ${file})
         SELECT (SELECT count(*) FROM mine) AS mine, (SELECT count(*) FROM theirs) AS theirs,
           (SELECT count(*) FROM (SELECT * FROM mine EXCEPT ALL SELECT * FROM theirs)) AS differ,
           (SELECT CAST(max(${ident(LOADED_AT)}) < ${at} AS VARCHAR) FROM ${lake}) AS newest`,
      );
      const same = cmp && cmp.mine === cmp.theirs && Number(cmp.differ) === 0 && cmp.newest === "true";
      unchanged = same ? Number(cmp.mine) : 0;
    }
    if (unchanged === 0) return keep;
    if (unchanged === converted.rows) {
      await rm(converted.tmpParquet, { force: true });
      return { converted: undefined, unchanged };
    }
    // some records are new or changed: the file is written again without the others
    const rest = `${converted.tmpParquet}.rest`;
    await db.run(
      `COPY (SELECT * FROM ${file} ANTI JOIN _dp_same USING (${keys})) TO ${literal(rest)} (FORMAT parquet, COMPRESSION zstd)`,
    );
    await fsyncPathAsync(rest);
    renameSync(rest, converted.tmpParquet);
    return { converted: { ...converted, rows: converted.rows - unchanged }, unchanged };
  }

  /** The types DuckDB infers for the spooled records, over the first `sample` of them (-1: all). */
  private async infer(db: Db, spoolPath: string, sample: number): Promise<ColumnSchema[]> {
    try {
      return await db.describe(
        `SELECT * FROM read_json(${literal(spoolPath)}, format = 'newline_delimited', maximum_object_size = ${MAX_OBJECT}, sample_size = ${sample}, union_by_name = true)`,
      );
    } catch (e) {
      throw this.unreadable(spoolPath, e);
    }
  }

  /**
   * Columns holding a value their read type cannot, each with DuckDB's word on the first such value.
   * Each column is read on its own, as the conversion reads it: this runs only after a conversion failed.
   */
  private async misfits(db: Db, spoolPath: string, plan: FilePlan): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (const c of plan.columns) {
      if (c.type.kind === "null" || /^(VARCHAR|JSON)$/.test(readType(c))) continue;
      try {
        await db.run(
          `SELECT count(${ident(c.name)}) FROM read_json(${literal(spoolPath)}, format = 'newline_delimited', maximum_object_size = ${MAX_OBJECT}, columns = {${literal(c.name)}: ${literal(readType(c))}})`,
        );
      } catch (e) {
        const reason = /in line \d+: ([^\n]*)/.exec((e as Error).message)?.[1] ?? (e as Error).message.split("\n")[0]!;
        found.set(c.name, reason);
      }
    }
    return found;
  }

  private async copy(db: Db, spoolPath: string, tmpParquet: string, plan: FilePlan): Promise<void> {
    const loadedAt = this.opts.loadedAt.toISOString();
    const read = plan.columns.filter((c) => c.type.kind !== "null");
    const columns = `{${read.map((c) => `${literal(c.name)}: ${literal(readType(c))}`).join(", ")}}`;
    // a column no value has typed yet lands as DuckDB's NULL type, which a later file's type wins over when read together
    const select = plan.columns.map((c) =>
      c.type.kind === "null" ? `NULL AS ${ident(c.name)}` : `${landExpr(c, ident(c.name))} AS ${ident(c.name)}`,
    );
    try {
      await db.run(
        `COPY (SELECT ${[...select, `${literal(this.opts.runId)} AS ${ident(RUN_ID)}`, `TIMESTAMPTZ ${literal(loadedAt)} AS ${ident(LOADED_AT)}`].join(", ")}
               FROM read_json(${literal(spoolPath)}, format = 'newline_delimited', maximum_object_size = ${MAX_OBJECT}${read.length ? `, columns = ${columns}` : ""}))
         TO ${literal(tmpParquet)} (FORMAT parquet, COMPRESSION zstd)`,
      );
    } catch (e) {
      throw this.unreadable(spoolPath, e);
    }
  }

  private unreadable(spoolPath: string, e: unknown): DpError {
    return new DpError(
      "SOURCE_DATA",
      `cannot convert ${this.opts.source}.${this.opts.stream.name} records to Parquet: ${(e as Error).message}`,
      {
        where: spoolPath,
        fix: "the spooled records are kept at that path for inspection",
        cause: e,
      },
    );
  }

  /** Remove spool files; called on success and on failure (landed files stay). */
  cleanup(): void {
    if (this.sink !== undefined) closeSync(this.sink);
    this.sink = undefined;
    rmSync(this.tmpDir, { recursive: true, force: true });
  }

  private guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOSPC" || code === "EDQUOT") {
        throw new DpError(
          "IO",
          `the disk is full: cannot spool ${this.opts.source}.${this.opts.stream.name} records to ${this.tmpDir}`,
          {
            where: this.opts.lakeDir,
            fix: "free space on the lake's disk and run again; the cursor stays at the last durable file",
            cause: e,
          },
        );
      }
      throw e;
    }
  }
}

/** A filling disk takes part of a write without an error: write the rest, and the next write says ENOSPC. */
function writeAll(fd: number, bytes: Uint8Array, length: number): void {
  for (let off = 0; off < length; ) {
    const n = writeSync(fd, bytes, off, length - off);
    if (n <= 0) throw Object.assign(new Error("no space left on device (short write)"), { code: "ENOSPC" });
    off += n;
  }
}

/**
 * A type name read from a connector or a state file, as DuckDB reads it in a statement: checked
 * before it goes into SQL unbound, then spelled with quoted field names (a type no value has shown yet reads as JSON).
 */
export function sqlType(type: string): string {
  if (!/^[A-Za-z][A-Za-z0-9_ ,()".[\]]*$/.test(type) || type.includes("--")) {
    throw new DpError("INTERNAL", `not a DuckDB type name: ${type}`);
  }
  return typeSql(parseType(type));
}

/** Leftovers of a killed pull: spool and half-written files that never became visible. */
export function removeStaleTemp(lakeDir: string): void {
  rmSync(join(lakeDir, ".tmp"), { recursive: true, force: true });
}
