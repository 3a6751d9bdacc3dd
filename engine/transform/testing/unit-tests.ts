import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compileSql } from "../compile.ts";
import type { TestResult } from "./data-tests.ts";
import { Db, ident, literal } from "../../warehouse/duckdb.ts";
import { DpError } from "../../errors.ts";
import type { ModelGraph, UnitTest } from "../models.ts";

type Rows = Record<string, unknown>[];

const REF_INPUT = /^\s*ref\(\s*['"]([^'"]+)['"]\s*\)\s*$/;
const SOURCE_INPUT = /^\s*source\(\s*['"]([^'"]+)['"]\s*,\s*['"]([^'"]+)['"]\s*\)\s*$/;

/**
 * Unit tests of model logic: the model is compiled with every ref()/source()
 * pointing at a table of the given rows, run on an in-memory DuckDB (no lake,
 * no warehouse), and its result compared with the expected rows as multisets.
 */
export async function runUnitTests(graph: ModelGraph, options: { models?: string[] } = {}): Promise<TestResult[]> {
  const wanted = options.models ? new Set(options.models) : undefined;
  const out: TestResult[] = [];
  for (const u of graph.unitTests) {
    if (wanted && !wanted.has(u.model)) continue;
    out.push(await runUnitTest(graph, u));
  }
  return out;
}

export async function runUnitTest(graph: ModelGraph, u: UnitTest): Promise<TestResult> {
  const base = { id: `unit.${u.name}`, model: u.model, kind: "unit", severity: "error" as const };
  const dir = mkdtempSync(join(tmpdir(), "dp-unit-"));
  const db = await Db.open(":memory:", { threads: 1 });
  try {
    const model = graph.models.get(u.model)!;
    const refTables = new Map<string, string>();
    const sourceTables = new Map<string, string>();
    for (const [i, g] of u.given.entries()) {
      const table = `given_${i}`;
      const ref = REF_INPUT.exec(g.input);
      const src = SOURCE_INPUT.exec(g.input);
      const types = { ...(ref ? declaredTypes(graph, ref[1]!) : {}), ...(g.types ?? {}) };
      await loadRows(db, dir, table, g.rows, types, `${u.where} given[${i}]`);
      if (ref) refTables.set(ref[1]!, table);
      else if (src) sourceTables.set(`${src[1]}.${src[2]}`, table);
    }
    const missingRef = model.refs.find((r) => !refTables.has(r.name));
    const missingSource = model.sources.find((s) => !sourceTables.has(`${s.source}.${s.stream}`));
    if (missingRef || missingSource) {
      const input = missingRef
        ? `ref('${missingRef.name}')`
        : `source('${missingSource!.source}', '${missingSource!.stream}')`;
      throw new DpError("CONFIG", `${u.model} reads ${input}, but the unit test gives no rows for it`, {
        where: u.where,
        fix: `add { input: "${input}", rows: [...] } under given`,
      });
    }
    const sql = compileSql(model, graph, {
      relationOf: (m) => ident(refTables.get(m.name)!),
      sourceRelation: (source, stream) => ident(sourceTables.get(`${source}.${stream}`)!),
      self: ident("dp_unit_self"),
    });
    await db.run(`CREATE TABLE actual AS ${sql}`);
    const actualTypes = new Map((await db.describe("SELECT * FROM actual")).map((c) => [c.name, c.type]));
    const expectCols = [...new Set(u.expect.rows.flatMap((r) => Object.keys(r)))];
    const absent = expectCols.filter((c) => !actualTypes.has(c));
    if (absent.length)
      return {
        ...base,
        status: "fail",
        failures: 1,
        message: `${u.model} has no column ${absent.join(", ")} (it has ${[...actualTypes.keys()].join(", ")})`,
      };
    const cols = expectCols.length ? expectCols : [...actualTypes.keys()];
    const hint = Object.fromEntries(cols.map((c) => [c, actualTypes.get(c)!]));
    await loadRows(db, dir, "expected", u.expect.rows, hint, `${u.where} expect`);
    const list = cols.map(ident).join(", ");
    const missing = await db.all(`SELECT ${list} FROM expected EXCEPT ALL SELECT ${list} FROM actual`);
    const extra = await db.all(`SELECT ${list} FROM actual EXCEPT ALL SELECT ${list} FROM expected`);
    if (missing.length === 0 && extra.length === 0)
      return {
        ...base,
        status: "pass",
        failures: 0,
        message: `${u.name}: ${u.expect.rows.length} expected rows match`,
      };
    const show = (label: string, rows: Rows) => rows.slice(0, 3).map((r) => `${label} ${JSON.stringify(r)}`);
    return {
      ...base,
      status: "fail",
      failures: missing.length + extra.length,
      message: [
        `${u.name}: result differs from expect (${missing.length} missing, ${extra.length} unexpected)`,
        ...show("missing", missing),
        ...show("unexpected", extra),
      ].join("; "),
    };
  } catch (e) {
    const msg =
      e instanceof DpError ? `${e.message}${e.where && e.code !== "MODEL_SQL" ? ` at ${e.where}` : ""}` : String(e);
    return {
      ...base,
      status: "error",
      failures: 0,
      message: `unit test ${u.name} could not run: ${msg.split("\n")[0]}`,
    };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function declaredTypes(graph: ModelGraph, model: string): Record<string, string> {
  const cols = graph.models.get(model)?.config.columns ?? [];
  return Object.fromEntries(cols.filter((c) => c.type).map((c) => [c.name, c.type!]));
}

/** Rows → a table; DuckDB's JSON reader infers dates and timestamps, declared types win. */
async function loadRows(
  db: Db,
  dir: string,
  table: string,
  rows: Rows,
  types: Record<string, string>,
  where: string,
): Promise<void> {
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  if (rows.length === 0) {
    const typed = Object.entries(types);
    if (!typed.length)
      throw new DpError("CONFIG", "empty rows need column types", {
        where,
        fix: "add types: { column: TYPE } next to rows: []",
      });
    await db.run(`CREATE TABLE ${ident(table)} (${typed.map(([c, t]) => `${ident(c)} ${t}`).join(", ")})`);
    return;
  }
  const file = join(dir, `${table}.json`);
  writeFileSync(
    file,
    rows.map((r) => JSON.stringify(Object.fromEntries(cols.map((c) => [c, r[c] ?? null])))).join("\n"),
  );
  const casts = cols.filter((c) => types[c]).map((c) => `CAST(${ident(c)} AS ${types[c]}) AS ${ident(c)}`);
  const replace = casts.length ? ` REPLACE (${casts.join(", ")})` : "";
  await db.run(
    `CREATE TABLE ${ident(table)} AS SELECT * ${replace} FROM read_json_auto(${literal(file)}, format = 'newline_delimited')`,
  );
}
