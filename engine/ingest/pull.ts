import { join } from "node:path";
import {
  StreamAccessDenied,
  type ConnectorDefinition,
  type ReadContext,
  type StreamSpec,
  type StreamState,
} from "./connector.ts";
import { getConnector } from "./connector-registry.ts";
import { now, parseDuration } from "../clock.ts";
import { crashPoint } from "./crash-points.ts";
import { Db } from "../warehouse/duckdb.ts";
import { pullThreads } from "../warehouse/duckdb-settings.ts";
import { DpError, asDpError } from "../errors.ts";
import { StreamWriter, newRunId, removeStaleTemp, type ConvertedSpool } from "./lake-writer.ts";
import { formatCount } from "../format-count.ts";
import { scopedLogger } from "../log.ts";
import { StreamProgress } from "./stream-progress.ts";
import { resolveSourceConfig, type Project } from "../config/project.ts";
import { StateStore, type StreamRecord } from "./cursor-state.ts";
import { StreamSchema, type Drift } from "./stream-schema.ts";
import { TextBatch } from "./text-batch.ts";
import type { YamlFile } from "../config/yaml-file.ts";
import { assertSecretsFromEnv } from "./source-check.ts";

export interface StreamResult {
  stream: string;
  rows: number;
  files: number;
  /** records this pull read that the lake already held as they are (not landed again) */
  unchanged?: number;
  drift?: { added: string[]; removed: string[]; retyped: string[] };
  error?: string;
  /** an optional stream the credentials may not read: skipped, this the warning said (nothing landed) */
  denied?: string;
}

export interface SourceResult {
  source: string;
  status: "ok" | "failed";
  rows: number;
  streams: StreamResult[];
  error?: DpError;
  durationMs: number;
}

export interface PullOptions {
  sources?: string[];
  fullRefresh?: boolean;
  runId?: string;
  signal?: AbortSignal;
  /** records per Parquet file (and per state commit); default 100k */
  maxFileRecords?: number;
  /**
   * The streams ("source.stream") the project's models only read as optional, with what they give without
   * them (optionalReads in engine/transform/source-streams.ts): one the credentials may not read is skipped
   * with a warning instead of failing its source.
   */
  optional?: ReadonlyMap<string, { whenAbsent?: string }>;
}

/** Validate a source's connector config against the connector's own schema. */
export async function loadSourceConnector(
  project: Project,
  name: string,
): Promise<{ connector: ConnectorDefinition<any>; config: unknown }> {
  const source = project.source(name);
  const connector = await getConnector(
    source.connector,
    () => `${project.locate(["sources", name, "connector"])} (sources.${name}.connector)`,
  );
  assertSecretsFromEnv(project, name, connector);
  const resolved = resolveSourceConfig(project, name);
  const config = (project.file as YamlFile).validate(connector.config, ["sources", name, "config"], resolved);
  return { connector, config };
}

/** Every config problem of these sources (all by default) as an exit-2 error, before anything is fetched. */
export async function checkSources(project: Project, names?: string[]): Promise<void> {
  for (const n of names?.length ? names : Object.keys(project.config.sources)) await loadSourceConnector(project, n);
}

export async function pull(project: Project, options: PullOptions = {}): Promise<SourceResult[]> {
  const names = options.sources?.length ? options.sources : Object.keys(project.config.sources);
  await checkSources(project, names);
  removeStaleTemp(project.paths.lake);
  const store = new StateStore(project.paths.state);
  // a DuckDB of its own for each stream, closed when the stream ends: what DuckDB keeps cached of the
  // files it converted (about two files' JSON: 300 MB for Stripe invoices) is freed before the next
  // stream, where the JS heap may peak, rather than carried through the whole pull
  const openDb = () =>
    Db.open(":memory:", {
      threads: project.config.warehouse.threads ?? pullThreads(),
      // the build's default (768 MB), not DuckDB's 80%: a conversion runs on one thread, so the memory limit that
      // slows DuckDB's parallel ordered COPY never holds it back (1M records at 16 GB: the same CPU and wall)
      memoryLimit: project.config.warehouse.memory_limit,
      // under the lake's .tmp, which the next pull clears, not the cron job's working directory
      tempDirectory: join(project.paths.lake, ".tmp", "duckdb-spill"),
    });
  const runId = options.runId ?? newRunId(now());
  const results: SourceResult[] = [];
  for (const name of names) {
    results.push(await pullSource(project, name, openDb, store, runId, options));
    if (options.signal?.aborted) break;
  }
  return results;
}

async function pullSource(
  project: Project,
  name: string,
  openDb: () => Promise<Db>,
  store: StateStore,
  runId: string,
  options: PullOptions,
): Promise<SourceResult> {
  const started = Date.now();
  const log = scopedLogger(name);
  const result: SourceResult = { source: name, status: "ok", rows: 0, streams: [], durationMs: 0 };
  try {
    const { connector, config } = await loadSourceConnector(project, name);
    const streams = connector.streams(config);
    const at = now();
    for (const stream of streams) {
      const r: StreamResult = { stream: stream.name, rows: 0, files: 0 };
      // pushed first: rows that landed before a failure are counted in the summary
      result.streams.push(r);
      const db = await openDb();
      try {
        await pullStream(project, name, connector, config, stream, db, store, runId, at, options, r);
        if (store.read(name).streams[stream.name]?.denied)
          store.update(name, (s) => delete s.streams[stream.name]?.denied);
      } catch (e) {
        const optional = options.optional?.get(`${name}.${stream.name}`);
        if (!(e instanceof StreamAccessDenied) || !optional || options.signal?.aborted) throw e;
        r.denied = deniedLine(project, name, e, optional.whenAbsent);
        store.update(name, (s) => {
          (s.streams[stream.name] ??= {}).denied = { at: at.toISOString(), lacks: e.lacks, fix: e.grant };
        });
        log.warn(r.denied);
      } finally {
        db.close();
        result.rows += r.rows;
      }
      if (options.signal?.aborted) break;
    }
    store.update(name, (s) => {
      s.last_success_at = at.toISOString();
      delete s.last_error;
    });
    log.info(`pulled ${formatCount(result.rows)} rows in ${result.streams.length} streams`);
  } catch (e) {
    const err = asDpError(e, "SOURCE_DATA");
    result.status = "failed";
    result.error = err;
    const failedStream = result.streams.at(-1);
    if (failedStream) failedStream.error = err.message;
    try {
      store.update(name, (s) => {
        s.last_error = { at: now().toISOString(), message: err.message };
      });
    } catch {}
    log.warn(`failed after ${formatCount(result.rows)} rows landed: ${err.message}`);
  }
  result.durationMs = Date.now() - started;
  return result;
}

/**
 * The one line an optional stream out of the credentials' reach is reported in: the stream, what the
 * credentials lack (as the vendor's answer names it), the two fixes and what the models give without it.
 */
function deniedLine(project: Project, source: string, e: StreamAccessDenied, whenAbsent: string | undefined): string {
  const listed = Array.isArray((project.source(source).config as { streams?: unknown } | undefined)?.streams);
  const drop = listed
    ? `drop ${e.stream} from sources.${source}.config.streams`
    : `list sources.${source}.config.streams without ${e.stream}`;
  return `optional stream ${source}.${e.stream} skipped: ${e.message}; nothing landed for it and the pull goes on. Fix: ${e.grant}, or ${drop}${whenAbsent ? `. Until then ${whenAbsent}` : ""}`;
}

async function pullStream(
  project: Project,
  sourceName: string,
  connector: ConnectorDefinition<any>,
  config: unknown,
  stream: StreamSpec,
  db: Db,
  store: StateStore,
  runId: string,
  at: Date,
  options: PullOptions,
  result: StreamResult,
): Promise<void> {
  const source = project.source(sourceName);
  const log = scopedLogger(`${sourceName}.${stream.name}`);
  const before = store.read(sourceName).streams[stream.name] ?? {};
  const schema = new StreamSchema(before.schema, stream.columns);
  const misfitsNamed = new Set<string>();
  /** a schema change against the last pull: freeze refuses it, evolve and warn land it and say so */
  const onDrift = (drift: Drift | undefined) => {
    if (!drift) return;
    result.drift = mergeDrift(result.drift, drift);
    const what = describeDrift(drift);
    if (source.schema === "freeze") {
      throw new DpError(
        "SOURCE_DATA",
        `schema drift in ${sourceName}.${stream.name} (${what}) and the source is frozen`,
        {
          where: `${project.locate(["sources", sourceName, "schema"])} (sources.${sourceName}.schema)`,
          fix: `review the change, then set schema: evolve (or warn) and run \`dp pull ${sourceName}\``,
        },
      );
    }
    log.warn(`schema drift: ${what}`);
  };
  const spare = await db.connect();
  const writer = new StreamWriter(
    db,
    {
      lakeDir: project.paths.lake,
      source: sourceName,
      stream,
      runId,
      loadedAt: at,
      maxRecords: options.maxFileRecords,
      schema,
      beforePublish: (drift, misfits) => {
        for (const [column, reason] of misfits) {
          if (misfitsNamed.has(column)) continue;
          misfitsNamed.add(column);
          log.warn(`column ${column} holds a value its declared type cannot (${reason}): it lands as exact text`);
        }
        onDrift(drift);
      },
    },
    spare,
  );
  let pendingState: StreamState | undefined;
  let landing: Promise<void> = Promise.resolve();
  const inFlight: Promise<void>[] = [];
  const progress = new StreamProgress(`${sourceName}.${stream.name}`);
  const commit = async (
    converting: Promise<ConvertedSpool> | undefined,
    state: StreamState | undefined,
    final: boolean,
  ) => {
    let converted = converting && (await converting);
    // a pull whose records all fit one file (a cron pull) leaves out those the lake holds as they are
    if (converted && final && result.files === 0 && !options.fullRefresh) {
      // a lake file the check cannot read (or any other failure of it) lands the pull's file as before
      const kept = await writer.withoutUnchanged(converted, stream.cursorField !== undefined).catch((e: unknown) => {
        log.debug(`unchanged check skipped: ${(e as Error).message}`);
        return { converted, unchanged: 0 };
      });
      converted = kept.converted;
      if (kept.unchanged) {
        result.unchanged = kept.unchanged;
        log.info(`${formatCount(kept.unchanged)} records landed before as they are: not landed again`);
      }
    }
    const landed = converted && (await writer.publish(converted));
    if (landed) {
      result.rows += landed.rows;
      result.files += 1;
    }
    if (!landed && !final) return;
    // commits run one at a time, in file order (each chained on the last), so two never overlap
    await store.updateAsync(sourceName, (s) => {
      const rec: StreamRecord = (s.streams[stream.name] ??= {});
      if (state) rec.state = state;
      rec.last_run_id = runId;
      rec.rows_total = (rec.rows_total ?? 0) + (landed?.rows ?? 0);
      rec.last_rows = result.rows;
      // a stream that has never had a record still has its declared columns: models read it as empty
      rec.schema = schema.recordable();
      // one entry per pull, whatever the number of files that brought it
      if (result.drift)
        rec.drift = [
          ...(rec.drift ?? []).filter((d) => d.at !== at.toISOString()),
          { at: at.toISOString(), ...result.drift },
        ].slice(-20);
      if (final) rec.last_success_at = at.toISOString();
    });
    crashPoint("after-state");
  };
  try {
    const ctx: ReadContext = {
      source: sourceName,
      stream,
      projectDir: project.dir,
      lakeDir: project.paths.lake,
      state: options.fullRefresh ? undefined : before.state,
      now: at,
      fullRefresh: options.fullRefresh ?? false,
      lookbackMs: parseDuration(source.lookback ?? "0s") ?? 0,
      retry: {
        maxAttempts: source.retries?.max_attempts ?? 5,
        maxWaitMs: parseDuration(source.retries?.max_wait ?? "60s") ?? 60_000,
      },
      rateLimit: source.rate_limit,
      log,
      signal: options.signal,
      progress: (e: { pages?: number; records?: number; retries?: number }) => progress.update(e),
      declare: (columns) => onDrift(schema.declare(columns)),
    };
    for await (const batch of connector.read(config, ctx)) {
      let count: number;
      if (batch instanceof TextBatch) {
        writer.writeText(batch.text);
        count = batch.text.count;
      } else {
        writer.write(batch.records);
        count = batch.records.length;
      }
      crashPoint("mid-batch");
      progress.landed(count);
      if (batch.state) pendingState = batch.state;
      if (writer.full) {
        // DuckDB converts this file, and the one before it, while the next pages are fetched and
        // spooled (the conversion is one thread each; two keep both cores busy). Files become visible
        // one at a time, in order, each with the cursor that covered its last record
        const sealed = writer.seal()!;
        const state = pendingState;
        if (inFlight.length >= 2) await inFlight.shift();
        const converting = writer.convert(sealed);
        converting.catch(() => {});
        const previous = landing;
        landing = previous.then(() => commit(converting, state, false));
        landing.catch(() => {});
        inFlight.push(landing);
      }
      if (options.signal?.aborted) break;
    }
    await landing;
    // whatever is spooled when interrupted is dropped; the cursor stays at the last durable file
    if (options.signal?.aborted) return;
    const last = writer.seal();
    await commit(last && writer.convert(last), pendingState, true);
  } finally {
    await landing.catch(() => {});
    await Promise.allSettled(inFlight);
    progress.end();
    writer.cleanup();
    spare.close();
  }
}

function mergeDrift(a: Drift | undefined, b: Drift): Drift {
  if (!a) return b;
  return {
    added: [...new Set([...a.added, ...b.added])],
    removed: [...new Set([...a.removed, ...b.removed])],
    retyped: [...new Set([...a.retyped, ...b.retyped])],
  };
}

function describeDrift(d: Drift): string {
  const parts = [];
  if (d.added.length) parts.push(`added ${d.added.join(", ")}`);
  if (d.removed.length) parts.push(`removed ${d.removed.join(", ")}`);
  if (d.retyped.length) parts.push(`retyped ${d.retyped.join(", ")}`);
  return parts.join("; ");
}
