import { DpError } from "../../engine/errors.ts";
import type { Batch, RawRecord, ReadContext, StreamState } from "../../engine/ingest/connector.ts";
import { sameValue, type SqlColumn } from "./column.ts";
import { primaryKeyOf, type SqlStreamConfig } from "./config.ts";
import { mapError } from "./errors.ts";

/**
 * Reading tables and queries from a SQL database in keyset pages: each page is one short query
 * ordered by (cursor_field, primary key) that starts at the last row of the page before, so
 * neither the table nor a server-side cursor is held open. Within a pull, pages follow
 * (cursor, key); between pulls, a stream starts again at its saved cursor value, inclusive, so a
 * row updated to exactly that value is never missed (staging dedups the rows read twice). Rows
 * whose cursor is NULL cannot say when they changed: they are read on every pull, and counted.
 */

/** What differs between databases; everything else is shared. */
export interface Dialect {
  name: string;
  quote(identifier: string): string;
  placeholder(index: number): string;
  /** true: `(a, b) >= (x, y)` uses the index; false: spell it out */
  rowComparison: boolean;
}

export interface SqlSession {
  /** the columns `from` (a quoted table, or a subquery) returns, typed from the catalog */
  describe(from: string, isTable: boolean): Promise<SqlColumn[]>;
  /** rows as arrays of the driver's values, in select-list order */
  query(sql: string, params: unknown[]): Promise<unknown[][]>;
  close(): Promise<void>;
}

interface Phase {
  /** the rows whose cursor is NULL, or the others; undefined without a cursor_field */
  nulls?: boolean;
  order: string[];
}

export async function* readKeyset(
  dialect: Dialect,
  connect: () => Promise<SqlSession>,
  cfg: SqlStreamConfig,
  ctx: ReadContext,
): AsyncGenerator<Batch> {
  const q = dialect.quote;
  const from = cfg.table ? cfg.table.split(".").map(q).join(".") : `(${cfg.query}) AS dp_q`;
  const conn = new Connection(connect, ctx, dialect.name, cfg.name);
  try {
    const columns = await conn.run((s) => s.describe(from, cfg.table !== undefined));
    const at = columnIndex(columns, cfg);
    ctx.declare?.(columns.map(({ name, type, source_type, encoding }) => ({ name, type, source_type, encoding })));
    const select = columns.map((c) => (c.select ? `${c.select(q(c.name))} AS ${q(c.name)}` : q(c.name))).join(", ");
    const pk = primaryKeyOf(cfg);
    const cursor = cfg.cursor_field;
    const saved = cursor ? ctx.state?.cursor : undefined;
    const kept: StreamState | undefined = saved === undefined || saved === null ? undefined : { cursor: saved };
    const cursorCol = cursor ? columns[at.get(cursor)!]! : undefined;
    // (MariaDB's `IS NULL` also finds the zero dates of a NOT NULL column: a column that holds no NULL is not asked)
    const phases: Phase[] = !cursor
      ? [{ order: pk }]
      : [...(cursorCol!.notNull ? [] : [{ nulls: true, order: pk }]), { nulls: false, order: [cursor, ...pk] }];
    let pages = 0;
    for (const phase of phases) {
      const orderCols = phase.order.map((c) => columns[at.get(c)!]!);
      const orderAt = phase.order.map((c) => at.get(c)!);
      let after: unknown[] | undefined;
      let read = 0;
      for (;;) {
        const params: unknown[] = [];
        const bind = (value: unknown, col: SqlColumn) => {
          params.push(value);
          const p = dialect.placeholder(params.length);
          return col.param ? col.param(p) : p;
        };
        const where: string[] = [];
        if (phase.nulls !== undefined) where.push(`${q(cursor!)} IS ${phase.nulls ? "" : "NOT "}NULL`);
        if (phase.nulls === false && !after && kept) {
          const from = ctx.lookbackMs > 0 ? minusMs(kept.cursor!, ctx.lookbackMs) : kept.cursor!;
          where.push(`${q(cursor!)} >= ${bind(cursorCol!.bind ? cursorCol!.bind(from) : from, cursorCol!)}`);
        }
        if (after) where.push(keysetFrom(dialect, orderCols, after, bind));
        // from the second page on, the page starts at the last row read (>=), one more row is asked for,
        // and that row is dropped: a second row with the same key shows the key is not unique
        const limit = cfg.batch_size + (after ? 1 : 0);
        const sql = `SELECT ${select} FROM ${from}${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY ${phase.order.map((c) => `${q(c)} ASC`).join(", ")} LIMIT ${limit}`;
        let rows = await conn.run((s) => s.query(sql, params));
        const fetched = rows.length;
        const key = (row: unknown[]) => orderAt.map((i) => row[i]);
        if (after && rows.length && sameKey(key(rows[0]!), after)) rows = rows.slice(1);
        checkUnique(rows, after, key, cfg, phase.order);
        if (rows.length === 0) break;
        pages++;
        ctx.progress?.({ pages });
        read += rows.length;
        const last = rows[rows.length - 1]!;
        after = key(last);
        const state = phase.nulls === false ? { cursor: cursorCol!.cursor(last[at.get(cursor!)!]) } : kept;
        yield { records: rows.map((row) => record(columns, row)), state };
        if (fetched < limit || ctx.signal?.aborted) break;
      }
      if (phase.nulls && read > 0)
        ctx.log.info(
          `${read} row${read === 1 ? "" : "s"} with a NULL ${cursor} read: a NULL cannot say when a row changed, so these are read on every pull`,
        );
      if (ctx.signal?.aborted) break;
    }
    for (const c of columns)
      if (c.zeroDates)
        ctx.log.warn(
          `${c.zeroDates} zero date${c.zeroDates === 1 ? "" : "s"} in ${c.name} ('0000-00-00', or a zero month or day) landed as NULL: no date holds them`,
        );
  } finally {
    await conn.close();
  }
}

function record(columns: SqlColumn[], row: unknown[]): RawRecord {
  const out: RawRecord = {};
  for (let i = 0; i < columns.length; i++) out[columns[i]!.name] = columns[i]!.encode(row[i]);
  return out;
}

/** Where each column is; the columns the stream orders by must be there, once. */
function columnIndex(columns: SqlColumn[], cfg: SqlStreamConfig): Map<string, number> {
  const at = new Map<string, number>();
  for (const [i, c] of columns.entries()) {
    if (at.has(c.name))
      throw new DpError("CONFIG", `stream "${cfg.name}": its query returns the column "${c.name}" twice`, {
        fix: "give one of them another name (AS …)",
      });
    at.set(c.name, i);
  }
  for (const c of [...primaryKeyOf(cfg), ...(cfg.cursor_field ? [cfg.cursor_field] : [])]) {
    if (!at.has(c)) {
      throw new DpError(
        "CONFIG",
        `stream "${cfg.name}" orders by "${c}", which its ${cfg.table ? "table" : "query"} does not return`,
        { fix: `check primary_key and cursor_field against the column names: ${[...at.keys()].join(", ")}` },
      );
    }
  }
  return at;
}

function sameKey(a: unknown[], b: unknown[]): boolean {
  return a.every((v, i) => sameValue(v, b[i]));
}

/** Two rows in order with the same (cursor, key): paging by it would skip rows at a page boundary. */
function checkUnique(
  rows: unknown[][],
  after: unknown[] | undefined,
  key: (row: unknown[]) => unknown[],
  cfg: SqlStreamConfig,
  order: string[],
): void {
  let previous = after;
  for (const row of rows) {
    const k = key(row);
    if (previous && sameKey(previous, k)) {
      const pk = primaryKeyOf(cfg);
      throw new DpError(
        "SOURCE_DATA",
        `primary_key (${pk.join(", ")}) of stream "${cfg.name}" is not unique: two rows have ${order.map((c, i) => `${c} = ${show(k[i])}`).join(", ")}, and paging by it would skip rows`,
        { fix: "set primary_key to the column, or list of columns, that identifies one row" },
      );
    }
    previous = k;
  }
}

function show(v: unknown): string {
  return v instanceof Uint8Array ? `0x${Buffer.from(v).toString("hex")}` : String(v);
}

/** (a, b, c) >= (x, y, z), as a row comparison or spelled out. */
function keysetFrom(
  dialect: Dialect,
  columns: SqlColumn[],
  values: unknown[],
  bind: (v: unknown, col: SqlColumn) => string,
): string {
  const q = dialect.quote;
  if (dialect.rowComparison)
    return `(${columns.map((c) => q(c.name)).join(", ")}) >= (${values.map((v, i) => bind(v, columns[i]!)).join(", ")})`;
  const clause = (i: number): string => {
    const col = q(columns[i]!.name);
    if (i === columns.length - 1) return `${col} >= ${bind(values[i], columns[i]!)}`;
    return `(${col} > ${bind(values[i], columns[i]!)} OR (${col} = ${bind(values[i], columns[i]!)} AND ${clause(i + 1)}))`;
  };
  return clause(0);
}

const TIMESTAMP = /^(\d{4}-\d\d-\d\d)(?:[T ](\d\d:\d\d:\d\d(?:\.\d+)?))?(Z|[+-]\d\d(?::?\d\d)?)?$/;

/** A timestamp cursor moved back by the lookback; numbers and other values stay (no window applies). */
export function minusMs(cursor: string | number, ms: number): string | number {
  if (typeof cursor === "number") return cursor;
  const m = TIMESTAMP.exec(cursor);
  if (!m) return cursor;
  const zone = m[3] && m[3] !== "Z" ? m[3].replace(/^([+-]\d\d):?(\d\d)?$/, (_, h, mm) => `${h}:${mm ?? "00"}`) : m[3];
  const t = Date.parse(`${m[1]}T${m[2] ?? "00:00:00"}${zone ?? "Z"}`) - ms;
  if (Number.isNaN(t)) return cursor;
  const iso = new Date(t).toISOString();
  if (zone) return iso;
  return m[2] ? iso.slice(0, -1).replace("T", " ") : iso.slice(0, 10);
}

/** One connection, reopened and the statement retried when it drops or times out. */
class Connection {
  private session: SqlSession | undefined;
  private retries = 0;

  constructor(
    private readonly connect: () => Promise<SqlSession>,
    private readonly ctx: ReadContext,
    private readonly dialect: string,
    private readonly stream: string,
  ) {}

  async run<T>(fn: (s: SqlSession) => Promise<T>): Promise<T> {
    const { maxAttempts, maxWaitMs } = this.ctx.retry;
    for (let attempt = 1; ; attempt++) {
      try {
        this.session ??= await this.connect();
        return await fn(this.session);
      } catch (e) {
        const err = mapError(e, this.dialect, this.stream);
        if (!err.transient || attempt >= maxAttempts || this.ctx.signal?.aborted) throw err;
        await this.close();
        const wait = Math.min(maxWaitMs, 250 * 2 ** attempt) * (0.5 + Math.random() / 2);
        this.ctx.log.warn(
          `${err.message}; retrying in ${Math.round(wait)} ms (attempt ${attempt + 1} of ${maxAttempts})`,
        );
        this.ctx.progress?.({ retries: ++this.retries });
        await Bun.sleep(wait);
      }
    }
  }

  async close(): Promise<void> {
    const s = this.session;
    this.session = undefined;
    await s?.close().catch(() => {});
  }
}
