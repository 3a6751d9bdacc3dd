import { copyFileSync, existsSync, mkdirSync, renameSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { Db } from "./duckdb.ts";
import { DpError } from "../errors.ts";
import { log } from "../log.ts";

/**
 * Opening the warehouse must not fail on every run because of one bad file. A corrupt WAL holds at most
 * the unpublished part of a killed run (rebuilt by this run); a corrupt database file is replaced by
 * the last published snapshot. Either way the bad file is kept in warehouse/quarantine/ and logged.
 */
export async function openRecovering(
  path: string,
  latestSnapshot: () => string | undefined,
  open: () => Promise<Db>,
): Promise<Db> {
  try {
    return await open();
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
        `the warehouse's write-ahead log is corrupt (${first}); moved it to ${to}. It held only unpublished work of an interrupted run, which this run rebuilds`,
      );
      return await open();
    }
    if (/Corrupt database file|not a valid DuckDB database|checksum/i.test(msg)) {
      const to = moveAside(path);
      moveAside(`${path}.wal`);
      const snapshot = latestSnapshot();
      if (snapshot && existsSync(snapshot)) copyFileSync(snapshot, path);
      log.error(
        `the warehouse file is corrupt (${first}); moved it to ${to} and ${snapshot ? `restored the last published snapshot ${basename(snapshot)}` : "started an empty warehouse (no snapshot yet)"}; this run rebuilds from the raw lake`,
      );
      return await open();
    }
    throw e;
  }
}
