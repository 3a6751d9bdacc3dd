import { existsSync, mkdirSync, renameSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { Db } from "./duckdb.ts";
import { DpError } from "../errors.ts";
import { log } from "../log.ts";

/**
 * Opening the warehouse must not fail on every run because of one bad file. A corrupt WAL holds the changes
 * since the last checkpoint (runs' commits stay in it until it passes WAL_CHECKPOINT): without it the file is
 * the warehouse as that checkpoint left it, bookkeeping included, and this run rebuilds what changed since; a
 * corrupt database file is replaced by the last published snapshot. Either way the bad file is kept in warehouse/quarantine/ and logged.
 */
export async function openRecovering(
  path: string,
  restore: (to: string) => Promise<string | undefined>,
  open: () => Promise<Db>,
): Promise<Db> {
  try {
    const db = await open();
    try {
      await checkNotTruncated(db, path);
    } catch (e) {
      db.close();
      throw e;
    }
    return db;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (!(e instanceof DpError) || e.code !== "IO" || path === ":memory:" || path.startsWith("md:")) throw e;
    const stamp = new Date().toISOString().replace(/[-:.]/g, "");
    const quarantine = join(dirname(path), "quarantine");
    const moveAside = (file: string): string | undefined => {
      if (!existsSync(file)) return undefined;
      mkdirSync(quarantine, { recursive: true });
      const to = join(quarantine, `${basename(file)}.${stamp}`);
      renameSync(file, to);
      return to;
    };
    const first = msg.split("\n")[0];
    if (/replaying WAL|Corrupt WAL/i.test(msg)) {
      const to = moveAside(`${path}.wal`);
      log.error(
        `the warehouse's write-ahead log is corrupt (${first}); moved it to ${to}. It held the changes since the warehouse's last checkpoint (the published ones are in the snapshots), which this run rebuilds from the lake`,
      );
      return await open();
    }
    if (isCorruptWarehouse(msg, path)) {
      const to = moveAside(path);
      moveAside(`${path}.wal`);
      const snapshot = await restore(path);
      log.error(
        `the warehouse file is corrupt (${first}); moved it to ${to} and ${snapshot ? `restored the last verified snapshot ${snapshot}` : "started an empty warehouse (no snapshot yet)"}; this run rebuilds from the raw lake`,
      );
      return await open();
    }
    throw e;
  }
}

/** Moves the warehouse file (and its WAL) to warehouse/quarantine/, keeping them for a person to look at. */
export function quarantineWarehouse(path: string): string | undefined {
  const stamp = new Date().toISOString().replace(/[-:.]/g, "");
  const quarantine = join(dirname(path), "quarantine");
  let to: string | undefined;
  for (const file of [path, `${path}.wal`]) {
    if (!existsSync(file)) continue;
    mkdirSync(quarantine, { recursive: true });
    const dest = join(quarantine, `${basename(file)}.${stamp}`);
    renameSync(file, dest);
    to ??= dest;
  }
  return to;
}

/**
 * A DuckDB file shorter than its header says (truncated by a full disk, a bad copy, a person) opens
 * fine and fails only when a query reaches a missing block: caught here, at open.
 */
export async function checkNotTruncated(db: Db, path: string): Promise<void> {
  if (path === ":memory:" || path.startsWith("md:") || !existsSync(path)) return;
  const r = await db.one<{ used_blocks: number; block_size: number }>(
    "SELECT used_blocks, block_size FROM pragma_database_size() WHERE database_name = current_database()",
  );
  if (!r) return;
  // three 4 KiB headers, then at least every block in use: DuckDB cuts free blocks off the end of the file,
  // so its total block count can name blocks past the end of a healthy file, but a used one never is
  const expected = 3 * 4096 + Number(r.used_blocks) * Number(r.block_size);
  const size = statSync(path).size;
  if (size < expected)
    throw new DpError(
      "IO",
      `Corrupt database file: ${path} is ${size} bytes, shorter than its ${r.used_blocks} blocks in use (truncated)`,
    );
}

/** DuckDB's ways of saying the warehouse file itself is damaged (a raw Parquet file in the lake is not this). */
export function isCorruptWarehouse(message: string, path: string): boolean {
  if (/Corrupt database file|not a valid DuckDB database|in block at location|truncated\)/i.test(message)) return true;
  return (
    message.includes(basename(path)) && /Could not read enough bytes|checksum|failed to read|Corrupt/i.test(message)
  );
}
