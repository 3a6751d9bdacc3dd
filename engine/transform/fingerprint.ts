import { createHash } from "node:crypto";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { StateStore } from "../ingest/cursor-state.ts";
import { streamDir } from "../ingest/lake-writer.ts";
import type { Model, ModelGraph } from "./models.ts";
import { notPulled, type PulledStreams } from "./source-streams.ts";
import type { DataTest } from "./testing/data-tests.ts";

/**
 * What a model's result depends on, as one hash (SQLMesh's fingerprint, dbt's state): its compiled SQL
 * and YAML, the data versions of the raw streams it reads and of its parents' outputs, and the singular
 * tests attached to it. A model whose fingerprint equals that of its last successful build (and whose
 * last build succeeded) would rebuild the same relation: the build skips it ("skipped: unchanged").
 */
export function modelFingerprint(input: {
  model: Model;
  sql: string;
  streams: Map<string, string>;
  parents: [string, string | undefined][];
  attached: DataTest[];
  nowIso: string;
}): string {
  const h = createHash("sha256");
  const part = (s: string) => h.update(s).update("\0");
  part(input.model.hash);
  part(input.model.materialized);
  part(input.sql);
  for (const s of input.model.sources)
    part(`source ${s.source}.${s.stream}=${input.streams.get(`${s.source}.${s.stream}`)}`);
  for (const [p, v] of [...input.parents].sort(([a], [b]) => a.localeCompare(b))) part(`ref ${p}=${v ?? "none"}`);
  for (const t of input.attached) part(`test ${t.id} ${t.sql("x")}`);
  // SQL that reads the clock gives another answer tomorrow (or in a second) from the same inputs
  const code = input.sql.replace(/--[^\n]*/g, "").replace(/\/\*[\s\S]*?\*\//g, "");
  if (
    /\b(now|get_current_timestamp|get_current_time|transaction_timestamp)\s*\(|\b(current_timestamp|localtimestamp)\b/i.test(
      code,
    )
  )
    part(`now ${input.nowIso}`);
  else if (/\bcurrent_date\b|\btoday\s*\(/i.test(code)) part(`today ${input.nowIso.slice(0, 10)}`);
  return h.digest("hex").slice(0, 32);
}

/**
 * A raw stream's data version: its Parquet files (name, size, modification time). New data lands as new
 * files and a quarantined file leaves, so the version changes exactly when what a view reads changes.
 * A stream with no files is versioned by its state (its declared columns, when it was pulled empty).
 */
export function streamVersion(rawDir: string, store: StateStore, source: string, stream: string): string {
  const h = createHash("sha256");
  const dir = streamDir(rawDir, source, stream);
  let files = 0;
  if (existsSync(dir)) {
    for (const part of readdirSync(dir).sort()) {
      const p = join(dir, part);
      if (!statSync(p).isDirectory()) continue;
      for (const f of readdirSync(p).sort()) {
        if (!f.endsWith(".parquet")) continue;
        const st = statSync(join(p, f));
        h.update(`${part}/${f}:${st.size}:${st.mtimeMs}\n`);
        files++;
      }
    }
  }
  if (!files) h.update(`empty ${JSON.stringify(store.read(source).streams[stream]?.schema ?? null)}`);
  return h.digest("hex").slice(0, 32);
}

/** Every raw stream the graph reads, versioned once per build. */
export function streamVersions(
  rawDir: string,
  store: StateStore,
  graph: ModelGraph,
  /** the streams each source's config pulls: one dropped from it is read empty, whatever files it has */
  pulled: PulledStreams = new Map(),
): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of graph.models.values())
    for (const s of m.sources) {
      const key = `${s.source}.${s.stream}`;
      if (!out.has(key))
        out.set(
          key,
          notPulled(pulled, s.source, s.stream) ? "not pulled" : streamVersion(rawDir, store, s.source, s.stream),
        );
    }
  return out;
}
