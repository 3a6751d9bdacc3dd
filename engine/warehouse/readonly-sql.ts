import type { Row } from "./duckdb.ts";
import type { Project } from "../config/project.ts";
import { openReader } from "./snapshots.ts";

/** One SELECT on the published snapshot: read-only file, external access off, config locked. */
export async function runReadOnlySql(project: Project, sql: string, options: { limit?: number } = {}): Promise<Row[]> {
  const db = await openReader(project);
  try {
    await db.assertSingleSelect(sql);
    const limit = Math.max(1, Math.min(options.limit ?? 1000, 100_000));
    return await db.all(`SELECT * FROM (${sql.replace(/;\s*$/, "")}) AS q LIMIT ${limit}`);
  } finally {
    db.close();
  }
}
