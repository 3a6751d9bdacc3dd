import { describe, expect, test } from "bun:test";
import { writeMart } from "../../../engine/decide/ledger.ts";
import type { DecisionDef } from "../../../engine/transform/decision-file.ts";
import { Db } from "../../../engine/warehouse/duckdb.ts";

const churn = { name: "churn" } as DecisionDef;
const T1 = "2026-11-21T06:00:00Z";
const T2 = "2026-11-21T06:15:00Z";

/** Rows of the mart and of the temp table that are not in the other, both ways (duplicates counted). */
async function differ(db: Db, temp: string): Promise<number[]> {
  const r = await db.one<{ a: number; b: number }>(
    `SELECT (SELECT count(*) FROM (FROM marts.churn EXCEPT ALL FROM ${temp}))::int AS a,
            (SELECT count(*) FROM (FROM ${temp} EXCEPT ALL FROM marts.churn))::int AS b`,
  );
  return [r!.a, r!.b];
}

describe("the decision mart written as its row diff", () => {
  test("equals the rows computed whole: changed, removed, added, duplicated and NULL rows, a new evaluated_at on every row", async () => {
    const db = await Db.open(":memory:");
    try {
      await db.run("CREATE SCHEMA marts");
      await db.run(
        `CREATE TEMP TABLE next1 AS SELECT * FROM (VALUES
           ('a', 'high', 0.9, 'decided', NULL, TIMESTAMPTZ '${T1}'),
           ('b', 'low', 0.8, 'decided', 'x', TIMESTAMPTZ '${T1}'),
           ('c', NULL, NULL, 'pending', NULL, TIMESTAMPTZ '${T1}'),
           ('d', 'low', 0.5, 'queued', NULL, TIMESTAMPTZ '${T1}'),
           ('d', 'low', 0.5, 'queued', NULL, TIMESTAMPTZ '${T1}')
         ) t(account_id, label, confidence, status, note, evaluated_at)`,
      );
      // no mart yet: written whole
      await writeMart(db, churn, "next1", T1);
      expect(await differ(db, "next1")).toEqual([0, 0]);
      // b relabelled, c removed, one copy of d gone, e added with NULLs, a unchanged; every row evaluated at T2
      await db.run(
        `CREATE TEMP TABLE next2 AS SELECT * FROM (VALUES
           ('a', 'high', 0.9, 'decided', NULL, TIMESTAMPTZ '${T2}'),
           ('b', 'high', 0.7, 'acted', 'x', TIMESTAMPTZ '${T2}'),
           ('d', 'low', 0.5, 'queued', NULL, TIMESTAMPTZ '${T2}'),
           ('e', NULL, NULL, 'pending', NULL, TIMESTAMPTZ '${T2}')
         ) t(account_id, label, confidence, status, note, evaluated_at)`,
      );
      await writeMart(db, churn, "next2", T2);
      expect(await differ(db, "next2")).toEqual([0, 0]);
      expect(await db.all("SELECT account_id, label, status FROM marts.churn ORDER BY ALL")).toEqual([
        { account_id: "a", label: "high", status: "decided" },
        { account_id: "b", label: "high", status: "acted" },
        { account_id: "d", label: "low", status: "queued" },
        { account_id: "e", label: null, status: "pending" },
      ]);
      // the diff's work tables are gone
      const temps = await db.all<{ t: string }>(
        "SELECT table_name AS t FROM duckdb_tables() WHERE temporary ORDER BY 1",
      );
      expect(temps.map((r) => r.t)).toEqual(["next1", "next2"]);
      // a column added to the decision: written whole, with it
      await db.run("CREATE TEMP TABLE next3 AS SELECT *, 1 AS extra FROM next2");
      await writeMart(db, churn, "next3", T2);
      expect(await differ(db, "next3")).toEqual([0, 0]);
    } finally {
      db.close();
    }
  });
});
