/**
 * Limit of build: dp's compiled SQL, in dp's order, on one DuckDB connection,
 * into a fresh database file, with the threads and memory limit dp's build gets by
 * default. With `--with-tests`, after each model the statements dp's build sends for its data tests (one scan
 * for the row-condition tests, one query per unique test). No transactions, bookkeeping or snapshot. Prints ms.
 */
import { readFileSync } from "node:fs";
import type { LimitPlan } from "../lib/demo-project.ts";
import { defaultMemoryLimit, defaultThreads } from "../../engine/warehouse/duckdb-settings.ts";
import { limitConnection, lit } from "../lib/limit-db.ts";

const [planPath, dbPath, mode] = process.argv.slice(2) as [string, string, string | undefined];
const withTests = mode === "--with-tests";
const plan = JSON.parse(readFileSync(planPath, "utf8")) as LimitPlan;
const q = (s: string) => `"${s.replaceAll('"', '""')}"`;
const t0 = performance.now();
const { conn, close } = await limitConnection(dbPath, { threads: defaultThreads(), memoryLimit: defaultMemoryLimit() });
await conn.run("CREATE SCHEMA IF NOT EXISTS raw");
for (const v of plan.views) {
  await conn.run(
    `CREATE OR REPLACE VIEW raw.${q(v.view)} AS SELECT * FROM read_parquet(${lit(v.glob)}, hive_partitioning = true, union_by_name = true)`,
  );
}
const schemas = new Set<string>();
const models: Record<string, number> = {};
const tests: Record<string, number> = {};
for (const m of plan.models) {
  if (!schemas.has(m.schema)) await conn.run(`CREATE SCHEMA IF NOT EXISTS ${q(m.schema)}`);
  schemas.add(m.schema);
  const sql = readFileSync(m.sqlPath, "utf8");
  const kind = m.materialized === "view" ? "VIEW" : "TABLE";
  const t = performance.now();
  await conn.run(`CREATE OR REPLACE ${kind} ${q(m.schema)}.${q(m.name)} AS ${sql}`);
  models[m.name] = performance.now() - t;
  if (withTests) {
    const tt = performance.now();
    for (const statement of m.tests) await conn.run(statement);
    tests[m.name] = performance.now() - tt;
  }
}
await conn.run("CHECKPOINT");
close();
process.stdout.write(`${JSON.stringify({ ms: performance.now() - t0, models, tests })}\n`);
