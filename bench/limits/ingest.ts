/**
 * Limit of ingest: DuckDB reads the same records from local NDJSON and writes Parquet. Prints ms.
 * Without a flag DuckDB runs at its own defaults (every core, 80% of the RAM); with `--capped`, at the
 * threads and memory limit dp gives DuckDB by default (engine/warehouse/duckdb-settings.ts).
 * `--set key=value` (repeatable) sets one more DuckDB option, to find which default makes the difference:
 *   bun bench/limits/ingest.ts DIR OUT --set memory_limit=2GB
 */
import { DuckDBInstance } from "@duckdb/node-api";
import { defaultMemoryLimit, defaultThreads } from "../../engine/warehouse/duckdb-settings.ts";
import { lit } from "../lib/limit-db.ts";

const [ndjsonDir, out, ...flags] = process.argv.slice(2) as [string, string, ...string[]];
const config: Record<string, string> = {};
if (flags.includes("--capped")) {
  config.threads = String(defaultThreads());
  config.memory_limit = defaultMemoryLimit();
}
flags.forEach((flag, i) => {
  if (flag !== "--set") return;
  const [key, ...value] = (flags[i + 1] ?? "").split("=");
  if (!key || !value.length) throw new Error(`--set wants key=value, got ${JSON.stringify(flags[i + 1])}`);
  config[key] = value.join("=");
});
const t0 = performance.now();
const db = await DuckDBInstance.create(":memory:", config);
const conn = await db.connect();
await conn.run(
  `COPY (SELECT * FROM read_json(${lit(`${ndjsonDir}/*.ndjson`)}, format = 'newline_delimited')) TO ${lit(out)} (FORMAT parquet, COMPRESSION zstd)`,
);
conn.closeSync();
db.closeSync();
process.stdout.write(`${JSON.stringify({ ms: performance.now() - t0 })}\n`);
