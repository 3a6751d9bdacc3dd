import { relative, resolve } from "node:path";
import { DpError } from "../errors.ts";
import { ancestors, descendants, type ModelGraph } from "./models.ts";

/**
 * dbt-style selection: `model`, `+model`, `model+`, `+model+`, `tag:x`,
 * `path:models/marts`, `state:modified` (needs `modified`); space or comma separated = union.
 */
export function select(
  graph: ModelGraph,
  expr: string | undefined,
  ctx: { projectDir: string; modified?: Set<string> },
): string[] {
  if (!expr || !expr.trim()) return graph.order;
  const chosen = new Set<string>();
  for (const term of expr.split(/[\s,]+/).filter(Boolean)) {
    for (const n of selectTerm(graph, term, ctx)) chosen.add(n);
  }
  return graph.order.filter((n) => chosen.has(n));
}

function selectTerm(graph: ModelGraph, term: string, ctx: { projectDir: string; modified?: Set<string> }): string[] {
  const up = term.startsWith("+");
  const down = term.endsWith("+");
  const core = term.replace(/^\+/, "").replace(/\+$/, "");
  let base: string[];
  if (core.startsWith("tag:")) {
    const tag = core.slice(4);
    base = [...graph.models.values()].filter((m) => m.config.tags.includes(tag)).map((m) => m.name);
  } else if (core.startsWith("path:")) {
    const want = relative(ctx.projectDir, resolve(ctx.projectDir, core.slice(5)));
    base = [...graph.models.values()]
      .filter((m) => m.displayPath === want || m.displayPath.startsWith(`${want}/`))
      .map((m) => m.name);
  } else if (core === "state:modified") {
    base = [...(ctx.modified ?? new Set(graph.order))];
  } else if (core.includes("*")) {
    const re = new RegExp(`^${core.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`);
    base = graph.order.filter((n) => re.test(n));
  } else {
    if (!graph.models.has(core)) {
      throw new DpError("USAGE", `--select ${term}: no model named "${core}"`, {
        fix: `run \`dp catalog\` to list models`,
      });
    }
    base = [core];
  }
  if (base.length === 0 && !core.startsWith("state:")) {
    throw new DpError("USAGE", `--select ${term} matches no model`, {
      fix: "check the tag or path; `dp catalog` lists models",
    });
  }
  const out = new Set(base);
  for (const b of base) {
    if (up) for (const a of ancestors(graph, b)) out.add(a);
    if (down) for (const d of descendants(graph, b)) out.add(d);
  }
  return [...out];
}
