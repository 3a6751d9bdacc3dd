import { existsSync, renameSync, rmSync, statSync } from "node:fs";
import { Db, literal } from "./duckdb.ts";
import { log } from "../log.ts";

/** Free blocks above this share of the file: the warehouse is written again without them. */
export const COMPACT_FREE_SHARE = 0.1;
/** ...and above this many bytes: rewriting a small warehouse for a few free blocks costs more than they do. */
export const COMPACT_MIN_FREE_BYTES = 8 * 1024 * 1024;

export interface Compaction {
  before: number;
  after: number;
}

/**
 * DuckDB reuses a dropped table's blocks but never gives them back to the filesystem, so a warehouse
 * whose tables are rebuilt in full grows past a fresh build (a new version is written before the old
 * one is dropped). When free blocks pass COMPACT_FREE_SHARE, the live data is copied into a new file
 * (COPY FROM DATABASE) and renamed over the old one: a kill leaves the old file and a stray .compact.tmp.
 * The writer must be closed; a remote (`md:`) or in-memory warehouse is never compacted here.
 */
export async function compactIfBloated(
  path: string,
  settings: { threads?: number; memoryLimit?: string },
  share = COMPACT_FREE_SHARE,
): Promise<Compaction | undefined> {
  // a WAL holds changes not yet in the file: compact after the next clean close
  if (path === ":memory:" || path.startsWith("md:") || !existsSync(path) || existsSync(`${path}.wal`)) return undefined;
  const tmp = `${path}.compact.tmp`;
  rmSync(tmp, { force: true });
  rmSync(`${tmp}.wal`, { force: true });
  const db = await Db.open(":memory:", settings);
  let compacted = false;
  try {
    await db.run(`ATTACH ${literal(path)} AS dp_old (READ_ONLY)`);
    if (!(await bloated(db, "'dp_old'", share))) return undefined;
    try {
      await db.run(`ATTACH ${literal(tmp)} AS dp_new`);
      await db.run("COPY FROM DATABASE dp_old TO dp_new");
      await db.run("DETACH dp_new");
      compacted = true;
    } catch (e) {
      // housekeeping: a full disk (the copy needs room for the live data) leaves the warehouse as it was
      log.warn(`the warehouse was not compacted: ${(e as Error).message.split("\n")[0]}`);
      return undefined;
    }
  } finally {
    db.close();
    if (!compacted) {
      rmSync(tmp, { force: true });
      rmSync(`${tmp}.wal`, { force: true });
    }
  }
  const before = statSync(path).size;
  renameSync(tmp, path);
  const after = statSync(path).size;
  log.info(`compacted the warehouse: ${before} → ${after} bytes (free blocks over ${share * 100}%)`);
  return { before, after };
}

type BlockCounts = {
  free: number;
  total: number;
  block: number;
};

async function bloated(db: Db, database: string, share: number): Promise<boolean> {
  const size = await db.one<BlockCounts>(
    `SELECT free_blocks AS free, total_blocks AS total, block_size AS block FROM pragma_database_size() WHERE database_name = ${database}`,
  );
  return (
    size !== undefined &&
    Number(size.total) > 0 &&
    Number(size.free) / Number(size.total) > share &&
    Number(size.free) * Number(size.block) >= COMPACT_MIN_FREE_BYTES
  );
}

/**
 * The writer's own count of free blocks, read before it closes: when it is under the threshold,
 * compactIfBloated need not open the file again (a second DuckDB and the catalog of every table:
 * 40–80 ms for 500 tables). A count that cannot be read says "maybe", and compactIfBloated decides.
 */
export async function mayBeBloated(db: Db, share = COMPACT_FREE_SHARE): Promise<boolean> {
  return bloated(db, "current_database()", share).catch(() => true);
}
