import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { qualified } from "./duckdb.ts";
import { rawViewName, type Model, type ModelGraph } from "./models.ts";

export interface CompileContext {
  /** relation a ref() resolves to; defaults to the live table */
  relationOf?: (model: Model) => string;
  /** relation a source() resolves to; defaults to the raw view over the lake */
  sourceRelation?: (source: string, stream: string) => string;
  isIncremental?: boolean;
  /** the model's own live relation, for {{ this }} */
  self?: string;
}

const REF = /\{\{\s*ref\(\s*['"]([^'"]+)['"]\s*\)\s*\}\}/g;
const SOURCE = /\{\{\s*source\(\s*['"]([^'"]+)['"]\s*,\s*['"]([^'"]+)['"]\s*\)\s*\}\}/g;
const THIS = /\{\{\s*this\s*\}\}/g;
const IF_INCREMENTAL = /\{%-?\s*if\s+is_incremental\(\)\s*-?%\}([\s\S]*?)(?:\{%-?\s*else\s*-?%\}([\s\S]*?))?\{%-?\s*endif\s*-?%\}/g;

export function liveRelation(model: Pick<Model, "schema" | "name">): string {
  return qualified(model.schema, model.name);
}

/** Templated SQL → plain DuckDB SQL. Line count is preserved so errors map back to the file. */
export function compileSql(model: Pick<Model, "sql" | "schema" | "name">, graph: ModelGraph, ctx: CompileContext = {}): string {
  const relationOf = ctx.relationOf ?? liveRelation;
  const sourceRelation = ctx.sourceRelation ?? ((source: string, stream: string) => qualified("raw", rawViewName(source, stream)));
  return model.sql
    .replace(IF_INCREMENTAL, (_all, yes: string, no: string | undefined) => (ctx.isIncremental ? yes : (no ?? yes.replace(/[^\n]/g, ""))))
    .replace(REF, (_all, name: string) => relationOf(graph.models.get(name)!))
    .replace(SOURCE, (_all, source: string, stream: string) => sourceRelation(source, stream))
    .replace(THIS, ctx.self ?? liveRelation(model))
    .replace(/;?\s*$/, "");
}

export function writeCompiled(compiledDir: string, model: Pick<Model, "schema" | "name">, sql: string): string {
  const path = join(compiledDir, model.schema, `${model.name}.sql`);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${sql}\n`);
  return path;
}
