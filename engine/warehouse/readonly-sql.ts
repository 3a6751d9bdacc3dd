import { DpError } from "../errors.ts";
import { closestName } from "../closest-name.ts";
import type { Db, Row } from "./duckdb.ts";
import type { Project } from "../config/project.ts";
import { openReader } from "./snapshots.ts";

/** One SELECT on the published snapshot: read-only file, external access off, config locked. */
export async function runReadOnlySql(project: Project, sql: string, options: { limit?: number } = {}): Promise<Row[]> {
  const db = await openReader(project);
  try {
    try {
      await db.assertSingleSelect(sql);
    } catch (e) {
      throw await withTableHint(db, e);
    }
    const limit = Math.max(1, Math.min(options.limit ?? 1000, 100_000));
    return await db.all(`SELECT * FROM (${sql.replace(/;\s*$/, "")}) AS q LIMIT ${limit}`);
  } finally {
    db.close();
  }
}

/**
 * A table that does not exist, with the closest of the project's own tables as the fix. DuckDB's own hint
 * searches every catalog it has: it offers system tables ("nope" → `pg_enum`), the attached base by its
 * internal name (`dp_base.marts.customers`), or a bare name without the schema it needs.
 */
async function withTableHint(db: Db, e: unknown): Promise<unknown> {
  if (!(e instanceof DpError) || e.code !== "NOT_FOUND") return e;
  const typed = /Table with name (\S+) does not exist/.exec(e.message)?.[1];
  if (!typed) return e;
  const rows = await db.all(
    "SELECT table_schema AS s, table_name AS t FROM information_schema.tables WHERE table_catalog = current_database() AND table_schema NOT IN ('_dp', 'main', 'information_schema', 'pg_catalog') ORDER BY (table_schema = 'marts') DESC, table_schema, table_name",
  );
  const names = rows.map((r) => `${r.s}.${r.t}`);
  const bare = typed.split(".").at(-1)!.toLowerCase();
  const tableOf = (n: string) => n.split(".")[1]!.toLowerCase();
  // DuckDB names the table without its schema: match on table names, then the shortest that starts with it
  const near =
    names.find((n) => tableOf(n) === bare) ??
    names.find((n) => tableOf(n) === closestName(bare, names.map(tableOf))) ??
    (bare.length >= 3
      ? names.filter((n) => tableOf(n).startsWith(bare)).sort((a, b) => a.length - b.length)[0]
      : undefined);
  const fix = near
    ? `did you mean ${near}? (\`dp catalog\` lists the tables)`
    : "`dp catalog` lists the tables; name them as marts.NAME (or staging.NAME)";
  return new DpError("NOT_FOUND", e.message, { cause: e, where: e.where, fix });
}
