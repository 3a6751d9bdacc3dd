import { loadProject } from "../../../engine/config/project.ts";
import { openReader } from "../../../engine/warehouse/snapshots.ts";

/** One hash over every mart's rows (order-independent) and the list of tables: "did anything change". */
export async function martsHash(dir: string, schemas = ["marts", "staging"]): Promise<string> {
  const db = await openReader(loadProject(dir));
  try {
    const tables = await db.all<{ s: string; t: string }>(
      `SELECT table_schema AS s, table_name AS t FROM information_schema.tables WHERE table_schema IN (${schemas.map((s) => `'${s}'`).join(", ")}) ORDER BY 1, 2`,
    );
    const parts: string[] = [];
    for (const { s, t } of tables) {
      const row = await db.one<{ n: number; h: string }>(
        `SELECT count(*) AS n, CAST(coalesce(sum(hash(x)), 0) AS VARCHAR) AS h FROM "${s}"."${t}" x`,
      );
      parts.push(`${s}.${t}:${row!.n}:${row!.h}`);
    }
    return parts.join("|");
  } finally {
    db.close();
  }
}
