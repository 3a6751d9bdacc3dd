import type { Project } from "../config/project.ts";
import { StateStore, type ColumnSchema } from "./cursor-state.ts";
import { sourceFreshness, type SourceFreshness } from "./freshness.ts";

/** A stream as its last pull left it: rows landed and the declared type of every column. */
export interface StreamInventory {
  stream: string;
  rows: number;
  last_success_at?: string;
  /** DuckDB types, with the source's own type name where the source has a catalog */
  columns: ColumnSchema[];
}

export type SourceInventory = SourceFreshness & { streams: StreamInventory[] };

/** `dp sources`: every source's freshness, and its streams' declared schemas. */
export function sourceInventory(project: Project): SourceInventory[] {
  const store = new StateStore(project.paths.state);
  return sourceFreshness(project).map((f) => ({
    ...f,
    streams: Object.entries(store.read(f.source).streams).map(([stream, s]) => ({
      stream,
      rows: s.rows_total ?? 0,
      ...(s.last_success_at ? { last_success_at: s.last_success_at } : {}),
      columns: s.schema ?? [],
    })),
  }));
}
