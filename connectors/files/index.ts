import { mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Db, literal } from "../../engine/warehouse/duckdb.ts";
import { DpError } from "../../engine/errors.ts";
import { defineConnector, type Batch, type ReadContext, type StreamState } from "../../engine/ingest/connector.ts";
import { describeBadRow } from "./bad-rows.ts";
import { detectFormat, filesConfigSchema, primaryKeyOf, type FileStreamConfig, type FilesConfig } from "./config.ts";
import { listFiles, sameFingerprint, type Fingerprint, type SourceFile } from "./discover.ts";
import { download } from "./download.ts";
import { normalize, type NormalizedFile } from "./normalize.ts";

/** Which files are loaded, and how far into the one a killed pull was reading. */
interface FilesState extends StreamState {
  files: Record<string, Fingerprint>;
  partial?: { key: string; fingerprint: Fingerprint; offset: number };
}

/** Every record says which file it came from. */
export const FILE_COLUMN = "_dp_file";

export const files = defineConnector<FilesConfig>({
  name: "files",
  description: "CSV, JSON/NDJSON and Parquet files from a local glob or an http(s) URL",
  config: filesConfigSchema,
  streams: (config) =>
    config.streams.map((s) => ({
      name: s.name,
      primaryKey: primaryKeyOf(s.primary_key),
      description: s.path ? `files matching ${s.path}` : `file at ${s.url}`,
    })),
  read: (config, ctx) => readStream(config.streams.find((s) => s.name === ctx.stream.name)!, ctx),
});

async function* readStream(cfg: FileStreamConfig, ctx: ReadContext): AsyncGenerator<Batch> {
  const projectDir = ctx.projectDir ?? process.cwd();
  const previous = ctx.state as FilesState | undefined;
  const loaded: Record<string, Fingerprint> = { ...(previous?.files ?? {}) };
  const workDir = mkdtempSync(join(tmpdir(), "dp-files-"));
  const db = await Db.open(":memory:");
  try {
    const inputs = cfg.path ? listFiles(cfg.path, projectDir) : [await download(cfg.url!, workDir, ctx.signal)];
    if (cfg.path && inputs.length === 0) ctx.log.warn(`no files match ${cfg.path} (relative to ${projectDir})`);
    let skipped = 0;
    for (const file of inputs) {
      if (sameFingerprint(loaded[file.key], file.fingerprint)) {
        skipped++;
        continue;
      }
      if (loaded[file.key]) ctx.log.info(`${file.key} changed since it was loaded; loading it again`);
      const format = detectFormat(file.key, cfg.format);
      if (!format) {
        throw new DpError("CONFIG", `cannot tell the format of ${file.key} from its name`, {
          where: `stream "${cfg.name}"`,
          fix: "set format: csv | json | ndjson | parquet on the stream",
        });
      }
      const partial = previous?.partial;
      const resumeAt =
        partial && partial.key === file.key && sameFingerprint(partial.fingerprint, file.fingerprint)
          ? partial.offset
          : 0;
      const normalized = await normalize(db, file, format, cfg, workDir);
      if (normalized.badRows > 0) await handleBadRows(normalized, file, cfg, ctx);

      const done = (): FilesState => ({ files: { ...loaded, [file.key]: file.fingerprint } });
      let offset = resumeAt;
      while (offset < normalized.rows) {
        const records = await db.all(
          `SELECT * EXCLUDE (file_row_number), ${literal(file.key)} AS ${FILE_COLUMN}
           FROM read_parquet(${literal(normalized.parquet)}, file_row_number = true)
           WHERE file_row_number >= ? AND file_row_number < ?
           ORDER BY file_row_number`,
          [offset, offset + cfg.batch_size],
        );
        if (records.length === 0) break;
        offset += records.length;
        const state: FilesState =
          offset >= normalized.rows
            ? done()
            : { files: { ...loaded }, partial: { key: file.key, fingerprint: file.fingerprint, offset } };
        yield { records, state };
        if (ctx.signal?.aborted) return;
      }
      if (resumeAt >= normalized.rows) yield { records: [], state: done() };
      loaded[file.key] = file.fingerprint;
      ctx.log.info(`${file.key}: ${normalized.rows - resumeAt} rows${resumeAt ? ` (resumed at row ${resumeAt})` : ""}`);
      if (normalized.parquet !== file.localPath) rmSync(normalized.parquet, { force: true });
    }
    if (skipped) ctx.log.debug(`${skipped} files unchanged since the last pull`);
  } finally {
    db.close();
    rmSync(workDir, { recursive: true, force: true });
  }
}

async function handleBadRows(
  normalized: NormalizedFile,
  file: SourceFile,
  cfg: FileStreamConfig,
  ctx: ReadContext,
): Promise<void> {
  const first = normalized.firstBad!;
  const rejectedDir = join(
    ctx.lakeDir ?? join(ctx.projectDir ?? process.cwd(), "lake"),
    "rejected",
    ctx.source,
    cfg.name,
  );
  if (cfg.on_bad_rows === "fail") {
    throw new DpError(
      "SOURCE_DATA",
      `${normalized.badRows} malformed row(s) in ${file.key}; first at ${describeBadRow(file.key, first)}`,
      {
        where: `${file.key}:${first.line}${first.column !== undefined ? `:${first.column}` : ""}`,
        fix: `fix the file, or set on_bad_rows: reject on stream "${cfg.name}" to load the good rows and keep the bad ones in ${rejectedDir}`,
      },
    );
  }
  mkdirSync(rejectedDir, { recursive: true });
  const name = `${file.key.replace(/^https?:\/\//, "").replace(/[^\w.-]+/g, "_")}-${Bun.hash(JSON.stringify(file.fingerprint)).toString(36)}.csv`;
  const dest = join(rejectedDir, name);
  await normalized.exportBadRows(`${dest}.tmp`);
  renameSync(`${dest}.tmp`, dest);
  ctx.log.warn(
    `${normalized.badRows} bad row(s) in ${file.key} kept in ${dest}; first at ${describeBadRow(file.key, first)}`,
  );
}
