import { mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { now } from "../clock.ts";
import type { Project } from "../config/project.ts";
import { StateStore } from "../ingest/cursor-state.ts";
import { newRunId, streamGlob, streamHasData } from "../ingest/lake-writer.ts";
import { rawViewCasts } from "../ingest/stream-schema.ts";
import {
  findUnreadableRaw,
  looksLikeUnreadableFile,
  type Quarantined,
  quarantineCorruptRaw,
  quarantineRawFile,
  rawFileInError,
} from "../ingest/quarantine.ts";
import { DpError } from "../errors.ts";
import { log } from "../log.ts";
import { type Db, ident, literal, qualified, type SqlValue } from "../warehouse/duckdb.ts";
import { healCorruptWarehouse, openWriter, publishSnapshot, type SnapshotSidecar } from "../warehouse/snapshots.ts";
import { compactIfBloated, mayBeBloated } from "../warehouse/compact.ts";
import { isCorruptWarehouse } from "../warehouse/recover.ts";
import type { TableDelta } from "../warehouse/table-parts.ts";
import { type BuildHistory, lastTestResults, modifiedModels, readBuildHistory, retrySet } from "./build-history.ts";
import { BuildRun, type ModelResult, publishKey, quarantineMessage, sqlMessage } from "./build-run.ts";
import { liveRelation } from "./compile.ts";
import { planModels } from "./dag.ts";
import { streamVersions } from "./fingerprint.ts";
import { dropShadows, incrementalStrategy, liveRelations, relationKey } from "./materialize.ts";
import { type Model, type ModelGraph, rawViewName } from "./models.ts";
import { select } from "./selector.ts";
import {
  type AbsentStream,
  absentLine,
  absentStreams,
  declaredEmptySelect,
  emptyStreamSelect,
  notPulled,
  type OptionalStream,
  optionalStreams,
  type PulledStreams,
  pulledStreams,
  unpulledError,
} from "./source-streams.ts";
import { type DataTest, runTest, type TestResult, testsFor } from "./testing/data-tests.ts";
import { planSingularTests } from "./testing/singular-tests.ts";

export interface BuildOptions {
  select?: string;
  /** dbt's --exclude: taken away from the selection */
  exclude?: string;
  fullRefresh?: boolean;
  failFast?: boolean;
  runId?: string;
  /** skip data tests (not recommended; tests guard publication) */
  noTests?: boolean;
  /** rebuild only what failed or was skipped in the last build, and its descendants */
  retryFailed?: boolean;
  signal?: AbortSignal;
  /** written beside the published snapshot (the catalog cache, from the layer above) */
  sidecar?: SnapshotSidecar;
  /**
   * Runs on the writer after the build is recorded and before its snapshot is published, so what it
   * writes (`dp run`'s decisions) goes out in the same publish: one checkpoint and one snapshot per run.
   * Not called when the build publishes nothing. What it throws is the build's error; it should catch its own.
   */
  beforePublish?: (db: Db, results: ModelResult[]) => Promise<void>;
  /** optional streams ("source.stream") already reported this run (dp run's pull said why): not said again */
  reported?: ReadonlySet<string>;
}

export interface BuildResult {
  runId: string;
  models: ModelResult[];
  /** singular tests that read no model built in this run */
  tests: TestResult[];
  ok: boolean;
  durationMs: number;
  /** optional streams the selected models read that have never landed: their readers read them empty */
  absentStreams: AbsentStream[];
}

/**
 * Creates raw.<source>__<stream> views over the lake's Parquet files; returns the streams that never landed.
 * A stream with no file is an empty view of the columns a pull declared (pulled, no record yet); else, when
 * a model declares it under optional_sources, of the declared columns, and it is `missing` only for the models
 * that read it without declaring it; else it has no view and is `missing`.
 */
export async function refreshRawViews(
  db: Db,
  project: Project,
  graph: ModelGraph,
  quarantined: Quarantined[] = [],
  /** the streams each source's config pulls (pulledStreams), when the caller has them */
  pulledBy?: PulledStreams,
): Promise<Set<string>> {
  const missing = new Set<string>();
  const seen = new Set<string>();
  const store = new StateStore(project.paths.state);
  const optional = optionalStreams(graph);
  const pulled =
    pulledBy ??
    (await pulledStreams(
      project,
      [...graph.models.values()].flatMap((m) => m.sources),
    ));
  for (const m of graph.models.values()) {
    for (const s of m.sources) {
      const key = `${s.source}.${s.stream}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const view = qualified("raw", rawViewName(s.source, s.stream));
      // a stream dropped from its source's config reads as one that never landed; its files stay for when it is back
      const dropped = notPulled(pulled, s.source, s.stream);
      if (dropped || !streamHasData(project.paths.raw, s.source, s.stream)) {
        const empty = dropped ? undefined : emptyStreamSelect(store, s.source, s.stream);
        const declared = optional.get(key);
        if (empty) await db.run(`CREATE OR REPLACE VIEW ${view} AS ${empty}`);
        else if (declared) {
          await createDeclaredView(db, view, declared);
          missing.add(key);
        } else missing.add(key);
        continue;
      }
      const glob = streamGlob(project.paths.raw, s.source, s.stream);
      // reading the files' schemas can hit a broken one: quarantine it and try again, at most once per file
      for (let attempt = 0; ; attempt++) {
        try {
          const files = `read_parquet(${literal(glob)}, hive_partitioning = true, union_by_name = true)`;
          await db.run(`CREATE OR REPLACE VIEW ${view} AS SELECT * FROM ${files}`);
          const casts = await textKeptCasts(db, project, s.source, s.stream, view);
          if (casts.length)
            await db.run(`CREATE OR REPLACE VIEW ${view} AS SELECT * REPLACE (${casts.join(", ")}) FROM ${files}`);
          break;
        } catch (e) {
          const msg = (e as Error).message;
          const named = rawFileInError(msg, project.paths.lake);
          const bad = named
            ? { file: named, reason: sqlMessage(msg) }
            : looksLikeUnreadableFile(msg) && attempt < 1000
              ? await findUnreadableRaw(db, project.paths.lake, [s])
              : undefined;
          if (!bad) throw e;
          const q = quarantineRawFile(project.paths.lake, project.paths.state, bad.file, bad.reason);
          quarantined.push(q);
          log.error(quarantineMessage(project, q));
          if (!streamHasData(project.paths.raw, s.source, s.stream)) {
            missing.add(key);
            break;
          }
        }
      }
    }
  }
  return missing;
}

/** The casts that read the columns the lake keeps as text (intervals, times with an offset) as their declared types. */
async function textKeptCasts(
  db: Db,
  project: Project,
  source: string,
  stream: string,
  view: string,
): Promise<string[]> {
  const declared = new StateStore(project.paths.state).read(source).streams[stream]?.schema;
  if (!declared?.length || !rawViewCasts(declared, new Set(declared.map((c) => c.name)), ident).length) return [];
  const present = new Set((await db.describe(`SELECT * FROM ${view}`)).map((c) => c.name));
  return rawViewCasts(declared, present, ident);
}

/** The empty view of an optional stream that has never landed; a type DuckDB does not know is the YAML's mistake. */
async function createDeclaredView(db: Db, view: string, declared: OptionalStream): Promise<void> {
  const model = declared.by;
  try {
    await db.run(`CREATE OR REPLACE VIEW ${view} AS ${declaredEmptySelect(declared)}`);
  } catch (e) {
    throw new DpError(
      "CONFIG",
      `optional_sources of ${model.name} declare a column type DuckDB does not know: ${sqlMessage((e as Error).message)}`,
      {
        where: model.yamlWhere ?? model.displayPath,
        fix: "write each column's DuckDB type as the connector lands it (VARCHAR, BIGINT, TIMESTAMPTZ, JSON, …)",
      },
    );
  }
}

/**
 * The streams the selected models read that have never landed: a required one the source does not pull is
 * exit 2 naming the key to add; an optional one is said in one line (its readers build on an empty relation).
 */
async function readAbsent(
  project: Project,
  graph: ModelGraph,
  store: StateStore,
  selected: string[],
  reported?: ReadonlySet<string>,
  pulled?: PulledStreams,
): Promise<AbsentStream[]> {
  const absent = await absentStreams(project, graph, store, selected, pulled);
  const error = unpulledError(project, absent);
  if (error) throw error;
  const optional = absent.filter((a) => a.optional);
  for (const a of optional) if (!reported?.has(`${a.source}.${a.stream}`)) log.warn(absentLine(a));
  return optional;
}

/**
 * `dp build`: plan the DAG, select, build each model with its tests in commit groups (a failing test
 * never reaches readers), record the run, publish a snapshot, write the Parquet marts.
 */
export async function build(project: Project, options: BuildOptions = {}): Promise<BuildResult> {
  const started = Date.now();
  const phase = phaseClock();
  const graph = await planModels(project);
  phase("plan");
  const runId = options.runId ?? newRunId(now());
  const nowIso = now().toISOString();
  const db = await openWriter(project);
  phase("open");
  const loose: TestResult[] = [];
  let results: ModelResult[] = [];
  let absent: AbsentStream[] = [];
  let corrupt: string | undefined;
  let compact = true;
  // SIGTERM mid-model: interrupt DuckDB so the model's transaction rolls back now, not after it finishes
  const interrupt = () => db.conn.interrupt();
  options.signal?.addEventListener("abort", interrupt, { once: true });
  try {
    const history = await readBuildHistory(db);
    const selected = selectModels(project, graph, history, options);
    const singular = options.noTests
      ? { attached: new Map<string, DataTest[]>(), unattached: [] }
      : planSingularTests(graph, selected);
    const quarantined = quarantineCorruptRaw(
      project.paths.lake,
      project.paths.state,
      [...graph.models.values()].flatMap((m) => m.sources),
    );
    for (const q of quarantined) log.error(quarantineMessage(project, q));
    const store = new StateStore(project.paths.state);
    const pulled = await pulledStreams(
      project,
      [...graph.models.values()].flatMap((m) => m.sources),
    );
    // a stream some selected model needs that its source does not pull can never land: exit 2, naming the key
    absent = await readAbsent(project, graph, store, selected, options.reported, pulled);
    const missing = await refreshRawViews(db, project, graph, quarantined, pulled);
    const relations = await liveRelations(db);
    await dropShadows(db, relations);
    const schemaRows = await db.all<{ schema_name: string }>(
      "SELECT schema_name FROM duckdb_schemas() WHERE database_name = current_database()",
    );
    const run = new BuildRun({
      project,
      db,
      graph,
      history,
      store,
      runId,
      streams: streamVersions(project.paths.raw, store, graph, pulled),
      lastTests: await lastTestResults(db, history, selected),
      selected,
      attached: singular.attached,
      quarantined,
      missing,
      relations,
      schemas: new Set(schemaRows.map((r) => r.schema_name)),
      nowIso,
      options,
    });
    phase("prep");
    await run.run();
    results = run.results;
    corrupt = run.corrupt;
    for (const test of singular.unattached) loose.push(await runTest(db, test, ""));
    phase("models");
    // a build that read a damaged warehouse publishes nothing: readers keep the last verified snapshot
    if (!corrupt && (results.length || loose.length))
      await recordAndPublish(project, db, graph, runId, results, loose, nowIso, options, run.deltas);
    phase("publish");
    compact = await mayBeBloated(db);
    // the WAL carries commits across runs (WAL_CHECKPOINT); compaction copies the file, so it is checkpointed first
    if (compact) await db.run("CHECKPOINT");
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (!isCorruptWarehouse(msg, project.paths.warehouse)) throw e;
    corrupt = msg.split("\n")[0];
  } finally {
    options.signal?.removeEventListener("abort", interrupt);
    db.close();
    phase("close");
  }
  if (corrupt) throw await healCorruptWarehouse(project, corrupt);
  if (compact)
    await compactIfBloated(project.paths.warehouse, {
      threads: project.config.warehouse.threads,
      memoryLimit: project.config.warehouse.memory_limit,
    });
  phase("compaction");
  log.debug(`build phases: ${phase.summary()}`);
  const ok =
    results.every((r) => r.status === "success" || r.status === "unchanged") &&
    loose.every((t) => t.status === "pass" || t.status === "warn");
  return { runId, models: results, tests: loose, ok, durationMs: Date.now() - started, absentStreams: absent };
}

/**
 * Wall and CPU time per named phase, for `DP_DEBUG=1`: CPU beside wall because on a loaded machine the wall
 * clock says little. Each call closes the phase that began at the previous one.
 */
function phaseClock(): ((name: string) => void) & { summary(): string } {
  const spans: string[] = [];
  let wall = performance.now();
  let cpu = process.cpuUsage();
  const mark = (name: string) => {
    const c = process.cpuUsage(cpu);
    spans.push(`${name} ${Math.round(performance.now() - wall)} ms (${Math.round((c.user + c.system) / 1000)} CPU)`);
    wall = performance.now();
    cpu = process.cpuUsage();
  };
  return Object.assign(mark, { summary: () => spans.join(", ") });
}

function selectModels(project: Project, graph: ModelGraph, history: BuildHistory, options: BuildOptions): string[] {
  const selected = select(graph, options, {
    projectDir: project.dir,
    projectName: project.config.name,
    modelsDir: project.paths.models,
    modified: modifiedModels(graph, history),
  });
  if (!options.retryFailed) return selected;
  const retry = retrySet(graph, history);
  const kept = selected.filter((n) => retry.has(n));
  log.info(
    retry.size
      ? `retrying ${kept.length} model(s) from ${history.lastBuild?.runId}`
      : "nothing to retry: the last build published every model",
  );
  return kept;
}

/** One commit for the run's bookkeeping (not one per row), then the snapshot readers see, then the Parquet marts. */
async function recordAndPublish(
  project: Project,
  db: Db,
  graph: ModelGraph,
  runId: string,
  results: ModelResult[],
  loose: TestResult[],
  nowIso: string,
  options: BuildOptions,
  deltas: Map<string, TableDelta>,
): Promise<void> {
  await db.transaction(async () => {
    await recordBuild(db, runId, results, graph, nowIso);
    await recordTests(db, runId, loose, nowIso);
  });
  await options.beforePublish?.(db, results);
  const mergeKeys = new Map<string, string[]>();
  for (const m of graph.models.values()) {
    const { strategy, keys } = incrementalStrategy(m);
    if (m.materialized === "incremental" && strategy === "merge") mergeKeys.set(relationKey(m.schema, m.name), keys);
    // a table written whole carries its key, so that a later run's changed rows can be a part over it
    const key = m.materialized === "table" && !options.noTests ? publishKey(m, testsFor(m, graph, nowIso)) : undefined;
    if (key) mergeKeys.set(relationKey(m.schema, m.name), key);
  }
  // a table this build wrote whole and committed: its row count is known (the CREATE's or its tests' scan)
  const rows = new Map<string, number>();
  for (const r of results) {
    const model = graph.models.get(r.model)!;
    if (r.status === "success" && model.materialized === "table" && r.rows !== undefined)
      rows.set(relationKey(model.schema, model.name), r.rows);
  }
  await publishSnapshot(project, db, runId, options.sidecar, { deltas, mergeKeys, rows });
  for (const r of results) {
    const model = graph.models.get(r.model)!;
    if (r.status === "success" && model.config.publish_parquet)
      r.parquetPath = await publishParquet(project, db, model);
  }
}

/** lake/marts/<model>.parquet, written beside and renamed into place so readers never see half a file. */
async function publishParquet(project: Project, db: Db, model: Model): Promise<string> {
  const dir = join(project.paths.lake, "marts");
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${model.name}.parquet`);
  const tmp = join(dir, `.${model.name}.parquet.tmp`);
  rmSync(tmp, { force: true });
  await db.run(`COPY (SELECT * FROM ${liveRelation(model)}) TO ${literal(tmp)} (FORMAT parquet)`);
  renameSync(tmp, path);
  return path;
}

async function recordBuild(
  db: Db,
  runId: string,
  results: ModelResult[],
  graph: ModelGraph,
  nowIso: string,
): Promise<void> {
  const rows = results.map((r): SqlValue[] => {
    const model = graph.models.get(r.model)!;
    return [
      runId,
      r.model,
      r.schema,
      model.materialized,
      // the live version of a model skipped as unchanged is its last successful build: readers see success
      r.status === "unchanged" ? "success" : r.status,
      r.rows ?? null,
      r.durationMs,
      r.error ?? null,
      r.asOf ?? null,
      nowIso,
      model.hash,
      r.inputHash ?? null,
      r.status === "success" || r.status === "unchanged" ? (r.outputVersion ?? null) : null,
      r.status === "unchanged",
    ];
  });
  await insertRows(db, "_dp.model_runs", MODEL_RUN_COLUMNS, rows);
  await recordTests(
    db,
    runId,
    results.flatMap((r) => r.tests),
    nowIso,
  );
}

export async function recordTests(db: Db, runId: string, tests: TestResult[], nowIso: string): Promise<void> {
  const rows = tests.map((t): SqlValue[] => [
    runId,
    t.id,
    t.model,
    t.kind,
    t.column ?? null,
    t.severity,
    t.status,
    t.failures,
    t.message,
    nowIso,
  ]);
  await insertRows(db, "_dp.test_results", TEST_RESULT_COLUMNS, rows);
}

const MODEL_RUN_COLUMNS = [
  "run_id",
  "model",
  "schema_name",
  "materialized",
  "status",
  "rows",
  "duration_ms",
  "error",
  "as_of",
  "built_at",
  "sql_hash",
  "input_hash",
  "output_version",
  "reused",
];
const TEST_RESULT_COLUMNS = [
  "run_id",
  "test_id",
  "model",
  "kind",
  "column_name",
  "severity",
  "status",
  "failures",
  "message",
  "tested_at",
];

/**
 * Rows in insertion order, all in one statement with one bound parameter: a statement per row cost about a
 * millisecond each, and a VALUES list with a parameter per cell still ≈0.13 ms per row (binding thousands).
 * Every cell travels as JSON text and takes the column's type on INSERT.
 */
async function insertRows(db: Db, table: string, columns: string[], rows: SqlValue[][]): Promise<void> {
  if (!rows.length) return;
  const cells = columns.map((_, k) => `r[${k + 1}]`).join(", ");
  const text = JSON.stringify(
    rows.map((row) =>
      row.map((v) => (v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : String(v))),
    ),
  );
  await db.run(
    `INSERT INTO ${table} (${columns.join(", ")}) SELECT ${cells} FROM (SELECT unnest(from_json($1, '[["VARCHAR"]]')) AS r)`,
    [text],
  );
}
