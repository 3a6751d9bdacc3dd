import { join, relative } from "node:path";
import type { Project } from "../config/project.ts";
import { DpError } from "../errors.ts";
import type { StateStore } from "../ingest/cursor-state.ts";
import {
  findUnreadableRaw,
  looksLikeUnreadableFile,
  type Quarantined,
  quarantineRawFile,
  rawFileInError,
} from "../ingest/quarantine.ts";
import { formatCount } from "../format-count.ts";
import { log } from "../log.ts";
import { type Db, ident, literal } from "../warehouse/duckdb.ts";
import { defaultMemoryLimit, isOutOfMemory, memoryLadder, outOfMemoryError } from "../warehouse/duckdb-settings.ts";
import { isCorruptWarehouse } from "../warehouse/recover.ts";
import type { BuildHistory } from "./build-history.ts";
import { CommitGroup, GROUP_BUDGET_MS } from "./commit-group.ts";
import { compiledFile, compileSql, liveRelation, refreshCompiled, writeCompiled } from "./compile.ts";
import {
  buildBeside,
  createsTable,
  deltaTable,
  incrementalStrategy,
  LARGE_ROWS,
  materialize,
  type RelationKind,
  relationKey,
  shadowName,
  testBeside,
  throwIfFailed,
} from "./materialize.ts";
import type { Model, ModelGraph } from "./models.ts";
import { modelFingerprint } from "./fingerprint.ts";
import { readsOptional } from "./source-streams.ts";
import type { TableDelta } from "../warehouse/table-parts.ts";
import { checkContract } from "./testing/contract-check.ts";
import {
  allScanned,
  type DataTest,
  runGroupTests,
  runModelTests,
  type TestResult,
  testsFor,
} from "./testing/data-tests.ts";

/** materializeAndTest's answer when a commit it needed first rolled its group back (testDeferred) */
const ROLLED_BACK = Symbol("rolled back");

/** `unchanged`: skipped because nothing it reads changed since its last successful build; its live version stands */
export type ModelStatus = "success" | "unchanged" | "failed" | "skipped";

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
  /** "unchanged" when the model was skipped because its fingerprint matched its last successful build */
  skipped?: "unchanged";
  /** fingerprint of what the model read (fingerprint.ts) */
  inputHash?: string;
  /** data version of the model's live output: the run that last rebuilt it */
  outputVersion?: string;
  /** keys an incremental merge deleted (its delta's tombstones) */
  deletedKeys?: number;
  /** the memory limit it was built under when the default ran out (a step of memoryLadder) */
  memoryLimit?: string;
  /** the limits it ran out of memory under, in order, when it did (the default first) */
  outOfMemoryAt?: string[];
}

/** What a build run needs from the build that prepared it. */
export interface BuildRunSetup {
  project: Project;
  db: Db;
  graph: ModelGraph;
  history: BuildHistory;
  store: StateStore;
  selected: string[];
  /** singular tests attached to the one model they read */
  attached: Map<string, DataTest[]>;
  quarantined: Quarantined[];
  /** `source.stream` with no data in the lake (an optional one is an empty view for its optional readers) */
  missing: Set<string>;
  relations: Map<string, RelationKind>;
  schemas: Set<string>;
  nowIso: string;
  runId: string;
  /** data version of every raw stream the graph reads */
  streams: Map<string, string>;
  /** the tests each model's last successful build recorded, kept when it is skipped as unchanged */
  lastTests: Map<string, TestResult[]>;
  options: { fullRefresh?: boolean; failFast?: boolean; noTests?: boolean; signal?: AbortSignal };
}

/**
 * One `dp build` as it goes: the queue of models, their results, the open commit group, and the few
 * ways a model ends — built, failed, skipped, or sent back to the queue when its group rolled back.
 */
export class BuildRun {
  readonly results: ModelResult[] = [];
  private readonly byName = new Map<string, ModelResult>();
  private readonly failed = new Set<string>();
  private readonly builtAsOf = new Map<string, string | null>();
  /** `schema.name` → the rows an incremental build added, for the publish */
  readonly deltas = new Map<string, TableDelta>();
  /** each model's output data version as this run leaves it */
  private readonly versions: Map<string, string>;
  /**
   * Incremental models this run merged or appended into their live table without deleting a key (no tombstone
   * removed a row) → their merge keys ([] for an append): every value of those keys the table held, it still holds.
   */
  private readonly keptKeys = new Map<string, string[]>();
  private readonly queue: string[];
  /** each selected model's place in the build, for its progress line (an indexOf per line was quadratic) */
  private readonly position: Map<string, number>;
  /** models that ran out of memory under dp's default limit → the limit their next build gets (a ladder step) */
  private readonly roomy = new Map<string, string>();
  private readonly group: CommitGroup;
  private readonly compiled = new Map<string, { sql: string; path: string }>();
  private readonly compiledDirs = new Set<string>();
  // awaited before the bookkeeping: creating a file per model synchronously took ≈0.35 ms each, next to DuckDB's commits
  private readonly writes: Promise<void>[] = [];
  private writeError: unknown;
  /**
   * Models of the open group whose tests wait for the group's commit, where they run as one statement
   * (runGroupTests): built, not yet tested or reported. A failure there rolls the group back, and each of its
   * models is built again alone and tested as it goes, so a model's rows still commit only with passing tests.
   */
  private deferred: { model: Model; r: ModelResult; tests: DataTest[]; builtMs: number }[] = [];
  /** how many models the last requeue put at the front of the queue */
  private requeued = 0;
  private stopped = false;
  /** DuckDB's message when a model read a damaged warehouse file: the build stops and publishes nothing */
  corrupt?: string;

  constructor(private readonly s: BuildRunSetup) {
    this.queue = [...s.selected];
    this.position = new Map(s.selected.map((n, i) => [n, i + 1]));
    this.versions = new Map(s.history.outputVersion);
    this.group = new CommitGroup(s.db, { schemas: s.schemas, relations: s.relations });
  }

  /** Builds every queued model in order, then commits what the last group holds. */
  async run(): Promise<void> {
    for (;;) {
      for (let name = this.queue.shift(); name !== undefined; name = this.queue.shift()) await this.buildOne(name);
      // a stop between models leaves finished work in an open group: it is kept when it passes its tests;
      // a group that rolls back here queues its models again
      if (!this.group.open || (await this.commit()) || !this.queue.length) break;
    }
    await Promise.all(this.writes);
    if (this.writeError) throw this.writeError;
  }

  private get stopping(): boolean {
    return this.stopped || Boolean(this.s.options.signal?.aborted);
  }

  private resultFor(name: string, model: Model): ModelResult {
    let result = this.byName.get(name);
    if (!result) {
      result = { model: name, schema: model.schema, status: "success", durationMs: 0, tests: [] };
      this.byName.set(name, result);
      this.results.push(result);
    }
    return result;
  }

  /** The one line per model a build prints, as it goes: "3 of 16 ✓ staging.stg_x  1,022 rows, tests 4/4 in 14 ms". */
  private report(model: Model, r: ModelResult): void {
    const icon = r.status === "success" ? "✓" : r.status === "unchanged" ? "=" : r.status === "skipped" ? "-" : "✗";
    const rows = r.rows !== undefined ? ` ${formatCount(r.rows)} rows` : "";
    const passed = r.tests.filter((t) => t.status === "pass" || t.status === "warn").length;
    const tests = r.tests.length ? `${rows ? "," : ""} tests ${passed}/${r.tests.length}` : "";
    const at = r.where && r.status === "failed" ? ` at ${r.where}` : "";
    const n = this.position.get(model.name) ?? 0;
    const of = this.s.selected.length;
    if (r.status === "unchanged") {
      log.info(
        `${n} of ${of} ${icon} ${model.schema}.${model.name} skipped: unchanged${rows}${tests ? `,${tests.slice(rows ? 1 : 0)} kept` : ""}`,
        {
          model: model.name,
          status: r.status,
          n,
          of,
        },
      );
      return;
    }
    log.info(
      `${n} of ${of} ${icon} ${model.schema}.${model.name} ${r.status}${rows}${tests} in ${formatCount(r.durationMs)} ms${r.error ? ` — ${r.error}` : ""}${at}`,
      { model: model.name, status: r.status, n, of },
    );
  }

  /** The one way a model fails: marked, its descendants skipped, reported; --fail-fast stops the rest. */
  private fail(model: Model, r: ModelResult, error: string, where?: string): void {
    Object.assign(r, { status: "failed", rows: undefined, error, where } satisfies Partial<ModelResult>);
    this.failed.add(model.name);
    if (this.s.options.failFast) this.stopped = true;
    this.report(model, r);
  }

  private skip(model: Model, r: ModelResult, error: string): void {
    Object.assign(r, { status: "skipped", error } satisfies Partial<ModelResult>);
    this.failed.add(model.name);
    this.report(model, r);
  }

  /** Models rolled back with their group: built again, each committed alone, or not built when the build stops. */
  private requeue(names: string[]): void {
    const why = this.stopping ? "stopped" : "rollback";
    this.deferred = [];
    this.requeued = 0;
    for (const n of names) {
      const r = this.byName.get(n)!;
      Object.assign(r, {
        status: "success",
        rows: undefined,
        asOf: undefined,
        durationMs: 0,
        error: undefined,
        where: undefined,
        tests: [],
        deletedKeys: undefined,
      } satisfies Partial<ModelResult>);
      this.builtAsOf.delete(n);
      this.keptKeys.delete(n);
      const m = this.s.graph.models.get(n)!;
      this.deltas.delete(relationKey(m.schema, m.name));
      if (why === "stopped") this.skip(this.s.graph.models.get(n)!, r, "build stopped before its group committed");
    }
    if (why === "rollback" && names.length) {
      log.info(
        `building ${names.join(", ")} again, each committed alone: ${names.length > 1 ? "they were" : "it was"} in a transaction that rolled back`,
      );
      for (const n of names) this.group.solo.add(n);
      this.queue.splice(0, 0, ...names);
      this.requeued = names.length;
    }
  }

  /**
   * Commits the open group, its deferred tests first; a failed test or commit sends its models back to be built
   * alone. Returns whether the group committed.
   */
  private async commit(): Promise<boolean> {
    if (!(await this.testDeferred())) return false;
    const done = this.group.pending;
    try {
      await this.group.commit();
      return true;
    } catch (e) {
      const why = (e as Error).message.split("\n")[0]!;
      // a model that already committed alone and failed to commit again has failed (a full disk, say)
      for (const n of done.filter((n) => this.group.solo.has(n))) {
        this.fail(this.s.graph.models.get(n)!, this.byName.get(n)!, `its transaction could not commit: ${why}`);
      }
      const again = done.filter((n) => !this.group.solo.has(n));
      if (again.length)
        log.warn(`commit of ${again.length} model(s) failed (${why}); building them again one at a time`);
      this.requeue(again);
      return false;
    }
  }

  /**
   * Runs the deferred tests of the open group in one statement and reports those models. Any test that fails or
   * cannot run rolls the group back and queues its models again, each to be built alone and tested as it goes:
   * the failing model then fails as it would have without the batch, and nothing of it commits. Returns whether
   * every deferred test passed (or only warned).
   */
  private async testDeferred(): Promise<boolean> {
    const waiting = this.deferred;
    this.deferred = [];
    if (!waiting.length) return true;
    const t0 = Date.now();
    const checked = await runGroupTests(
      this.s.db,
      waiting.map((w) => ({ tests: w.tests, relation: liveRelation(w.model) })),
    ).catch(() => undefined);
    if (!checked?.every((c) => c.results.every((t) => t.status === "pass" || t.status === "warn"))) {
      this.requeue(await this.group.rollback());
      return false;
    }
    const share = (Date.now() - t0) / waiting.length;
    waiting.forEach((w, i) => {
      w.r.tests.push(...checked[i]!.results);
      w.r.durationMs = Math.round(w.builtMs + share);
      this.report(w.model, w.r);
    });
    return true;
  }

  /** Why a model cannot be built now, before any SQL runs: a stop, a failed parent, a quarantined or missing input. */
  private blocked(model: Model, r: ModelResult): boolean {
    const { project, graph, quarantined, missing } = this.s;
    const brokenParent = graph.parents(model.name).find((p) => this.failed.has(p));
    if ((this.stopped && !this.group.solo.has(model.name)) || brokenParent || this.s.options.signal?.aborted) {
      this.skip(model, r, this.stopping ? "build stopped" : `upstream model ${brokenParent} failed`);
      return true;
    }
    const broken = quarantined.find((q) => model.sources.some((s) => s.source === q.source && s.stream === q.stream));
    if (broken) {
      // this build would publish without the file's rows; the previous version stays live until the re-read
      this.fail(
        model,
        r,
        `${quarantineMessage(project, broken)}; the previous version stays live`,
        relative(project.dir, broken.movedTo),
      );
      return true;
    }
    // an optional stream that never landed is an empty view for the models that declare it optional
    const noData = model.sources.find((s) => missing.has(`${s.source}.${s.stream}`) && !readsOptional(model, s.stream));
    if (noData) {
      const error = `source ${noData.source}.${noData.stream} has no data in the lake; run \`dp pull ${noData.source}\``;
      this.fail(model, r, error, `${model.displayPath}:${noData.line}`);
      return true;
    }
    return false;
  }

  private compile(model: Model, r: ModelResult): { sql: string; path: string } {
    let unit = this.compiled.get(model.name);
    if (!unit) {
      const sql = compileSql(model, this.s.graph);
      const path = join(this.s.project.paths.compiled, model.schema, `${model.name}.sql`);
      unit = { sql, path };
      this.compiled.set(model.name, unit);
      // a file `dp compile` (or an earlier failure) left is kept true to what this build ran; none is created
      this.writes.push(
        refreshCompiled(path, `${sql}\n`).then(
          (there) => {
            if (there) r.compiledPath = path;
          },
          (e: unknown) => void (this.writeError ??= e),
        ),
      );
    }
    return unit;
  }

  /** The compiled file a model's SQL error names: written now, so the line it cites can be read there. */
  private async writeFailedCompiled(model: Model, r: ModelResult): Promise<string> {
    const unit = this.compiled.get(model.name)!;
    const path = compiledFile(this.s.project.paths.compiled, model, this.compiledDirs);
    await writeCompiled(path, `${unit.sql}\n`).then(
      () => void (r.compiledPath = path),
      (e: unknown) => void (this.writeError ??= e),
    );
    return path;
  }

  private async buildOne(name: string): Promise<void> {
    const model = this.s.graph.models.get(name)!;
    const t0 = Date.now();
    const r = this.resultFor(name, model);
    if (this.blocked(model, r)) return;
    const { sql } = this.compile(model, r);
    r.inputHash = this.fingerprint(model, sql);
    if (this.unchanged(model, r.inputHash)) return this.keep(model, r);
    const key = relationKey(model.schema, model.name);
    const appends =
      model.materialized === "incremental" && this.s.relations.get(key) === "table" && !this.s.options.fullRefresh;
    const raised = this.roomy.get(name);
    try {
      if (raised) await this.s.db.run(`SET memory_limit = ${literal(raised)}`);
      const built = await this.materializeAndTest(model, sql, r);
      if (built === ROLLED_BACK) {
        // an earlier model of the group failed its tests at the commit before this one: this one waits its turn
        if (this.stopping) this.skip(model, r, "build stopped");
        else this.queue.splice(this.requeued, 0, name);
        return;
      }
      const { created, checked, same, mergeKey, deferred, replaced } = built;
      const rows = checked.rows ?? created ?? (await this.countRows(model));
      r.rows = Number(rows ?? 0);
      // a table rebuilt to the very rows it had keeps the data version those rows are (materialize.ts):
      // what reads only unchanged versions is skipped as unchanged, and the publish shares its parts
      const version = same ?? this.s.runId;
      // recorded with the group's commit for a table model; an incremental model's or a view's entry is cleared
      this.group.built(
        name,
        model.schema,
        relationKey(model.schema, model.name),
        model.materialized === "view" ? "view" : "table",
        model.materialized === "table" ? version : null,
      );
      r.asOf = this.asOfFor(model);
      this.builtAsOf.set(name, r.asOf);
      r.outputVersion = version;
      this.versions.set(name, version);
      const { strategy, keys } = incrementalStrategy(model);
      if (appends && (strategy === "append" || strategy === "merge") && !r.deletedKeys)
        this.keptKeys.set(name, strategy === "merge" ? keys : []);
      if (appends && (strategy === "append" || strategy === "merge") && !r.deletedKeys)
        this.deltas.set(key, {
          temp: deltaTable(model),
          strategy,
          keys,
          base: this.s.history.outputVersion.get(name),
          version,
          ...(strategy === "merge" && replaced === 0 ? { disjoint: true } : {}),
        });
      // a table whose row diff only replaced rows by its key: its added rows are the publish's merge part
      if (mergeKey && version === this.s.runId)
        this.deltas.set(key, {
          temp: deltaTable(model),
          strategy: "merge",
          keys: mergeKey,
          base: this.s.history.outputVersion.get(name),
          version,
        });
      if (deferred) {
        this.deferred.push({ model, r, tests: deferred, builtMs: Date.now() - t0 });
      } else {
        // the models tested at the commit are reported first, in their order; a failure there rolls this one back too
        if (this.deferred.length && !(await this.testDeferred())) return;
        r.durationMs = Date.now() - t0;
        this.report(model, r);
      }
      if (this.group.due(name) || !this.queue.length) await this.commit();
    } catch (e) {
      await this.onError(model, r, e, t0);
    } finally {
      if (raised) await this.s.db.run(`SET memory_limit = ${literal(defaultMemoryLimit())}`).catch(() => {});
    }
  }

  private fingerprint(model: Model, sql: string): string {
    const { graph, streams, attached, nowIso } = this.s;
    return modelFingerprint({
      model,
      sql,
      streams,
      parents: graph.parents(model.name).map((p) => [p, this.versions.get(p)]),
      attached: attached.get(model.name) ?? [],
      nowIso,
    });
  }

  /**
   * Nothing the model reads changed since its last successful build, that build was its latest attempt,
   * and its relation is still there: building it again would give the same relation.
   */
  private unchanged(model: Model, inputHash: string): boolean {
    const { history, relations, options } = this.s;
    return (
      !options.fullRefresh &&
      history.lastStatus.get(model.name) === "success" &&
      history.lastInputHash.get(model.name) === inputHash &&
      history.outputVersion.has(model.name) &&
      relations.has(relationKey(model.schema, model.name))
    );
  }

  /** Skipped as unchanged: the live version stands, with the tests its build passed; its as-of moves with its inputs' pulls. */
  private keep(model: Model, r: ModelResult): void {
    const { history, lastTests } = this.s;
    Object.assign(r, {
      status: "unchanged",
      skipped: "unchanged",
      rows: history.lastRows.get(model.name),
      tests: lastTests.get(model.name) ?? [],
      outputVersion: history.outputVersion.get(model.name),
      durationMs: 0,
    } satisfies Partial<ModelResult>);
    r.asOf = this.asOfFor(model);
    this.builtAsOf.set(model.name, r.asOf);
    this.report(model, r);
  }

  /**
   * Builds the model and runs its tests and contract, in the open group or beside its live version.
   * DuckDB scans a table created in the open transaction on one thread: a large model is built beside
   * its live version and committed, tested with every core, then swapped in.
   */
  private async materializeAndTest(
    model: Model,
    sql: string,
    r: ModelResult,
  ): Promise<
    | {
        created?: number;
        checked: { rows?: number };
        same?: string;
        mergeKey?: string[];
        deferred?: DataTest[];
        /** a merge: the live rows its keys replaced */
        replaced?: number;
      }
    | typeof ROLLED_BACK
  > {
    const { db, graph, history, relations, schemas, attached, options } = this.s;
    const name = model.name;
    const existing = relations.get(relationKey(model.schema, name));
    const tests = options.noTests ? [] : [...testsFor(model, graph, this.s.nowIso), ...(attached.get(name) ?? [])];
    // a model that took long last time starts with the finished ones committed, so a kill or failure in it costs them nothing;
    // a model rebuilt alone never joins a group, so a commit that fails again is its own
    if (
      this.group.open &&
      ((history.lastDurationMs.get(name) ?? 0) >= GROUP_BUDGET_MS || this.group.solo.has(name)) &&
      !(await this.commit())
    )
      return ROLLED_BACK;
    const shadowable =
      createsTable(model, existing, Boolean(options.fullRefresh)) && tests.length > 0 && !attached.has(name);
    if (shadowable && existing === "table" && (history.lastRows.get(name) ?? 0) >= LARGE_ROWS) {
      if (this.group.open && !(await this.commit())) return ROLLED_BACK;
      return buildBeside(db, model, sql, tests, r.tests, existing, this.tableVersion(model));
    }
    await this.group.begin();
    const key = options.noTests ? undefined : publishKey(model, tests);
    const { created, deleted, replaced, same, diffed, keyed } = await materialize(
      db,
      model,
      sql,
      Boolean(options.fullRefresh),
      graph,
      existing,
      schemas,
      key,
    );
    // a part can add and replace rows but not remove them: a merge that deleted keys publishes its table whole
    if (deleted) r.deletedKeys = deleted;
    if (shadowable && existing === undefined && (created ?? 0) >= LARGE_ROWS) {
      // a new model found large: set aside under the shadow name, committed with its group, then tested
      await db.run(`ALTER TABLE ${liveRelation(model)} RENAME TO ${ident(shadowName(model))}`);
      if (!(await this.commit())) return ROLLED_BACK;
      const { checked } = await testBeside(db, model, tests, r.tests, undefined, this.tableVersion(model));
      return { created, checked };
    }
    await checkContract(db, model, liveRelation(model));
    // a table created whole in a group it shares, all of whose tests are aggregates of one scan: tested at the
    // group's commit, with the other such models' tests in one statement (testDeferred)
    if (
      created !== undefined &&
      !diffed &&
      model.materialized === "table" &&
      this.group.open &&
      !this.group.solo.has(name) &&
      !attached.has(name) &&
      allScanned(tests)
    )
      return { created, checked: {}, deferred: tests };
    const merged = model.materialized === "incremental" && existing === "table" && !options.fullRefresh;
    const lastHash = history.lastSuccessHash.get(name);
    const lastTests = this.s.lastTests.get(name);
    const onDelta = new Set(
      merged
        ? [
            ...uniqueOnMergeKey(model, tests),
            ...rowTestsOnAdded("delta", model, tests, lastHash, lastTests),
            ...(await this.referencesOnAdded(model, tests, lastHash, lastTests)),
          ]
        : diffed
          ? rowTestsOnAdded("diff", model, tests, lastHash, lastTests)
          : [],
    );
    let checked: Awaited<ReturnType<typeof runModelTests>>;
    let delta: TestResult[];
    try {
      checked = await runModelTests(
        db,
        tests.filter((t) => !onDelta.has(t)),
        liveRelation(model),
      );
      delta = [...(await runModelTests(db, [...onDelta], ident(deltaTable(model)))).results];
    } finally {
      // a table's delta (the rows its row diff added) is read by its tests, and by the publish when it is a merge part
      if (diffed && !keyed) await db.run(`DROP TABLE IF EXISTS ${ident(deltaTable(model))}`).catch(() => {});
    }
    const whole = [...checked.results];
    r.tests.push(...tests.map((t) => (onDelta.has(t) ? delta.shift() : whole.shift())!));
    throwIfFailed(model, r.tests);
    return { created, checked, same, mergeKey: keyed ? key : undefined, replaced };
  }

  /**
   * Relationships tests (error severity) of a merged or appended model that its last build of the same definition
   * passed, whose referenced model has lost none of the values they were checked against since: the rows outside
   * the delta are the rows that passed then, each referencing a value still there, so testing the delta is testing
   * the table. That holds when the referenced model's version is the one it had at that build (read from that run's
   * record), and in this run it was skipped as unchanged or merged or appended without deleting a key, by a merge key
   * that is the referenced column (a merge replaces rows by key: the key's values stay; its other columns may not).
   * The product events' test against the customers scanned 3.8M rows each run (≈ 50 ms of CPU) for the few new ones.
   */
  private async referencesOnAdded(
    model: Model,
    tests: DataTest[],
    lastHash: string | undefined,
    last: TestResult[] | undefined,
  ): Promise<DataTest[]> {
    const { history, db } = this.s;
    const run = history.lastSuccessRun.get(model.name);
    if (lastHash !== model.hash || !last || !run) return [];
    const passed = new Set(last.filter((t) => t.status === "pass").map((t) => t.id));
    const candidates = tests.filter(
      (t) =>
        t.kind === "relationships" &&
        t.references &&
        t.severity === "error" &&
        t.model === model.name &&
        passed.has(t.id) &&
        this.keepsValues(t.references.model, t.references.field),
    );
    if (!candidates.length) return [];
    const parents = [...new Set(candidates.map((t) => t.references!.model))];
    const rows = await db.all<{ model: string; v: string | null }>(
      `SELECT model, output_version AS v FROM _dp.model_runs WHERE run_id = $1 AND status = 'success'
       AND model IN (SELECT unnest(from_json($2, '["VARCHAR"]')))`,
      [run, JSON.stringify(parents)],
    );
    const then = new Map(rows.map((r) => [r.model, r.v]));
    return candidates.filter((t) => {
      const parent = t.references!.model;
      const before = history.outputVersion.get(parent);
      return before !== undefined && then.get(parent) === before;
    });
  }

  /** Whether `model`'s values of `field` this run are a superset of those it had when this build began. */
  private keepsValues(model: string, field: string): boolean {
    const before = this.s.history.outputVersion.get(model);
    if (before !== undefined && this.versions.get(model) === before) return true;
    const keys = this.keptKeys.get(model);
    return keys !== undefined && (keys.length === 0 || (keys.length === 1 && keys[0] === field));
  }

  /** The data version a table model built whole in this run is (its run id); none for an incremental model. */
  private tableVersion(model: Model): string | null {
    return model.materialized === "table" ? this.s.runId : null;
  }

  private async countRows(model: Model): Promise<number | undefined> {
    return (await this.s.db.one<{ n: number }>(`SELECT count(*) AS n FROM ${liveRelation(model)}`))?.n;
  }

  /** A model failed: its group rolls back (the others are built again), a default-memory OOM gets one roomier try. */
  private async onError(model: Model, r: ModelResult, e: unknown, t0: number): Promise<void> {
    const { project, db } = this.s;
    const raw = e instanceof Error ? e.message : String(e);
    if (isCorruptWarehouse(raw, project.paths.warehouse)) {
      // every later model would read the same damaged file: stop, publish nothing, restore (build.ts)
      this.corrupt ??= raw.split("\n")[0];
      this.stopped = true;
    }
    const redo = await this.group.rollback();
    this.requeue(redo);
    const err = e instanceof DpError ? e : new DpError("MODEL_SQL", String(e));
    const next = this.nextMemoryLimit(model, err);
    if (next) {
      const tried = [...(r.outOfMemoryAt ?? []), this.roomy.get(model.name) ?? defaultMemoryLimit()];
      this.roomy.set(model.name, next);
      log.warn(
        `${model.name} ran out of memory under ${tried.at(-1)}${tried.length === 1 ? " (the default warehouse.memory_limit)" : ""}; building it again with ${next}. To give it that from the start, set warehouse.memory_limit: ${next} in project.yaml (or DP_MEMORY_LIMIT=${next} on this machine)`,
      );
      Object.assign(r, {
        status: "success",
        tests: [],
        error: undefined,
        where: undefined,
        memoryLimit: next,
        outOfMemoryAt: tried,
      });
      this.group.solo.add(model.name);
      this.queue.splice(this.stopped ? 0 : redo.length, 0, model.name);
      return;
    }
    if (isOutOfMemory(err.message) && !this.s.options.signal?.aborted) {
      const e = outOfMemoryError(model.name, [...(r.outOfMemoryAt ?? []), this.roomy.get(model.name) ?? this.limit()], {
        configured: Boolean(this.s.project.config.warehouse.memory_limit),
      });
      r.outOfMemoryAt = undefined;
      r.durationMs = Date.now() - t0;
      log.error(`${e.message}; ${e.fix}`);
      this.fail(model, r, `${e.message} (${sqlMessage(err.message).split("\n")[0]}); ${e.fix}`, e.where);
      return;
    }
    let error = err.code === "MODEL_SQL" ? sqlMessage(err.message) : err.message;
    const where =
      err.code === "MODEL_SQL"
        ? sqlErrorWhere(model, await this.writeFailedCompiled(model, r), err.message, project.dir)
        : err.where;
    const named = rawFileInError(err.message, project.paths.lake);
    const unreadable = named
      ? { file: named, reason: sqlMessage(err.message) }
      : looksLikeUnreadableFile(err.message)
        ? await findUnreadableRaw(db, project.paths.lake, model.sources)
        : undefined;
    if (unreadable) {
      const q = quarantineRawFile(project.paths.lake, project.paths.state, unreadable.file, unreadable.reason);
      error = `${quarantineMessage(project, q)}; the previous version stays live`;
      log.error(quarantineMessage(project, q));
    }
    r.durationMs = Date.now() - t0;
    this.fail(model, r, error, where);
  }

  /**
   * The limit a model that ran out of memory is built again under: the next step of the default's ladder, none
   * when project.yaml sets the limit (the user's to raise), the ladder is climbed or the build is being stopped.
   */
  private nextMemoryLimit(model: Model, err: DpError): string | undefined {
    if (!isOutOfMemory(err.message) || this.s.project.config.warehouse.memory_limit || this.s.options.signal?.aborted)
      return undefined;
    const ladder = memoryLadder(defaultMemoryLimit());
    const current = this.roomy.get(model.name);
    return current === undefined ? ladder[0] : ladder[ladder.indexOf(current) + 1];
  }

  private limit(): string {
    return this.s.project.config.warehouse.memory_limit ?? defaultMemoryLimit();
  }

  /**
   * A model's data is as old as its oldest input: a source's last successful pull,
   * or a parent's as-of — the parent version built in this run, else its live one.
   */
  private asOfFor(model: Model): string | null {
    const { store, graph, history } = this.s;
    const times: (string | null | undefined)[] = [];
    for (const { source, stream } of model.sources) {
      const st = store.read(source);
      times.push(st.streams[stream]?.last_success_at ?? st.last_success_at);
    }
    for (const p of graph.parents(model.name))
      times.push(this.builtAsOf.has(p) ? this.builtAsOf.get(p) : history.liveAsOf.get(p));
    let min: string | null = null;
    for (const t of times) if (t && (min === null || Date.parse(t) < Date.parse(min))) min = new Date(t).toISOString();
    return min;
  }
}

export function quarantineMessage(project: Project, q: Quarantined): string {
  return `corrupt raw file ${relative(project.dir, q.file)} (${q.reason}) moved to ${relative(project.dir, q.movedTo)}; the ${q.source}.${q.stream} cursor was reset so the next \`dp pull ${q.source}\` (or \`dp run\`) re-reads it`;
}

/** The compiled SQL keeps the source's line numbers, so DuckDB's `LINE n:` is the model file's line n. */
function sqlErrorWhere(
  model: { displayPath: string },
  compiledPath: string,
  message: string,
  projectDir: string,
): string {
  const line = /\bLINE (\d+):/.exec(message)?.[1];
  return `${model.displayPath}${line ? `:${line}` : ""} (compiled: ${relative(projectDir, compiledPath)})`;
}

/** DuckDB's message without the caret excerpt, which points into the compiled SQL. */
export function sqlMessage(message: string): string {
  return message.split(/\n\s*\nLINE \d+:/)[0]!.trim();
}

/**
 * A merge deletes every key of its delta before inserting the delta, so the rows outside it keep the
 * keys the last build tested unique: `unique` on the merge key holds exactly when it holds in the delta.
 * Testing the delta (a cron run's few thousand rows) instead of the table (4M events: 0.8 s) is that test.
 */
function uniqueOnMergeKey(model: Model, tests: DataTest[]): DataTest[] {
  const { strategy, keys } = incrementalStrategy(model);
  if (strategy !== "merge" || keys.length !== 1) return [];
  return tests.filter((t) => t.kind === "unique" && t.column === keys[0] && t.model === model.name);
}

/**
 * The key a table model's publish can merge its changed rows by: one column its YAML tests `unique` and
 * `not_null`, both at error severity (so the whole table passed both before it is published).
 */
export function publishKey(model: Model, tests: DataTest[]): string[] | undefined {
  if (model.materialized !== "table") return undefined;
  const mine = tests.filter((t) => t.model === model.name && t.severity === "error" && t.column);
  const notNull = new Set(mine.filter((t) => t.kind === "not_null").map((t) => t.column));
  const column = mine.find((t) => t.kind === "unique" && notNull.has(t.column))?.column;
  return column ? [column] : undefined;
}

/** Tests that judge each row by itself: a row's failure does not depend on any other row or table. */
const ROW_TESTS = new Set(["not_null", "accepted_values", "expression"]);

/**
 * Row-by-row tests (error severity) that the last build of the same model definition (SQL and YAML unchanged)
 * passed, which hold for every row this build kept, so testing the rows it added is testing the table:
 * - a merge or append leaves every row outside its delta as the last build left it (a merge deletes its delta's
 *   keys, then inserts the delta): 3.8M events, ≈0.3 s each run for not_null and accepted_values;
 * - a table rebuilt over its live version through the row diff (materialize.ts) keeps the live rows the new
 *   result still has and adds the rest (deltaTable): a cron run's marts, a few hundred rows of 10–70k.
 * Warn-severity tests, which report every failing row, and tests that read other rows or tables stay whole.
 */
function rowTestsOnAdded(
  via: "delta" | "diff",
  model: Model,
  tests: DataTest[],
  lastHash: string | undefined,
  last: TestResult[] | undefined,
): DataTest[] {
  const { strategy } = incrementalStrategy(model);
  const added = via === "diff" ? model.materialized === "table" : strategy === "merge" || strategy === "append";
  if (!added || lastHash !== model.hash || !last) return [];
  const passed = new Set(last.filter((t) => t.status === "pass").map((t) => t.id));
  return tests.filter(
    (t) => ROW_TESTS.has(t.kind) && t.severity === "error" && t.model === model.name && passed.has(t.id),
  );
}
