import { z } from "zod";
import { envVarsHolding } from "../../engine/config/env.ts";
import { DpError } from "../../engine/errors.ts";
import { redact } from "../../engine/secrets.ts";
import type { Batch, RawRecord, ReadContext, StreamSpec, StreamState } from "../../engine/ingest/connector.ts";

/**
 * Reading tables and queries from a SQL database in keyset pages: each page is
 * one short query ordered by (cursor_field, primary key) and starting strictly
 * after the last row of the page before, so neither the table nor a server-side
 * cursor is held open, and the state after a page is exact.
 */

export const sqlStreamSchema = z
  .strictObject({
    name: z.string().regex(/^[a-z][a-z0-9_]*$/, "stream names are lowercase snake_case"),
    /** "table" or "schema.table" */
    table: z.string().min(1).optional(),
    /** a SELECT; its output columns are what primary_key and cursor_field name */
    query: z.string().min(1).optional(),
    primary_key: z.union([z.string(), z.array(z.string()).min(1)]),
    /** an updated_at-style column that grows when a row changes */
    cursor_field: z.string().min(1).optional(),
    batch_size: z.number().int().min(1).max(1_000_000).default(10_000),
  })
  .refine((s) => (s.table === undefined) !== (s.query === undefined), {
    message: "set exactly one of table or query",
    path: ["table"],
  });

export type SqlStreamConfig = z.infer<typeof sqlStreamSchema>;

export const sqlConnectionShape = {
  url: z.string().min(1).optional(),
  host: z.string().min(1).optional(),
  port: z.number().int().positive().optional(),
  user: z.string().min(1).optional(),
  password: z.string().optional(),
  database: z.string().min(1).optional(),
  ssl: z.boolean().optional(),
  streams: z.array(sqlStreamSchema).min(1),
};

export const sqlConfigSchema = z
  .strictObject(sqlConnectionShape)
  .refine((c) => (c.url === undefined) !== (c.host === undefined), {
    message: "set either url or host (with user, password, database)",
    path: ["url"],
  })
  .refine((c) => new Set(c.streams.map((s) => s.name)).size === c.streams.length, {
    message: "stream names must be unique",
    path: ["streams"],
  });

export type SqlConfig = z.infer<typeof sqlConfigSchema>;

export function sqlStreams(streams: SqlStreamConfig[]): StreamSpec[] {
  return streams.map((s) => ({
    name: s.name,
    primaryKey: primaryKeyOf(s),
    cursorField: s.cursor_field,
    description: s.table ? `table ${s.table}` : "query",
  }));
}

export function primaryKeyOf(s: SqlStreamConfig): string[] {
  return typeof s.primary_key === "string" ? [s.primary_key] : s.primary_key;
}

/** What differs between databases; everything else is shared. */
export interface Dialect {
  name: string;
  quote(identifier: string): string;
  placeholder(index: number): string;
  /** true: `(a, b) > (x, y)` uses the index; false: spell it out as ORs */
  rowComparison: boolean;
  /** a value from a record (ISO timestamps) as the database compares it */
  bindValue(value: unknown): unknown;
}

export interface SqlSession {
  /** rows already as records: ISO timestamps, exact numerics as strings, bytes as base64 */
  query(sql: string, params: unknown[]): Promise<RawRecord[]>;
  close(): Promise<void>;
}

/** Where the next page starts: after this (cursor, ...pk) position. */
interface KeysetState extends StreamState {
  cursor?: string | number | null;
  after?: unknown[];
}

export async function* readKeyset(
  dialect: Dialect,
  connect: () => Promise<SqlSession>,
  cfg: SqlStreamConfig,
  ctx: ReadContext,
): AsyncGenerator<Batch> {
  const pk = primaryKeyOf(cfg);
  const order = cfg.cursor_field ? [cfg.cursor_field, ...pk] : pk;
  const q = dialect.quote;
  const from = cfg.table ? cfg.table.split(".").map(q).join(".") : `(${cfg.query}) AS dp_q`;
  const previous = cfg.cursor_field ? (ctx.state as KeysetState | undefined) : undefined;

  // With a lookback window, re-read rows changed shortly before the cursor (late commits); without, resume exactly after the last row.
  let lowerBound: unknown;
  let after: unknown[] | undefined;
  if (previous?.cursor !== undefined && previous.cursor !== null) {
    if (ctx.lookbackMs > 0) lowerBound = minusMs(previous.cursor, ctx.lookbackMs);
    else if (previous.after?.length === order.length) after = previous.after;
    else lowerBound = previous.cursor;
  }

  let session = await withRetry(connect, ctx, dialect);
  try {
    for (;;) {
      const params: unknown[] = [];
      const bind = (v: unknown) => {
        params.push(dialect.bindValue(v));
        return dialect.placeholder(params.length);
      };
      const where: string[] = [];
      if (cfg.cursor_field) where.push(`${q(cfg.cursor_field)} IS NOT NULL`);
      if (lowerBound !== undefined) where.push(`${q(cfg.cursor_field!)} > ${bind(lowerBound)}`);
      if (after) where.push(keysetAfter(dialect, order, after, bind));
      const sql = `SELECT * FROM ${from}${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY ${order.map((c) => `${q(c)} ASC`).join(", ")} LIMIT ${cfg.batch_size}`;
      let records: RawRecord[];
      try {
        records = await session.query(sql, params);
      } catch (e) {
        const err = mapError(e, dialect, cfg);
        if (!err.transient) throw err;
        await session.close().catch(() => {});
        session = await withRetry(connect, ctx, dialect);
        records = await withRetry(() => session.query(sql, params), ctx, dialect, cfg);
      }
      if (records.length === 0) break;
      const last = records[records.length - 1]!;
      for (const c of order) {
        if (!(c in last)) {
          throw new DpError(
            "CONFIG",
            `stream "${cfg.name}" orders by "${c}", which its ${cfg.table ? "table" : "query"} does not return`,
            {
              fix: "check primary_key and cursor_field against the column names",
            },
          );
        }
      }
      after = order.map((c) => last[c]);
      const state: KeysetState | undefined = cfg.cursor_field
        ? { cursor: last[cfg.cursor_field] as string | number, after }
        : undefined;
      yield { records, state };
      if (records.length < cfg.batch_size || ctx.signal?.aborted) break;
    }
  } finally {
    await session.close().catch(() => {});
  }
}

/** (a, b, c) > (x, y, z), as a row comparison or spelled out. */
function keysetAfter(dialect: Dialect, columns: string[], values: unknown[], bind: (v: unknown) => string): string {
  const q = dialect.quote;
  if (dialect.rowComparison) return `(${columns.map(q).join(", ")}) > (${values.map(bind).join(", ")})`;
  const clause = (i: number): string => {
    const col = q(columns[i]!);
    if (i === columns.length - 1) return `${col} > ${bind(values[i])}`;
    return `(${col} > ${bind(values[i])} OR (${col} = ${bind(values[i])} AND ${clause(i + 1)}))`;
  };
  return clause(0);
}

const ISO = /^(\d{4}-\d\d-\d\d)(?:[T ](\d\d:\d\d:\d\d(?:\.\d+)?))?(Z|[+-]\d\d:\d\d)?$/;

/** A timestamp cursor moved back by the lookback; numbers and other values stay (no window applies). */
export function minusMs(cursor: string | number, ms: number): string | number {
  if (typeof cursor === "number") return cursor;
  const m = ISO.exec(cursor);
  if (!m) return cursor;
  const zone = m[3];
  const t = Date.parse(`${m[1]}T${m[2] ?? "00:00:00"}${zone ?? "Z"}`) - ms;
  const iso = new Date(t).toISOString();
  if (zone) return iso;
  return m[2] ? iso.slice(0, -1) : iso.slice(0, 10);
}

const DB_TIMESTAMP = /^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?([+-]\d\d(?::?\d\d)?)?$/;

/**
 * A database's timestamp text as ISO 8601 with exactly six fraction digits, so every
 * value of a column has one format and DuckDB reads the column as a timestamp.
 * `utc`: the value is a point in time (rendered with Z); otherwise a wall-clock time.
 */
export function isoTimestamp(text: string, utc: boolean): string {
  const m = DB_TIMESTAMP.exec(text);
  if (!m) return text;
  const fraction = (m[3] ?? "").padEnd(6, "0");
  // DuckDB's JSON reader takes "date time.ffffff" as a wall-clock TIMESTAMP but not "dateTtime.ffffff"
  if (!utc) return `${m[1]} ${m[2]}.${fraction}`;
  const base = `${m[1]}T${m[2]}.${fraction}`;
  const offset = m[4];
  if (!offset || /^[+-]00(:?00)?$/.test(offset)) return `${base}Z`;
  return `${base}${offset.length === 3 ? `${offset}:00` : offset}`;
}

export function bytesToBase64(v: Uint8Array): string {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("base64");
}

const rawJson = JSON as unknown as { rawJSON(text: string): object; isRawJSON(v: unknown): v is { rawJSON: string } };

/** A 64-bit integer stays a JSON number even beyond 2^53 (written verbatim), so the column stays BIGINT and exact. */
export function int8(text: string): number | object {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : rawJson.rawJSON(text);
}

/** A value from a record as a driver can bind it. */
export function bindable(v: unknown): unknown {
  return rawJson.isRawJSON(v) ? v.rawJSON : v;
}

async function withRetry<T>(
  fn: () => Promise<T>,
  ctx: ReadContext,
  dialect: Dialect,
  cfg?: SqlStreamConfig,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      const err = mapError(e, dialect, cfg);
      if (!err.transient || attempt >= ctx.retry.maxAttempts || ctx.signal?.aborted) throw err;
      const wait = Math.min(ctx.retry.maxWaitMs, 250 * 2 ** attempt) * (0.5 + Math.random() / 2);
      ctx.log.warn(
        `${err.message}; retrying in ${Math.round(wait)} ms (attempt ${attempt + 1} of ${ctx.retry.maxAttempts})`,
      );
      ctx.progress?.({ retries: 1 });
      await Bun.sleep(wait);
    }
  }
}

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "PROTOCOL_CONNECTION_LOST",
  "ER_CON_COUNT_ERROR",
]);
const AUTH_CODES = new Set([
  "28P01",
  "28000",
  "ER_ACCESS_DENIED_ERROR",
  "ER_DBACCESS_DENIED_ERROR",
  "ER_NOT_SUPPORTED_AUTH_MODE",
]);
const MISSING_CODES = new Set([
  "3D000",
  "42P01",
  "42703",
  "3F000",
  "ER_BAD_DB_ERROR",
  "ER_NO_SUCH_TABLE",
  "ER_BAD_FIELD_ERROR",
]);
/** postgres classes 08 (connection), 53 (resources), 57P (shutdown), 40001/40P01 (serialization, deadlock) */
const TRANSIENT_SQLSTATE = /^(08|53|57P)|^40001$|^40P01$/;

/** Connection failures are worth retrying; refused credentials and missing objects are not. */
export function mapError(
  e: unknown,
  dialect: Dialect,
  cfg?: SqlStreamConfig,
  secrets: { url?: string; password?: string } = {},
): DpError {
  if (e instanceof DpError) return e;
  const err = e as { code?: string; message?: string; sqlState?: string };
  const code = err.code ?? "";
  const message = redact(err.message ?? String(e));
  const stream = cfg ? ` (stream "${cfg.name}")` : "";
  if (AUTH_CODES.has(code) || code.startsWith("ER_ACCESS_DENIED") || err.sqlState === "28000") {
    return new DpError("SOURCE_AUTH", `${dialect.name} refused the login: ${message}`, {
      fix: credentialFix(secrets),
      cause: e,
    });
  }
  if (MISSING_CODES.has(code)) {
    return new DpError("CONFIG", `${dialect.name}: ${message}${stream}`, {
      fix: "check the database, table and column names in the source's config",
      cause: e,
    });
  }
  if (
    NETWORK_CODES.has(code) ||
    TRANSIENT_SQLSTATE.test(code) ||
    /connection terminated|timeout|socket hang up/i.test(message)
  ) {
    return new DpError("SOURCE_TRANSIENT", `${dialect.name} unreachable: ${message || code}`, {
      transient: true,
      cause: e,
    });
  }
  return new DpError("SOURCE_DATA", `${dialect.name}${stream}: ${message}`, { cause: e });
}

/** Name the env var the credentials came from, found by value; its value is never printed. */
export function credentialFix(secrets: { url?: string; password?: string }): string {
  const names = [...new Set([...envVarsHolding(secrets.url), ...envVarsHolding(secrets.password)])];
  return names.length
    ? `check the credentials in ${names.map((n) => `$${n}`).join(" / ")}`
    : "check the user and password (set them from ${ENV} in project.yaml)";
}
