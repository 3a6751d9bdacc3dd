import { parseDuration } from "../../clock.ts";
import { ident, literal, type Db } from "../../warehouse/duckdb.ts";
import type { ColumnTest, ModelTest } from "../model-schema.ts";
import type { Model, ModelGraph } from "../models.ts";
import { liveRelation } from "../compile.ts";

export interface DataTest {
  /** stable id: model.test(column) */
  id: string;
  model: string;
  kind: string;
  column?: string;
  severity: "error" | "warn";
  /** SQL returning one row {failures: n} */
  sql: (relation: string) => string;
  /** the same count as an aggregate over the model's rows (aliased child), so all such tests of a model share one scan */
  aggregate?: string;
  /** a relationships test: the model it references and the column there (build-run.ts tests a merge's delta against it) */
  references?: { model: string; field: string };
  describe: string;
}

export interface TestResult {
  id: string;
  model: string;
  kind: string;
  column?: string;
  severity: "error" | "warn";
  status: "pass" | "fail" | "warn" | "error";
  failures: number;
  message: string;
}

function sqlValue(v: string | number | boolean): string {
  return typeof v === "string" ? literal(v) : String(v);
}

function columnTest(model: Model, column: string, t: ColumnTest, graph: ModelGraph, nowIso: string): DataTest {
  const col = ident(column);
  const base = { model: model.name, column };
  if (t === "not_null" || (typeof t === "object" && "not_null" in t)) {
    const o = typeof t === "object" && "not_null" in t ? t.not_null : undefined;
    const where = o?.where ? ` AND (${o.where})` : "";
    return {
      ...base,
      id: `${model.name}.not_null(${column})`,
      kind: "not_null",
      severity: o?.severity ?? "error",
      describe: `${column} is never null`,
      sql: (r) => `SELECT count(*) AS failures FROM ${r} WHERE ${col} IS NULL${where}`,
      aggregate: `count(*) FILTER (WHERE ${col} IS NULL${where})`,
    };
  }
  if (t === "unique" || (typeof t === "object" && "unique" in t)) {
    const o = typeof t === "object" && "unique" in t ? t.unique : undefined;
    const where = o?.where ? ` AND (${o.where})` : "";
    return {
      ...base,
      id: `${model.name}.unique(${column})`,
      kind: "unique",
      severity: o?.severity ?? "error",
      describe: `${column} is unique`,
      // grouped by the value's 64-bit hash, then only the values whose hash repeats by the value itself (a collision
      // is no failure): a hash table of every value of 37.6M event ids took the 100× build to 1.19 GB under 768 MB
      sql: (r) =>
        `SELECT coalesce(sum(n - 1), 0) AS failures FROM (SELECT count(*) AS n FROM ${r} WHERE ${col} IS NOT NULL${where} AND hash(${col}) IN (SELECT hash(${col}) AS h FROM ${r} WHERE ${col} IS NOT NULL${where} GROUP BY h HAVING count(*) > 1) GROUP BY ${col} HAVING count(*) > 1)`,
    };
  }
  if ("accepted_values" in t) {
    const values = t.accepted_values.values.map(sqlValue).join(", ");
    return {
      ...base,
      id: `${model.name}.accepted_values(${column})`,
      kind: "accepted_values",
      severity: t.accepted_values.severity,
      describe: `${column} in (${values})`,
      sql: (r) => `SELECT count(*) AS failures FROM ${r} WHERE ${col} IS NOT NULL AND ${col} NOT IN (${values})`,
      aggregate: `count(*) FILTER (WHERE ${col} IS NOT NULL AND ${col} NOT IN (${values}))`,
    };
  }
  const rel = t.relationships;
  const target = graph.models.get(rel.to.replace(/^ref\(['"]?|['"]?\)$/g, ""));
  const targetRelation = target ? liveRelation(target) : ident(rel.to);
  const orphan = `child.${col} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${targetRelation} AS parent WHERE parent.${ident(rel.field)} = child.${col})`;
  return {
    ...base,
    id: `${model.name}.relationships(${column} → ${rel.to}.${rel.field})`,
    kind: "relationships",
    severity: rel.severity,
    ...(target ? { references: { model: target.name, field: rel.field } } : {}),
    describe: `every ${column} exists in ${rel.to}.${rel.field}`,
    // as a FILTER the subquery becomes a mark join built on the parent; as a WHERE over uncommitted rows DuckDB may build on the child
    sql: (r) => `SELECT count(*) FILTER (WHERE ${orphan}) AS failures FROM ${r} AS child`,
    aggregate: `count(*) FILTER (WHERE ${orphan})`,
  };
  void nowIso;
}

function modelTest(model: Model, t: ModelTest, index: number, nowIso: string): DataTest {
  const base = { model: model.name };
  if ("expression" in t) {
    const e =
      typeof t.expression === "string"
        ? { sql: t.expression, severity: "error" as const, name: undefined }
        : t.expression;
    return {
      ...base,
      id: `${model.name}.${e.name ?? `expression(${e.sql})`}`,
      kind: "expression",
      severity: e.severity,
      describe: e.sql,
      sql: (r) => `SELECT count(*) AS failures FROM ${r} WHERE (${e.sql}) IS NOT TRUE`,
      aggregate: `count(*) FILTER (WHERE (${e.sql}) IS NOT TRUE)`,
    };
  }
  if ("row_count" in t) {
    const { min, max, severity } = t.row_count;
    const cond = (n: string) =>
      [min !== undefined ? `${n} < ${Number(min)}` : "", max !== undefined ? `${n} > ${Number(max)}` : ""]
        .filter(Boolean)
        .join(" OR ") || "false";
    return {
      ...base,
      id: `${model.name}.row_count`,
      kind: "row_count",
      severity,
      describe: `row count within [${min ?? "-"}, ${max ?? "-"}]`,
      sql: (r) => `SELECT CASE WHEN ${cond("n")} THEN 1 ELSE 0 END AS failures FROM (SELECT count(*) AS n FROM ${r})`,
      aggregate: `CASE WHEN ${cond("count(*)")} THEN 1 ELSE 0 END`,
    };
  }
  if ("unique_combination" in t) {
    const cols = t.unique_combination.columns.map(ident).join(", ");
    return {
      ...base,
      id: `${model.name}.unique_combination(${t.unique_combination.columns.join(", ")})`,
      kind: "unique_combination",
      severity: t.unique_combination.severity,
      describe: `(${t.unique_combination.columns.join(", ")}) is unique`,
      sql: (r) =>
        `SELECT coalesce(sum(n - 1), 0) AS failures FROM (SELECT count(*) AS n FROM ${r} GROUP BY ${cols} HAVING count(*) > 1)`,
    };
  }
  const { column, max_age, severity } = t.recency;
  const ms = parseDuration(max_age) ?? 86_400_000;
  const fresh = `max(${ident(column)})::TIMESTAMPTZ >= TIMESTAMPTZ ${literal(nowIso)} - INTERVAL ${literal(`${Math.round(ms / 1000)} seconds`)}`;
  return {
    ...base,
    id: `${model.name}.recency(${column})`,
    kind: "recency",
    column,
    severity,
    describe: `newest ${column} within ${max_age}`,
    sql: (r) => `SELECT CASE WHEN ${fresh} THEN 0 ELSE 1 END AS failures FROM ${r}`,
    aggregate: `CASE WHEN ${fresh} THEN 0 ELSE 1 END`,
  };
  void index;
}

export function testsFor(model: Model, graph: ModelGraph, nowIso: string): DataTest[] {
  const out: DataTest[] = [];
  for (const c of model.config.columns) for (const t of c.tests) out.push(columnTest(model, c.name, t, graph, nowIso));
  model.config.tests.forEach((t, i) => out.push(modelTest(model, t, i, nowIso)));
  return out;
}

export async function runTest(db: Db, test: DataTest, relation: string): Promise<TestResult> {
  try {
    const row = await db.one<{ failures: number }>(test.sql(relation));
    return judged(test, Number(row?.failures ?? 0));
  } catch (e) {
    return {
      ...identity(test),
      status: "error",
      failures: 0,
      message: `test could not run: ${(e as Error).message.split("\n")[0]}`,
    };
  }
}

function scanSql(scanned: DataTest[], relation: string): string {
  return `SELECT count(*) AS n, ${scanned.map((t, i) => `${t.aggregate} AS t${i}`).join(", ")} FROM ${relation} AS child`;
}

/** The statements runModelTests sends when every test binds (the benchmark's limit runs the same ones). */
export function testStatements(tests: DataTest[], relation: string): string[] {
  const scanned = tests.filter((t) => t.aggregate !== undefined);
  return [
    ...(scanned.length ? [scanSql(scanned, relation)] : []),
    ...tests.filter((t) => t.aggregate === undefined).map((t) => t.sql(relation)),
  ];
}

/**
 * A model's tests in their order. Every test with an aggregate is computed in one scan,
 * which also counts the rows; the others run one query each.
 */
export async function runModelTests(
  db: Db,
  tests: DataTest[],
  relation: string,
): Promise<{ results: TestResult[]; rows?: number }> {
  const scanned = tests.filter((t) => t.aggregate !== undefined);
  const failures = new Map<DataTest, number>();
  let rows: number | undefined;
  if (scanned.length) {
    try {
      const row = await db.one(scanSql(scanned, relation));
      rows = Number(row?.n ?? 0);
      scanned.forEach((t, i) => failures.set(t, Number(row?.[`t${i}`] ?? 0)));
    } catch {
      // one broken test must not fail the others: each runs alone below and reports its own error
    }
  }
  const results: TestResult[] = [];
  for (const t of tests) {
    const n = failures.get(t);
    results.push(n === undefined ? await runTest(db, t, relation) : judged(t, n));
  }
  return { results, rows };
}

/** Whether every test of a model is one aggregate of its scan, so runGroupTests can run them beside other models'. */
export function allScanned(tests: DataTest[]): boolean {
  return tests.length > 0 && tests.every((t) => t.aggregate !== undefined);
}

/**
 * The tests of many models (each allScanned) in one statement, up to 200 models to a call: a scan of each model's
 * relation, its rows and its tests' failures as a list, joined by UNION ALL. A model's test statement cost a call
 * of its own (≈0.4 ms of CPU each for 500 ten-row models), for a scan of a few rows. Returns each model's results
 * and rows, in order. Throws when any test cannot run (its column is gone, say): DuckDB fails the whole statement and
 * the transaction, so the caller rolls back and builds those models again one at a time, each tested as it goes
 * (runModelTests), which names the broken test.
 */
export async function runGroupTests(
  db: Db,
  models: { tests: DataTest[]; relation: string }[],
): Promise<{ results: TestResult[]; rows: number }[]> {
  const out: { results: TestResult[]; rows: number }[] = [];
  for (let i = 0; i < models.length; i += 200) {
    const chunk = models.slice(i, i + 200);
    const rows = await db.all<{ k: number; n: number; f: unknown[] }>(
      chunk
        .map(
          (m, j) =>
            `SELECT ${j} AS k, count(*) AS n, [${m.tests.map((t) => `CAST(${t.aggregate} AS BIGINT)`).join(", ")}] AS f FROM ${m.relation} AS child`,
        )
        .join(" UNION ALL "),
    );
    const byK = new Map(rows.map((r) => [Number(r.k), r]));
    chunk.forEach((m, j) => {
      const row = byK.get(j);
      if (!row) throw new Error(`the tests of ${m.relation} returned no row`);
      out.push({
        results: m.tests.map((t, x) => judged(t, Number(row.f[x] ?? 0))),
        rows: Number(row.n),
      });
    });
  }
  return out;
}

function identity(test: DataTest): Pick<TestResult, "id" | "model" | "kind" | "column" | "severity"> {
  return { id: test.id, model: test.model, kind: test.kind, column: test.column, severity: test.severity };
}

function judged(test: DataTest, failures: number): TestResult {
  if (failures === 0) return { ...identity(test), status: "pass", failures, message: test.describe };
  const status = test.severity === "warn" ? "warn" : "fail";
  return {
    ...identity(test),
    status,
    failures,
    message: `${test.describe}: ${failures} failing row${failures === 1 ? "" : "s"}`,
  };
}
