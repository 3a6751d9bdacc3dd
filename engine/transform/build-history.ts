import type { Db } from "../warehouse/duckdb.ts";
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
  }>(`
    SELECT model, sql_hash, CAST(as_of AS VARCHAR) AS as_of, duration_ms, rows FROM _dp.model_runs WHERE status = 'success'
    QUALIFY row_number() OVER (PARTITION BY model ORDER BY rowid DESC) = 1`);
  const lastSuccessHash = new Map<string, string>();
  const liveAsOf = new Map<string, string | null>();
  const lastDurationMs = new Map<string, number>();
  const lastRows = new Map<string, number>();
  for (const r of ok) {
    if (r.rows !== null) lastRows.set(r.model, Number(r.rows));
    if (r.duration_ms !== null) lastDurationMs.set(r.model, Number(r.duration_ms));
    if (r.sql_hash) lastSuccessHash.set(r.model, r.sql_hash);
    liveAsOf.set(r.model, r.as_of ? toIso(r.as_of) : null);
  }
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
  return { lastSuccessHash, liveAsOf, lastDurationMs, lastRows, lastBuild };
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
