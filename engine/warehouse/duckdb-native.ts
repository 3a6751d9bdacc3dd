/**
 * Loads @duckdb/node-api lazily, so commands that never touch the engine
 * (`dp --version`, `--help`) never load it. In the compiled binary
 * scripts/build.ts points `@duckdb/node-bindings` at engine/warehouse/duckdb-embedded.ts,
 * which extracts the embedded addon and libduckdb to a cache dir on first use.
 */
type DuckDBModule = typeof import("@duckdb/node-api");
let cached: Promise<DuckDBModule> | undefined;

export function loadDuckDB(): Promise<DuckDBModule> {
  cached ??= import("@duckdb/node-api");
  return cached;
}
