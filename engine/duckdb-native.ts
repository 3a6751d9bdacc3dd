/**
 * Loads @duckdb/node-api. In a compiled binary (scripts/build.ts) the native
 * addon and libduckdb are embedded and extracted to a cache dir first; see
 * engine/duckdb-embedded.ts, which the build swaps in.
 */
type DuckDBModule = typeof import("@duckdb/node-api");
let cached: Promise<DuckDBModule> | undefined;

export function loadDuckDB(): Promise<DuckDBModule> {
  cached ??= import("@duckdb/node-api");
  return cached;
}
