import { didYouMean } from "../closest-name.ts";
import { DpError } from "../errors.ts";
import { StateStore } from "../ingest/cursor-state.ts";

/**
 * What `{{ last_pull('source') }}` reads: the project's sources, and each one's last successful pull
 * (ISO), read from the state store at most once per graph, so every model of a build sees the same instant.
 */
export interface LastPulls {
  sources: readonly string[];
  at(source: string): string | undefined;
}

/** `{{ last_pull('stripe') }}` */
export const LAST_PULL = /\{\{\s*last_pull\(\s*['"]([^'"]*)['"]\s*\)\s*\}\}/g;

/** The sources of project.yaml, each one's last successful pull read from `stateDir` on first use. */
export function lastPullsFrom(sources: readonly string[], stateDir: string): LastPulls {
  const store = new StateStore(stateDir);
  const seen = new Map<string, string | undefined>();
  return {
    sources,
    at(source) {
      if (!seen.has(source)) seen.set(source, store.read(source).last_success_at);
      return seen.get(source);
    },
  };
}

/**
 * Replaces every last_pull('source') with the source's last successful pull truncated to its UTC day, as a
 * TIMESTAMP literal in UTC, the type staging gives `loaded_at` (NULL before its first pull): "now" for a model that has to move with the pulls (a
 * new month shows on the month's first pull though nothing changed), while its compiled SQL, hence its
 * fingerprint, changes at most once a day, so a 15-minute pull that lands nothing still skips it.
 */
export function renderLastPull(sql: string, pulls: LastPulls | undefined, where: (line: number) => string): string {
  return sql.replace(LAST_PULL, (all, source: string, offset: number) => {
    const sources = pulls?.sources ?? [];
    if (!pulls || !sources.includes(source)) {
      const line = sql.slice(0, offset).split("\n").length;
      throw new DpError("MODEL_GRAPH", `${all.trim()} names no source in project.yaml`, {
        where: where(line),
        fix: sources.length
          ? didYouMean(source, sources, { quote: (s) => `last_pull('${s}')` })
          : "add the source to project.yaml's sources:",
      });
    }
    const at = pulls.at(source);
    return at ? `TIMESTAMP '${dayOf(at)} 00:00:00'` : "CAST(NULL AS TIMESTAMP)";
  });
}

function dayOf(iso: string): string {
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) throw new DpError("IO", `a source's last_success_at is not a time: ${iso}`);
  return t.toISOString().slice(0, 10);
}
