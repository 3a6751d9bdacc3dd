import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { compileSql } from "../../engine/transform/compile.ts";
import { parseDocument } from "yaml";
import { loadModels } from "../../engine/transform/models.ts";
import { testStatements, testsFor } from "../../engine/transform/testing/data-tests.ts";
import { qualified } from "../../engine/warehouse/duckdb.ts";
import { now } from "../../engine/clock.ts";
import { loadProject } from "../../engine/config/project.ts";
import { streamGlob } from "../../engine/ingest/lake-writer.ts";
import { runOk } from "./measure.ts";
import type { BenchContext } from "./types.ts";

/** Demo size: customers, for every demo source (`config.scale`); events per active day for the product source when set. */
export interface DemoSize {
  customers: number;
  /** unset: the demo's own default (2 events per active day) */
  eventsPerActiveDay?: number;
}

export const DEMO_SIZES = {
  tiny: [
    { customers: 30, eventsPerActiveDay: 0.54 },
    { customers: 300, eventsPerActiveDay: 0.54 },
  ],
  // ≈1M events / 100k invoices, and ≈10M events / 1M invoices
  full: [
    { customers: 9_700, eventsPerActiveDay: 0.54 },
    { customers: 97_000, eventsPerActiveDay: 0.54 },
  ],
} as const satisfies Record<string, DemoSize[]>;

export async function scaffoldDemo(ctx: BenchContext, dir: string, size: DemoSize): Promise<void> {
  await runOk([...ctx.dp, "init", dir, "--demo"]);
  const path = join(dir, "project.yaml");
  const doc = parseDocument(readFileSync(path, "utf8"));
  const sources = doc.get("sources") as { items: { key: { value: string } }[] };
  for (const item of sources.items) {
    const name = item.key.value;
    doc.setIn(["sources", name, "config", "scale"], size.customers);
    if (name === "product" && size.eventsPerActiveDay !== undefined)
      doc.setIn(["sources", name, "config", "events_per_active_day"], size.eventsPerActiveDay);
  }
  writeFileSync(path, doc.toString());
}

export interface LimitPlan {
  views: { view: string; glob: string }[];
  /** `tests`: the statements dp's build sends for the model's data tests */
  models: { schema: string; name: string; materialized: string; sqlPath: string; tests: string[] }[];
}

/** What the limit side runs: the raw views and dp's own compiled SQL, in the order dp built it. */
export function limitPlan(dir: string, builtOrder: string[]): LimitPlan {
  const project = loadProject(dir);
  const graph = loadModels(project);
  const views = new Map<string, string>();
  const models = builtOrder.map((name) => {
    const m = graph.models.get(name)!;
    for (const s of m.sources) views.set(`${s.source}__${s.stream}`, streamGlob(project.paths.raw, s.source, s.stream));
    const tests = testStatements(testsFor(m, graph, now().toISOString()), qualified(m.schema, m.name));
    // what `dp compile` writes (a build creates no compiled files): the same compileSql, outside the timed runs
    const sqlPath = join(project.paths.compiled, m.schema, `${m.name}.sql`);
    mkdirSync(dirname(sqlPath), { recursive: true });
    writeFileSync(sqlPath, `${compileSql(m, graph)}\n`);
    return {
      schema: m.schema,
      name: m.name,
      materialized: m.materialized,
      sqlPath,
      tests,
    };
  });
  return { views: [...views].map(([view, glob]) => ({ view, glob })), models };
}
