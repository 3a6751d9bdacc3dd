import { liveRelation } from "../transform/compile.ts";
import { testsFor } from "../transform/testing/data-tests.ts";
import { ident, qualified, type Db } from "../warehouse/duckdb.ts";
import { didYouMean } from "../closest-name.ts";
import { DECISION_COLUMNS, loadDecisions, type DecisionDef } from "../transform/decision-file.ts";
import { DpError } from "../errors.ts";
import { sourceFreshness, type SourceFreshness } from "../ingest/freshness.ts";
import type { MetricDef } from "../transform/model-schema.ts";
import {
  ancestors,
  descendants,
  loadModels,
  upstreamSources,
  type Model,
  type ModelGraph,
} from "../transform/models.ts";
import type { Project } from "../config/project.ts";
import { varNamesIn } from "../transform/vars.ts";

/** The layer consumers (ask, export, docs) may read. */
export const MART_SCHEMA = "marts";

export interface CatalogColumn {
  name: string;
  type?: string;
  description?: string;
  pii: boolean;
  /** other names people use for the column ("rep", "sales rep" for owner); the offline planner reads them */
  synonyms?: string[];
  /** words that mean a set of the column's values ("late stage" → [Contract Sent, …]) */
  value_synonyms?: Record<string, (string | number | boolean)[]>;
  /** every value the column can hold, when the project declares them (a decision's labels), built or not */
  values?: string[];
  /** a money column: the column holding each row's currency for it (false: none of the row's columns) */
  currency_column?: string | false;
}

export interface CatalogModel {
  name: string;
  schema: string;
  relation: string;
  description?: string;
  owner?: string;
  tags: string[];
  /** columns declared in YAML, merged with the built table's columns when a warehouse is available */
  columns: CatalogColumn[];
  testIds: string[];
  upstreamModels: string[];
  downstreamModels: string[];
  sources: { source: string; stream: string }[];
  /** project vars the model's SQL reads with var('…'), so readers of a cached catalog need not parse the SQL */
  varsRead: string[];
}

export type ModelRun = {
  status: string;
  rows: number | null;
  as_of: string | null;
  built_at: string | null;
  error: string | null;
};

export type LatestTest = {
  test_id: string;
  model: string;
  kind: string;
  column_name: string | null;
  severity: string;
  status: "pass" | "fail" | "warn" | "error";
  failures: number;
  message: string;
  tested_at: string;
};

/** What the warehouse says about the models: last run, last success, last result of every test. */
export interface WarehouseStatus {
  lastRun: Map<string, ModelRun>;
  lastSuccess: Map<string, ModelRun>;
  tests: LatestTest[];
}

export interface Catalog {
  project: Project;
  /** the full model graph; a catalog read from its publish-time cache loads it on first use */
  readonly graph: ModelGraph;
  models: Map<string, CatalogModel>;
  /** true when the models' columns already include the built ones */
  builtColumns: boolean;
  /** models a model ref()s directly */
  parents(name: string): string[];
  metrics: MetricDef[];
  marts(): CatalogModel[];
  metric(name: string): MetricDef;
  mart(name: string): CatalogModel;
  model(name: string): CatalogModel;
  freshness(): SourceFreshness[];
  /** distinct values of each metric's text dimensions ("mart.dimension"), once the warehouse is open */
  dimensionValues?: Map<string, string[]>;
}

function catalogModel(m: Model, graph: ModelGraph): CatalogModel {
  const up = new Set(ancestors(graph, m.name));
  const down = new Set(descendants(graph, m.name));
  return {
    name: m.name,
    schema: m.schema,
    relation: liveRelation(m),
    description: m.config.description,
    owner: m.config.owner,
    tags: m.config.tags,
    columns: m.config.columns.map((c) => ({
      name: c.name,
      type: c.type,
      description: c.description,
      pii: c.pii,
      synonyms: c.synonyms,
      value_synonyms: c.value_synonyms,
      currency_column: c.currency_column,
    })),
    testIds: testsFor(m, graph, new Date(0).toISOString()).map((t) => t.id),
    upstreamModels: graph.order.filter((n) => up.has(n)).reverse(),
    downstreamModels: graph.order.filter((n) => down.has(n)),
    sources: upstreamSources(graph, m.name),
    varsRead: varNamesIn(m.sql),
  };
}

export function unknownName(kind: string, name: string, known: string[], where: string): DpError {
  return new DpError("USAGE", `unknown ${kind} "${name}"`, {
    where,
    fix: known.length ? didYouMean(name, known, { max: 40, list: true }) : `the project defines no ${kind}s yet`,
  });
}

export function loadCatalog(project: Project): Catalog {
  const graph = loadModels(project);
  const models = new Map<string, CatalogModel>();
  for (const name of graph.order) models.set(name, catalogModel(graph.models.get(name)!, graph));
  const decisionInputs = new Map<string, string>();
  const metrics = [...graph.metrics];
  for (const d of loadDecisions(project)) {
    models.set(d.name, decisionMart(d, models));
    decisionInputs.set(d.name, d.input);
    d.metrics.forEach((m, i) => {
      if (metrics.some((x) => x.name === m.name))
        throw new DpError("CONFIG", `metric "${m.name}" is defined twice`, {
          where: `${d.locate(["metrics", i, "name"])} and ${graph.metricWhere(m.name) ?? "another decision"}`,
          fix: "rename one of them",
        });
      metrics.push(m);
    });
  }
  return catalogOf(project, {
    models,
    metrics,
    parents: (n) => (decisionInputs.has(n) ? [decisionInputs.get(n)!] : graph.parents(n)),
    graph: () => graph,
    builtColumns: false,
  });
}

/**
 * A decision's mart, as readers see it: downstream of its input mart (so citations carry the input's
 * sources, freshness and tests), with the key, the carried columns and the decision's own columns.
 */
function decisionMart(d: DecisionDef, models: Map<string, CatalogModel>): CatalogModel {
  const input = models.get(d.input);
  if (!input || input.schema !== MART_SCHEMA) {
    const marts = [...models.values()].filter((m) => m.schema === MART_SCHEMA).map((m) => m.name);
    throw new DpError("CONFIG", `decision ${d.name} reads "${d.input}", which is not a mart`, {
      where: d.locate(["input"]),
      fix: marts.length ? didYouMean(d.input, marts) : "add a mart under models/marts/ first",
    });
  }
  if (models.has(d.name))
    throw new DpError("CONFIG", `${d.file} would build marts.${d.name}, which is already a model`, {
      where: d.file,
      fix: "rename the decision file or the model",
    });
  // a column the YAML does not declare is checked against the built table by the decision step
  const inputColumn = (name: string): CatalogColumn => {
    const c = input.columns.find((x) => x.name === name);
    return { name, type: c?.type, description: c?.description ?? `${d.input}.${name}`, pii: c?.pii ?? false };
  };
  for (const m of [input.name, ...input.upstreamModels]) models.get(m)?.downstreamModels.push(d.name);
  return {
    name: d.name,
    schema: MART_SCHEMA,
    relation: qualified(MART_SCHEMA, d.name),
    description: d.description ?? d.question,
    owner: d.owner,
    tags: ["decision"],
    columns: [
      inputColumn(d.key),
      ...d.carry.map(inputColumn),
      // the label column holds one of the labels the decision declares ("what MRR sits in accounts at high risk")
      ...DECISION_COLUMNS.map((c) => ({
        ...c,
        pii: false,
        ...(c.name === "label" ? { values: Object.keys(d.labels) } : {}),
      })),
    ],
    testIds: [],
    upstreamModels: [...input.upstreamModels, input.name],
    downstreamModels: [],
    sources: input.sources,
    varsRead: [],
  };
}

export interface CatalogParts {
  models: Map<string, CatalogModel>;
  metrics: MetricDef[];
  parents(name: string): string[];
  graph(): ModelGraph;
  builtColumns: boolean;
}

export function catalogOf(project: Project, parts: CatalogParts): Catalog {
  const { models, metrics } = parts;
  let graph: ModelGraph | undefined;
  let freshness: SourceFreshness[] | undefined;
  const marts = () => [...models.values()].filter((m) => m.schema === MART_SCHEMA);
  return {
    project,
    get graph() {
      return (graph ??= parts.graph());
    },
    models,
    builtColumns: parts.builtColumns,
    parents: parts.parents,
    metrics,
    marts,
    metric(name) {
      const m = metrics.find((x) => x.name === name);
      if (!m)
        throw unknownName(
          "metric",
          name,
          metrics.map((x) => x.name),
          "metrics in models/*.yml",
        );
      return m;
    },
    mart(name) {
      const m = models.get(name);
      if (!m || m.schema !== MART_SCHEMA)
        throw unknownName(
          "mart",
          name,
          marts().map((x) => x.name),
          `models/${MART_SCHEMA}/`,
        );
      return m;
    },
    model(name) {
      // the qualified name dp prints (`staging.stg_crm__deals`) names the model too
      const dot = name.indexOf(".");
      const m = models.get(name) ?? (dot > 0 ? models.get(name.slice(dot + 1)) : undefined);
      if (!m || (m.name !== name && m.schema !== name.slice(0, dot)))
        throw unknownName("model", name, [...models.keys()], "models/");
      return m;
    },
    freshness() {
      freshness ??= sourceFreshness(project);
      return freshness;
    },
  };
}

/** Fill in the built columns (names, types) from the warehouse; YAML descriptions and PII tags win. */
export async function attachBuiltColumns(catalog: Catalog, db: Db): Promise<void> {
  if (catalog.builtColumns) return;
  const schemas = [...new Set([...catalog.models.values()].map((m) => m.schema))];
  if (!schemas.length) return;
  // the models' schemas only: nothing else in the snapshot is a catalog entry
  const rows = await db.all<{ table_schema: string; table_name: string; column_name: string; data_type: string }>(
    `SELECT schema_name AS table_schema, table_name, column_name, data_type FROM duckdb_columns()
     WHERE database_name = current_database() AND schema_name IN (${schemas.map(() => "?").join(", ")})
     ORDER BY schema_name, table_name, column_index`,
    schemas,
  );
  const built = new Map<string, { name: string; type: string }[]>();
  for (const r of rows) {
    const key = `${r.table_schema}.${r.table_name}`;
    built.set(key, [...(built.get(key) ?? []), { name: r.column_name, type: r.data_type }]);
  }
  for (const m of catalog.models.values()) {
    const cols = built.get(`${m.schema}.${m.name}`);
    if (!cols) continue;
    const declared = new Map(m.columns.map((c) => [c.name, c]));
    m.columns = [
      ...cols.map((c) => ({
        name: c.name,
        type: c.type,
        description: declared.get(c.name)?.description,
        pii: declared.get(c.name)?.pii ?? false,
        synonyms: declared.get(c.name)?.synonyms,
        value_synonyms: declared.get(c.name)?.value_synonyms,
        ...(declared.get(c.name)?.values ? { values: declared.get(c.name)?.values } : {}),
        currency_column: declared.get(c.name)?.currency_column,
      })),
      ...m.columns.filter((c) => !cols.some((b) => b.name === c.name)),
    ];
  }
  catalog.builtColumns = true;
}

export async function readWarehouseStatus(db: Db): Promise<WarehouseStatus> {
  const hasMeta = await db.one(
    "SELECT 1 FROM information_schema.tables WHERE table_schema = '_dp' AND table_name = 'model_runs'",
  );
  if (!hasMeta) return { lastRun: new Map(), lastSuccess: new Map(), tests: [] };
  // rowid breaks ties: with DP_NOW pinned, several runs share one timestamp. Only each model's latest run and
  // latest success leave DuckDB: the history grows by every model of every run (a 15-minute cron, 17 models:
  // ≈1,600 rows a day), and every publish and reader without the catalog cache reads this
  const runs = await db.all<ModelRun & { model: string; rank_any: number; rank_ok: number }>(`
    SELECT model, status, rows, CAST(as_of AS VARCHAR) AS as_of, CAST(built_at AS VARCHAR) AS built_at, error,
      row_number() OVER (PARTITION BY model ORDER BY built_at DESC, rowid DESC) AS rank_any,
      row_number() OVER (PARTITION BY model, status = 'success' ORDER BY built_at DESC, rowid DESC) AS rank_ok
    FROM _dp.model_runs
    QUALIFY rank_any = 1 OR (rank_ok = 1 AND status = 'success')`);
  const lastRun = new Map<string, ModelRun>();
  const lastSuccess = new Map<string, ModelRun>();
  for (const r of runs) {
    const run = {
      status: r.status,
      rows: r.rows,
      as_of: isoOrNull(r.as_of),
      built_at: isoOrNull(r.built_at),
      error: r.error,
    };
    if (Number(r.rank_any) === 1) lastRun.set(r.model, run);
    if (Number(r.rank_ok) === 1 && r.status === "success") lastSuccess.set(r.model, run);
  }
  // an "is not built" result from a `dp test` before the model's first build is no test of its data: once the
  // relation exists it is stale, and nothing else would ever replace it (no later run records an `exists` pass)
  const tests = await db.all<LatestTest>(`
    SELECT test_id, model, kind, column_name, severity, status, failures, message, CAST(tested_at AS VARCHAR) AS tested_at
    FROM _dp.test_results
    WHERE NOT (kind = 'exists' AND model IN (
      SELECT table_name FROM information_schema.tables WHERE table_schema NOT IN ('_dp', 'raw', 'information_schema')))
    QUALIFY row_number() OVER (PARTITION BY test_id ORDER BY tested_at DESC, rowid DESC) = 1
    ORDER BY model, test_id`);
  return {
    lastRun,
    lastSuccess,
    tests: tests.map((t) => ({ ...t, failures: Number(t.failures), tested_at: isoOrNull(t.tested_at) ?? t.tested_at })),
  };
}

/** DuckDB prints TIMESTAMPTZ as "2026-11-21 06:00:00+00"; callers get ISO 8601. */
function isoOrNull(v: string | null): string | null {
  if (!v) return null;
  const d = new Date(v.replace(" ", "T").replace(/([+-]\d\d)$/, "$1:00"));
  return Number.isNaN(d.getTime()) ? v : d.toISOString();
}

/**
 * Low-cardinality text dimensions' values, so "MRR for enterprise" can become a filter, not a silent total.
 * Sorted: a DISTINCT comes back in the hash table's order, which moves from build to build, and the same
 * question on the same data must plan the same calls.
 */
export async function attachDimensionValues(catalog: Catalog, db: Db, maxValues = 50): Promise<void> {
  const values = new Map<string, string[]>();
  for (const metric of catalog.metrics) {
    const mart = catalog.models.get(metric.mart);
    if (!mart) continue;
    for (const dim of metric.dimensions) {
      const key = `${metric.mart}.${dim}`;
      if (values.has(key)) continue;
      const column = mart.columns.find((c) => c.name === dim);
      if (!column || column.pii || (column.type && !/^VARCHAR/i.test(column.type))) continue;
      try {
        const rows = await db.all<{ v: string }>(
          `SELECT DISTINCT ${ident(dim)}::VARCHAR AS v FROM ${mart.relation} WHERE ${ident(dim)} IS NOT NULL ORDER BY 1 LIMIT ${maxValues + 1}`,
        );
        if (rows.length <= maxValues)
          values.set(
            key,
            rows.map((r) => r.v),
          );
      } catch {
        // a mart that is not built yet has no values to offer
      }
    }
  }
  catalog.dimensionValues = values;
}
