import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { basename, join, relative, sep } from "node:path";
import { didYouMean } from "../closest-name.ts";
import { DpError } from "../errors.ts";
import type { MetricDef, ModelYaml, UnitTestDef } from "./model-schema.ts";
import type { Project } from "../config/project.ts";
import { YamlFile } from "../config/yaml-file.ts";
import { type LastPulls, lastPullsFrom } from "./last-pull.ts";
import { usesVars } from "./vars.ts";

export interface SourceRef {
  source: string;
  stream: string;
  line: number;
  /** "sql": named directly in the SQL (`from raw.billing__customers`), found by the parser */
  via?: "sql";
}

export interface ModelRef {
  name: string;
  line: number;
  /** "sql": named directly in the SQL (`from staging.stg_x`), found by the parser */
  via?: "sql";
}

/** A SELECT returning failing rows: models/**\/tests/*.sql */
export interface SingularTest {
  name: string;
  path: string;
  displayPath: string;
  sql: string;
  refs: ModelRef[];
  sources: SourceRef[];
}

export interface UnitTest extends UnitTestDef {
  /** file:line of its YAML entry; computed on first read */
  readonly where: string;
  file: string;
}

export interface Model {
  name: string;
  /** the folder under models/, also the DuckDB schema: staging, marts, … */
  schema: string;
  path: string;
  displayPath: string;
  sql: string;
  refs: ModelRef[];
  sources: SourceRef[];
  config: ModelYaml;
  /** file:line of the model's YAML entry, when it has one; computed on first read */
  readonly yamlWhere?: string;
  materialized: "table" | "view" | "incremental";
  /** SQL and YAML config; what `state:modified` compares with the last successful build */
  hash: string;
  /** what DuckDB's parser found in the compiled SQL (set by planModels) */
  parsed?: import("./sql-refs.ts").ParsedSql;
}

export interface ModelGraph {
  models: Map<string, Model>;
  /** topological order */
  order: string[];
  metrics: MetricDef[];
  /** file:line of each metric's YAML entry, by name */
  metricWhere(name: string): string | undefined;
  singularTests: SingularTest[];
  unitTests: UnitTest[];
  /** project.yaml's `vars:`, which {{ var() }} reads */
  vars: Record<string, unknown>;
  /** what {{ last_pull('source') }} reads; none: every last_pull() is an unknown source */
  pulls?: LastPulls;
  parents(name: string): string[];
  children(name: string): string[];
}

const REF = /\{\{\s*ref\(\s*['"]([^'"]+)['"]\s*\)\s*\}\}/g;
const SOURCE = /\{\{\s*source\(\s*['"]([^'"]+)['"]\s*,\s*['"]([^'"]+)['"]\s*\)\s*\}\}/g;
const DEFAULT_MATERIALIZED: Record<string, Model["materialized"]> = { staging: "table", marts: "table" };

/** The files under models/ that loadModels reads, sorted. */
export function walk(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir).sort()) {
    // _proposals/ holds drafts from `dp ask` (propose_metric): not live until a human moves them
    if (entry.startsWith(".") || entry === "_proposals") continue;
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

export function loadModels(project: Project): ModelGraph {
  const root = project.paths.models;
  const files = walk(root);
  // required here: the schemas cost a reader whose catalog comes from the snapshot's cache (dp ask) ≈6 ms to build
  const { modelsFileSchema } = require("./model-schema.ts") as typeof import("./model-schema.ts");
  const yamlConfigs = new Map<
    string,
    { config: ModelYaml; where: () => string; locate: (path: (string | number)[]) => string }
  >();
  const metrics: MetricDef[] = [];
  const metricWhere = new Map<string, () => string>();
  const unitTests: UnitTest[] = [];
  for (const file of files.filter((f) => /\.ya?ml$/.test(f))) {
    const yf = YamlFile.read(file, project.dir);
    if (yf.data == null) continue;
    const parsed = yf.validate(modelsFileSchema);
    parsed.models.forEach((m, i) => {
      if (yamlConfigs.has(m.name)) {
        throw new DpError("CONFIG", `model "${m.name}" is described twice`, {
          where: `${yf.locate(["models", i, "name"])} and ${yamlConfigs.get(m.name)!.where()}`,
          fix: "keep one YAML entry per model",
        });
      }
      yamlConfigs.set(m.name, {
        config: m,
        where: once(() => yf.locate(["models", i, "name"])),
        locate: (path) => yf.locate(["models", i, ...path]),
      });
    });
    parsed.metrics.forEach((m, i) => {
      if (metricWhere.has(m.name)) {
        throw new DpError("CONFIG", `metric "${m.name}" is defined twice`, {
          where: yf.locate(["metrics", i, "name"]),
          fix: "rename one of them",
        });
      }
      metrics.push(m);
      metricWhere.set(
        m.name,
        once(() => yf.locate(["metrics", i, "name"])),
      );
    });
    parsed.unit_tests.forEach((u, i) => {
      const where = once(() => yf.locate(["unit_tests", i, "name"]));
      unitTests.push({
        ...u,
        get where() {
          return where();
        },
        file,
      });
    });
  }

  const models = new Map<string, Model>();
  const singularTests: SingularTest[] = [];
  for (const file of files.filter((f) => f.endsWith(".sql"))) {
    const rel = relative(root, file);
    const parts = rel.split(sep);
    if (parts.includes("tests")) {
      const sql = readFileSync(file, "utf8");
      singularTests.push({
        name: basename(file, ".sql"),
        path: file,
        displayPath: relative(project.dir, file),
        sql,
        refs: refsIn(sql),
        sources: sourcesIn(sql),
      });
      continue;
    }
    if (parts.length < 2) continue;
    const name = basename(file, ".sql");
    const schema = parts[0]!;
    const displayPath = relative(project.dir, file);
    if (models.has(name)) {
      throw new DpError("MODEL_GRAPH", `two models are named "${name}"`, {
        where: `${displayPath} and ${models.get(name)!.displayPath}`,
        fix: "model names are global; rename one file",
      });
    }
    const sql = readFileSync(file, "utf8");
    const refs = refsIn(sql);
    const sources = sourcesIn(sql);
    const yaml = yamlConfigs.get(name);
    const config = yaml?.config ?? modelsFileSchema.shape.models.unwrap().element.parse({ name });
    models.set(name, {
      name,
      schema,
      path: file,
      displayPath,
      sql,
      refs,
      sources,
      config,
      get yamlWhere() {
        return yaml?.where();
      },
      materialized: config.materialized ?? DEFAULT_MATERIALIZED[schema] ?? "table",
      hash: createHash("sha1")
        .update(sql)
        .update("\0")
        .update(JSON.stringify(config))
        .update(usesVars(sql) ? JSON.stringify(project.config.vars ?? {}) : "")
        .digest("hex")
        .slice(0, 16),
    });
  }
  for (const [name, y] of yamlConfigs) {
    const model = models.get(name);
    if (!model) {
      throw new DpError("CONFIG", `YAML describes model "${name}" but there is no ${name}.sql`, {
        where: y.where(),
        fix: `create models/<layer>/${name}.sql or remove the entry`,
      });
    }
    const streams = [...new Set(model.sources.map((s) => s.stream))];
    for (const stream of Object.keys(y.config.optional_sources ?? {})) {
      if (streams.includes(stream)) continue;
      throw new DpError("CONFIG", `model "${name}" declares optional_sources.${stream}, a stream its SQL never reads`, {
        where: y.locate(["optional_sources", stream]),
        fix: streams.length
          ? `${didYouMean(stream, streams)} (the streams its source() calls name)`
          : "optional_sources names streams the model reads with {{ source('…', 'stream') }}; remove the entry",
      });
    }
  }
  for (const m of [...models.values(), ...singularTests]) {
    for (const r of m.refs) {
      if (!models.has(r.name)) {
        throw new DpError("MODEL_GRAPH", `ref('${r.name}') names no model`, {
          where: `${m.displayPath}:${r.line}`,
          fix: `create models/<layer>/${r.name}.sql or fix the name (known: ${[...models.keys()].slice(0, 12).join(", ")})`,
        });
      }
    }
    for (const s of m.sources) {
      if (!project.config.sources[s.source]) {
        throw new DpError("MODEL_GRAPH", `source('${s.source}', '${s.stream}') names no source in project.yaml`, {
          where: `${m.displayPath}:${s.line}`,
          fix: `add sources.${s.source} to project.yaml or fix the name`,
        });
      }
    }
  }
  for (const u of unitTests) {
    if (!models.has(u.model)) {
      throw new DpError("CONFIG", `unit test "${u.name}" tests model "${u.model}", which does not exist`, {
        where: u.where,
        fix: "fix the model name",
      });
    }
  }
  for (const metric of metrics) {
    if (!models.has(metric.mart)) {
      throw new DpError("CONFIG", `metric "${metric.name}" reads mart "${metric.mart}", which is not a model`, {
        where: metricWhere.get(metric.name)!(),
        fix: "fix the mart name",
      });
    }
    if (metric.currency_column && !metric.dimensions.includes(metric.currency_column)) {
      throw new DpError(
        "CONFIG",
        `metric "${metric.name}" has currency_column ${metric.currency_column}, which is not one of its dimensions`,
        {
          where: metricWhere.get(metric.name)!(),
          fix: `add ${metric.currency_column} to dimensions (${metric.dimensions.join(", ") || "none"}), or drop currency_column`,
        },
      );
    }
    if (metric.companion !== undefined) {
      const other = metrics.find((m) => m.name === metric.companion);
      const missing = metric.dimensions.filter((d) => !other?.dimensions.includes(d));
      if (!other || other.mart !== metric.mart || other.name === metric.name || missing.length) {
        const sameMart = metrics.filter((m) => m.mart === metric.mart && m.name !== metric.name).map((m) => m.name);
        throw new DpError(
          "CONFIG",
          !other
            ? `metric "${metric.name}" has companion ${metric.companion}, which is not a metric`
            : other.mart !== metric.mart || other.name === metric.name
              ? `metric "${metric.name}" has companion ${metric.companion}, which does not read mart ${metric.mart} (or is itself)`
              : `metric "${metric.name}" has companion ${metric.companion}, which lacks its dimensions ${missing.join(", ")}`,
          {
            where: metricWhere.get(metric.name)!(),
            fix: `${didYouMean(metric.companion, sameMart)} (a metric of mart ${metric.mart} with this one's dimensions), or drop companion`,
          },
        );
      }
    }
    if (metric.part_of !== undefined) {
      const whole = metrics.find((m) => m.name === metric.part_of);
      const missing = metric.dimensions.filter((d) => !whole?.dimensions.includes(d));
      const fits =
        whole &&
        whole.name !== metric.name &&
        whole.mart === metric.mart &&
        whole.format === metric.format &&
        whole.time_rollup === "sum" &&
        metric.time_rollup === "sum" &&
        !missing.length;
      if (!fits) {
        const sameMart = metrics.filter((m) => m.mart === metric.mart && m.name !== metric.name).map((m) => m.name);
        throw new DpError(
          "CONFIG",
          `metric "${metric.name}" has part_of ${metric.part_of}, which is ${!whole ? "not a metric" : "no summed metric of its mart, format and dimensions"}`,
          {
            where: metricWhere.get(metric.name)!(),
            fix: `${didYouMean(metric.part_of, sameMart)} (a summed metric of mart ${metric.mart} in the same format, with this one's dimensions), or drop part_of`,
          },
        );
      }
    }
  }
  return assembleGraph(
    models,
    metrics,
    (name) => metricWhere.get(name)?.(),
    singularTests,
    unitTests,
    project.config.vars ?? {},
    lastPullsFrom(Object.keys(project.config.sources ?? {}), project.paths.state),
  );
}

function once(f: () => string): () => string {
  let v: string | undefined;
  return () => (v ??= f());
}

export function assembleGraph(
  models: Map<string, Model>,
  metrics: MetricDef[],
  metricWhere: ModelGraph["metricWhere"],
  singularTests: SingularTest[],
  unitTests: UnitTest[],
  vars: Record<string, unknown> = {},
  pulls?: LastPulls,
): ModelGraph {
  const order = topoSort(models);
  const childMap = new Map<string, Set<string>>();
  for (const m of models.values())
    for (const r of m.refs) childMap.set(r.name, (childMap.get(r.name) ?? new Set()).add(m.name));
  return {
    models,
    order,
    metrics,
    metricWhere,
    singularTests,
    unitTests,
    vars,
    pulls,
    parents: (n) => [...new Set(models.get(n)?.refs.map((r) => r.name) ?? [])],
    children: (n) => [...(childMap.get(n) ?? [])],
  };
}

function refsIn(sql: string): ModelRef[] {
  return [...sql.matchAll(REF)].map((m) => ({ name: m[1]!, line: lineOf(sql, m.index!) }));
}

function sourcesIn(sql: string): SourceRef[] {
  return [...sql.matchAll(SOURCE)].map((m) => ({ source: m[1]!, stream: m[2]!, line: lineOf(sql, m.index!) }));
}

function topoSort(models: Map<string, Model>): string[] {
  const order: string[] = [];
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const visit = (name: string) => {
    const s = state.get(name);
    if (s === 2) return;
    if (s === 1) {
      const cycle = [...stack.slice(stack.indexOf(name)), name];
      const m = models.get(name)!;
      throw new DpError("MODEL_GRAPH", `models depend on each other in a cycle: ${cycle.join(" → ")}`, {
        where: `${m.displayPath}:${m.refs.find((r) => r.name === cycle[cycle.indexOf(name) + 1])?.line ?? 1}`,
        fix: "break the cycle: a model cannot ref() itself or its descendants",
      });
    }
    state.set(name, 1);
    stack.push(name);
    for (const r of models.get(name)!.refs) visit(r.name);
    // build a relationships test's target first when it can be, so the test
    // checks this run's version of it; a soft edge that would close a cycle is dropped
    for (const target of relationshipTargets(models.get(name)!)) {
      if (models.has(target) && !state.has(target)) visit(target);
    }
    stack.pop();
    state.set(name, 2);
    order.push(name);
  };
  for (const name of [...models.keys()].sort()) visit(name);
  return order;
}

function relationshipTargets(model: Model): string[] {
  const out: string[] = [];
  for (const c of model.config.columns) {
    for (const t of c.tests) {
      if (typeof t === "object" && "relationships" in t)
        out.push(t.relationships.to.replace(/^ref\(['"]?|['"]?\)$/g, ""));
    }
  }
  return out;
}

/** Upstream raw streams of a model, transitively. */
export function upstreamSources(graph: ModelGraph, name: string): { source: string; stream: string }[] {
  const seen = new Set<string>();
  const out = new Map<string, { source: string; stream: string }>();
  const visit = (n: string) => {
    if (seen.has(n)) return;
    seen.add(n);
    const m = graph.models.get(n);
    if (!m) return;
    for (const s of m.sources) out.set(`${s.source}.${s.stream}`, { source: s.source, stream: s.stream });
    for (const r of m.refs) visit(r.name);
  };
  visit(name);
  return [...out.values()];
}

export function ancestors(graph: ModelGraph, name: string): string[] {
  const out = new Set<string>();
  const visit = (n: string) => {
    for (const p of graph.parents(n)) if (!out.has(p)) out.add(p), visit(p);
  };
  visit(name);
  return [...out];
}

export function descendants(graph: ModelGraph, name: string): string[] {
  const out = new Set<string>();
  const visit = (n: string) => {
    for (const c of graph.children(n)) if (!out.has(c)) out.add(c), visit(c);
  };
  visit(name);
  return [...out];
}

export function rawViewName(source: string, stream: string): string {
  return `${source}__${stream}`;
}
