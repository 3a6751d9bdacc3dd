import { now, parseDuration } from "../clock.ts";
import type { Project } from "../config/project.ts";
import { StateStore } from "./cursor-state.ts";

export type FreshnessStatus = "fresh" | "warn" | "error" | "never" | "unknown";

export interface SourceFreshness {
  source: string;
  connector: string;
  owner?: string;
  lastSuccessAt?: string;
  ageMs?: number;
  status: FreshnessStatus;
  warnAfter?: string;
  errorAfter?: string;
  rows: number;
  lastError?: string;
  drift: { stream: string; at: string; added: string[]; removed: string[]; retyped: string[] }[];
}

export function sourceFreshness(project: Project): SourceFreshness[] {
  const store = new StateStore(project.paths.state);
  const at = now().getTime();
  return Object.entries(project.config.sources).map(([name, src]) => {
    const state = store.read(name);
    const last = state.last_success_at;
    const ageMs = last ? Math.max(0, at - new Date(last).getTime()) : undefined;
    const warn = src.freshness?.warn_after ? parseDuration(src.freshness.warn_after) : undefined;
    const error = src.freshness?.error_after ? parseDuration(src.freshness.error_after) : undefined;
    let status: FreshnessStatus = "unknown";
    if (ageMs === undefined) status = "never";
    else if (error !== undefined && ageMs > error) status = "error";
    else if (warn !== undefined && ageMs > warn) status = "warn";
    else status = "fresh";
    const rows = Object.values(state.streams).reduce((n, s) => n + (s.rows_total ?? 0), 0);
    const drift = Object.entries(state.streams).flatMap(([stream, s]) =>
      (s.drift ?? []).map((d) => ({ stream, ...d })),
    );
    return {
      source: name,
      connector: src.connector,
      owner: src.owner,
      lastSuccessAt: last,
      ageMs,
      status,
      warnAfter: src.freshness?.warn_after,
      errorAfter: src.freshness?.error_after,
      rows,
      lastError: state.last_error?.message,
      drift,
    };
  });
}
