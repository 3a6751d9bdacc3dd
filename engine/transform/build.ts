import { renameSync, rmSync, mkdirSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { readBuildHistory, modifiedModels, retrySet, type BuildHistory } from "./build-history.ts";
import { now } from "../clock.ts";
import { compileSql, compiledFile, liveRelation } from "./compile.ts";
import { Db, ident, literal, qualified, type SqlValue } from "../warehouse/duckdb.ts";
import { DpError } from "../errors.ts";
import { runModelTests, runTest, testsFor, type DataTest, type TestResult } from "./testing/data-tests.ts";
import { streamGlob, streamHasData, newRunId } from "../ingest/lake-writer.ts";
import {
  findUnreadableRaw,
  looksLikeUnreadableFile,
  quarantineCorruptRaw,
  quarantineRawFile,
  rawFileInError,
  type Quarantined,
} from "../ingest/quarantine.ts";
import { log } from "../log.ts";
import { rawViewName, type Model, type ModelGraph } from "./models.ts";
import { planModels } from "./dag.ts";
import type { Project } from "../config/project.ts";
import { select } from "./selector.ts";
import { planSingularTests } from "./testing/singular-tests.ts";
import { StateStore } from "../ingest/cursor-state.ts";
import { openWriter, publishSnapshot, type SnapshotSidecar } from "../warehouse/snapshots.ts";
import { CommitGroup, GROUP_BUDGET_MS } from "./commit-group.ts";
import { defaultMemoryLimit, isOutOfMemory, roomyMemoryLimit } from "../warehouse/duckdb-settings.ts";

export type ModelStatus = "success" | "failed" | "skipped";

export interface ModelResult {
  model: string;
  schema: string;
  status: ModelStatus;
  rows?: number;
  durationMs: number;
  error?: string;
  where?: string;
  compiledPath?: string;
  /** the oldest input data this version reflects: min over its sources' last pulls and its parents' as-of */
  asOf?: string | null;
  /** lake/marts/<model>.parquet, when the model publishes Parquet */
  parquetPath?: string;
  tests: TestResult[];
}

export interface BuildOptions {
  select?: string;
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
}

export interface BuildResult {
  runId: string;
  models: ModelResult[];
  /** singular tests that read no model built in this run */
  tests: TestResult[];
  ok: boolean;
  durationMs: number;
}

/** Creates raw.<source>__<stream> views over the lake's Parquet files. */
export async function refreshRawViews(
  db: Db,
  project: Project,
  graph: ModelGraph,
  quarantined: Quarantined[] = [],
): Promise<Set<string>> {
  const missing = new Set<string>();
  const seen = new Set<string>();
  for (const m of graph.models.values()) {
    for (const s of m.sources) {
      const key = `${s.source}.${s.stream}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const view = qualified("raw", rawViewName(s.source, s.stream));
      if (!streamHasData(project.paths.raw, s.source, s.stream)) {
        missing.add(key);
        continue;
      }
      const glob = streamGlob(project.paths.raw, s.source, s.stream);
      // reading the files' schemas can hit a broken one: quarantine it and try again, at most once per file
      for (let attempt = 0; ; attempt++) {
        try {
          await db.run(
            `CREATE OR REPLACE VIEW ${view} AS SELECT * FROM read_parquet(${literal(glob)}, hive_partitioning = true, union_by_name = true)`,
          );
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

/**
 * A model's data is as old as its oldest input: a source's last successful pull,
 * or a parent's as-of — the parent version built in this run, else its live one.
 */
function asOfFor(
  model: Model,
  graph: ModelGraph,
  store: StateStore,
  built: Map<string, string | null>,
  history: BuildHistory,
): string | null {
  const times: (string | null | undefined)[] = [];
  for (const { source, stream } of model.sources) {
    const st = store.read(source);
    times.push(st.streams[stream]?.last_success_at ?? st.last_success_at);
  }
  for (const p of graph.parents(model.name)) times.push(built.has(p) ? built.get(p) : history.liveAsOf.get(p));
  let min: string | null = null;
  for (const t of times) if (t && (min === null || Date.parse(t) < Date.parse(min))) min = new Date(t).toISOString();
  return min;
}

type RelationKind = "table" | "view";

/** Every live relation, read once per build: a catalog query per model took milliseconds that grew with the number of tables. */
async function liveRelations(db: Db): Promise<Map<string, RelationKind>> {
  const rows = await db.all<{ schema_name: string; name: string; kind: RelationKind }>(
    "SELECT schema_name, table_name AS name, 'table' AS kind FROM duckdb_tables() UNION ALL SELECT schema_name, view_name, 'view' FROM duckdb_views() WHERE NOT internal",
  );
  return new Map(rows.map((r) => [relationKey(r.schema_name, r.name), r.kind]));
}

function relationKey(schema: string, name: string): string {
  return `${schema}.${name}`;
}

/** Builds the model; returns its row count when the statement reports it (a table created from its query). */
async function materialize(
  db: Db,
  model: Model,
  sql: string,
  options: BuildOptions,
  graph: ModelGraph,
  existing: RelationKind | undefined,
  schemas: Set<string>,
): Promise<number | undefined> {
  const rel = liveRelation(model);
  if (!schemas.has(model.schema)) await db.run(`CREATE SCHEMA IF NOT EXISTS ${ident(model.schema)}`);
  if (model.materialized === "incremental" && existing === "table" && !options.fullRefresh) {
    const delta = compileSql(model, graph, { isIncremental: true });
    const keys = model.config.unique_key ? [model.config.unique_key].flat() : [];
    const strategy = model.config.incremental_strategy ?? (keys.length ? "merge" : "append");
    await db.run(`CREATE OR REPLACE TEMP TABLE dp_delta AS ${delta}`);
    if (strategy === "append") {
      await db.run(`INSERT INTO ${rel} BY NAME SELECT * FROM dp_delta`);
    } else {
      if (!keys.length) {
        throw new DpError("CONFIG", `incremental model ${model.name} uses ${strategy} but declares no unique_key`, {
          where: model.yamlWhere ?? model.displayPath,
          fix: "add unique_key: <column> to the model's YAML",
        });
      }
      const match = keys.map((k) => `${rel}.${ident(k)} = dp_delta.${ident(k)}`).join(" AND ");
      if (strategy === "merge") {
        await db.run(`DELETE FROM ${rel} WHERE EXISTS (SELECT 1 FROM dp_delta WHERE ${match})`);
      } else {
        // delete+insert by time range: the key is the time column; replace every row in the delta's range
        const k = ident(keys[0]!);
        await db.run(
          `DELETE FROM ${rel} WHERE ${k} >= (SELECT min(${k}) FROM dp_delta) AND ${k} <= (SELECT max(${k}) FROM dp_delta)`,
        );
      }
      await db.run(`INSERT INTO ${rel} BY NAME SELECT * FROM dp_delta`);
    }
    await db.run("DROP TABLE dp_delta");
    return undefined;
  }
  if (existing === "view") await db.run(`DROP VIEW ${rel}`);
  if (model.materialized === "view") {
    if (existing === "table") await db.run(`DROP TABLE ${rel}`);
    await db.run(`CREATE OR REPLACE VIEW ${rel} AS ${sql}`);
    return undefined;
  }
  const created = await db.one<{ Count: number }>(`CREATE OR REPLACE TABLE ${rel} AS ${sql}`);
  return created?.Count === undefined ? undefined : Number(created.Count);
}

/** Rows from which a model with tests is built beside its live version: below it, the single-threaded scan costs less than two more commits. */
export const LARGE_ROWS = 1_000_000;

/** The model replaces its relation with CREATE TABLE … AS (a table, or an incremental model built in full). */
function createsTable(model: Model, existing: RelationKind | undefined, options: BuildOptions): boolean {
  return (
    model.materialized === "table" ||
    (model.materialized === "incremental" && (existing !== "table" || Boolean(options.fullRefresh)))
  );
}

export function shadowName(model: Pick<Model, "name">): string {
  return `${model.name}__dp_shadow`;
}

/** A build killed between committing a shadow and swapping it in leaves it behind; it was never live. */
async function dropShadows(db: Db, relations: Map<string, RelationKind>): Promise<void> {
  for (const key of [...relations.keys()]) {
    if (!key.endsWith("__dp_shadow") || relations.get(key) !== "table") continue;
    const dot = key.indexOf(".");
    await db.run(`DROP TABLE IF EXISTS ${qualified(key.slice(0, dot), key.slice(dot + 1))}`);
    relations.delete(key);
  }
}

async function buildBeside(
  db: Db,
  model: Model,
  sql: string,
  tests: DataTest[],
  result: ModelResult,
  existing: RelationKind | undefined,
) {
  const created = await db.one<{ Count: number }>(
    `CREATE OR REPLACE TABLE ${qualified(model.schema, shadowName(model))} AS ${sql}`,
  );
  const { checked } = await testBeside(db, model, tests, result, existing);
  return { created: created?.Count === undefined ? undefined : Number(created.Count), checked };
}

/** Tests the committed shadow; swaps it in when they pass, drops it when they fail. */
async function testBeside(
  db: Db,
  model: Model,
  tests: DataTest[],
  result: ModelResult,
  existing: RelationKind | undefined,
) {
  const shadow = qualified(model.schema, shadowName(model));
  try {
    await checkContract(db, model, shadow);
    const checked = await runModelTests(db, tests, shadow);
    result.tests.push(...checked.results);
    throwIfFailed(model, result);
    await db.transaction(async () => {
      if (existing) await db.run(`DROP ${existing === "view" ? "VIEW" : "TABLE"} IF EXISTS ${liveRelation(model)}`);
      await db.run(`ALTER TABLE ${shadow} RENAME TO ${ident(model.name)}`);
    });
    return { checked };
  } catch (e) {
    await db.run(`DROP TABLE IF EXISTS ${shadow}`).catch(() => {});
    throw e;
  }
}

function throwIfFailed(model: Model, result: ModelResult): void {
  const bad = result.tests.filter((t) => t.status === "fail" || t.status === "error");
  if (!bad.length) return;
  throw new DpError(
    "TEST_FAILED",
    `${bad.length} test${bad.length > 1 ? "s" : ""} failed: ${bad.map((t) => `${t.id} (${t.message})`).join("; ")}`,
    {
      where: model.yamlWhere ?? model.displayPath,
      fix: `the previous version of ${model.name} stays live; fix the data or the model, then \`dp build --select ${model.name}+\``,
    },
  );
}

async function checkContract(db: Db, model: Model, relation: string): Promise<void> {
  if (!model.config.contract) return;
  const actual = await db.describe(`SELECT * FROM ${relation}`);
  const byName = new Map(actual.map((c) => [c.name, c.type]));
  const diff: string[] = [];
  for (const c of model.config.columns) {
    const t = byName.get(c.name);
    if (t === undefined) diff.push(`- ${c.name} ${c.type ?? ""} (missing)`);
    else if (c.type && c.type.toUpperCase() !== t.toUpperCase())
      diff.push(`~ ${c.name}: contract ${c.type}, built ${t}`);
  }
  const declared = new Set(model.config.columns.map((c) => c.name));
  for (const c of actual) if (!declared.has(c.name)) diff.push(`+ ${c.name} ${c.type} (not in contract)`);
  if (diff.length) {
    throw new DpError("BUILD_FAILED", `contract of ${model.name} is broken:\n    ${diff.join("\n    ")}`, {
      where: model.yamlWhere ?? model.displayPath,
      fix: `update the model or its contract (\`dp contract infer ${model.name}\` prints a draft)`,
    });
  }
}

/** The compiled SQL keeps the source's line numbers, so DuckDB's `LINE n:` is the model file's line n. */
export function sqlErrorWhere(
  model: { displayPath: string },
  compiledPath: string,
  message: string,
  projectDir: string,
): string {
  const line = /\bLINE (\d+):/.exec(message)?.[1];
  return `${model.displayPath}${line ? `:${line}` : ""} (compiled: ${relative(projectDir, compiledPath)})`;
}

/** DuckDB's message without the caret excerpt, which points into the compiled SQL. */
function sqlMessage(message: string): string {
  return message.split(/\n\s*\nLINE \d+:/)[0]!.trim();
}

export async function build(project: Project, options: BuildOptions = {}): Promise<BuildResult> {
  const started = Date.now();
  const graph = await planModels(project);
  const runId = options.runId ?? newRunId(now());
  const nowIso = now().toISOString();
  const store = new StateStore(project.paths.state);
  const db = await openWriter(project);
  const results: ModelResult[] = [];
  const loose: TestResult[] = [];
  // SIGTERM mid-model: interrupt DuckDB so the model's transaction rolls back now, not after it finishes
  const interrupt = () => db.conn.interrupt();
  options.signal?.addEventListener("abort", interrupt, { once: true });
  try {
    const history = await readBuildHistory(db);
    let selected = select(graph, options.select, { projectDir: project.dir, modified: modifiedModels(graph, history) });
    if (options.retryFailed) {
      const retry = retrySet(graph, history);
      selected = selected.filter((n) => retry.has(n));
      log.info(
        retry.size
          ? `retrying ${selected.length} model(s) from ${history.lastBuild?.runId}`
          : "nothing to retry: the last build published every model",
      );
    }
    const singular = options.noTests
      ? { attached: new Map<string, DataTest[]>(), unattached: [] }
      : planSingularTests(graph, selected);
    const quarantined = quarantineCorruptRaw(
      project.paths.lake,
      project.paths.state,
      [...graph.models.values()].flatMap((m) => m.sources),
    );
    for (const q of quarantined) log.error(quarantineMessage(project, q));
    const missing = await refreshRawViews(db, project, graph, quarantined);
    const relations = await liveRelations(db);
    await dropShadows(db, relations);
    const schemas = new Set(
      (
        await db.all<{ schema_name: string }>(
          "SELECT schema_name FROM duckdb_schemas() WHERE database_name = current_database()",
        )
      ).map((r) => r.schema_name),
    );
    const failed = new Set<string>();
    const builtAsOf = new Map<string, string | null>();
    let stop = false;
    // awaited before the bookkeeping: creating a file per model synchronously took ≈0.35 ms each, next to DuckDB's commits
    const compiledDirs = new Set<string>();
    const compiled = new Map<string, { sql: string; path: string }>();
    const writes: Promise<void>[] = [];
    let writeError: unknown;
    const group = new CommitGroup(db, { schemas, relations });
    const byName = new Map<string, ModelResult>();
    const queue = [...selected];
    // models that ran out of memory under dp's default limit: built once more with more
    const roomy = new Set<string>();
    const logResult = (model: Model, result: ModelResult) => {
      const icon = result.status === "success" ? "✓" : "✗";
      log.info(
        `${icon} ${model.schema}.${model.name} ${result.status}${result.rows !== undefined ? ` (${result.rows} rows)` : ""} in ${result.durationMs} ms${result.error ? ` — ${result.error}` : ""}${result.where && result.status === "failed" ? ` at ${result.where}` : ""}`,
      );
    };
    // models rolled back with their group: built again, each committed alone, or reported as not built when the build stops
    const requeue = (names: string[], why: "rollback" | "stopped") => {
      for (const n of names) {
        const r = byName.get(n)!;
        Object.assign(r, {
          status: "success",
          rows: undefined,
          asOf: undefined,
          durationMs: 0,
          error: undefined,
          where: undefined,
          tests: [],
        } satisfies Partial<ModelResult>);
        builtAsOf.delete(n);
        if (why === "stopped") {
          r.status = "skipped";
          r.error = "build stopped before its group committed";
          failed.add(n);
          logResult(graph.models.get(n)!, r);
        }
      }
      if (why === "rollback" && names.length) {
        log.info(
          `building ${names.join(", ")} again, each committed alone: ${names.length > 1 ? "they were" : "it was"} in a transaction that rolled back`,
        );
        for (const n of names) group.solo.add(n);
        queue.splice(0, 0, ...names);
      }
    };
    const commitGroup = async () => {
      const done = group.pending;
      try {
        await group.commit();
      } catch (e) {
        const why = (e as Error).message.split("\n")[0]!;
        // a model that already committed alone and failed to commit again has failed (a full disk, say)
        const again = done.filter((n) => !group.solo.has(n));
        for (const n of done.filter((n) => group.solo.has(n))) {
          const r = byName.get(n)!;
          Object.assign(r, {
            status: "failed",
            rows: undefined,
            error: `its transaction could not commit: ${why}`,
          } satisfies Partial<ModelResult>);
          failed.add(n);
          if (options.failFast) stop = true;
          logResult(graph.models.get(n)!, r);
        }
        if (again.length)
          log.warn(`commit of ${again.length} model(s) failed (${why}); building them again one at a time`);
        requeue(again, stop || options.signal?.aborted ? "stopped" : "rollback");
      }
    };
    while (queue.length) {
      const name = queue.shift()!;
      const model = graph.models.get(name)!;
      const t0 = Date.now();
      let result = byName.get(name);
      if (!result) {
        result = { model: name, schema: model.schema, status: "success", durationMs: 0, tests: [] };
        byName.set(name, result);
        results.push(result);
      }
      const brokenParent = graph.parents(name).find((p) => failed.has(p));
      if ((stop && !group.solo.has(name)) || brokenParent || options.signal?.aborted) {
        result.status = "skipped";
        result.error = stop || options.signal?.aborted ? "build stopped" : `upstream model ${brokenParent} failed`;
        failed.add(name);
        logResult(model, result);
        continue;
      }
      const broken = quarantined.find((q) => model.sources.some((s) => s.source === q.source && s.stream === q.stream));
      if (broken) {
        // this build would publish without the file's rows; the previous version stays live until the re-read
        result.status = "failed";
        result.error = `${quarantineMessage(project, broken)}; the previous version stays live`;
        result.where = relative(project.dir, broken.movedTo);
        failed.add(name);
        if (options.failFast) stop = true;
        logResult(model, result);
        continue;
      }
      const noData = model.sources.find((s) => missing.has(`${s.source}.${s.stream}`));
      if (noData) {
        result.status = "failed";
        result.error = `source ${noData.source}.${noData.stream} has no data in the lake; run \`dp pull ${noData.source}\``;
        result.where = `${model.displayPath}:${noData.line}`;
        failed.add(name);
        if (options.failFast) stop = true;
        logResult(model, result);
        continue;
      }
      let unit = compiled.get(name);
      if (!unit) {
        unit = { sql: compileSql(model, graph), path: compiledFile(project.paths.compiled, model, compiledDirs) };
        compiled.set(name, unit);
        writes.push(
          writeFile(unit.path, `${unit.sql}\n`).then(
            () => undefined,
            (e: unknown) => void (writeError ??= e),
          ),
        );
      }
      const { sql, path: compiledPath } = unit;
      result.compiledPath = compiledPath;
      try {
        const existing = relations.get(relationKey(model.schema, model.name));
        const tests = options.noTests
          ? []
          : [...testsFor(model, graph, nowIso), ...(singular.attached.get(name) ?? [])];
        // a model that took long last time starts with the finished ones committed, so a kill or failure in it costs them nothing;
        // a model rebuilt alone never joins a group, so a commit that fails again is its own
        if (group.open && ((history.lastDurationMs.get(name) ?? 0) >= GROUP_BUDGET_MS || group.solo.has(name)))
          await commitGroup();
        if (roomy.has(name)) await db.run(`SET memory_limit = ${literal(roomyMemoryLimit())}`);
        // DuckDB scans a table created in the open transaction on one thread: a large model is built beside
        // its live version and committed, tested with every core, then swapped in
        const shadowable = createsTable(model, existing, options) && tests.length > 0 && !singular.attached.has(name);
        let created: number | undefined;
        let checked: Awaited<ReturnType<typeof runModelTests>>;
        if (shadowable && existing === "table" && (history.lastRows.get(name) ?? 0) >= LARGE_ROWS) {
          if (group.open) await commitGroup();
          ({ created, checked } = await buildBeside(db, model, sql, tests, result, existing));
        } else {
          await group.begin();
          created = await materialize(db, model, sql, options, graph, existing, schemas);
          if (shadowable && existing === undefined && (created ?? 0) >= LARGE_ROWS) {
            // a new model found large: set aside under the shadow name, committed with its group, then tested
            await db.run(`ALTER TABLE ${liveRelation(model)} RENAME TO ${ident(shadowName(model))}`);
            await commitGroup();
            ({ checked } = await testBeside(db, model, tests, result, undefined));
          } else {
            await checkContract(db, model, liveRelation(model));
            checked = await runModelTests(db, tests, liveRelation(model));
            result.tests.push(...checked.results);
            throwIfFailed(model, result);
          }
        }
        const rows =
          checked.rows ??
          created ??
          (await db.one<{ n: number }>(`SELECT count(*) AS n FROM ${liveRelation(model)}`))?.n;
        result.rows = Number(rows ?? 0);
        group.built(
          name,
          model.schema,
          relationKey(model.schema, model.name),
          model.materialized === "view" ? "view" : "table",
        );
        result.asOf = asOfFor(model, graph, store, builtAsOf, history);
        builtAsOf.set(name, result.asOf);
        result.durationMs = Date.now() - t0;
        logResult(model, result);
        if (group.due(name) || !queue.length) await commitGroup();
      } catch (e) {
        // the group's other models rolled back with this one; they succeeded, so they are built again alone
        const redo = await group.rollback();
        requeue(redo, stop || options.signal?.aborted ? "stopped" : "rollback");
        const err = e instanceof DpError ? e : new DpError("MODEL_SQL", String(e));
        if (
          isOutOfMemory(err.message) &&
          !project.config.warehouse.memory_limit &&
          !roomy.has(name) &&
          roomyMemoryLimit() !== defaultMemoryLimit() &&
          !options.signal?.aborted
        ) {
          roomy.add(name);
          log.warn(
            `${model.name} ran out of memory under the default warehouse.memory_limit (${defaultMemoryLimit()}); building it again with ${roomyMemoryLimit()}. Set warehouse.memory_limit in project.yaml to choose the limit yourself`,
          );
          Object.assign(result, { status: "success", tests: [], error: undefined, where: undefined });
          group.solo.add(name);
          queue.splice(stop ? 0 : redo.length, 0, name);
          continue;
        }
        result.status = "failed";
        result.error = err.code === "MODEL_SQL" ? sqlMessage(err.message) : err.message;
        result.where =
          err.code === "MODEL_SQL" ? sqlErrorWhere(model, compiledPath, err.message, project.dir) : err.where;
        const named = rawFileInError(err.message, project.paths.lake);
        const unreadable = named
          ? { file: named, reason: sqlMessage(err.message) }
          : looksLikeUnreadableFile(err.message)
            ? await findUnreadableRaw(db, project.paths.lake, model.sources)
            : undefined;
        if (unreadable) {
          const q = quarantineRawFile(project.paths.lake, project.paths.state, unreadable.file, unreadable.reason);
          result.error = `${quarantineMessage(project, q)}; the previous version stays live`;
          log.error(quarantineMessage(project, q));
        }
        failed.add(name);
        if (options.failFast) stop = true;
        result.durationMs = Date.now() - t0;
        logResult(model, result);
      } finally {
        if (roomy.has(name)) await db.run(`SET memory_limit = ${literal(defaultMemoryLimit())}`).catch(() => {});
      }
    }
    // a stop between models leaves finished work in an open group: it passed its tests, so it is kept
    if (group.open) await commitGroup();
    await Promise.all(writes);
    if (writeError) throw writeError;
    for (const test of singular.unattached) loose.push(await runTest(db, test, ""));
    if (results.length || loose.length) {
      // one commit for the run's bookkeeping, not one per row
      await db.transaction(async () => {
        await recordBuild(db, runId, results, graph, nowIso);
        await recordTests(db, runId, loose, nowIso);
      });
      await publishSnapshot(project, db, runId, options.sidecar);
      for (const r of results) {
        if (r.status === "success" && graph.models.get(r.model)!.config.publish_parquet)
          r.parquetPath = await publishParquet(project, db, graph.models.get(r.model)!);
      }
    }
  } finally {
    options.signal?.removeEventListener("abort", interrupt);
    db.close();
  }
  const ok =
    results.every((r) => r.status === "success") && loose.every((t) => t.status === "pass" || t.status === "warn");
  return { runId, models: results, tests: loose, ok, durationMs: Date.now() - started };
}

function quarantineMessage(project: Project, q: Quarantined): string {
  return `corrupt raw file ${relative(project.dir, q.file)} (${q.reason}) moved to ${relative(project.dir, q.movedTo)}; the ${q.source}.${q.stream} cursor was reset so the next \`dp pull ${q.source}\` (or \`dp run\`) re-reads it`;
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
      r.status,
      r.rows ?? null,
      r.durationMs,
      r.error ?? null,
      r.asOf ?? null,
      nowIso,
      model.hash,
    ];
  });
  await insertRows(db, "_dp.model_runs", 11, rows);
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
  await insertRows(db, "_dp.test_results", 10, rows);
}

/**
 * Rows in insertion order, all in one statement with one bound parameter: a statement per row cost about a
 * millisecond each, and a VALUES list with a parameter per cell still ≈0.13 ms per row (binding thousands).
 * Every cell travels as JSON text and takes the column's type on INSERT.
 */
async function insertRows(db: Db, table: string, columns: number, rows: SqlValue[][]): Promise<void> {
  if (!rows.length) return;
  const cells = Array.from({ length: columns }, (_, k) => `r[${k + 1}]`).join(", ");
  const text = JSON.stringify(
    rows.map((row) =>
      row.map((v) => (v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : String(v))),
    ),
  );
  await db.run(`INSERT INTO ${table} SELECT ${cells} FROM (SELECT unnest(from_json($1, '[["VARCHAR"]]')) AS r)`, [
    text,
  ]);
}
