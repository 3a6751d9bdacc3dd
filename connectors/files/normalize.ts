import { rmSync } from "node:fs";
import { join } from "node:path";
import { Db, literal } from "../../engine/warehouse/duckdb.ts";
import { DpError } from "../../engine/errors.ts";
import { REJECT_COLUMNS, rejectLine, type BadRow } from "./bad-rows.ts";
import type { FileFormat, FileStreamConfig } from "./config.ts";
import type { SourceFile } from "./discover.ts";
import { guessEncoding, transcodeToUtf8 } from "./encoding.ts";

/**
 * One input file as a Parquet file DuckDB can page through by row number,
 * plus the rows it could not read. Parquet inputs are used as they are.
 */
export interface NormalizedFile {
  parquet: string;
  rows: number;
  badRows: number;
  firstBad?: BadRow;
  /** write the bad rows as CSV (file, line, column, column_name, error, raw) */
  exportBadRows(dest: string): Promise<void>;
}

const REJECTS = "dp_rejects";
const REJECT_SCANS = "dp_reject_scans";

export async function normalize(
  db: Db,
  file: SourceFile,
  format: FileFormat,
  cfg: FileStreamConfig,
  workDir: string,
): Promise<NormalizedFile> {
  const out = join(workDir, `${Bun.hash(file.key).toString(36)}.parquet`);
  try {
    switch (format) {
      case "parquet":
        return {
          parquet: file.localPath,
          rows: await countRows(db, file.localPath),
          badRows: 0,
          exportBadRows: async () => {},
        };
      case "csv":
        return await normalizeCsv(db, file, cfg, workDir, out);
      case "ndjson":
        return await normalizeNdjson(db, file, cfg, workDir, out);
      case "json":
        return (await startsWithArray(file.localPath))
          ? await normalizeJsonArray(db, file, cfg, out)
          : await normalizeNdjson(db, file, cfg, workDir, out);
    }
  } catch (e) {
    if (e instanceof DpError) throw e;
    throw new DpError(
      "SOURCE_DATA",
      `cannot read ${file.key} as ${format}: ${cleanMessage((e as Error).message, file, workDir)}`,
      {
        where: file.key,
        fix: `check the file, or set format/delimiter/encoding/header on the stream "${cfg.name}"`,
        cause: e,
      },
    );
  }
}

async function normalizeCsv(
  db: Db,
  file: SourceFile,
  cfg: FileStreamConfig,
  workDir: string,
  out: string,
): Promise<NormalizedFile> {
  let input = file.localPath;
  const compressed = /\.(gz|zst)$/i.test(file.localPath);
  let guess = compressed ? undefined : await guessEncoding(file.localPath, cfg.encoding);
  const transcode = async () => {
    input = join(workDir, `${Bun.hash(file.key).toString(36)}.utf8.csv`);
    await transcodeToUtf8(file.localPath, input, guess!);
  };
  if (guess && guess.encoding !== "utf-8") await transcode();

  // The sniffer types columns from a sample; a later value that does not fit is not a bad row, so widen that column and read again.
  const widened: Record<string, string> = {};
  for (;;) {
    await dropRejectTables(db);
    await db.run(
      `COPY (SELECT * FROM read_csv(${literal(input)}, ${csvOptions(cfg, widened)})) TO ${literal(out)} (FORMAT parquet, ROW_GROUP_SIZE ${cfg.batch_size})`,
    );
    const casts = await db.all<{ column_name: string }>(
      `SELECT DISTINCT column_name FROM ${REJECTS} WHERE error_type = 'CAST' AND column_name IS NOT NULL`,
    );
    const fresh = casts.map((c) => c.column_name).filter((c) => !widened[c]);
    if (fresh.length) {
      for (const c of fresh) widened[c] = "VARCHAR";
      continue;
    }
    if (cfg.encoding === "auto" && guess?.encoding === "utf-8") {
      const invalid = await db.one<{ n: number }>(
        `SELECT count(*) AS n FROM ${REJECTS} WHERE error_type = 'INVALID ENCODING'`,
      );
      if (invalid && invalid.n > 0) {
        guess = { encoding: "windows-1252", skip: 0 };
        await transcode();
        continue;
      }
    }
    break;
  }
  const rows = await countRows(db, out);
  const bad = await db.all<{
    line: number;
    column_idx: number | null;
    column_name: string | null;
    error_type: string;
    error_message: string;
    csv_line: string | null;
  }>(`SELECT line, column_idx, column_name, error_type, error_message, csv_line FROM ${REJECTS} ORDER BY line LIMIT 1`);
  const count = (await db.one<{ n: number }>(`SELECT count(DISTINCT line) AS n FROM ${REJECTS}`))?.n ?? 0;
  const first = bad[0];
  return {
    parquet: out,
    rows,
    badRows: count,
    firstBad: first && {
      line: first.line,
      column: first.column_idx ?? undefined,
      columnName: first.column_name ?? undefined,
      error: `${first.error_type.toLowerCase()}: ${first.error_message}`,
      raw: trimLine(first.csv_line ?? ""),
    },
    exportBadRows: async (dest) => {
      await db.run(
        `COPY (SELECT ${literal(file.key)} AS "file", line, column_idx AS "column", column_name, lower(error_type) || ': ' || error_message AS error,
                      trim(csv_line, chr(13) || chr(10)) AS raw
               FROM ${REJECTS} ORDER BY line, column_idx)
         TO ${literal(dest)} (FORMAT csv, HEADER true)`,
      );
    },
  };
}

function csvOptions(cfg: FileStreamConfig, widened: Record<string, string>): string {
  const opts = [`store_rejects = true`, `rejects_table = '${REJECTS}'`, `rejects_scan = '${REJECT_SCANS}'`];
  if (cfg.delimiter !== undefined) opts.push(`delim = ${literal(cfg.delimiter)}`);
  if (cfg.header !== undefined) opts.push(`header = ${cfg.header}`);
  if (cfg.decimal_separator !== undefined) opts.push(`decimal_separator = ${literal(cfg.decimal_separator)}`);
  const types = Object.entries(widened);
  if (types.length) opts.push(`types = {${types.map(([k, t]) => `${literal(k)}: ${literal(t)}`).join(", ")}}`);
  return opts.join(", ");
}

async function dropRejectTables(db: Db): Promise<void> {
  await db.run(`DROP TABLE IF EXISTS ${REJECTS}`);
  await db.run(`DROP TABLE IF EXISTS ${REJECT_SCANS}`);
}

const JSON_OPTIONS = "sample_size = -1, maximum_object_size = 67108864";

async function normalizeJsonArray(
  db: Db,
  file: SourceFile,
  cfg: FileStreamConfig,
  out: string,
): Promise<NormalizedFile> {
  try {
    await db.run(
      `COPY (SELECT * FROM read_json(${literal(file.localPath)}, format = 'array', ${JSON_OPTIONS})) TO ${literal(out)} (FORMAT parquet, ROW_GROUP_SIZE ${cfg.batch_size})`,
    );
  } catch (e) {
    throw new DpError("SOURCE_DATA", `malformed JSON in ${file.key}: ${cleanMessage((e as Error).message, file)}`, {
      where: file.key,
      fix: "fix the file; a JSON array is read whole, so bad rows can only be rejected one by one in NDJSON (one object per line)",
      cause: e,
    });
  }
  return { parquet: out, rows: await countRows(db, out), badRows: 0, exportBadRows: async () => {} };
}

/** DuckDB reads NDJSON fast but stops at the first bad line; only then split good from bad lines, streaming. */
async function normalizeNdjson(
  db: Db,
  file: SourceFile,
  cfg: FileStreamConfig,
  workDir: string,
  out: string,
): Promise<NormalizedFile> {
  const copy = (path: string) =>
    db.run(
      `COPY (SELECT * FROM read_json(${literal(path)}, format = 'newline_delimited', ${JSON_OPTIONS})) TO ${literal(out)} (FORMAT parquet, ROW_GROUP_SIZE ${cfg.batch_size})`,
    );
  try {
    await copy(file.localPath);
    return { parquet: out, rows: await countRows(db, out), badRows: 0, exportBadRows: async () => {} };
  } catch (e) {
    if (!/malformed json/i.test((e as Error).message)) throw e;
  }
  const base = join(workDir, Bun.hash(file.key).toString(36));
  const split = await splitNdjson(file, `${base}.clean.ndjson`, `${base}.rejects.csv`);
  if (split.good > 0) await copy(`${base}.clean.ndjson`);
  else await db.run(`COPY (SELECT NULL AS _dp_empty WHERE false) TO ${literal(out)} (FORMAT parquet)`);
  rmSync(`${base}.clean.ndjson`, { force: true });
  return {
    parquet: out,
    rows: split.good,
    badRows: split.bad,
    firstBad: split.first,
    exportBadRows: async (dest) => {
      await Bun.write(dest, Bun.file(`${base}.rejects.csv`));
    },
  };
}

async function splitNdjson(
  file: SourceFile,
  cleanPath: string,
  rejectsPath: string,
): Promise<{ good: number; bad: number; first?: BadRow }> {
  const clean = Bun.file(cleanPath).writer({ highWaterMark: 1 << 20 });
  const rejects = Bun.file(rejectsPath).writer();
  rejects.write(`${REJECT_COLUMNS.join(",")}\n`);
  let good = 0;
  let bad = 0;
  let first: BadRow | undefined;
  let lineNo = 0;
  const take = (line: string) => {
    lineNo++;
    const text = trimLine(line);
    if (!text.trim()) return;
    try {
      JSON.parse(text);
      clean.write(`${text}\n`);
      good++;
    } catch (e) {
      const row: BadRow = {
        line: lineNo,
        error: `malformed json: ${(e as Error).message.replace(/^JSON Parse error: /, "")}`,
        raw: text,
      };
      first ??= row;
      bad++;
      rejects.write(rejectLine(file.key, row));
    }
  };
  const decoder = new TextDecoder();
  let rest = "";
  for await (const chunk of Bun.file(file.localPath).stream()) {
    rest += decoder.decode(chunk, { stream: true });
    let start = 0;
    let nl: number;
    while ((nl = rest.indexOf("\n", start)) !== -1) {
      take(rest.slice(start, nl));
      start = nl + 1;
    }
    rest = rest.slice(start);
  }
  rest += decoder.decode();
  if (rest) take(rest);
  await clean.end();
  await rejects.end();
  return { good, bad, first };
}

async function startsWithArray(path: string): Promise<boolean> {
  const head = await Bun.file(path).slice(0, 4096).text();
  return head
    .replace(/^\uFEFF/, "")
    .trimStart()
    .startsWith("[");
}

async function countRows(db: Db, parquet: string): Promise<number> {
  return (await db.one<{ n: number }>(`SELECT count(*) AS n FROM read_parquet(${literal(parquet)})`))?.n ?? 0;
}

function trimLine(s: string): string {
  return s.replace(/^[\r\n]+|[\r\n]+$/g, "");
}

/** DuckDB's first line, naming the user's file rather than our temp copies. */
function cleanMessage(message: string, file: SourceFile, workDir?: string): string {
  let line = message.split("\n")[0]!.replaceAll(file.localPath, file.key);
  if (workDir)
    line = line.replace(new RegExp(`${workDir.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/[^"']+`, "g"), file.key);
  return line;
}
