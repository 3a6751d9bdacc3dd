import { expect, test } from "bun:test";
import { readWarehouseStatus } from "../../../engine/catalog/catalog.ts";
import { Db } from "../../../engine/warehouse/duckdb.ts";
import { ensureMeta } from "../../../engine/warehouse/snapshots.ts";

test("the status names each model's latest run and latest success, out of its whole history", async () => {
  const db = await Db.open(":memory:");
  try {
    await ensureMeta(db);
    const runs: [string, string, number, string][] = [
      // model, status, rows, built_at (a tie is broken by insertion order: the later row wins)
      ["a", "success", 1, "2026-11-01T00:00:00Z"],
      ["a", "success", 2, "2026-11-02T00:00:00Z"],
      ["a", "failed", 0, "2026-11-03T00:00:00Z"],
      ["b", "failed", 0, "2026-11-01T00:00:00Z"],
      ["b", "success", 5, "2026-11-02T00:00:00Z"],
      ["b", "success", 6, "2026-11-02T00:00:00Z"],
      ["c", "failed", 0, "2026-11-01T00:00:00Z"],
      ["c", "skipped", 0, "2026-11-02T00:00:00Z"],
    ];
    for (let k = 0; k < 300; k++) runs.unshift(["a", "success", 100 + k, "2026-10-01T00:00:00Z"]);
    for (const [model, status, rows, at] of runs)
      await db.run(
        "INSERT INTO _dp.model_runs (run_id, model, status, rows, built_at) VALUES ('r', ?, ?, ?, CAST(? AS TIMESTAMPTZ))",
        [model, status, rows, at],
      );
    const s = await readWarehouseStatus(db);
    const rowsOf = (m: Map<string, { status: string; rows: number | null }>) =>
      Object.fromEntries([...m].map(([k, v]) => [k, [v.status, Number(v.rows)]]));
    expect(rowsOf(s.lastRun)).toEqual({ a: ["failed", 0], b: ["success", 6], c: ["skipped", 0] });
    expect(rowsOf(s.lastSuccess)).toEqual({ a: ["success", 2], b: ["success", 6] });
  } finally {
    db.close();
  }
});
