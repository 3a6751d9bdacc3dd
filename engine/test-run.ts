import { now } from "./clock.ts";
import { liveRelation } from "./compile.ts";
import { runTest, testsFor, type TestResult } from "./datatests.ts";
import { recordTests, refreshRawViews } from "./build.ts";
import { sourceFreshness, type SourceFreshness } from "./freshness.ts";
import { newRunId } from "./lake.ts";
import { loadModels } from "./models.ts";
import type { Project } from "./project.ts";
import { select } from "./selector.ts";
import { openWriter, publishSnapshot } from "./warehouse.ts";

export interface TestRunResult {
  runId: string;
  tests: TestResult[];
  freshness: SourceFreshness[];
  ok: boolean;
}

/** `dp test`: every data test of the selected models against the live marts, plus source freshness. */
export async function runTests(project: Project, options: { select?: string } = {}): Promise<TestRunResult> {
  const graph = loadModels(project);
  const selected = select(graph, options.select, { projectDir: project.dir });
  const runId = newRunId(now());
  const nowIso = now().toISOString();
  const db = await openWriter(project);
  const tests: TestResult[] = [];
  try {
    await refreshRawViews(db, project, graph);
    for (const name of selected) {
      const model = graph.models.get(name)!;
      const exists = await db.one("SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2", [model.schema, model.name]);
      if (!exists) {
        tests.push({ id: `${name}.exists`, model: name, kind: "exists", severity: "error", status: "error", failures: 0, message: `${model.schema}.${name} is not built; run \`dp build --select ${name}\`` });
        continue;
      }
      for (const t of testsFor(model, graph, nowIso)) tests.push(await runTest(db, t, liveRelation(model)));
    }
    await recordTests(db, runId, tests, nowIso);
    await publishSnapshot(project, db, runId);
  } finally {
    db.close();
  }
  const freshness = sourceFreshness(project);
  const ok = tests.every((t) => t.status === "pass" || t.status === "warn") && freshness.every((f) => f.status !== "error");
  return { runId, tests, freshness, ok };
}
