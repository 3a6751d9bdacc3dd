import { now } from "../../clock.ts";
import { liveRelation } from "../compile.ts";
import { runModelTests, runTest, testsFor, type TestResult } from "./data-tests.ts";
import { recordTests, refreshRawViews } from "../build.ts";
import { readBuildHistory, modifiedModels } from "../build-history.ts";
import { sourceFreshness, type SourceFreshness } from "../../ingest/freshness.ts";
import { newRunId } from "../../ingest/lake-writer.ts";
import { planModels } from "../dag.ts";
import type { Project } from "../../config/project.ts";
import { select } from "../selector.ts";
import { singularTestsFor } from "./singular-tests.ts";
import { runUnitTests } from "./unit-tests.ts";
import { openWriter, publishSnapshot, type SnapshotSidecar } from "../../warehouse/snapshots.ts";

export interface TestRunResult {
  runId: string;
  tests: TestResult[];
  freshness: SourceFreshness[];
  ok: boolean;
}

export interface TestRunOptions {
  select?: string;
  exclude?: string;
  /** only the unit tests: no warehouse, no lake */
  unit?: boolean;
  /** written beside the published snapshot (the catalog cache, from the layer above) */
  sidecar?: SnapshotSidecar;
}

/**
 * `dp test`: unit tests of model logic (in memory), then every data test and
 * singular test of the selected models against the live marts, plus source freshness.
 */
export async function runTests(project: Project, options: TestRunOptions = {}): Promise<TestRunResult> {
  const graph = await planModels(project);
  const runId = newRunId(now());
  const nowIso = now().toISOString();
  if (options.unit) {
    const selected = select(graph, options, {
      projectDir: project.dir,
      projectName: project.config.name,
      modelsDir: project.paths.models,
    });
    const tests = await runUnitTests(graph, { models: selected });
    return { runId, tests, freshness: [], ok: tests.every((t) => t.status === "pass") };
  }
  const db = await openWriter(project);
  const tests: TestResult[] = [];
  try {
    const history = await readBuildHistory(db);
    const selected = select(graph, options, {
      projectDir: project.dir,
      projectName: project.config.name,
      modelsDir: project.paths.models,
      modified: modifiedModels(graph, history),
    });
    tests.push(...(await runUnitTests(graph, { models: selected })));
    await refreshRawViews(db, project, graph);
    const built = new Set<string>();
    for (const name of selected) {
      const model = graph.models.get(name)!;
      const exists = await db.one(
        "SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2",
        [model.schema, model.name],
      );
      if (!exists) {
        tests.push({
          id: `${name}.exists`,
          model: name,
          kind: "exists",
          severity: "error",
          status: "error",
          failures: 0,
          message: `${model.schema}.${name} is not built; run \`dp build --select ${name}\``,
        });
        continue;
      }
      built.add(name);
      tests.push(...(await runModelTests(db, testsFor(model, graph, nowIso), liveRelation(model))).results);
    }
    for (const t of singularTestsFor(graph, selected)) {
      const unbuilt = graph.singularTests
        .find((s) => `test.${s.name}` === t.id)!
        .refs.find((r) => !built.has(r.name) && selected.includes(r.name));
      if (unbuilt) continue;
      tests.push(await runTest(db, t, ""));
    }
    // "not built" is the model's state, not a test of its data: recorded, it would outlive the first build
    const recorded = tests.filter((t) => t.kind !== "exists");
    if (recorded.length) {
      await recordTests(db, runId, recorded, nowIso);
      await publishSnapshot(project, db, runId, options.sidecar);
    }
  } finally {
    db.close();
  }
  const freshness = sourceFreshness(project);
  const ok =
    tests.every((t) => t.status === "pass" || t.status === "warn") && freshness.every((f) => f.status !== "error");
  return { runId, tests, freshness, ok };
}
