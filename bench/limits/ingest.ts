/** Limit of ingest: DuckDB reads the same records from local NDJSON and writes Parquet. Prints ms. */
import { limitConnection, lit } from "../lib/limit-db.ts";

const [ndjsonDir, out] = process.argv.slice(2) as [string, string];
const t0 = performance.now();
const { conn, close } = await limitConnection(":memory:");
await conn.run(
  `COPY (SELECT * FROM read_json(${lit(`${ndjsonDir}/*.ndjson`)}, format = 'newline_delimited')) TO ${lit(out)} (FORMAT parquet, COMPRESSION zstd)`,
);
close();
process.stdout.write(`${JSON.stringify({ ms: performance.now() - t0 })}\n`);
