import { readFileSync } from "node:fs";
import { join } from "node:path";
import { toIso } from "../../transform/build-history.ts";
import { testsFor } from "../../transform/testing/data-tests.ts";
import { sourceFreshness, type SourceFreshness } from "../../ingest/freshness.ts";
import type { MetricDef } from "../../transform/model-schema.ts";
import type { ModelGraph } from "../../transform/models.ts";
import { planModels } from "../../transform/dag.ts";
import type { Project } from "../../config/project.ts";
import { currentPointer, openReader } from "../../warehouse/snapshots.ts";
import { compileSql } from "../../transform/compile.ts";
import type { Model } from "../../transform/models.ts";
import { DECISION_COLUMNS, loadDecisions, type DecisionDef } from "../../transform/decision-file.ts";

export interface DocColumn {
  name: string;
  type?: string;
  description?: string;
  pii: boolean;
  /** input column this one projects, where the SQL says so plainly */
  from?: string;
}

export interface DocTest {
  id: string;
  model: string;
  kind: string;
  severity: string;
  status: string;
  failures: number;
  message: string;
  testedAt?: string;
}

export interface DocModel {
  name: string;
  schema: string;
  path: string;
  description?: string;
  owner?: string;
  tags: string[];
  materialized: string;
  contract: boolean;
  columns: DocColumn[];
  parents: string[];
  children: string[];
  sources: string[];
  /** the model's SQL as written, and compiled (refs and sources resolved, as a full build runs it) */
  sql: string;
  compiledSql: string;
  lastRun?: { status: string; rows: number | null; asOf: string | null; builtAt: string | null; error: string | null };
  tests: DocTest[];
}

export interface DocsData {
  project: string;
  generatedAt: string;
  publishedAt?: string;
  models: DocModel[];
  metrics: MetricDef[];
  freshness: SourceFreshness[];
  tests: DocTest[];
}

/** Everything the docs site shows: models from the project, state from the published snapshot (when there is one). */
export async function collectDocs(project: Project, generatedAt: Date): Promise<DocsData> {
  const graph = await planModels(project);
  const built = await readSnapshot(project);
  const models = graph.order.map((name) => docModel(graph, name, built, generatedAt));
  const decisions = loadDecisions(project);
  for (const d of decisions) {
    models.find((m) => m.name === d.input)?.children.push(d.name);
    models.push(decisionDocModel(project, d, built));
  }
  const tests = [
    ...models.flatMap((m) => m.tests),
    ...built.tests
      .filter((t) => t.id.startsWith("test.") || t.id.startsWith("unit."))
      .filter((t) => !models.some((m) => m.tests.includes(t))),
  ];
  return {
    project: project.config.name,
    generatedAt: generatedAt.toISOString(),
    publishedAt: currentPointer(project)?.published_at,
    models,
    metrics: [...graph.metrics, ...decisions.flatMap((d) => d.metrics)],
    freshness: sourceFreshness(project),
    tests,
  };
}

interface Snapshot {
  columns: Map<string, { name: string; type: string }[]>;
  runs: Map<string, NonNullable<DocModel["lastRun"]>>;
  tests: DocTest[];
}

async function readSnapshot(project: Project): Promise<Snapshot> {
  const empty: Snapshot = { columns: new Map(), runs: new Map(), tests: [] };
  if (!currentPointer(project)) return empty;
  const db = await openReader(project);
  try {
    const cols = await db.all<{ s: string; t: string; c: string; ty: string }>(
      "SELECT table_schema AS s, table_name AS t, column_name AS c, data_type AS ty FROM information_schema.columns WHERE table_schema NOT IN ('_dp', 'raw') ORDER BY s, t, ordinal_position",
    );
    for (const r of cols) {
      const k = `${r.s}.${r.t}`;
      empty.columns.set(k, [...(empty.columns.get(k) ?? []), { name: r.c, type: r.ty }]);
    }
    const runs = await db.all<{
      model: string;
      status: string;
      rows: number | null;
      as_of: string | null;
      built_at: string | null;
      error: string | null;
    }>(`
      SELECT model, status, rows, CAST(as_of AS VARCHAR) AS as_of, CAST(built_at AS VARCHAR) AS built_at, error FROM _dp.model_runs
      QUALIFY row_number() OVER (PARTITION BY model ORDER BY rowid DESC) = 1`);
    for (const r of runs)
      empty.runs.set(r.model, {
        status: r.status,
        rows: r.rows,
        asOf: r.as_of && toIso(r.as_of),
        builtAt: r.built_at && toIso(r.built_at),
        error: r.error,
      });
    const tests = await db.all<{
      test_id: string;
      model: string;
      kind: string;
      severity: string;
      status: string;
      failures: number;
      message: string;
      tested_at: string | null;
    }>(`
      SELECT test_id, model, kind, severity, status, failures, message, CAST(tested_at AS VARCHAR) AS tested_at FROM _dp.test_results
      QUALIFY row_number() OVER (PARTITION BY test_id ORDER BY rowid DESC) = 1 ORDER BY model, test_id`);
    empty.tests = tests.map((t) => ({
      id: t.test_id,
      model: t.model,
      kind: t.kind,
      severity: t.severity,
      status: t.status,
      failures: Number(t.failures),
      message: t.message,
      testedAt: t.tested_at ? toIso(t.tested_at) : undefined,
    }));
  } finally {
    db.close();
  }
  return empty;
}

function docModel(graph: ModelGraph, name: string, built: Snapshot, at: Date): DocModel {
  const m = graph.models.get(name)!;
  const declared = new Map(m.config.columns.map((c) => [c.name, c]));
  const lineage = new Map((m.parsed?.columns ?? []).map((c) => [c.column, c.from]));
  const names =
    built.columns.get(`${m.schema}.${m.name}`) ?? m.config.columns.map((c) => ({ name: c.name, type: c.type ?? "" }));
  const columns: DocColumn[] = names.map((c) => {
    const d = declared.get(c.name);
    const from = lineage.get(c.name);
    return {
      name: c.name,
      type: c.type || d?.type,
      description: d?.description,
      pii: d?.pii ?? false,
      from: from ? `${from.schema ? `${from.schema}.` : ""}${from.name}.${from.column}` : undefined,
    };
  });
  const byId = new Map(built.tests.map((t) => [t.id, t]));
  const declaredTests: DocTest[] = testsFor(m, graph, at.toISOString()).map(
    (t) =>
      byId.get(t.id) ?? {
        id: t.id,
        model: name,
        kind: t.kind,
        severity: t.severity,
        status: "not run",
        failures: 0,
        message: t.describe,
      },
  );
  const extra = built.tests.filter(
    (t) => t.model === name && !declaredTests.some((d) => d.id === t.id) && t.kind !== "exists",
  );
  return {
    name,
    schema: m.schema,
    path: m.displayPath,
    description: m.config.description,
    owner: m.config.owner,
    tags: m.config.tags,
    materialized: m.materialized,
    contract: m.config.contract,
    columns,
    parents: graph.parents(name),
    children: graph.children(name),
    sql: m.sql,
    compiledSql: compiled(m, graph),
    sources: [...new Set(m.sources.map((s) => `${s.source}.${s.stream}`))],
    lastRun: built.runs.get(name),
    tests: [...declaredTests, ...extra],
  };
}

function compiled(m: Model, graph: ModelGraph): string {
  try {
    return compileSql(m, graph);
  } catch (e) {
    return `-- does not compile: ${(e as Error).message}`;
  }
}

/** A decision's mart: built by its decision (decisions/<name>.yml) from its input mart, not by SQL. */
function decisionDocModel(project: Project, d: DecisionDef, built: Snapshot): DocModel {
  const own = new Map(DECISION_COLUMNS.map((c) => [c.name, c.description]));
  const names =
    built.columns.get(`marts.${d.name}`) ?? [d.key, ...d.carry, ...own.keys()].map((name) => ({ name, type: "" }));
  return {
    name: d.name,
    schema: "marts",
    path: d.file,
    description: d.description ?? d.question,
    owner: d.owner,
    tags: ["decision"],
    materialized: "decision",
    contract: false,
    columns: names.map((c) => ({
      name: c.name,
      type: c.type || undefined,
      description: own.get(c.name),
      pii: false,
      from: own.has(c.name) ? undefined : `marts.${d.input}.${c.name}`,
    })),
    parents: [d.input],
    children: [],
    sources: [],
    // not SQL: the decision file, and the rows it reads
    sql: readFileSync(join(project.dir, d.file), "utf8"),
    compiledSql: `-- the rows decided: ${d.key}, ${d.context}${d.carry.length ? `, ${d.carry.join(", ")}` : ""}\nSELECT * FROM marts.${d.input}${d.where ? `\nWHERE ${d.where}` : ""}`,
    lastRun: built.runs.get(d.name),
    tests: [],
  };
}
