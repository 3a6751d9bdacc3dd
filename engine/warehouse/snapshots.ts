import {
  constants,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { Db, ident, literal, qualified } from "./duckdb.ts";
import { copyDirect, directCopyPossible, fileHashDirect } from "./direct-copy.ts";
import { log } from "../log.ts";
import {
  BASE_ALIAS,
  type BaseEntry,
  baseTableEntry,
  basesDir,
  checkPartFooters,
  type Column,
  columnsByTable,
  fileHash,
  type Manifest,
  type TableEntry,
  manifestFile,
  partsDir,
  planTable,
  publishTable,
  readManifest,
  type TableDelta,
  tableViewSql,
  unionCountSql,
} from "./table-parts.ts";
import { diskFullError, DpError } from "../errors.ts";
import { writeFileAtomic } from "../atomic-write.ts";
import { openRecovering, quarantineWarehouse } from "./recover.ts";
import { COMPACT_FREE_SHARE } from "./compact.ts";
import type { Project } from "../config/project.ts";

/**
 * The writer owns paths.warehouse. Readers (ask, sql, export, mcp) never open
 * it: after every build the file is copied to an immutable snapshot and a
 * pointer is swapped atomically, so a reader sees the old or the new state.
 */
export async function openWriter(project: Project): Promise<Db> {
  const db = await openRecovering(
    project.paths.warehouse,
    (to) => restoreFromSnapshot(project, to),
    () =>
      Db.open(project.paths.warehouse, {
        threads: project.config.warehouse.threads,
        memoryLimit: project.config.warehouse.memory_limit,
      }),
  );
  await ensureMeta(db);
  // a run's commits stay in the WAL until it passes WAL_CHECKPOINT (below), not checkpointed at every publish and close
  if (existsSync(project.paths.warehouse)) {
    const at = sizes(project.paths.warehouse);
    const threshold = Math.round(Math.max(WAL_MIN, Math.min(WAL_CHECKPOINT, WAL_SHARE * at.file)));
    await db.run(`PRAGMA disable_checkpoint_on_shutdown; SET checkpoint_threshold = '${threshold}B'`);
    openedAt.set(db, at);
  }
  return db;
}

/** The warehouse file's and its WAL's sizes when its writer opened it (a file on local disk only). */
const openedAt = new WeakMap<Db, { file: number; wal: number }>();

function sizes(path: string): { file: number; wal: number } {
  const wal = `${path}.wal`;
  return { file: existsSync(path) ? statSync(path).size : 0, wal: existsSync(wal) ? statSync(wal).size : 0 };
}

/**
 * Whether the publish checkpoints now rather than leave the run's commits in the WAL. DuckDB writes a large
 * insert's row groups to the database file at once, not to the WAL, and frees the blocks of a table it replaced
 * only at the next checkpoint: a writer whose file grew since it opened (a model written whole, a full refresh)
 * checkpoints, or every rebuild would add a whole table to the file. So does one whose WAL grew by more than a
 * tenth of the file (a full refresh of small tables, which all go to the WAL): carried, it would be the warehouse
 * twice over. A run that changed rows in place (row diffs, merges: the cron run) leaves both as they were, and one
 * whose WAL shrank was checkpointed on the way (the WAL passed its threshold) and needs no second one.
 */
function checkpointDue(db: Db, path: string): boolean {
  const at = openedAt.get(db);
  if (!at) return false;
  const now = sizes(path);
  if (now.wal < at.wal) return false;
  return now.file > at.file || now.wal - at.wal > 0.1 * now.file;
}

/**
 * The WAL size at which DuckDB checkpoints the warehouse (at the commit that passes it), for a warehouse file of
 * 128 MB or more. A checkpoint rewrites every table changed since the last one, each at least a 256 KB block, plus
 * the catalog's metadata blocks:
 * ≈ 0.35 MB per changed table however few rows changed, 10–14 MB for the ≈ 30 tables a 15-minute run at 10×
 * changes. Checkpointed at every publish (and again at close), each run paid that; carried in the WAL, the
 * checkpoint comes every few runs and writes each table once for all of them. The WAL is durable at each commit
 * (DuckDB syncs it), published work included: the warehouse is the file and its WAL, replayed when the writer
 * opens. The replay's cost grows with the WAL, so the threshold bounds it.
 */
export const WAL_CHECKPOINT = 32 * 1024 * 1024;
/**
 * ...and at most this share of the warehouse file (at least WAL_MIN): in a small warehouse a checkpoint costs little,
 * and a WAL of 32 MB beside a 2 MB file would be the warehouse 16 times over (full rebuilds of a small project).
 */
const WAL_SHARE = 0.25;
const WAL_MIN = 1024 * 1024;

/**
 * Writes a new warehouse file at `to` from the last verified snapshot: every table from its parts, the
 * bookkeeping as it was; views are made again by the next build. Returns the snapshot's name.
 */
export async function restoreFromSnapshot(project: Project, to: string): Promise<string | undefined> {
  const pointer = currentPointer(project);
  const file = pointer && join(project.paths.snapshots, pointer.file);
  if (!file || !existsSync(file)) return undefined;
  const manifest = readManifest(file);
  const tmp = `${to}.restore.tmp`;
  rmSync(tmp, { force: true });
  rmSync(`${tmp}.wal`, { force: true });
  if (!manifest) {
    // a snapshot from before per-table parts is a whole copy of the warehouse
    copyFileSync(file, tmp);
  } else {
    const db = await Db.open(tmp, {
      threads: project.config.warehouse.threads,
      memoryLimit: project.config.warehouse.memory_limit,
    });
    try {
      // the snapshot's views of tables over a base read it under its alias
      for (const a of snapshotAttachments(project, file))
        await db.run(`ATTACH ${literal(a.path)} AS ${ident(a.alias)} (READ_ONLY)`);
      await db.run(`ATTACH ${literal(file)} AS dp_snapshot (READ_ONLY)`);
      const inline = await db.all<{ rel: string }>(
        "SELECT schema_name || '.' || table_name AS rel FROM duckdb_tables() WHERE database_name = 'dp_snapshot'",
      );
      const rels = [...Object.keys(manifest.tables), ...inline.map((t) => t.rel)];
      for (const rel of rels) {
        const dot = rel.indexOf(".");
        const [s, n] = [rel.slice(0, dot), rel.slice(dot + 1)];
        await db.run(`CREATE SCHEMA IF NOT EXISTS ${ident(s)}`);
        await db.run(`CREATE TABLE ${qualified(s, n)} AS SELECT * FROM dp_snapshot.${qualified(s, n)}`);
      }
      await db.run("DETACH dp_snapshot");
      for (const a of snapshotAttachments(project, file)) await db.run(`DETACH ${ident(a.alias)}`);
      await db.run("CHECKPOINT");
    } finally {
      db.close();
    }
  }
  renameSync(tmp, to);
  return pointer.file;
}

/**
 * The warehouse file was found damaged mid-build (DuckDB's checksum or a short read): it is moved to
 * warehouse/quarantine/ and a new one written from the last verified snapshot, so the next run builds on
 * good data. Returns the error the build fails with.
 */
export async function healCorruptWarehouse(project: Project, why: string): Promise<DpError> {
  const moved = quarantineWarehouse(project.paths.warehouse);
  const restored = await restoreFromSnapshot(project, project.paths.warehouse);
  const what = `moved it to ${moved ?? "(gone)"} and ${restored ? `restored the last verified snapshot ${restored}` : "will start an empty warehouse (no snapshot yet)"}`;
  log.error(`the warehouse file is corrupt (${why}); ${what}`);
  return new DpError("WAREHOUSE_CORRUPT", `the warehouse file is corrupt (${why}); nothing was published`, {
    where: project.paths.warehouse,
    fix: `dp ${what}; readers keep the last verified snapshot. Run \`dp run\` again to rebuild what changed since`,
    exitCode: 1,
  });
}

export async function ensureMeta(db: Db): Promise<void> {
  await db.run(`CREATE SCHEMA IF NOT EXISTS raw; CREATE SCHEMA IF NOT EXISTS _dp;
    CREATE TABLE IF NOT EXISTS _dp.model_runs (
      run_id VARCHAR, model VARCHAR, schema_name VARCHAR, materialized VARCHAR, status VARCHAR,
      rows BIGINT, duration_ms BIGINT, error VARCHAR, as_of TIMESTAMPTZ, built_at TIMESTAMPTZ, sql_hash VARCHAR);
    CREATE TABLE IF NOT EXISTS _dp.test_results (
      run_id VARCHAR, test_id VARCHAR, model VARCHAR, kind VARCHAR, column_name VARCHAR, severity VARCHAR,
      status VARCHAR, failures BIGINT, message VARCHAR, tested_at TIMESTAMPTZ);
    CREATE TABLE IF NOT EXISTS _dp.runs (
      run_id VARCHAR, command VARCHAR, started_at TIMESTAMPTZ, finished_at TIMESTAMPTZ, status VARCHAR,
      steps JSON, error VARCHAR);
    ALTER TABLE _dp.model_runs ADD COLUMN IF NOT EXISTS input_hash VARCHAR;
    ALTER TABLE _dp.model_runs ADD COLUMN IF NOT EXISTS output_version VARCHAR;
    ALTER TABLE _dp.model_runs ADD COLUMN IF NOT EXISTS reused BOOLEAN;
    CREATE TABLE IF NOT EXISTS _dp.table_versions (rel VARCHAR, version VARCHAR)`);
}

interface SnapshotPointer {
  file: string;
  published_at: string;
  run_id: string;
  /** every relation of the snapshot was read back before the pointer moved */
  verified?: boolean;
}

function pointerPath(project: Project): string {
  return join(project.paths.snapshots, "current.json");
}

/**
 * A file written beside a snapshot before the pointer names it (the catalog cache): the layer that
 * owns it passes it in, so the warehouse never imports what sits above it. Named `<snapshot stem>.*`,
 * it is pruned with its snapshot.
 */
export type SnapshotSidecar = ((db: Db, snapshotFile: string) => Promise<void>) & {
  /** its work that needs no database (the catalog's files), run while the warehouse checkpoints on DuckDB's threads */
  prepare?: () => void;
};

/** What the build knows about the tables it changed, so the publish writes only that. */
export interface PublishChanges {
  /** `schema.name` → the rows an incremental build added, in a temp table of the writer's connection */
  deltas?: Map<string, TableDelta>;
  /** `schema.name` → the merge keys of an incremental model */
  mergeKeys?: Map<string, string[]>;
  /**
   * `schema.name` → the rows of a table this build wrote whole and committed (its `CREATE`'s count or its tests'
   * scan): the publish takes them instead of counting those tables again (500 one-table counts: ≈70 ms of CPU).
   * The read-back still counts the snapshot's copy against them, so a wrong number fails the publish.
   */
  rows?: Map<string, number>;
}

/**
 * Publishes what the writer holds as a new immutable snapshot: a small DuckDB file with the run
 * bookkeeping (`_dp`), the tables of up to INLINE_ROWS rows, the views (raw, view models) and one view per
 * larger table over its Parquet parts in snapshots/tables/. A table whose data version is the previous
 * snapshot's shares its parts; an incremental model adds a part of its new rows; anything else is written
 * whole. When most of the warehouse changed (chooseBase), the checkpointed warehouse file is copied whole instead, as
 * a base every table's view reads (publishBase); later publishes layer parts over it. Every relation is read back
 * before the pointer moves; then versions (and bases) no snapshot in use names are pruned.
 */
export async function publishSnapshot(
  project: Project,
  db: Db,
  runId: string,
  sidecar?: SnapshotSidecar,
  changes: PublishChanges = {},
): Promise<string> {
  const t0 = Date.now();
  // CPU time beside wall time in the debug lines: on a loaded machine the wall clock says little
  const cpu0 = process.cpuUsage();
  const cpu = () => {
    const u = process.cpuUsage(cpu0);
    return Math.round((u.user + u.system) / 1000);
  };
  const phases: string[] = [];
  let last = { t: t0, c: 0 };
  const phase = (what: string) => {
    const now = { t: Date.now(), c: cpu() };
    phases.push(`${what} ${now.t - last.t} ms (${now.c - last.c} CPU)`);
    last = now;
  };
  // the parts are read from the writer's committed state, WAL included: no checkpoint needed for them (WAL_CHECKPOINT)
  const checkpoint = checkpointDue(db, project.paths.warehouse) ? db.run("CHECKPOINT") : undefined;
  // JavaScript on this thread while DuckDB checkpoints on its own (≈45–80 ms of a 500-model project's YAML)
  sidecar?.prepare?.();
  await checkpoint;
  phase("checkpoint");
  const dir = project.paths.snapshots;
  const tablesDir = partsDir(dir);
  mkdirSync(tablesDir, { recursive: true });
  const previous = currentPointer(project);
  const before = previous && readManifest(join(dir, previous.file));
  // a run that publishes again (its decisions) gets a new name: a reader may hold the first, and its parts
  let name = `${runId}.duckdb`;
  for (let k = 1; existsSync(join(dir, name)); k++) name = `${runId}_${k}.duckdb`;
  const tmp = join(dir, `.${name}.tmp`);
  const manifest: Manifest = { run_id: runId, tables: {} };
  let written = 0;
  const versions = new Map(
    (
      await db.all<{ rel: string; v: string | null }>(`
      SELECT schema_name || '.' || model AS rel, output_version AS v FROM _dp.model_runs WHERE status = 'success'
      QUALIFY row_number() OVER (PARTITION BY schema_name, model ORDER BY rowid DESC) = 1`)
    ).map((r) => [r.rel, r.v ?? undefined]),
  );
  const tables = await db.all<{ schema_name: string; table_name: string }>(`
    SELECT schema_name, table_name FROM duckdb_tables()
    WHERE database_name = current_database() AND NOT temporary AND table_name NOT LIKE '%\_\_dp\_shadow' ESCAPE '\\'
    ORDER BY schema_name, table_name`);
  const models = tables.filter((t) => t.schema_name !== "_dp");
  const known = new Map(changes.rows ?? []);
  const uncounted = models.filter((t) => !known.has(`${t.schema_name}.${t.table_name}`));
  const counted = await rowCounts(
    db,
    uncounted.map((t) => qualified(t.schema_name, t.table_name)),
  );
  uncounted.forEach((t, i) => known.set(`${t.schema_name}.${t.table_name}`, counted[i]!));
  const sized = models.map((t) => {
    const rel = `${t.schema_name}.${t.table_name}`;
    return { ...t, rel, rows: known.get(rel)! };
  });
  const columns = sized.length ? await columnsByTable(db) : new Map<string, Column[]>();
  // the base the last snapshot read, while its file is there: unchanged tables go on reading it
  const lastBase = before?.base && existsSync(join(basesDir(dir), before.base.file)) ? before.base : undefined;
  const choice = chooseBase(sized, columns, before, lastBase, versions, changes, tablesDir);
  const made = choice === "new" ? await publishBase(project, db, name) : undefined;
  const baseVerified = made?.verified;
  let base = made?.entry ?? lastBase;
  const fresh = choice === "new" && base !== undefined && base !== lastBase;
  if (base) manifest.base = base;
  phase(fresh ? `base ${base!.file} (${base!.bytes} bytes)` : "base kept");
  // a table the base holds at its data version is read from there, whatever its size: nothing to copy
  const onBase = (t: { rel: string; rows: number }) => {
    if (fresh) return true;
    const e = before?.tables[t.rel];
    return !!base && e?.base === base.file && !e.parts.length && e.rows === t.rows && e.version === versions.get(t.rel);
  };
  // the bookkeeping travels inside the snapshot file (it changes with every publish), and so do the tables of up to
  // INLINE_ROWS rows; the rest are Parquet parts (or the base's copy)
  const tiny = sized.filter((t) => t.rows <= INLINE_ROWS && !onBase(t));
  const parted = sized.filter((t) => t.rows > INLINE_ROWS || onBase(t));
  const inline = [...tables.filter((t) => t.schema_name === "_dp"), ...tiny];
  for (const t of tiny) {
    const version = versions.get(t.rel);
    (manifest.inline ??= {})[t.rel] = { ...(version ? { version } : {}), rows: t.rows };
  }
  const threads = await currentThreads(db);
  const entries = new Map<string, TableEntry>();
  /** each part this publish wrote → the rows its COPY reported */
  const copied = new Map<string, number>();
  if (fresh) {
    // the base holds every table at this publish's checkpoint: a view each, no part
    const weights = new Map(parted.map((t) => [t.rel, weight(t, columns)]));
    const total = [...weights.values()].reduce((x, y) => x + y, 0) || 1;
    for (const t of parted)
      entries.set(
        t.rel,
        baseTableEntry(
          base!.file,
          versions.get(t.rel),
          t.rows,
          columns.get(t.rel) ?? [],
          Math.round((base!.bytes * weights.get(t.rel)!) / total),
          changes.deltas?.get(t.rel)?.strategy === "merge"
            ? changes.deltas.get(t.rel)!.keys
            : changes.mergeKeys?.get(t.rel),
        ),
      );
  } else {
    // small tables first, on one thread: see SMALL_ROWS
    const order = parted.map((t) => ({ t, small: t.rows <= SMALL_ROWS }));
    order.sort((a, b) => Number(b.small) - Number(a.small));
    try {
      if (threads > 1 && order[0]?.small) await setThreads(db, 1);
      for (const [k, { t, small }] of order.entries()) {
        if (!small && order[k - 1]?.small && threads > 1) await setThreads(db, threads);
        const rel = t.rel;
        const out = await publishTable(
          db,
          tablesDir,
          t.schema_name,
          t.table_name,
          versions.get(rel),
          before?.tables[rel],
          changes.deltas?.get(rel),
          t.rows,
          columns.get(rel) ?? [],
          changes.mergeKeys?.get(rel),
          base?.file,
        );
        entries.set(rel, out.entry);
        if (out.part) copied.set(out.part.file, out.part.rows);
        written += out.written;
      }
    } finally {
      // not over the error that stopped the writes (a full disk): a writer that cannot take a SET is broken anyway
      if (threads > 1) await setThreads(db, threads).catch(() => {});
    }
  }
  for (const t of parted) manifest.tables[t.rel] = entries.get(t.rel)!;
  // no table reads the last base any more: the snapshot does not attach it (pruning deletes it once unreferenced)
  if (manifest.base && !Object.values(manifest.tables).some((e) => e.base === manifest.base!.file))
    delete manifest.base;
  if (fresh) written += base!.bytes;
  phase(`counts and ${fresh ? 0 : parted.length} parts`);
  const views = await db.all<{ schema_name: string; sql: string }>(
    "SELECT schema_name, sql FROM duckdb_views() WHERE database_name = current_database() AND NOT internal AND NOT temporary",
  );
  rmSync(tmp, { force: true });
  rmSync(`${tmp}.wal`, { force: true });
  let kept = new Set<string>();
  let side: Promise<void> | undefined;
  try {
    // one thread, as for the small parts (SMALL_ROWS); the copies sent many to a call (one call each doubled their CPU)
    if (threads > 1 && tiny.length) await setThreads(db, 1);
    try {
      // a new base's snapshot file holds the bookkeeping alone: nothing of the last one to keep
      const prior = !fresh && previous && before?.inline && join(dir, previous.file);
      kept = await fillSnapshotFile(
        db,
        tmp,
        inline,
        tiny,
        versions,
        prior ? { file: prior, manifest: before } : undefined,
      );
    } finally {
      if (threads > 1 && tiny.length) await setThreads(db, threads).catch(() => {});
    }
    phase(`${tiny.length - kept.size} tables and _dp into the snapshot file (${kept.size} kept from the last)`);
    // the sidecar reads the writer, idle from here on: it runs while the snapshot is read back on its own instance
    side = sidecar?.(db, name);
    side?.catch(() => {});
    // one thread while the views are made and the small tables read back (SMALL_ROWS); the footer of each
    // part is read once, when its view binds, not again by the read-back
    const snap = await Db.open(tmp, { threads: 1, memoryLimit: project.config.warehouse.memory_limit });
    try {
      await snap.run("SET parquet_metadata_cache = true");
      if (manifest.base)
        await snap.run(
          `ATTACH ${literal(join(basesDir(dir), manifest.base.file))} AS ${ident(BASE_ALIAS)} (READ_ONLY)`,
        );
      phase("open");
      await createRelations(snap, tablesDir, manifest, views);
      phase("views");
      await verifySnapshot(snap, tablesDir, manifest, before, threads, columns, kept, copied);
      phase("read-back");
      await snap.run("CHECKPOINT");
    } finally {
      snap.close();
    }
    phase("checkpoint and close");
    if (baseVerified) {
      await baseVerified;
      phase("base read back");
    }
    written += statSync(tmp).size;
    renameSync(tmp, join(dir, name));
  } catch (e) {
    // nothing of this publish goes on on the writer once it fails (a sidecar it wrote is pruned as a stale stem)
    await side?.catch(() => {});
    rmSync(tmp, { force: true });
    rmSync(`${tmp}.wal`, { force: true });
    if (fresh) rmSync(join(basesDir(dir), base!.file), { force: true });
    throw e instanceof DpError
      ? e
      : (diskFullError(e) ??
          new DpError("PUBLISH", `the snapshot of run ${runId} was not published: ${(e as Error).message}`, {
            where: dir,
            fix: `readers keep the last verified snapshot${previous ? ` (${previous.file})` : ""}; run \`dp doctor\`, then \`dp run\` again`,
            exitCode: 1,
            cause: e,
          }));
  }
  writeFileAtomic(manifestFile(join(dir, name)), JSON.stringify({ ...manifest, bytes_written: written }));
  await side;
  phase("sidecar");
  writeFileAtomic(
    pointerPath(project),
    JSON.stringify({
      file: name,
      published_at: new Date().toISOString(),
      run_id: runId,
      verified: true,
    } satisfies SnapshotPointer),
  );
  pruneSnapshots(dir, name, previous?.file);
  phase("prune");
  log.debug(`publish: ${phases.join(", ")}`);
  log.debug(`published ${name}: ${written} bytes written in ${Date.now() - t0} ms (${cpu()} ms CPU)`);
  return join(dir, name);
}

/**
 * A publish copies the whole checkpointed warehouse file as a base when the tables it would write whole hold at
 * least this share of the warehouse's cells (rows × columns, a stand-in for bytes DuckDB's catalog gives for free):
 * with no base yet, of the tables written whole; over a base, of every table not read from it (written whole now,
 * or parts from before), so a base whose tables have mostly been replaced by parts is itself replaced. A first
 * build, a full refresh, the 10× bench build: a kernel copy of the file (≈50 ms of CPU for the `medium` demo's
 * 173 MB) where encoding its tables to Parquet took ≈3.7 s. A 15-minute run changes little: parts over the base.
 */
const BASE_SHARE = 0.5;
/**
 * ...and only when those tables hold at least this many cells: below it their parts cost well under half a second
 * of CPU, and a base would keep a whole file (every small table's 256 KB block, the bookkeeping) per version.
 */
export const BASE_MIN_CELLS = 4_000_000;

function weight(t: { rel: string; rows: number }, columns: Map<string, Column[]>): number {
  return t.rows * Math.max(1, columns.get(t.rel)?.length ?? 1);
}

/** "new": publish a new base; "parts": parts, over the last base where a table still reads it (BASE_SHARE). */
function chooseBase(
  sized: { rel: string; rows: number }[],
  columns: Map<string, Column[]>,
  before: Manifest | undefined,
  lastBase: BaseEntry | undefined,
  versions: Map<string, string | undefined>,
  changes: PublishChanges,
  tablesDir: string,
): "new" | "parts" {
  let total = 0;
  let whole = 0;
  let apart = 0;
  for (const t of sized) {
    const w = weight(t, columns);
    total += w;
    const version = versions.get(t.rel);
    const prev = before?.tables[t.rel];
    const was = before?.inline?.[t.rel];
    const plan = prev
      ? planTable(tablesDir, version, prev, changes.deltas?.get(t.rel), t.rows, lastBase?.file)
      : version && was?.version === version && was.rows === t.rows
        ? "share"
        : "whole";
    if (plan === "whole") whole += w;
    if (plan === "whole" || prev?.base === undefined) apart += w;
  }
  if (whole < BASE_MIN_CELLS) return "parts";
  return (lastBase ? apart : whole) >= BASE_SHARE * total ? "new" : "parts";
}

/**
 * Copies the checkpointed warehouse file to snapshots/bases/`name` and checks the copy: its size and its fileHash
 * must be the warehouse file's. A reflink where the filesystem has them; else, on Linux, the copy is written with
 * O_DIRECT and synced (direct-copy.ts: no page-cache copy of ≈ the whole warehouse), hashed as it is written and read
 * back from the disk while the rest of the publish runs (`verified`, awaited before the pointer moves); elsewhere, or
 * where the filesystem refuses O_DIRECT, `copy_file_range`. A reflink or a kernel copy is hashed at once. The
 * snapshot's read-back then opens it read-only and counts every table through its view. Undefined, and parts
 * instead, when the warehouse is not a local file, its WAL is not empty after the CHECKPOINT, or more than
 * COMPACT_FREE_SHARE of its blocks are free (a rebuild over an old file: the copy would carry the dead blocks).
 */
/** A reflink of `src` at `dst`, or false (and nothing at `dst`) where the filesystem has none (ext4, tmpfs). */
function reflink(src: string, dst: string): boolean {
  try {
    copyFileSync(src, dst, constants.COPYFILE_FICLONE_FORCE);
    return true;
  } catch {
    rmSync(dst, { force: true });
    return false;
  }
}

function differs(): DpError {
  return new DpError("PUBLISH", "base check: the copy's bytes differ from the warehouse file's", { exitCode: 1 });
}

async function publishBase(
  project: Project,
  db: Db,
  name: string,
): Promise<{ entry: BaseEntry; verified: Promise<void> } | undefined> {
  const path = project.paths.warehouse;
  if (path === ":memory:" || path.startsWith("md:") || !existsSync(path)) return undefined;
  await db.run("CHECKPOINT");
  const wal = `${path}.wal`;
  if (existsSync(wal) && statSync(wal).size > 0) {
    log.debug("publish: the WAL is not empty after CHECKPOINT; parts, not a base");
    return undefined;
  }
  const size = await db.one<{ free: number; total: number }>(
    "SELECT free_blocks AS free, total_blocks AS total FROM pragma_database_size() WHERE database_name = current_database()",
  );
  if (Number(size?.free ?? 0) > COMPACT_FREE_SHARE * Number(size?.total ?? 0)) {
    log.debug(`publish: ${size?.free} of ${size?.total} blocks free; parts, not a base`);
    return undefined;
  }
  const dir = basesDir(project.paths.snapshots);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${name}.tmp`);
  rmSync(tmp, { force: true });
  try {
    const bytes = statSync(path).size;
    // a reflink where the filesystem has them (btrfs, XFS: no bytes copied); else O_DIRECT where it takes it
    // (direct-copy.ts: no page-cache copy, on disk before the pointer moves); else the kernel's copy
    const cloned = directCopyPossible(bytes) && reflink(path, tmp);
    let hash = directCopyPossible(bytes) && !cloned ? copyDirect(path, tmp) : undefined;
    const direct = hash !== undefined;
    if (!direct && !cloned) copyFileSync(path, tmp, constants.COPYFILE_FICLONE);
    const copied = statSync(tmp).size;
    if (copied !== bytes)
      throw new DpError("PUBLISH", `base check: the copy has ${copied} bytes where the warehouse file has ${bytes}`, {
        exitCode: 1,
      });
    if (!direct) {
      hash = fileHash(path);
      if (fileHash(tmp) !== hash) throw differs();
    }
    const file = join(dir, name);
    renameSync(tmp, file);
    // the direct copy is read back from the disk while the rest of the publish goes on; awaited before the pointer moves
    const verified = direct
      ? fileHashDirect(file).then((h) => {
          if (h !== hash) throw differs();
        })
      : Promise.resolve();
    verified.catch(() => {});
    return { entry: { file: name, bytes, hash: hash! }, verified };
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e instanceof DpError
      ? e
      : (diskFullError(e) ??
          new DpError("PUBLISH", `the base was not copied: ${(e as Error).message}`, {
            where: dir,
            fix: "readers keep the last verified snapshot; run `dp doctor`, then `dp run` again",
            exitCode: 1,
            cause: e,
          }));
  }
}

/**
 * Writes the snapshot file at `tmp`: the bookkeeping and the small tables (`tiny`), each `CREATE TABLE … AS` its
 * warehouse table, a hundred statements to a call, in one transaction. With the last snapshot (`prior`, which
 * readers may hold: it is copied, never written), the file starts as its copy: a small table whose data version
 * and row count are the ones it was published with there stays as it is, the rest (and every view: the caller
 * makes them again) are dropped, so an unchanged table costs neither a statement nor a read-back. A copy more
 * than half free blocks (tables dropped over many publishes) is not reused: the file is written anew. Returns
 * the tables kept.
 */
async function fillSnapshotFile(
  db: Db,
  tmp: string,
  inline: { schema_name: string; table_name: string }[],
  tiny: { rel: string; rows: number }[],
  versions: Map<string, string | undefined>,
  prior?: { file: string; manifest: Manifest },
): Promise<Set<string>> {
  const kept = new Set<string>();
  let present: { rel: string; kind: "table" | "view" }[] = [];
  if (prior && existsSync(prior.file)) {
    copyFileSync(prior.file, tmp);
    await db.run(`ATTACH ${literal(tmp)} AS dp_publish`);
    const size = await db.one<{ free: number; total: number }>(
      "SELECT free_blocks AS free, total_blocks AS total FROM pragma_database_size() WHERE database_name = 'dp_publish'",
    );
    if (Number(size?.free ?? 0) * 2 > Number(size?.total ?? 0)) {
      await db.run("DETACH dp_publish");
      rmSync(tmp, { force: true });
    } else {
      present = await db.all<{ rel: string; kind: "table" | "view" }>(`
        SELECT schema_name || '.' || table_name AS rel, 'table' AS kind FROM duckdb_tables() WHERE database_name = 'dp_publish'
        UNION ALL SELECT schema_name || '.' || view_name, 'view' FROM duckdb_views() WHERE database_name = 'dp_publish' AND NOT internal`);
      const was = prior.manifest.inline ?? {};
      for (const t of tiny) {
        const v = versions.get(t.rel);
        if (v && was[t.rel]?.version === v && was[t.rel]?.rows === t.rows) kept.add(t.rel);
      }
    }
  }
  if (!present.length) await db.run(`ATTACH ${literal(tmp)} AS dp_publish (BLOCK_SIZE ${SNAPSHOT_BLOCK_SIZE})`);
  try {
    await db.transaction(async () => {
      const schemas = new Set(present.map((r) => r.rel.slice(0, r.rel.indexOf("."))));
      const copy = inline.filter((t) => !kept.has(`${t.schema_name}.${t.table_name}`));
      const statements = [
        ...present
          .filter((r) => !kept.has(r.rel))
          .map((r) => `DROP ${r.kind === "view" ? "VIEW" : "TABLE"} dp_publish.${relation(r.rel)}`),
        ...[...new Set(copy.map((t) => t.schema_name))]
          .filter((s) => !schemas.has(s))
          .map((s) => `CREATE SCHEMA dp_publish.${ident(s)}`),
        ...copy.map(
          (t) =>
            `CREATE TABLE dp_publish.${qualified(t.schema_name, t.table_name)} AS SELECT * FROM ${qualified(t.schema_name, t.table_name)}`,
        ),
      ];
      for (let i = 0; i < statements.length; i += 100) await db.run(statements.slice(i, i + 100).join(";\n"));
    });
    // the writer runs with checkpoint_on_shutdown off (openWriter), so a DETACH alone leaves the copies in a WAL
    // beside the file: the snapshot's open then replayed them into memory and its read-back read that, not the
    // blocks a reader gets. Written to the file here, they are read back from it.
    await db.run("CHECKPOINT dp_publish");
  } finally {
    await db.run("DETACH dp_publish");
  }
  return kept;
}

/** `schema.name` as a quoted relation. */
function relation(rel: string): string {
  const dot = rel.indexOf(".");
  return qualified(rel.slice(0, dot), rel.slice(dot + 1));
}

/** One view per table over its parts, then the warehouse's own views (raw streams, view models) in an order that binds. */
async function createRelations(
  snap: Db,
  tablesDir: string,
  manifest: Manifest,
  views: { schema_name: string; sql: string }[],
): Promise<void> {
  const schemas = new Set([
    ...Object.keys(manifest.tables).map((r) => r.slice(0, r.indexOf("."))),
    ...views.map((v) => v.schema_name),
  ]);
  await snap.transaction(async () => {
    for (const s of schemas) await snap.run(`CREATE SCHEMA IF NOT EXISTS ${ident(s)}`);
    for (const [rel, e] of Object.entries(manifest.tables)) {
      const dot = rel.indexOf(".");
      await snap.run(
        `CREATE VIEW ${qualified(rel.slice(0, dot), rel.slice(dot + 1))} AS ${tableViewSql(tablesDir, e, rel)}`,
      );
    }
  });
  // a view binds when it is created: one that reads another view waits for it
  let pending = views.map((v) => v.sql);
  while (pending.length) {
    const failed: string[] = [];
    let lastError: unknown;
    for (const sql of pending) {
      try {
        await snap.run(sql);
      } catch (e) {
        failed.push(sql);
        lastError = e;
      }
    }
    if (failed.length === pending.length) throw lastError;
    pending = failed;
  }
}

/**
 * Reads every relation back before the pointer moves. A new part of up to SMALL_ROWS rows is read in full (each
 * column of each row, `hash` of the row) and counted; a larger one is counted from its Parquet footer, which must
 * say the rows DuckDB's COPY reported writing (`copied`): the footer is the file's last bytes, so a part cut short
 * or never finished has none. Decoding a large part again read back the page cache DuckDB's own writer had just
 * filled, at ≈1 s of CPU for the 10× demo's 4M events (bench/ANALYSIS.md "The 10× build (issue #18, branch
 * build10x)"); `dp doctor` still reads every part in full. A table that is one new part (written whole this
 * publish) is checked by that count, since its view is that part's columns cast back; any other table (parts
 * shared with the snapshot before, an incremental model's new part added to them, merge keys) is counted through
 * its view, or, when that view is a plain union of the base and parts (no part hides a row: unionCountSql), as the
 * sum of their counts, which is the view's count without reading every base row; a table copied into the snapshot
 * file is read in full and counted. Each count must equal the
 * warehouse's; each view bound when it was created. A snapshot that fails is never named.
 *
 * New parts are read in multi-file scans of up to 200 (`read_parquet([...], union_by_name, filename)`,
 * grouped by file; see readChunks), not a UNION ALL of a scan per part: for 500 small parts that is ≈80 ms
 * of CPU instead of ≈250. Parts the multi-file scan cannot read together (columns union_by_name cannot combine, a column
 * named like the file-name column) are read one scan each instead.
 */
async function verifySnapshot(
  snap: Db,
  tablesDir: string,
  manifest: Manifest,
  before: Manifest | undefined,
  threads: number,
  columns: Map<string, Column[]>,
  /** tables the snapshot file kept from the last one (fillSnapshotFile): counted, not read again */
  kept: Set<string>,
  /** each part written by this publish → the rows its COPY reported */
  copied: Map<string, number>,
): Promise<void> {
  const old = new Set(Object.values(before?.tables ?? {}).flatMap((e) => e.parts));
  const rels = Object.keys(manifest.tables);
  const counts = new Map<string, number>();
  /** tables whose view is a plain union of base and parts: counted as the sum of their layers' counts */
  const layerCounts: { rel: string; sql: string }[] = [];
  const viewCounts: { rel: string; view: string; small: boolean; inline?: boolean }[] = Object.keys(
    manifest.inline ?? {},
  ).map((rel) => ({ rel, view: relation(rel), small: true, inline: !kept.has(rel) }));
  const files: PartToRead[] = [];
  const footers: { path: string; written: number; rel?: string }[] = [];
  for (const rel of rels) {
    const e = manifest.tables[rel]!;
    const fresh = e.parts.filter((p) => !old.has(p));
    const small = e.rows <= SMALL_ROWS;
    // a part over a base is not the whole table: its count is not the table's
    const one = e.parts.length === 1 && fresh.length === 1 && e.base === undefined;
    // a part's rows: the table's when it is the only part; an added part's are at most the table's
    const width = Math.max(1, columns.get(rel)?.length ?? 1);
    for (const p of fresh) {
      const written = copied.get(p);
      if (written !== undefined && written > SMALL_ROWS)
        footers.push({ path: join(tablesDir, p), written, ...(one ? { rel } : {}) });
      else files.push({ path: join(tablesDir, p), ...(one ? { rel } : {}), small, rows: e.rows, width });
    }
    const layers = one ? undefined : unionCountSql(tablesDir, e, rel);
    if (layers) layerCounts.push({ rel, sql: layers });
    else if (!one) viewCounts.push({ rel, view: relation(rel), small });
  }
  if (layerCounts.length)
    for (const r of await snap.all<{ k: number; n: number }>(
      layerCounts.map((c, j) => `SELECT ${j} AS k, ${c.sql} AS n`).join(" UNION ALL "),
    ))
      counts.set(layerCounts[Number(r.k)]!.rel, Number(r.n));
  for (const [f, n] of await checkPartFooters(snap, footers)) if (f.rel) counts.set(f.rel, n);
  // small tables on the connection's one thread, then the rest on every thread
  for (const small of [true, false]) {
    if (!small && threads > 1) await setThreads(snap, threads);
    for (const chunk of readChunks(files.filter((f) => f.small === small))) {
      for (const [path, n] of await readParts(
        snap,
        chunk.map((f) => f.path),
      )) {
        const rel = chunk.find((f) => f.path === path)?.rel;
        if (rel) counts.set(rel, n);
      }
    }
    const views = viewCounts.filter((v) => v.small === small);
    for (let i = 0; i < views.length; i += 200) {
      const chunk = views.slice(i, i + 200);
      // a table inside the snapshot file is read in full, like a new part; a view over shared parts is counted
      const rows = await snap.all<{ k: number; n: number }>(
        chunk
          .map(
            (v, j) =>
              `SELECT ${j} AS k, count(*) AS n, ${v.inline ? "bit_xor(hash(t))" : "NULL::UBIGINT"} AS h FROM ${v.view} t`,
          )
          .join(" UNION ALL "),
      );
      for (const r of rows) counts.set(chunk[Number(r.k)]!.rel, Number(r.n));
    }
  }
  const published = [
    ...rels.map((rel) => [rel, manifest.tables[rel]!.rows] as const),
    ...Object.entries(manifest.inline ?? {}).map(([rel, e]) => [rel, e.rows] as const),
  ];
  for (const [rel, rows] of published)
    if (counts.get(rel) !== rows)
      throw new DpError(
        "PUBLISH",
        `snapshot check: ${rel} has ${counts.get(rel) ?? 0} rows where the warehouse has ${rows}`,
        { exitCode: 1 },
      );
  // every view bound when createRelations made it: that is DuckDB's own check that it reads
}

interface PartToRead {
  path: string;
  /** the table the part is the whole of (its count is the table's) */
  rel?: string;
  small: boolean;
  rows: number;
  width: number;
}

/**
 * Parts read together in one multi-file scan: up to 200, while (their rows) × (their columns together)
 * stays within READ_CELLS. The scan reads every file under the union of their columns (a column a file
 * lacks is null there) and hashes whole rows, so 200 ten-row tables cost 2,000 rows × a few hundred
 * columns, while a few 100k-row tables together would hash every row across all their columns; a part
 * too large for the budget is a scan of its own.
 */
const READ_CELLS = 4_000_000;

function readChunks(files: PartToRead[]): PartToRead[][] {
  const chunks: PartToRead[][] = [];
  let cur: PartToRead[] = [];
  let rows = 0;
  let width = 0;
  for (const f of files) {
    if (cur.length && (cur.length >= 200 || (rows + f.rows) * (width + f.width) > READ_CELLS)) {
      chunks.push(cur);
      cur = [];
      rows = 0;
      width = 0;
    }
    cur.push(f);
    rows += f.rows;
    width += f.width;
  }
  if (cur.length) chunks.push(cur);
  return chunks;
}

/** Reads parts in full in one scan; returns each file's row count (a file with no rows is absent, so 0). */
async function readParts(snap: Db, paths: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>(paths.map((p) => [p, 0]));
  try {
    const rows = await snap.all<{ f: string; n: number }>(
      `SELECT _dp_part AS f, count(*) AS n, bit_xor(hash(t)) AS h FROM read_parquet([${paths.map(literal).join(", ")}], union_by_name = true, filename = '_dp_part') t GROUP BY _dp_part`,
    );
    for (const r of rows) out.set(r.f, Number(r.n));
  } catch (e) {
    log.debug(`publish: read-back a scan per part (${(e as Error).message.split("\n")[0]})`);
    // columns union_by_name cannot combine, or a table with a column named _dp_part: a scan each (a damaged
    // part fails here too, and that error is thrown)
    const rows = await snap.all<{ k: number; n: number }>(
      paths
        .map((p, j) => `SELECT ${j} AS k, count(*) AS n, bit_xor(hash(t)) AS h FROM read_parquet(${literal(p)}) t`)
        .join(" UNION ALL "),
    );
    for (const r of rows) out.set(paths[Number(r.k)]!, Number(r.n));
  }
  return out;
}

/**
 * Tables of up to this many rows are copied into the snapshot file (`CREATE TABLE … AS`, a hundred statements
 * to a call) instead of being written as parts. A part costs a Parquet `COPY`, a view that binds it and a
 * read-back, ≈1.8 ms of CPU a table (500 ten-row models: 0.93 s of a 2.8 s build); a copy ≈0.5 ms with its share
 * of the snapshot's checkpoint. The copy is made again at every publish (a snapshot file is new each time) where
 * an unchanged part is shared, so the limit keeps that to a block or two each: 16 KB (SNAPSHOT_BLOCK_SIZE) holds a
 * few hundred narrow rows.
 */
export const INLINE_ROWS = 256;

/**
 * The snapshot file's block size: DuckDB gives each table at least one block of its own, 256 KB by default (500
 * ten-row tables made a 134 MB file); at 16 KB, the smallest it takes, the same tables are 12 MB.
 */
const SNAPSHOT_BLOCK_SIZE = 16_384;

/**
 * Tables up to one DuckDB row group are written and read back on one thread. DuckDB splits a scan and a
 * Parquet write by row group, so a table this small has nothing to split, and handing its pipeline to the
 * scheduler's workers costs more than the work: 500 ten-row parts took 0.63–0.80 s of CPU to write at the
 * default two threads, 0.33–0.41 s at one (5 interleaved pairs, bench/ANALYSIS.md "What a publish costs per table").
 */
const SMALL_ROWS = 122_880;

async function currentThreads(db: Db): Promise<number> {
  return Number((await db.one<{ t: number }>("SELECT current_setting('threads') AS t"))?.t ?? 1);
}

/** `threads` is the whole database instance's setting: nothing else runs on the writer while it publishes. */
async function setThreads(db: Db, n: number): Promise<void> {
  await db.run(`SET threads = ${Math.max(1, Math.floor(n))}`);
}

/**
 * Keeps the new snapshot, the one before it (a reader may have just opened it) and any a live reader
 * holds; deletes the rest, then every part and every base no kept snapshot names, and leftovers of a writer killed
 * mid-publish.
 */
function pruneSnapshots(dir: string, name: string, previous: string | undefined): void {
  const kept = new Set([name, previous, ...heldSnapshots(dir)].filter((x): x is string => Boolean(x)).map(stem));
  for (const f of readdirSync(dir)) {
    if (f === "current.json" || f === "tables" || f === "bases" || f === READERS) continue;
    const stale = f.startsWith(".") ? f.endsWith(".tmp") || f.endsWith(".tmp.wal") : !kept.has(stem(f));
    if (stale) rmSync(join(dir, f), { force: true });
  }
  const used = new Set<string>();
  const bases = new Set<string>();
  for (const k of kept) {
    const m = readManifest(join(dir, `${k}.duckdb`));
    if (m?.base) bases.add(m.base.file);
    for (const e of Object.values(m?.tables ?? {})) for (const p of e.parts) used.add(p);
  }
  const tablesDir = partsDir(dir);
  if (existsSync(tablesDir))
    for (const f of readdirSync(tablesDir)) if (!used.has(f)) rmSync(join(tablesDir, f), { force: true });
  const basesPath = basesDir(dir);
  if (existsSync(basesPath))
    for (const f of readdirSync(basesPath)) if (!bases.has(f)) rmSync(join(basesPath, f), { force: true });
}

const READERS = "readers";

/** Row counts of many relations in one query (a query each cost a round trip per table). */
async function rowCounts(db: Db, relations: string[]): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < relations.length; i += 200) {
    const chunk = relations.slice(i, i + 200);
    const rows = await db.all<{ k: number; n: number }>(
      chunk.map((r, j) => `SELECT ${j} AS k, count(*) AS n FROM ${r}`).join(" UNION ALL "),
    );
    const byK = new Map(rows.map((r) => [Number(r.k), Number(r.n)]));
    for (let j = 0; j < chunk.length; j++) out.push(byK.get(j) ?? 0);
  }
  return out;
}

/** A reader's claim on a snapshot: snapshots/readers/<pid>-<n> naming it, removed when the reader closes. */
function takeLease(dir: string, file: string): () => void {
  const leases = join(dir, READERS);
  try {
    mkdirSync(leases, { recursive: true });
  } catch {
    return () => {};
  }
  const lease = join(leases, `${process.pid}-${Math.random().toString(36).slice(2, 10)}`);
  try {
    writeFileSync(lease, file);
  } catch {
    // a full disk or a read-only project: read without a lease (the writer keeps the previous snapshot anyway)
    rmSync(lease, { force: true });
    return () => {};
  }
  return () => rmSync(lease, { force: true });
}

/** Snapshots named by the lease of a live reader; a dead reader's lease is removed. */
function heldSnapshots(dir: string): string[] {
  const leases = join(dir, READERS);
  if (!existsSync(leases)) return [];
  const held: string[] = [];
  for (const f of readdirSync(leases)) {
    const pid = Number(f.slice(0, f.indexOf("-")));
    let alive = pid === process.pid;
    try {
      if (!alive) alive = process.kill(pid, 0);
    } catch (e) {
      alive = (e as NodeJS.ErrnoException).code === "EPERM";
    }
    if (!alive) {
      rmSync(join(leases, f), { force: true });
      continue;
    }
    try {
      held.push(readFileSync(join(leases, f), "utf8").trim());
    } catch {}
  }
  return held;
}

/** `<run id>` of `<run id>.duckdb` and of its sidecars (`<run id>.catalog.json`). */
function stem(file: string): string {
  return file.slice(0, file.indexOf(".") >>> 0);
}

export function currentPointer(project: Project): SnapshotPointer | undefined {
  const p = pointerPath(project);
  if (!existsSync(p)) return undefined;
  try {
    return JSON.parse(readFileSync(p, "utf8")) as SnapshotPointer;
  } catch {
    return undefined;
  }
}

/**
 * What a connection on a snapshot file attaches first: the base its tables over a base read (`dp_base`), if it has
 * one. Attached before the sandbox locks external access, so user SQL cannot attach anything itself.
 */
export function snapshotAttachments(project: Project, snapshotFile: string): { path: string; alias: string }[] {
  const base = readManifest(snapshotFile)?.base;
  return base ? [{ path: join(basesDir(project.paths.snapshots), base.file), alias: BASE_ALIAS }] : [];
}

/** A read-only, sandboxed connection on the latest published snapshot. */
export async function openReader(project: Project): Promise<Db> {
  // a writer may publish twice between our reading the pointer and opening its file,
  // and prune that file: read the pointer again
  for (let attempt = 0; ; attempt++) {
    const pointer = currentPointer(project);
    const file = pointer && join(project.paths.snapshots, pointer.file);
    if (!file || !existsSync(file)) {
      if (pointer && attempt < 5) continue;
      throw new DpError("NOT_FOUND", "there is no built warehouse yet", {
        where: project.paths.warehouse,
        fix: "run `dp run` (or `dp pull && dp build`) first",
        exitCode: 1,
      });
    }
    const release = takeLease(project.paths.snapshots, pointer.file);
    try {
      // the lease is taken: a snapshot still there now stays until this reader closes
      if (!existsSync(file)) throw new DpError("NOT_FOUND", `snapshot ${pointer.file} was pruned`);
      const db = await Db.open(file, {
        readOnly: true,
        threads: project.config.warehouse.threads,
        memoryLimit: project.config.warehouse.memory_limit,
        sandbox: { allowedDirectories: [project.paths.lake, partsDir(project.paths.snapshots)] },
        attach: snapshotAttachments(project, file),
        // the base is attached, and the engine locked, at the first statement: the lease taken above keeps this
        // snapshot's file and its base until close, so a later attach reads the same base as one at the open
        deferAttach: true,
      });
      const close = db.close.bind(db);
      db.close = () => {
        close();
        release();
      };
      return db;
    } catch (e) {
      release();
      if (attempt >= 5 || existsSync(file)) throw e;
    }
  }
}
