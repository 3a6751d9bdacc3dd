/**
 * Limit of ingest: DuckDB reads the same records from local NDJSON and writes Parquet. Prints ms.
 * Without a flag DuckDB runs at its own defaults (every core, 80% of the RAM); with `--capped`, at the
 * threads and memory limit dp gives DuckDB by default (engine/warehouse/duckdb-settings.ts).
 */
import { defaultMemoryLimit, defaultThreads } from "../../engine/warehouse/duckdb-settings.ts";
import { limitConnection, lit } from "../lib/limit-db.ts";

const [ndjsonDir, out, mode] = process.argv.slice(2) as [string, string, string | undefined];
const settings = mode === "--capped" ? { threads: defaultThreads(), memoryLimit: defaultMemoryLimit() } : {};
const t0 = performance.now();
const { conn, close } = await limitConnection(":memory:", settings);
await conn.run(
  `COPY (SELECT * FROM read_json(${lit(`${ndjsonDir}/*.ndjson`)}, format = 'newline_delimited')) TO ${lit(out)} (FORMAT parquet, COMPRESSION zstd)`,
);
close();
process.stdout.write(`${JSON.stringify({ ms: performance.now() - t0 })}\n`);
