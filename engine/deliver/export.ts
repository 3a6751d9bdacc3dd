import { createReadStream, mkdirSync, renameSync, rmSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import { Db, ident, literal, qualified } from "../warehouse/duckdb.ts";
import { didYouMean } from "../closest-name.ts";
import { DpError } from "../errors.ts";
import type { Project } from "../config/project.ts";
import { maskSql } from "../catalog/pii-mask.ts";
import { loadModels } from "../transform/models.ts";
import { currentPointer, openReader, snapshotAttachments } from "../warehouse/snapshots.ts";
import { partsDir } from "../warehouse/table-parts.ts";
import { appendAudit, type AuditEntry } from "./audit-log.ts";
import { insideProject, resolveTarget, type ExportTarget } from "./export-target.ts";
import { SHEETS_MAX_CELL_CHARS, assertFitsSheet, writeSheet, type Cell } from "./sheets-writer.ts";

export { parseTarget, type ExportTarget } from "./export-target.ts";

export interface ExportOptions {
  actor?: AuditEntry["actor"];
  /** `dp ask` must pass the human's explicit yes */
  approved?: boolean;
  /** who or what said yes (a person in dp review, a decision's authority map), for the audit line */
  approvedBy?: string;
  signal?: AbortSignal;
  /** relative file targets resolve here: the cwd for `dp export`, the project dir for configured exports */
  baseDir?: string;
  /** where `--to -` writes; default process.stdout */
  stdout?: NodeJS.WritableStream;
  /** write columns tagged `pii: true` as they are (a human asked: --include-pii, or `include_pii: true`) */
  includePii?: boolean;
}

export interface ExportResult {
  mart: string;
  target: string;
  kind: ExportTarget["kind"];
  rows: number;
  columns: number;
  asOf: string | null;
  durationMs: number;
  /** columns tagged `pii: true` that were written masked */
  masked: string[];
  sheets?: {
    requests: number;
    cells: number;
    chunks: { rows: number; cells: number; bytes: number }[];
    created: boolean;
  };
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
      fix: marts.length
        ? `${didYouMean(bare, marts, { list: true, max: 40 }).replace(/^use one of/, "export one of")}`
        : "run `dp run` to build the marts first",
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

/** Integers and decimals a double cannot hold exactly travel as text and are turned back into numbers only when exact. */
const WIDE = /^(BIGINT|HUGEINT|UBIGINT|UHUGEINT|DECIMAL)/;

interface Projection {
  /** SELECT … FROM marts.x with masked and exact-text columns */
  sql: string;
  header: string[];
  wide: boolean[];
  masked: string[];
}

/** The mart as it may leave the machine: columns tagged `pii: true` masked unless a human asked for them. */
async function projection(
  project: Project,
  db: Db,
  mart: string,
  includePii: boolean,
  exactText: boolean,
): Promise<Projection> {
  const columns = await db.describe(`SELECT * FROM ${qualified("marts", mart)}`);
  const tagged = new Set(
    loadModels(project)
      .models.get(mart)
      ?.config.columns.filter((c) => c.pii)
      .map((c) => c.name.toLowerCase()) ?? [],
  );
  const masked = includePii ? [] : columns.filter((c) => tagged.has(c.name.toLowerCase())).map((c) => c.name);
  const wide = columns.map((c) => exactText && !masked.includes(c.name) && WIDE.test(c.type));
  const select = columns.map((c, i) =>
    masked.includes(c.name)
      ? maskSql(c.name)
      : wide[i]
        ? `CAST(${ident(c.name)} AS VARCHAR) AS ${ident(c.name)}`
        : ident(c.name),
  );
  return {
    sql: `SELECT ${select.join(", ")} FROM ${qualified("marts", mart)}`,
    header: columns.map((c) => c.name),
    wide,
    masked,
  };
}

/**
 * Export one mart from the published snapshot (never the writer). An `act`: it is audited with the
 * target it really wrote to, and when `dp ask` asks for it a human must have approved it.
 */
export async function exportMart(
  project: Project,
  mart: string,
  to: string,
  options: ExportOptions = {},
): Promise<ExportResult> {
  const actor = options.actor ?? "cli";
  let display = redactedTarget(to);
  if (actor === "ask" && !options.approved) {
    appendAudit(project, { action: "export", actor, target: display, mart, status: "refused" });
    throw new DpError("USAGE", `exporting ${mart} to ${display} needs a human's approval`, {
      fix: "answer yes when dp ask proposes the export, or run `dp export` yourself",
    });
  }
  const started = Date.now();
  try {
    const resolved = resolveTarget(project, to, { baseDir: options.baseDir, mart });
    display = resolved.display;
    const target = resolved.target;
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
      pii: result.masked.length ? "masked" : options.includePii ? "included" : "none",
      masked_columns: result.masked,
      duration_ms: result.durationMs,
      ...(options.approvedBy ? { approved_by: options.approvedBy } : {}),
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

/** The target as written, for the audit line of a refusal: its ${VAR}s unexpanded, secrets redacted. */
function redactedTarget(to: string): string {
  return to.length > 300 ? `${to.slice(0, 300)}…` : to;
}

async function toSheets(
  project: Project,
  mart: string,
  target: Extract<ExportTarget, { kind: "sheets" }>,
  options: ExportOptions,
): Promise<ExportResult> {
  const db = await openReader(project);
  try {
    const name = await resolveMart(db, mart);
    const asOf = await martAsOf(db, name);
    const p = await projection(project, db, name, !!options.includePii, true);
    const count = Number(
      (await db.one<{ n: number }>(`SELECT count(*) AS n FROM ${qualified("marts", name)}`))?.n ?? 0,
    );
    // refused before reading a row or sending a request
    assertFitsSheet(target, count + 1, p.header.length);
    await assertCellsFit(db, p, target);
    const note = `data as of ${asOf ?? "unknown"} · marts.${name} · ${count} rows · exported by dp${p.masked.length ? ` · masked: ${p.masked.join(", ")}` : ""}`;
    const batches = async function* () {
      for await (const rows of db.batches(p.sql)) yield rows.map((r) => r.map((v, i) => toCell(v, p.wide[i]!)));
    };
    const written = await writeSheet(target, { header: p.header, rows: count, batches }, note, options.signal);
    return {
      mart: name,
      target: `sheets://${target.spreadsheetId}/${target.tab}`,
      kind: "sheets",
      rows: count,
      columns: p.header.length,
      asOf,
      durationMs: 0,
      masked: p.masked,
      sheets: { requests: written.requests, cells: written.cells, chunks: written.chunks, created: written.created },
    };
  } finally {
    db.close();
  }
}

/** Google refuses a cell over 50,000 characters, mid-export; dp refuses before the first request, naming the column. */
async function assertCellsFit(db: Db, p: Projection, target: Extract<ExportTarget, { kind: "sheets" }>): Promise<void> {
  if (!p.header.length) return;
  const lengths = p.header.map((h, i) => `max(length(CAST(${ident(h)} AS VARCHAR))) AS ${ident(`c${i}`)}`);
  const row = await db.one(`SELECT ${lengths.join(", ")} FROM (${p.sql})`);
  const over = p.header.findIndex((_, i) => Number(row?.[`c${i}`] ?? 0) > SHEETS_MAX_CELL_CHARS);
  if (over < 0) return;
  throw new DpError(
    "USAGE",
    `column ${p.header[over]} holds a value of ${Number(row?.[`c${over}`]).toLocaleString("en-US")} characters; a Google Sheets cell holds at most 50,000`,
    {
      where: `sheets://${target.spreadsheetId}/${target.tab}`,
      fix: "shorten or drop that column in the mart, or export to a file (--to FILE.parquet)",
      exitCode: 1,
    },
  );
}

/** RAW values: numbers and booleans as themselves, dates/timestamps as ISO text, nested values as JSON, wide numbers exact. */
function toCell(v: unknown, wide: boolean): Cell {
  if (v === null || v === undefined) return "";
  if (wide && typeof v === "string") return exactNumber(v);
  if (typeof v === "number") return Number.isFinite(v) ? v : String(v);
  if (typeof v === "boolean" || typeof v === "string") return v;
  if (typeof v === "bigint") return exactNumber(v.toString());
  return JSON.stringify(v);
}

/** A number when a double holds it exactly (Sheets stores doubles), else its digits as text: 2^53 + 1 is never rounded. */
function exactNumber(text: string): Cell {
  const n = Number(text);
  if (!Number.isFinite(n)) return text;
  const canonical = text
    .replace(/^\+/, "")
    .replace(/(\.\d*?)0+$/, "$1")
    .replace(/\.$/, "")
    .replace(/^-0$/, "0");
  return String(n) === canonical ? n : text;
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
  // checked again now that the directories exist: a symlink swapped in meanwhile still cannot lead out
  if (target.kind !== "stdout" && !insideProject(project, finalPath))
    throw new DpError("USAGE", "the export's directory now leads outside the project", { where: dir });
  const tmp = join(dir, `.dp-export-${process.pid}-${Date.now()}.tmp`);
  const db = await Db.open(snapshot, {
    readOnly: true,
    threads: project.config.warehouse.threads,
    // the snapshot's tables are views over its Parquet parts
    sandbox: { allowedDirectories: [dir, partsDir(project.paths.snapshots)] },
    attach: snapshotAttachments(project, snapshot),
  });
  let rows: number;
  let name: string;
  let p: Projection;
  let asOf: string | null;
  try {
    name = await resolveMart(db, mart);
    asOf = await martAsOf(db, name);
    p = await projection(project, db, name, !!options.includePii, false);
    const format = target.kind === "parquet" ? "FORMAT parquet, COMPRESSION zstd" : "FORMAT csv, HEADER true";
    const out = await db.one<{ Count: number }>(`COPY (${p.sql}) TO ${literal(tmp)} (${format})`);
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
    columns: p.header.length,
    asOf,
    durationMs: 0,
    masked: p.masked,
  };
}
