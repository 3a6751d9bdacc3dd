import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { Db, literal } from "../../../engine/warehouse/duckdb.ts";
import { streamGlob } from "../../../engine/ingest/lake-writer.ts";

export function parquetFiles(projectDir: string, source: string, stream: string): string[] {
  const dir = join(projectDir, "lake", "raw", source, stream);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith(".parquet"));
}

/** Every row of a stream's durable raw files (only what a reader of the lake would see). */
export async function lakeRows(
  projectDir: string,
  source: string,
  stream: string,
  select: string,
): Promise<Record<string, unknown>[]> {
  if (parquetFiles(projectDir, source, stream).length === 0) return [];
  const db = await Db.open(":memory:");
  try {
    const glob = streamGlob(join(projectDir, "lake", "raw"), source, stream);
    return await db.all(`SELECT ${select} FROM read_parquet(${literal(glob)}, union_by_name = true)`);
  } finally {
    db.close();
  }
}

/** Staging's view of a stream: the latest version per primary key. */
export function latestByKey(rows: Record<string, unknown>[], key: string, version: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of rows) {
    const k = String(r[key]);
    const v = String(r[version]);
    const prev = out.get(k);
    if (prev === undefined || v > prev) out.set(k, v);
  }
  return out;
}
