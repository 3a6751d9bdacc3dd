import type { Db } from "../warehouse/duckdb.ts";
import type { TestResult } from "./testing/data-tests.ts";
import { descendants, type ModelGraph } from "./models.ts";

/** What earlier builds left in _dp.model_runs, for `state:modified`, `--retry-failed` and as-of times. */
export interface BuildHistory {
  /** hash of the SQL + YAML of each model's last successful build */
  lastSuccessHash: Map<string, string>;
  /** as-of time of the live version of each model (its last successful build) */
  liveAsOf: Map<string, string | null>;
  /** how long each model's last successful build took */
  lastDurationMs: Map<string, number>;
  /** how many rows each model's last successful build had */
  lastRows: Map<string, number>;
  /** fingerprint of the inputs of each model's last successful build (fingerprint.ts) */
  lastInputHash: Map<string, string>;
  /** data version of each model's live output: the run that last rebuilt it */
  outputVersion: Map<string, string>;
  /** status of each model's latest build attempt */
  lastStatus: Map<string, string>;
  /** the run id of each model's last successful build, whose test results a skipped model keeps */
  lastSuccessRun: Map<string, string>;
  /** the last build's run id and the models it did not publish */
  lastBuild?: { runId: string; notPublished: string[] };
}

export async function readBuildHistory(db: Db): Promise<BuildHistory> {
  const ok = await db.all<{
    model: string;
    sql_hash: string | null;
    as_of: string | null;
    duration_ms: number | null;
    rows: number | null;
    run_id: string;
    input_hash: string | null;
    output_version: string | null;
    built_ms: number | null;
  }>(`
    SELECT model, sql_hash, CAST(as_of AS VARCHAR) AS as_of, duration_ms, rows, run_id, input_hash, output_version,
      -- how long the last real build took (a skipped model's row says 0)
      last_value(CASE WHEN reused IS NOT TRUE THEN duration_ms END IGNORE NULLS)
        OVER (PARTITION BY model ORDER BY rowid ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS built_ms
    FROM _dp.model_runs WHERE status = 'success'
    QUALIFY row_number() OVER (PARTITION BY model ORDER BY rowid DESC) = 1`);
  const lastSuccessHash = new Map<string, string>();
  const liveAsOf = new Map<string, string | null>();
  const lastDurationMs = new Map<string, number>();
  const lastRows = new Map<string, number>();
  const lastInputHash = new Map<string, string>();
  const outputVersion = new Map<string, string>();
  const lastSuccessRun = new Map<string, string>();
  for (const r of ok) {
    if (r.rows !== null) lastRows.set(r.model, Number(r.rows));
    if (r.built_ms !== null) lastDurationMs.set(r.model, Number(r.built_ms));
    if (r.input_hash) lastInputHash.set(r.model, r.input_hash);
    if (r.output_version) outputVersion.set(r.model, r.output_version);
    lastSuccessRun.set(r.model, r.run_id);
    if (r.sql_hash) lastSuccessHash.set(r.model, r.sql_hash);
    liveAsOf.set(r.model, r.as_of ? toIso(r.as_of) : null);
  }
  const latest = await db.all<{ model: string; status: string }>(`
    SELECT model, status FROM _dp.model_runs QUALIFY row_number() OVER (PARTITION BY model ORDER BY rowid DESC) = 1`);
  const lastStatus = new Map(latest.map((r) => [r.model, r.status]));
  // rowid order, not time: with DP_NOW pinned several builds share one timestamp
  const last = await db.one<{ run_id: string }>("SELECT run_id FROM _dp.model_runs ORDER BY rowid DESC LIMIT 1");
  let lastBuild: BuildHistory["lastBuild"];
  if (last) {
    const rows = await db.all<{ model: string }>(
      "SELECT model FROM _dp.model_runs WHERE run_id = $1 AND status <> 'success' ORDER BY rowid",
      [last.run_id],
    );
    lastBuild = { runId: last.run_id, notPublished: rows.map((r) => r.model) };
  }
  return {
    lastSuccessHash,
    liveAsOf,
    lastDurationMs,
    lastRows,
    lastInputHash,
    outputVersion,
    lastStatus,
    lastSuccessRun,
    lastBuild,
  };
}

/** The test results a model's last successful build recorded: what a model skipped as unchanged keeps. */
export async function lastTestResults(
  db: Db,
  history: BuildHistory,
  models: string[],
): Promise<Map<string, TestResult[]>> {
  const pairs = models.filter((m) => history.lastSuccessRun.has(m)).map((m) => [m, history.lastSuccessRun.get(m)!]);
  const out = new Map<string, TestResult[]>();
  if (!pairs.length) return out;
  const rows = await db.all<{
    run_id: string;
    test_id: string;
    model: string;
    kind: string;
    column_name: string | null;
    severity: "error" | "warn";
    status: TestResult["status"];
    failures: number;
    message: string;
  }>(
    `SELECT t.run_id, test_id, t.model, kind, column_name, severity, t.status, failures, message
     FROM _dp.test_results t JOIN (SELECT unnest(from_json($1, '[["VARCHAR"]]')) AS p) ON t.model = p[1] AND t.run_id = p[2]
     ORDER BY t.rowid`,
    [JSON.stringify(pairs)],
  );
  for (const r of rows) {
    const list = out.get(r.model) ?? [];
    list.push({
      id: r.test_id,
      model: r.model,
      kind: r.kind,
      ...(r.column_name ? { column: r.column_name } : {}),
      severity: r.severity,
      status: r.status,
      failures: Number(r.failures),
      message: r.message,
    });
    out.set(r.model, list);
  }
  return out;
}

/** New models and models whose SQL or YAML changed since their last successful build. */
export function modifiedModels(graph: ModelGraph, history: BuildHistory): Set<string> {
  return new Set(graph.order.filter((n) => history.lastSuccessHash.get(n) !== graph.models.get(n)!.hash));
}

/** What failed or was skipped in the last build, and everything downstream of it. */
export function retrySet(graph: ModelGraph, history: BuildHistory): Set<string> {
  const out = new Set<string>();
  for (const n of history.lastBuild?.notPublished ?? []) {
    if (!graph.models.has(n)) continue;
    out.add(n);
    for (const d of descendants(graph, n)) out.add(d);
  }
  return out;
}

/** DuckDB prints TIMESTAMPTZ as "2026-11-21 06:00:00+00". */
export function toIso(v: string): string {
  const d = new Date(v.replace(" ", "T").replace(/([+-]\d\d)$/, "$1:00"));
  return Number.isNaN(d.getTime()) ? v : d.toISOString();
}
