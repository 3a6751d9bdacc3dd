import { expect, test } from "bun:test";
import { totalmem } from "node:os";
import { Db } from "../../engine/duckdb.ts";
import { defaultMemoryLimit, defaultThreads } from "../../engine/duckdb-settings.ts";
import { loadProject } from "../../engine/project.ts";
import { openWriter } from "../../engine/warehouse.ts";
import { writeProject } from "../helpers.ts";

async function settings(db: Db): Promise<{ threads: number; memory: number }> {
  const r = (await db.one<{ threads: number; memory: number }>(
    "SELECT current_setting('threads')::INTEGER AS threads, (SELECT memory_limit_bytes FROM (SELECT try_cast(regexp_extract(current_setting('memory_limit'), '([0-9.]+)', 1) AS DOUBLE) * CASE WHEN current_setting('memory_limit') LIKE '%GiB' THEN 2^30 WHEN current_setting('memory_limit') LIKE '%MiB' THEN 2^20 ELSE 1 END AS memory_limit_bytes)) AS memory",
  ))!;
  return { threads: Number(r.threads), memory: Number(r.memory) };
}

test("warehouse.threads and warehouse.memory_limit in project.yaml reach the writer's DuckDB", async () => {
  const dir = writeProject({ "project.yaml": "name: s\nwarehouse:\n  threads: 1\n  memory_limit: 300MB\n" });
  const db = await openWriter(loadProject(dir));
  try {
    const s = await settings(db);
    expect(s.threads).toBe(1);
    expect(Math.abs(s.memory - 300e6)).toBeLessThan(5e6);
  } finally {
    db.close();
  }
});

test("without them DuckDB gets every core and half the RAM, not its own 80%", async () => {
  const db = await Db.open(":memory:");
  try {
    const s = await settings(db);
    expect(s.threads).toBe(defaultThreads());
    expect(s.memory / totalmem()).toBeGreaterThan(0.45);
    expect(s.memory / totalmem()).toBeLessThan(0.55);
    expect(defaultMemoryLimit()).toMatch(/^\d+MB$/);
  } finally {
    db.close();
  }
});
