/**
 * Limit of build: dp's compiled SQL, in dp's order, on one DuckDB connection,
 * into a fresh database file, with the threads and memory limit dp's build gets by
 * default. A statement that runs out of memory under that limit runs again a step up dp's ladder, as
 * dp's build does for such a model (the models it happened to are printed as `roomy`). With `--with-tests`, after each model the statements dp's build sends for its data tests (one scan
 * for the row-condition tests, one query per unique test). No transactions, bookkeeping or snapshot. Prints ms.
 */
import { readFileSync } from "node:fs";
import type { LimitPlan } from "../lib/demo-project.ts";
import {
  defaultMemoryLimit,
  defaultThreads,
  isOutOfMemory,
  memoryLadder,
} from "../../engine/warehouse/duckdb-settings.ts";
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
const roomy: string[] = [];
/** One statement; out of memory under the default limit, again a step up dp's ladder (like dp's build). */
async function run(model: string, sql: string): Promise<void> {
  const ladder = memoryLadder(defaultMemoryLimit());
  try {
    for (let step = 0; ; step++) {
      try {
        await conn.run(sql);
        return;
      } catch (e) {
        if (!(e instanceof Error) || !isOutOfMemory(e.message) || step >= ladder.length) throw e;
        if (step === 0) roomy.push(model);
        await conn.run(`SET memory_limit = ${lit(ladder[step]!)}`);
      }
    }
  } finally {
    if (roomy.at(-1) === model) await conn.run(`SET memory_limit = ${lit(defaultMemoryLimit())}`);
  }
}
for (const m of plan.models) {
  if (!schemas.has(m.schema)) await conn.run(`CREATE SCHEMA IF NOT EXISTS ${q(m.schema)}`);
  schemas.add(m.schema);
  const sql = readFileSync(m.sqlPath, "utf8");
  const kind = m.materialized === "view" ? "VIEW" : "TABLE";
  const t = performance.now();
  await run(m.name, `CREATE OR REPLACE ${kind} ${q(m.schema)}.${q(m.name)} AS ${sql}`);
  models[m.name] = performance.now() - t;
  if (withTests) {
    const tt = performance.now();
    for (const statement of m.tests) await run(m.name, statement);
    tests[m.name] = performance.now() - tt;
  }
}
await conn.run("CHECKPOINT");
close();
process.stdout.write(`${JSON.stringify({ ms: performance.now() - t0, models, tests, roomy })}\n`);
