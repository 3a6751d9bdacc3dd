import type { Project } from "../config/project.ts";
import { openReader } from "../warehouse/snapshots.ts";

export interface RunRecord {
  run_id: string;
  command: string;
  started_at: string;
  finished_at: string;
  duration_ms: number;
  status: string;
  steps: { step: string; status: string; durationMs: number; rows?: number; detail?: string }[];
  error: string | null;
}

/** Run history from the published snapshot: the writer may be busy with a run right now. */
export async function listRuns(project: Project, limit = 20): Promise<RunRecord[]> {
  const db = await openReader(project);
  try {
    const rows = await db.all<Omit<RunRecord, "steps"> & { steps: string | null }>(
      `SELECT run_id, command, strftime(started_at, '%Y-%m-%dT%H:%M:%SZ') AS started_at, strftime(finished_at, '%Y-%m-%dT%H:%M:%SZ') AS finished_at,
              CAST(epoch_ms(finished_at) - epoch_ms(started_at) AS BIGINT) AS duration_ms, status, CAST(steps AS VARCHAR) AS steps, error
         FROM _dp.runs ORDER BY started_at DESC, finished_at DESC LIMIT $1`,
      [Math.max(1, Math.min(limit, 10_000))],
    );
    return rows.map((r) => ({ ...r, steps: r.steps ? JSON.parse(r.steps) : [] }));
  } finally {
    db.close();
  }
}
