import { copyFileSync, constants, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Db } from "./duckdb.ts";
import { DpError } from "../errors.ts";
import { writeFileAtomic } from "../atomic-write.ts";
import { openRecovering } from "./recover.ts";
import type { Project } from "../config/project.ts";

/**
 * The writer owns paths.warehouse. Readers (ask, sql, export, mcp) never open
 * it: after every build the file is copied to an immutable snapshot and a
 * pointer is swapped atomically, so a reader sees the old or the new state.
 */
export async function openWriter(project: Project): Promise<Db> {
  const latest = () => {
    const p = currentPointer(project);
    return p && join(project.paths.snapshots, p.file);
  };
  const db = await openRecovering(project.paths.warehouse, latest, () =>
    Db.open(project.paths.warehouse, {
      threads: project.config.warehouse.threads,
      memoryLimit: project.config.warehouse.memory_limit,
    }),
  );
  await ensureMeta(db);
  return db;
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
    ALTER TABLE _dp.model_runs ADD COLUMN IF NOT EXISTS reused BOOLEAN`);
}

interface SnapshotPointer {
  file: string;
  published_at: string;
  run_id: string;
}

function pointerPath(project: Project): string {
  return join(project.paths.snapshots, "current.json");
}

/**
 * A file written beside a snapshot before the pointer names it (the catalog cache): the layer that
 * owns it passes it in, so the warehouse never imports what sits above it. Named `<snapshot stem>.*`,
 * it is pruned with its snapshot.
 */
export type SnapshotSidecar = (db: Db, snapshotFile: string) => Promise<void>;

export async function publishSnapshot(
  project: Project,
  db: Db,
  runId: string,
  sidecar?: SnapshotSidecar,
): Promise<string> {
  await db.run("CHECKPOINT");
  mkdirSync(project.paths.snapshots, { recursive: true });
  const name = `${runId}.duckdb`;
  const tmp = join(project.paths.snapshots, `.${name}.tmp`);
  // a reflink where the filesystem has one, a copy elsewhere
  copyFileSync(project.paths.warehouse, tmp, constants.COPYFILE_FICLONE);
  renameSync(tmp, join(project.paths.snapshots, name));
  await sidecar?.(db, name);
  const previous = currentPointer(project);
  writeFileAtomic(
    pointerPath(project),
    JSON.stringify({ file: name, published_at: new Date().toISOString(), run_id: runId } satisfies SnapshotPointer),
  );
  // keep the previous snapshot for readers that still have it open
  // and leftovers of a writer killed mid-copy
  const kept = new Set([name, previous?.file].filter((x): x is string => Boolean(x)).map(stem));
  for (const f of readdirSync(project.paths.snapshots)) {
    const stale = f.startsWith(".")
      ? f.endsWith(".tmp") && f !== `.${name}.tmp`
      : f !== "current.json" && !kept.has(stem(f));
    if (stale) rmSync(join(project.paths.snapshots, f), { force: true });
  }
  return join(project.paths.snapshots, name);
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
    try {
      return await Db.open(file, {
        readOnly: true,
        threads: project.config.warehouse.threads,
        memoryLimit: project.config.warehouse.memory_limit,
        sandbox: { allowedDirectories: [project.paths.lake] },
      });
    } catch (e) {
      if (attempt >= 5 || existsSync(file)) throw e;
    }
  }
}
