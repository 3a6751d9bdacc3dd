import { compileSql } from "./compile.ts";
import { DpError } from "../errors.ts";
import { assembleGraph, loadModels, type Model, type ModelGraph } from "./models.ts";
import type { Project } from "../config/project.ts";
import { lineAt, parseSqlBatch } from "./sql-refs.ts";

/**
 * The DAG from both ref() and the SQL itself: every model is compiled and
 * parsed by DuckDB, and a table named directly (`from staging.stg_x`,
 * `from raw.billing__customers`) becomes an edge like a ref() would.
 */
export async function planModels(project: Project): Promise<ModelGraph> {
  const graph = loadModels(project);
  const models = [...graph.models.values()];
  const compiled = models.map((m) => compileSql(m, graph));
  const parsed = await parseSqlBatch(compiled);
  const bySchemaName = new Map(models.map((m) => [`${m.schema}.${m.name}`.toLowerCase(), m]));
  const modelSchemas = new Set(models.map((m) => m.schema.toLowerCase()));
  const sourceByView = new Map<string, { source: string; stream: string }>();
  for (const [source, cfg] of Object.entries(project.config.sources)) {
    for (const stream of streamsOf(cfg)) sourceByView.set(`${source}__${stream}`.toLowerCase(), { source, stream });
  }
  models.forEach((m, i) => {
    const p = parsed[i]!;
    m.parsed = p;
    for (const t of p.tables) {
      const line = lineAt(compiled[i]!, t.offset);
      const schema = t.schema.toLowerCase();
      const target = bySchemaName.get(`${schema}.${t.name}`.toLowerCase());
      if (target) {
        if (target !== m && !m.refs.some((r) => r.name === target.name))
          m.refs.push({ name: target.name, line, via: "sql" });
        continue;
      }
      if (schema === "raw") {
        const s = sourceByView.get(t.name.toLowerCase()) ?? splitRawView(t.name);
        if (s && !m.sources.some((x) => x.source === s.source && x.stream === s.stream))
          m.sources.push({ ...s, line, via: "sql" });
        continue;
      }
      if (modelSchemas.has(schema)) throw unknownTable(m, `${t.schema}.${t.name}`, line);
    }
  });
  for (const m of models) {
    for (const s of m.sources) {
      if (s.via && !project.config.sources[s.source]) {
        throw new DpError("MODEL_GRAPH", `raw.${s.source}__${s.stream} names no source in project.yaml`, {
          where: `${m.displayPath}:${s.line}`,
          fix: `add sources.${s.source} to project.yaml or use {{ source('…', '…') }}`,
        });
      }
    }
  }
  return assembleGraph(
    graph.models,
    graph.metrics,
    graph.metricWhere,
    graph.singularTests,
    graph.unitTests,
    graph.vars,
    graph.pulls,
  );
}

function streamsOf(cfg: unknown): string[] {
  const streams = (cfg as { config?: { streams?: unknown } }).config?.streams;
  return Array.isArray(streams) ? streams.filter((s): s is string => typeof s === "string") : [];
}

function splitRawView(view: string): { source: string; stream: string } | undefined {
  const i = view.indexOf("__");
  return i > 0 ? { source: view.slice(0, i), stream: view.slice(i + 2) } : undefined;
}

function unknownTable(m: Model, table: string, line: number): DpError {
  return new DpError("MODEL_GRAPH", `${table} names no model`, {
    where: `${m.displayPath}:${line}`,
    fix: `create models/${table.replace(".", "/")}.sql or fix the name`,
  });
}

/** Models' ref()/source() edges next to the tables DuckDB's parser found; equal when the SQL names nothing directly. */
export function parsedDependencies(m: Model): { refs: string[]; tables: string[] } {
  const refs = [...new Set(m.refs.filter((r) => !r.via).map((r) => r.name))].sort();
  const tables = [
    ...new Set((m.parsed?.tables ?? []).filter((t) => t.schema.toLowerCase() !== "raw").map((t) => t.name)),
  ]
    .filter((n) => n !== m.name)
    .sort();
  return { refs, tables };
}
