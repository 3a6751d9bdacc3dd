import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";

/**
 * The limit side of a benchmark: DuckDB itself through @duckdb/node-api, one
 * connection, with the same threads and memory limit dp runs with.
 */
export async function limitConnection(
  path: string,
  settings: { threads?: number; memoryLimit?: string } = {},
): Promise<{ conn: DuckDBConnection; close(): void }> {
  const config: Record<string, string> = {};
  if (settings.threads) config.threads = String(settings.threads);
  if (settings.memoryLimit) config.memory_limit = settings.memoryLimit;
  const db = await DuckDBInstance.create(path, config);
  const conn = await db.connect();
  return {
    conn,
    close() {
      conn.closeSync();
      db.closeSync();
    },
  };
}

export function lit(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
