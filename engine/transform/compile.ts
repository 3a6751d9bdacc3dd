import { mkdirSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { qualified } from "../warehouse/duckdb.ts";
import { rawViewName, type Model, type ModelGraph } from "./models.ts";
import { renderLastPull } from "./last-pull.ts";
import { renderVars } from "./vars.ts";

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
const IF_INCREMENTAL =
  /\{%-?\s*if\s+is_incremental\(\)\s*-?%\}([\s\S]*?)(?:\{%-?\s*else\s*-?%\}([\s\S]*?))?\{%-?\s*endif\s*-?%\}/g;

export function liveRelation(model: Pick<Model, "schema" | "name">): string {
  return qualified(model.schema, model.name);
}

/** Templated SQL → plain DuckDB SQL. Line count is preserved so errors map back to the file. */
export function compileSql(
  model: Pick<Model, "sql" | "schema" | "name"> & { displayPath?: string },
  graph: ModelGraph,
  ctx: CompileContext = {},
): string {
  const relationOf = ctx.relationOf ?? liveRelation;
  const sourceRelation =
    ctx.sourceRelation ?? ((source: string, stream: string) => qualified("raw", rawViewName(source, stream)));
  const where = (line: number) => `${model.displayPath ?? model.name}:${line}`;
  return renderLastPull(renderVars(model.sql, graph.vars ?? {}, where), graph.pulls, where)
    .replace(IF_INCREMENTAL, (_all, yes: string, no: string | undefined) =>
      ctx.isIncremental ? yes : (no ?? yes.replace(/[^\n]/g, "")),
    )
    .replace(REF, (_all, name: string) => relationOf(graph.models.get(name)!))
    .replace(SOURCE, (_all, source: string, stream: string) => sourceRelation(source, stream))
    .replace(THIS, ctx.self ?? liveRelation(model))
    .replace(/;?\s*$/, "");
}

/** The compiled file's path, its directory created once per set of `made` directories. */
export function compiledFile(compiledDir: string, model: Pick<Model, "schema" | "name">, made: Set<string>): string {
  const dir = join(compiledDir, model.schema);
  if (!made.has(dir)) mkdirSync(dir, { recursive: true });
  made.add(dir);
  return join(dir, `${model.name}.sql`);
}

/**
 * Writes a compiled file unless it already holds exactly `text`: a rebuild of an unchanged project
 * rewrote every file (a truncate and a write per model, next to DuckDB's WAL syncs); now it reads them.
 */
export async function writeCompiled(path: string, text: string): Promise<void> {
  const old = await readFile(path, "utf8").catch(() => undefined);
  if (old !== text) await writeFile(path, text);
}

/**
 * What a build does with a model's compiled file: brings one that is there up to date and creates none
 * (`dp compile` writes them all; a model whose SQL fails gets its own, which the error names). Creating 500
 * files on a fresh 500-model project was ≈6% of its build's CPU, most of it ext4 allocating their inodes.
 * Returns whether the file is there now.
 */
export async function refreshCompiled(path: string, text: string): Promise<boolean> {
  const old = await readFile(path, "utf8").catch(() => undefined);
  if (old === undefined) return false;
  if (old !== text) await writeFile(path, text);
  return true;
}

/** `dp compile`: every named model's compiled SQL under `.dp/compiled/<schema>/<name>.sql`; returns the paths. */
export async function writeCompiledModels(compiledDir: string, graph: ModelGraph, names: string[]): Promise<string[]> {
  const made = new Set<string>();
  return Promise.all(
    names.map(async (name) => {
      const model = graph.models.get(name)!;
      const path = compiledFile(compiledDir, model, made);
      await writeCompiled(path, `${compileSql(model, graph)}\n`);
      return path;
    }),
  );
}
