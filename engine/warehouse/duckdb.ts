import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { DuckDBConnection, DuckDBInstance, DuckDBValue } from "@duckdb/node-api";
import { DpError } from "../errors.ts";
import { closestName } from "../closest-name.ts";
import { loadDuckDB } from "./duckdb-native.ts";
import { defaultMemoryLimit, defaultThreads } from "./duckdb-settings.ts";

/** Loads DuckDB's module (on the calling thread) without opening anything: a caller with other work for this
 * thread awaits it first, so that an instance opened next opens on DuckDB's threads beside that work. */
export async function loadEngine(): Promise<void> {
  await loadDuckDB();
}

/**
 * The one module that talks to DuckDB. Everything else goes through Db:
 * values are bound as parameters; identifiers are quoted with ident().
 */
export type SqlValue = string | number | boolean | null | bigint | Date;
export type Row = Record<string, unknown>;

export interface OpenOptions {
  readOnly?: boolean;
  threads?: number;
  memoryLimit?: string;
  /** where DuckDB spills past its memory limit (default: beside a database file; the system temp dir for `:memory:`) */
  tempDirectory?: string;
  /** Lock the engine down for SQL run on behalf of a question or a human's `dp sql`. */
  sandbox?: { allowedDirectories: string[] };
  /** DuckDB files attached read-only under these names before the sandbox locks the engine (a snapshot's base) */
  attach?: { path: string; alias: string }[];
  /**
   * Attach and lock down at the first statement instead of at the open: a reader that runs none (an answer from
   * the catalog cache, a refusal) never reads the base's catalog (≈16 ms of CPU for 54 tables). The order is the
   * same (attach, then lock, then the statement), and every statement, on this connection or another of the same
   * instance, waits for both: no SQL runs on an instance that is not locked yet.
   */
  deferAttach?: boolean;
}

/** The attach and lock-down of an instance opened with `deferAttach`, run once for all its connections. */
interface Gate {
  prepare: () => Promise<void>;
  done?: Promise<void>;
}

const SELECT_STATEMENT = 1;
const WRITE_STATEMENT =
  /^[\s(]*(insert|update|delete|create|drop|alter|copy|attach|detach|install|load|set|reset|merge|truncate|vacuum|checkpoint|export|import|call|use|begin|commit|rollback)\b/i;

export class Db {
  private constructor(
    private readonly instance: DuckDBInstance,
    readonly conn: DuckDBConnection,
    readonly path: string,
    /** false for a connection from `connect()`: closing it leaves the database open */
    private readonly ownsInstance = true,
    private readonly gate?: Gate,
  ) {}

  /** Another connection to the same database, for a statement that runs beside this one's. */
  async connect(): Promise<Db> {
    return new Db(this.instance, await this.instance.connect(), this.path, false, this.gate);
  }

  /** Whether the attach and lock-down deferred by `deferAttach` are still to come (no statement has run yet). */
  get deferred(): boolean {
    return !!this.gate && !this.gate.done;
  }

  /** Runs the deferred attach and lock-down once; a failure fails this and every later statement. */
  private ready(): Promise<void> | undefined {
    return this.gate && (this.gate.done ??= this.gate.prepare());
  }

  /**
   * Starts a deferred attach and lock-down now, for a reader that knows it will query: the statements the first
   * statement would run, in the same order, only earlier (the base is read while the caller's JavaScript builds its
   * first query). A failure is kept and fails every statement, as at the first statement. Resolves when they are done
   * either way: close() must not run while they do (closing a connection with a statement in flight crashes the engine).
   */
  warm(): Promise<void> {
    return this.ready()?.catch(() => undefined) ?? Promise.resolve();
  }

  static async open(path: string, options: OpenOptions = {}): Promise<Db> {
    const { DuckDBInstance } = await loadDuckDB();
    if (path !== ":memory:" && !path.startsWith("md:") && !options.readOnly)
      mkdirSync(dirname(path), { recursive: true });
    const config: Record<string, string> = {};
    if (options.readOnly) config.access_mode = "READ_ONLY";
    config.threads = String(options.threads ?? defaultThreads());
    config.memory_limit = options.memoryLimit ?? defaultMemoryLimit();
    // DuckDB's default for an in-memory database is `.tmp` in the working directory (a cron job's may be `/`)
    const spill =
      options.tempDirectory ?? (path === ":memory:" ? join(tmpdir(), `dp-spill-${process.pid}`) : undefined);
    if (spill) config.temp_directory = spill;
    config.autoinstall_known_extensions = "false";
    config.autoload_known_extensions = "false";
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(path, config);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      // not /lock/: "Corrupt database file … in block at …" is no lock
      if (/Could not set lock|Conflicting lock/i.test(msg)) {
        throw new DpError("LOCKED", `the warehouse ${path} is in use by another process`, {
          fix: "wait for the running `dp run` to finish (readers use the published snapshot)",
          cause: e,
        });
      }
      throw new DpError("IO", `cannot open DuckDB database ${path}: ${msg}`, { cause: e });
    }
    const conn = await instance.connect();
    const attach = options.attach ?? [];
    const sandbox = options.sandbox;
    // the statements of the gate go straight to the connection: run() and all() wait for the gate itself
    const gate: Gate | undefined = options.deferAttach
      ? {
          prepare: async () => {
            const statements = [
              ...attach.map((a) => `ATTACH ${literal(a.path)} AS ${ident(a.alias)} (READ_ONLY)`),
              ...(sandbox ? lockDownStatements(sandbox.allowedDirectories) : []),
            ];
            for (const s of statements) {
              try {
                await conn.run(s);
              } catch (e) {
                throw sqlError(e, s);
              }
            }
          },
        }
      : undefined;
    const db = new Db(instance, conn, path, true, gate);
    // a snapshot's marts are views over Parquet parts, whose footer each statement read again (a ratio's value,
    // numerator, denominator and trend: five reads of one file); the cache checks the file's mtime. A setting of
    // the parquet extension, which loads after the instance: not a config key
    // on the connection itself: run() would wait for a deferred lock-down, which locks this setting too
    if (options.readOnly) {
      try {
        await conn.run("SET parquet_metadata_cache = true");
      } catch (e) {
        db.close();
        throw sqlError(e, "SET parquet_metadata_cache = true");
      }
    }
    if (gate) return db;
    try {
      for (const a of attach) await db.run(`ATTACH ${literal(a.path)} AS ${ident(a.alias)} (READ_ONLY)`);
    } catch (e) {
      db.close();
      throw e;
    }
    if (sandbox) for (const s of lockDownStatements(sandbox.allowedDirectories)) await db.run(s);
    return db;
  }

  async run(sql: string, params: SqlValue[] = []): Promise<void> {
    await this.ready();
    try {
      if (params.length === 0) await this.conn.run(sql);
      else await this.conn.run(sql, params as DuckDBValue[]);
    } catch (e) {
      throw sqlError(e, sql);
    }
  }

  /**
   * The result is materialized by `run`; its chunks are read synchronously. runAndReadAll fetched each
   * chunk with another async call, two or three round trips for a one-row answer: ≈0.3 ms per statement.
   */
  async all<T extends Row = Row>(sql: string, params: SqlValue[] = []): Promise<T[]> {
    await this.ready();
    try {
      const result = params.length === 0 ? await this.conn.run(sql) : await this.conn.run(sql, params as DuckDBValue[]);
      const { JsonDuckDBValueConverter: toJson } = await loadDuckDB();
      const names = result.deduplicatedColumnNames();
      const numeric = result
        .columnTypes()
        .map((t, i) => (/^(BIGINT|HUGEINT|UBIGINT|UHUGEINT|DECIMAL)/.test(t.toString()) ? i : -1))
        .filter((i) => i >= 0);
      const rows: Row[] = [];
      for (let c = 0; c < result.chunkCount; c++) {
        const chunk = result.getChunk(c);
        for (let r = 0; r < chunk.rowCount; r++) {
          const row: Row = {};
          chunk.visitRowValues(r, (value, _r, column, type) => {
            row[names[column]!] = toJson(value, type, toJson);
          });
          for (const i of numeric) {
            const v = row[names[i]!];
            if (typeof v === "string") row[names[i]!] = Number(v);
          }
          rows.push(row);
        }
      }
      return rows as T[];
    } catch (e) {
      throw sqlError(e, sql);
    }
  }

  /**
   * Rows in batches (one DuckDB chunk, ≤ 2,048 rows, at a time) as JSON values, for results too large to hold:
   * an export to Sheets streams a mart through this. Wide numbers arrive as exact text, never rounded.
   */
  async *batches(sql: string): AsyncGenerator<unknown[][]> {
    let result: Awaited<ReturnType<DuckDBConnection["stream"]>>;
    await this.ready();
    try {
      result = await this.conn.stream(sql);
    } catch (e) {
      throw sqlError(e, sql);
    }
    for await (const rows of result.yieldRowsJson()) yield rows;
  }

  async one<T extends Row = Row>(sql: string, params: SqlValue[] = []): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  /**
   * Only a single SELECT passes: DuckDB's own parser counts the statements and
   * names the statement type, so no regex decides what is read-only.
   */
  async assertSingleSelect(sql: string): Promise<void> {
    // its prepare binds the statement, which may read a file (read_csv's sniffer): only once locked down
    await this.ready();
    let count: number;
    try {
      count = (await this.conn.extractStatements(sql)).count;
    } catch (e) {
      throw new DpError("SQL_SYNTAX", `not valid SQL: ${(e as Error).message.split("\n")[0]}`, {
        fix: "check the statement's syntax",
      });
    }
    if (count !== 1) {
      throw new DpError("READ_ONLY", `expected exactly one statement, got ${count}`, {
        fix: "run one SELECT at a time",
      });
    }
    let type: number;
    try {
      const prepared = await this.conn.prepare(sql);
      type = prepared.statementType as unknown as number;
    } catch (e) {
      // a write that cannot even bind (DELETE from a snapshot's view over Parquet parts) is still a write
      if (WRITE_STATEMENT.test(sql.replace(/--[^\n]*/g, "").replace(/\/\*[\s\S]*?\*\//g, "")))
        throw new DpError("READ_ONLY", "only SELECT statements are allowed here", {
          fix: "dp sql is read-only; change data through models and `dp build`",
        });
      throw prepareError(e as Error);
    }
    if (type !== SELECT_STATEMENT) {
      throw new DpError("READ_ONLY", "only SELECT statements are allowed here", {
        fix: "dp sql is read-only; change data through models and `dp build`",
      });
    }
  }

  async describe(sql: string): Promise<{ name: string; type: string }[]> {
    const rows = await this.all<{ column_name: string; column_type: string }>(`DESCRIBE ${sql}`);
    return rows.map((r) => ({ name: r.column_name, type: r.column_type }));
  }

  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    await this.run("BEGIN TRANSACTION");
    try {
      const out = await fn();
      await this.run("COMMIT");
      return out;
    } catch (e) {
      await this.run("ROLLBACK").catch(() => {});
      throw e;
    }
  }

  close(): void {
    try {
      this.conn.closeSync();
    } catch {}
    if (!this.ownsInstance) return;
    try {
      this.instance.closeSync();
    } catch {}
  }
}

/** Quote an identifier; names themselves must come from the catalog, not from users. */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function qualified(schema: string, name: string): string {
  return `${ident(schema)}.${ident(name)}`;
}

/** A string literal, for the few places DuckDB takes no parameter (paths in COPY, SET). */
export function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

export function sqlList(values: string[]): string {
  return `[${values.map(literal).join(", ")}]`;
}

function sqlError(e: unknown, sql: string): DpError {
  const msg = e instanceof Error ? e.message : String(e);
  return new DpError("MODEL_SQL", msg, { cause: e, where: sql.length > 200 ? `${sql.slice(0, 200)}…` : sql });
}

/** What DuckDB said about a statement it could not prepare, under the code for what went wrong. */
function prepareError(e: Error): DpError {
  const [first = "", ...rest] = e.message.split("\n");
  const hint = rest.find((l) => /^Did you mean/.test(l.trim()))?.trim();
  const where = statementPointer(rest);
  if (/^Catalog Error/.test(first))
    return new DpError("NOT_FOUND", first, {
      where,
      fix: hint ?? "`dp catalog` lists the marts; name them as marts.NAME (or staging.NAME)",
    });
  if (/^Parser Error/.test(first))
    return new DpError("SQL_SYNTAX", first, { where, fix: "check the statement's syntax" });
  return new DpError("SQL_ERROR", first, {
    where,
    fix: hint ?? columnHint(first, rest) ?? "check the column and function names (`dp catalog` lists columns)",
  });
}

/** DuckDB's "LINE 1: …" and its caret, as one line: the column the caret points at, and the text from there. */
function statementPointer(lines: string[]): string | undefined {
  const at = lines.findIndex((l) => /^LINE \d+:/.test(l));
  if (at < 0) return undefined;
  const line = lines[at]!;
  const caret = lines[at + 1]?.indexOf("^") ?? -1;
  const prefix = /^LINE \d+: /.exec(line)![0].length;
  if (caret < prefix) return line.trim();
  const text = line.slice(prefix);
  const column = caret - prefix;
  const shown = text.slice(column, column + 60);
  return `${line.slice(0, prefix - 2).toLowerCase()}, column ${column + 1}: ${shown}${text.length > column + 60 ? "…" : ""}`;
}

/** A column DuckDB could not bind: the closest of its candidate bindings, if one is close. */
function columnHint(first: string, rest: string[]): string | undefined {
  const missing = /Referenced column "([^"]+)" not found/.exec(first)?.[1];
  const candidates = rest.find((l) => l.startsWith("Candidate bindings:"));
  if (!missing || !candidates) return undefined;
  const names = [...candidates.matchAll(/"([^"]+)"/g)].map((m) => m[1]!);
  const near =
    closestName(missing, names) ??
    closestName(
      missing,
      names.map((n) => n.split(".").at(-1)!),
    );
  return near ? `did you mean "${near}"? (\`dp catalog\` lists columns)` : undefined;
}

/** External access off but for these directories, then the configuration locked: the last statements before SQL on behalf of a question or a human. */
function lockDownStatements(allowedDirectories: string[]): string[] {
  const dirs = allowedDirectories.map((d) => (d.endsWith("/") ? d : `${d}/`));
  return [
    `SET allowed_directories = ${sqlList(dirs)}`,
    "SET enable_external_access = false",
    "SET lock_configuration = true",
  ];
}
