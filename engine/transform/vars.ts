import { DpError } from "../errors.ts";
import { literal } from "../warehouse/duckdb.ts";

/** `{{ var('name') }}` or `{{ var('name', default) }}`, as in dbt; the default is a YAML literal. */
export const VAR = /\{\{\s*var\(\s*(['"])([A-Za-z_][A-Za-z0-9_]*)\1\s*(?:,\s*([^)]*?))?\s*\)\s*\}\}/g;

/** Whether a model's SQL reads any var (its hash then includes the project's vars). */
export function usesVars(sql: string): boolean {
  VAR.lastIndex = 0;
  const found = VAR.test(sql);
  VAR.lastIndex = 0;
  return found;
}

const VAR_NAME = /\bvar\(\s*['"]([A-Za-z_][A-Za-z0-9_]*)['"]/g;

/** The names a model's SQL passes to var('…'), in order of first mention (a commented-out call counts too). */
export function varNamesIn(sql: string): string[] {
  return [...new Set(Array.from(sql.matchAll(VAR_NAME), (m) => m[1]!))];
}

/**
 * Replaces every var() with the SQL literal of its value: project.yaml's `vars:` first, else the
 * default written in the call. Strings, numbers, booleans and null become literals, lists DuckDB
 * lists, maps `MAP {…}`. A var with neither is an error naming the file:line and the fix.
 */
export function renderVars(sql: string, vars: Record<string, unknown>, where: (line: number) => string): string {
  return sql.replace(VAR, (all, _q: string, name: string, fallback: string | undefined, offset: number) => {
    if (Object.hasOwn(vars, name)) return sqlValue(vars[name], name);
    if (fallback !== undefined) return sqlValue(defaultValue(fallback), name);
    const line = sql.slice(0, offset).split("\n").length;
    throw new DpError(
      "CONFIG",
      `${all.trim()} has no value: project.yaml sets no vars.${name} and the call gives no default`,
      {
        where: where(line),
        fix: `add \`vars: { ${name}: … }\` to project.yaml, or a default: {{ var('${name}', …) }}`,
      },
    );
  });
}

// required when a default is read: the yaml library's init is ≈1.5 ms of every process that loads this module
// (a cached catalog reader such as `dp ask` reaches it through the catalog and never reads a default)
const parseYaml = (text: string): unknown => (require("yaml") as typeof import("yaml")).parse(text);

function defaultValue(text: string): unknown {
  const value = parseYaml(text);
  // Jinja spells null `none` (dbt's var('x', none))
  return typeof value === "string" && /^none$/i.test(value) ? null : value;
}

function sqlValue(v: unknown, name: string): string {
  if (v === null || v === undefined) return "NULL";
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  if (typeof v === "string") return literal(v);
  if (Array.isArray(v)) return `[${v.map((x) => sqlValue(x, name)).join(", ")}]`;
  if (typeof v === "object")
    return `MAP {${Object.entries(v)
      .map(([k, x]) => `${literal(k)}: ${sqlValue(x, name)}`)
      .join(", ")}}`;
  throw new DpError("CONFIG", `vars.${name} holds a value SQL cannot take (${String(v)})`, {
    where: `project.yaml vars.${name}`,
    fix: "use a string, number, boolean, list or map",
  });
}
