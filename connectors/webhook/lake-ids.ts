import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { Db, sqlList } from "../../engine/warehouse/duckdb.ts";
import { streamDir } from "../../engine/ingest/lake-writer.ts";

export const EVENTS_STREAM = "events";

/** Raw Parquet files of a webhook source's events, optionally only those written since a moment. */
export function eventFiles(lakeDir: string, source: string, sinceMs?: number): string[] {
  const dir = streamDir(join(lakeDir, "raw"), source, EVENTS_STREAM);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith(".parquet"))
    .map((f) => join(dir, f))
    .filter((p) => sinceMs === undefined || statSync(p).mtimeMs >= sinceMs);
}

/** Event ids already in the lake: the other half of the seen-id index (the inbox is the first). */
export async function lakeEventIds(lakeDir: string, source: string, sinceMs?: number): Promise<Set<string>> {
  const files = eventFiles(lakeDir, source, sinceMs);
  const ids = new Set<string>();
  if (!files.length) return ids;
  const db = await Db.open(":memory:", { threads: 1 });
  try {
    const rows = await db.all<{ id: string }>(`SELECT id FROM read_parquet(${sqlList(files)})`);
    for (const r of rows) ids.add(r.id);
  } finally {
    db.close();
  }
  return ids;
}
