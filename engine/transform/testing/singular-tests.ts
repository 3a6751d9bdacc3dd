import { compileSql } from "../compile.ts";
import type { DataTest } from "./data-tests.ts";
import type { ModelGraph, SingularTest } from "../models.ts";

/**
 * A singular test runs right after the last of its models is built, inside
 * that model's transaction: a failure rolls that model back like a generic test.
 * Tests that read no selected model run at the end, against what is live.
 */
export function planSingularTests(
  graph: ModelGraph,
  selected: string[],
): { attached: Map<string, DataTest[]>; unattached: DataTest[] } {
  const position = new Map(selected.map((n, i) => [n, i]));
  const attached = new Map<string, DataTest[]>();
  const unattached: DataTest[] = [];
  for (const t of graph.singularTests) {
    const refs = [...new Set(t.refs.map((r) => r.name))];
    const built = refs.filter((r) => position.has(r)).sort((a, b) => position.get(b)! - position.get(a)!);
    const owner = built[0];
    if (owner) attached.set(owner, [...(attached.get(owner) ?? []), singularDataTest(t, graph, owner)]);
    else if (refs.length === 0 || selected.length === graph.order.length)
      unattached.push(singularDataTest(t, graph, refs[0] ?? ""));
  }
  return { attached, unattached };
}

/** Singular tests that read any of these models, for `dp test`. */
export function singularTestsFor(graph: ModelGraph, selected: string[]): DataTest[] {
  const chosen = new Set(selected);
  const all = selected.length === graph.order.length;
  return graph.singularTests
    .filter((t) => all || t.refs.some((r) => chosen.has(r.name)))
    .map((t) =>
      singularDataTest(t, graph, [...t.refs].reverse().find((r) => chosen.has(r.name))?.name ?? t.refs[0]?.name ?? ""),
    );
}

function singularDataTest(t: SingularTest, graph: ModelGraph, model: string): DataTest {
  const sql = compileSql({ sql: t.sql, schema: "tests", name: t.name }, graph);
  const severity = /^\s*--\s*severity:\s*warn\b/im.test(t.sql) ? "warn" : "error";
  return {
    id: `test.${t.name}`,
    model,
    kind: "singular",
    severity,
    describe: `${t.displayPath} returns no rows`,
    sql: () => `SELECT count(*) AS failures FROM (\n${sql}\n)`,
  };
}
