import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { RawRecord, StreamSpec } from "../../../engine/ingest/connector.ts";
import { StreamWriter, landedFiles } from "../../../engine/ingest/lake-writer.ts";
import { Db } from "../../../engine/warehouse/duckdb.ts";
import { tempDir } from "../../helpers.ts";

const ORDERS: StreamSpec = { name: "orders", primaryKey: ["order_id"], cursorField: "updated_at" };
const PLANS: StreamSpec = { name: "plans", primaryKey: ["plan_id"] };

let db: Db;
beforeAll(async () => {
  db = await Db.open(":memory:");
});
afterAll(() => db.close());

/** One pull of one stream as pull.ts lands its only file: convert, leave out what the lake holds, publish. */
async function land(lakeDir: string, stream: StreamSpec, at: string, records: RawRecord[]) {
  const writer = new StreamWriter(db, {
    lakeDir,
    source: "shop",
    stream,
    runId: `run-${at.replace(/\D/g, "")}`,
    loadedAt: new Date(at),
  });
  try {
    writer.write(records);
    const converted = await writer.convert(writer.seal()!);
    const kept = await writer.withoutUnchanged(converted, stream.cursorField !== undefined);
    const landed = kept.converted && (await writer.publish(kept.converted));
    return { rows: landed?.rows ?? 0, unchanged: kept.unchanged };
  } finally {
    writer.cleanup();
  }
}

async function lake(lakeDir: string, stream: string): Promise<Record<string, unknown>[]> {
  const files = landedFiles(join(lakeDir, "raw"), "shop", stream);
  return db.all(
    `SELECT * EXCLUDE (_dp_run_id, _dp_loaded_at), strftime(_dp_loaded_at AT TIME ZONE 'UTC', '%H:%M') AS landed
     FROM read_parquet([${files.map((f) => `'${f}'`).join(", ")}], union_by_name = true, hive_partitioning = false)
     ORDER BY 1, landed`,
  );
}

const order = (id: number, amount: number, updated = "2026-11-21T05:00:00Z") => ({
  order_id: id,
  amount,
  updated_at: updated,
});

describe("a pull's records the lake already holds as they are", () => {
  test("a stream read by cursor: records as the lake's newest version of their key are left out; new, changed and reverted ones land", async () => {
    const dir = tempDir();
    expect(await land(dir, ORDERS, "2026-11-21T06:00:00Z", [order(1, 10), order(2, 20)])).toEqual({
      rows: 2,
      unchanged: 0,
    });
    // the lookback reads both again, unchanged: no file at all
    expect(await land(dir, ORDERS, "2026-11-21T06:15:00Z", [order(1, 10), order(2, 20)])).toEqual({
      rows: 0,
      unchanged: 2,
    });
    expect(landedFiles(join(dir, "raw"), "shop", "orders")).toHaveLength(1);
    // one changed, one new, one the same: the file holds the two
    expect(
      await land(dir, ORDERS, "2026-11-21T06:30:00Z", [
        order(1, 10),
        order(2, 25, "2026-11-21T06:20:00Z"),
        order(3, 5),
      ]),
    ).toEqual({ rows: 2, unchanged: 1 });
    // order 2 back to what it was at 06:00: not its newest version, so it lands
    expect(await land(dir, ORDERS, "2026-11-21T06:45:00Z", [order(2, 20)])).toEqual({ rows: 1, unchanged: 0 });
    // a key twice in one pull with two contents lands both (which one wins is the model's tie-break)
    expect(
      await land(dir, ORDERS, "2026-11-21T07:00:00Z", [order(1, 10), order(1, 11, "2026-11-21T06:50:00Z")]),
    ).toEqual({ rows: 2, unchanged: 0 });
    // a column the lake's rows lack counts as NULL there: a value in it is a change, a NULL is not
    expect(await land(dir, ORDERS, "2026-11-21T07:15:00Z", [{ ...order(3, 5), note: null }])).toEqual({
      rows: 0,
      unchanged: 1,
    });
    expect(await land(dir, ORDERS, "2026-11-21T07:30:00Z", [{ ...order(3, 5), note: "gift" }])).toEqual({
      rows: 1,
      unchanged: 0,
    });
    expect((await lake(dir, "orders")).map((r) => `${r.order_id} ${r.amount} ${r.note ?? "-"} ${r.landed}`)).toEqual([
      "1 10 - 06:00",
      "1 10 - 07:00",
      "1 11 - 07:00",
      "2 20 - 06:00",
      "2 25 - 06:30",
      "2 20 - 06:45",
      "3 5 - 06:30",
      "3 5 gift 07:30",
    ]);
  });

  test("a source column named like DuckDB's own (filename) is content like any other", async () => {
    const dir = tempDir();
    const rows = [{ order_id: 1, amount: 10, updated_at: "2026-11-21T05:00:00Z", filename: "a.csv" }];
    expect(await land(dir, ORDERS, "2026-11-21T06:00:00Z", rows)).toEqual({ rows: 1, unchanged: 0 });
    expect(await land(dir, ORDERS, "2026-11-21T06:15:00Z", rows)).toEqual({ rows: 0, unchanged: 1 });
    expect(await land(dir, ORDERS, "2026-11-21T06:30:00Z", [{ ...rows[0]!, filename: "b.csv" }])).toEqual({
      rows: 1,
      unchanged: 0,
    });
  });

  test("a stream read whole: left out only when the pull holds exactly the newest landing's rows", async () => {
    const dir = tempDir();
    const plans = [
      { plan_id: "basic", price: 10 },
      { plan_id: "pro", price: 30 },
    ];
    expect(await land(dir, PLANS, "2026-11-21T06:00:00Z", plans)).toEqual({ rows: 2, unchanged: 0 });
    expect(await land(dir, PLANS, "2026-11-21T06:15:00Z", [...plans].reverse())).toEqual({ rows: 0, unchanged: 2 });
    // one plan gone: every row lands again, so "in the newest pull" still reads as current
    expect(await land(dir, PLANS, "2026-11-21T06:30:00Z", [plans[0]!])).toEqual({ rows: 1, unchanged: 0 });
    // one changed: all land
    expect(await land(dir, PLANS, "2026-11-21T06:45:00Z", [plans[0]!, { plan_id: "pro", price: 35 }])).toEqual({
      rows: 2,
      unchanged: 0,
    });
    expect(await land(dir, PLANS, "2026-11-21T07:00:00Z", [plans[0]!, { plan_id: "pro", price: 35 }])).toEqual({
      rows: 0,
      unchanged: 2,
    });
    expect((await lake(dir, "plans")).map((r) => `${r.plan_id} ${r.price} ${r.landed}`)).toEqual([
      "basic 10 06:00",
      "basic 10 06:30",
      "basic 10 06:45",
      "pro 30 06:00",
      "pro 35 06:45",
    ]);
  });
});
