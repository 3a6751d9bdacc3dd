import { describe, expect, test } from "bun:test";
import { statSync } from "node:fs";
import { join } from "node:path";
import { loadProject } from "../../../engine/config/project.ts";
import { build } from "../../../engine/transform/build.ts";
import { mayBeBloated } from "../../../engine/warehouse/compact.ts";
import { Db } from "../../../engine/warehouse/duckdb.ts";
import { tempDir, writeProject } from "../../helpers.ts";

describe("compaction", () => {
  test("the open writer's free blocks say whether the file is worth compacting", async () => {
    const db = await Db.open(join(tempDir(), "w.duckdb"));
    try {
      await db.run("CREATE TABLE small AS SELECT range AS id FROM range(10)");
      await db.run("CHECKPOINT");
      expect(await mayBeBloated(db)).toBe(false);
      // ≈16 MB of incompressible hashes, dropped: free blocks above both thresholds
      await db.run("CREATE TABLE big AS SELECT hash(range) AS h, hash(range + 1) AS g FROM range(1000000)");
      // written after it, so the dropped blocks sit mid-file (DuckDB truncates free blocks at the end)
      await db.run("CREATE TABLE later AS SELECT range AS id FROM range(10)");
      await db.run("CHECKPOINT");
      expect(await mayBeBloated(db)).toBe(false);
      await db.run("DROP TABLE big");
      await db.run("CHECKPOINT");
      expect(await mayBeBloated(db)).toBe(true);
    } finally {
      db.close();
    }
  });

  test("full rebuilds of a large table leave the warehouse near a fresh build's size", async () => {
    const dir = writeProject({
      "project.yaml": "name: compact\n",
      "models/marts/big.sql": "select range as id, hash(range) as h from range(2000000)\n",
      // built after big, so big's dropped versions sit mid-file rather than at its end
      "models/marts/after.sql": "select count(*) as n from {{ ref('big') }}\n",
    });
    const warehouse = join(dir, "warehouse/dp.duckdb");
    expect((await build(loadProject(dir))).ok).toBe(true);
    const fresh = statSync(warehouse).size;
    for (let i = 0; i < 3; i++) expect((await build(loadProject(dir), { fullRefresh: true })).ok).toBe(true);
    expect(statSync(warehouse).size).toBeLessThanOrEqual(fresh * 1.2);
  }, 60_000);
});
