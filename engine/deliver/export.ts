import { createReadStream, existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { pipeline } from "node:stream/promises";
import { Db, literal, qualified } from "../warehouse/duckdb.ts";
import { DpError } from "../errors.ts";
import { interpolate } from "../config/env.ts";
import type { Project } from "../config/project.ts";
import { currentPointer, openReader } from "../warehouse/snapshots.ts";
import { appendAudit, type AuditEntry } from "./audit-log.ts";
import { assertFitsSheet, writeSheet, type Cell } from "./sheets-writer.ts";

export type ExportTarget =
  | { kind: "sheets"; spreadsheetId: string; tab: string }
  | { kind: "csv" | "parquet"; path: string }
  | { kind: "stdout" };

export interface ExportOptions {
  actor?: AuditEntry["actor"];
  /** `dp ask` must pass the human's explicit yes */
  approved?: boolean;
  signal?: AbortSignal;
  /** relative file targets resolve here: the cwd for `dp export`, the project dir for configured exports */
  baseDir?: string;
  /** where `--to -` writes; default process.stdout */
  stdout?: NodeJS.WritableStream;
}

export interface ExportResult {
  mart: string;
  target: string;
  kind: ExportTarget["kind"];
  rows: number;
  columns: number;
  asOf: string | null;
  durationMs: number;
  sheets?: {
    requests: number;
    cells: number;
    chunks: { rows: number; cells: number; bytes: number }[];
    created: boolean;
  };
}

export function parseTarget(to: string, where = "--to", baseDir = process.cwd()): ExportTarget {
  const sheets = /^sheets:\/\/([^/]+)\/(.+)$/.exec(to);
  if (sheets) return { kind: "sheets", spreadsheetId: sheets[1]!, tab: decodeURIComponent(sheets[2]!) };
  if (to === "-") return { kind: "stdout" };
  if (/\.csv$/i.test(to)) return { kind: "csv", path: resolve(baseDir, to) };
  if (/\.parquet$/i.test(to)) return { kind: "parquet", path: resolve(baseDir, to) };
  throw new DpError("USAGE", `cannot export to "${to}"`, {
    where,
    fix: "use sheets://SPREADSHEET_ID/TAB, FILE.csv, FILE.parquet or - (CSV on stdout)",
  });
}

/** A mart from the published catalog; "marts.x" and "x" both name it. Nothing else is exportable. */
async function resolveMart(db: Db, name: string): Promise<string> {
  const bare = name.replace(/^marts\./, "");
  const marts = (
    await db.all<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts' ORDER BY 1",
    )
  ).map((r) => r.table_name);
  if (!marts.includes(bare)) {
    throw new DpError("NOT_FOUND", `"${name}" is not a published mart`, {
      where: "marts",
      fix: marts.length ? `export one of: ${marts.join(", ")}` : "run `dp run` to build the marts first",
    });
  }
  return bare;
}

async function martAsOf(db: Db, mart: string): Promise<string | null> {
  const row = await db
    .one<{ as_of: string | null; built_at: string }>(
      "SELECT strftime(as_of, '%Y-%m-%dT%H:%M:%SZ') AS as_of, strftime(built_at, '%Y-%m-%dT%H:%M:%SZ') AS built_at FROM _dp.model_runs WHERE model = $1 AND status = 'success' ORDER BY built_at DESC LIMIT 1",
      [mart],
    )
    .catch(() => undefined);
  return row?.as_of ?? row?.built_at ?? null;
}

/**
 * Export one mart from the published snapshot (never the writer). An `act`: it is
 * audited, and when `dp ask` asks for it a human must have approved it.
 */
export async function exportMart(
  project: Project,
  mart: string,
  to: string,
  options: ExportOptions = {},
): Promise<ExportResult> {
  const actor = options.actor ?? "cli";
  const display = to;
  if (actor === "ask" && !options.approved) {
    appendAudit(project, { action: "export", actor, target: display, mart, status: "refused" });
    throw new DpError("USAGE", `exporting ${mart} to ${display} needs a human's approval`, {
      fix: "answer yes when dp ask proposes the export, or run `dp export` yourself",
    });
  }
  const started = Date.now();
  try {
    const target = parseTarget(interpolate(to, "exports[].to", `the export of ${mart}`), "--to", options.baseDir);
    const result =
      target.kind === "sheets"
        ? await toSheets(project, mart, target, options)
        : await toFile(project, mart, target, options);
    result.durationMs = Date.now() - started;
    appendAudit(project, {
      action: "export",
      actor,
      target: display,
      mart: result.mart,
      status: "ok",
      rows: result.rows,
      as_of: result.asOf,
      duration_ms: result.durationMs,
    });
    return result;
  } catch (e) {
    appendAudit(project, {
      action: "export",
      actor,
      target: display,
      mart,
      status: "failed",
      error: (e as Error).message,
    });
    throw e;
  }
}

async function toSheets(
  project: Project,
  mart: string,
  target: Extract<ExportTarget, { kind: "sheets" }>,
  options: ExportOptions,
): Promise<ExportResult> {
  const db = await openReader(project);
  let header: string[];
  let rows: Cell[][];
  let name: string;
  let asOf: string | null;
  try {
    name = await resolveMart(db, mart);
    asOf = await martAsOf(db, name);
    header = (await db.describe(`SELECT * FROM ${qualified("marts", name)}`)).map((c) => c.name);
    const count = Number(
      (await db.one<{ n: number }>(`SELECT count(*) AS n FROM ${qualified("marts", name)}`))?.n ?? 0,
    );
    // refuse before reading millions of values into memory
    assertFitsSheet(target, count + 1, header.length);
    rows = (await db.all(`SELECT * FROM ${qualified("marts", name)}`)).map((r) => header.map((h) => toCell(r[h])));
  } finally {
    db.close();
  }
  const note = `data as of ${asOf ?? "unknown"} · marts.${name} · ${rows.length} rows · exported by dp`;
  const written = await writeSheet(target, header, rows, note, options.signal);
  return {
    mart: name,
    target: `sheets://${target.spreadsheetId}/${target.tab}`,
    kind: "sheets",
    rows: rows.length,
    columns: header.length,
    asOf,
    durationMs: 0,
    sheets: { requests: written.requests, cells: written.cells, chunks: written.chunks, created: written.created },
  };
}

/** RAW values: numbers and booleans as themselves, dates/timestamps as ISO text, nested values as JSON. */
function toCell(v: unknown): Cell {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") return Number.isFinite(v) ? v : String(v);
  if (typeof v === "boolean" || typeof v === "string") return v;
  if (typeof v === "bigint") return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  return JSON.stringify(v);
}

/**
 * COPY streams from the snapshot straight to disk. The connection is read-only and
 * sandboxed to the one directory being written; the statement names a catalog mart.
 */
async function toFile(
  project: Project,
  mart: string,
  target: Extract<ExportTarget, { kind: "csv" | "parquet" | "stdout" }>,
  options: ExportOptions,
): Promise<ExportResult> {
  const pointer = currentPointer(project);
  const snapshot = pointer && join(project.paths.snapshots, pointer.file);
  if (!snapshot || !existsSync(snapshot)) {
    throw new DpError("NOT_FOUND", "there is no built warehouse yet", {
      where: project.paths.warehouse,
      fix: "run `dp run` first",
      exitCode: 1,
    });
  }
  const finalPath =
    target.kind === "stdout" ? join(project.paths.work, "tmp", `stdout-${process.pid}.csv`) : target.path;
  const dir = dirname(finalPath);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.dp-export-${process.pid}-${Date.now()}.tmp`);
  const db = await Db.open(snapshot, {
    readOnly: true,
    threads: project.config.warehouse.threads,
    sandbox: { allowedDirectories: [dir] },
  });
  let rows: number;
  let name: string;
  let columns: number;
  let asOf: string | null;
  try {
    name = await resolveMart(db, mart);
    asOf = await martAsOf(db, name);
    columns = (await db.describe(`SELECT * FROM ${qualified("marts", name)}`)).length;
    const format = target.kind === "parquet" ? "FORMAT parquet, COMPRESSION zstd" : "FORMAT csv, HEADER true";
    const out = await db.one<{ Count: number }>(
      `COPY (SELECT * FROM ${qualified("marts", name)}) TO ${literal(tmp)} (${format})`,
    );
    rows = Number(out?.Count ?? 0);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  } finally {
    db.close();
  }
  if (target.kind === "stdout") {
    try {
      await pipeline(createReadStream(tmp), options.stdout ?? process.stdout, { end: false });
    } finally {
      rmSync(tmp, { force: true });
    }
  } else {
    renameSync(tmp, finalPath);
  }
  return {
    mart: name,
    target: target.kind === "stdout" ? "-" : finalPath,
    kind: target.kind,
    rows,
    columns,
    asOf,
    durationMs: 0,
  };
}
