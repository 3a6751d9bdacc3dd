import { expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { Db } from "../../../engine/warehouse/duckdb.ts";
import { StreamWriter } from "../../../engine/ingest/lake-writer.ts";
import { tempDir } from "../../helpers.ts";

test("the lake writer rolls a Parquet file by spooled bytes as well as by records, so big records keep a pull's memory flat", async () => {
  const lakeDir = tempDir("dp-lake-bytes-");
  const db = await Db.open(":memory:");
  const writer = new StreamWriter(db, {
    lakeDir,
    source: "api",
    stream: { name: "records", primaryKey: ["id"] },
    runId: "r1",
    loadedAt: new Date("2026-11-21T06:00:00Z"),
    maxRecords: 100_000,
    maxBytes: 64 * 1024,
  });
  const big = "x".repeat(1000);
  let landed = 0;
  try {
    for (let page = 0; page < 10; page++) {
      writer.write(Array.from({ length: 20 }, (_, i) => ({ id: page * 20 + i, body: big })));
      if (writer.full) landed += (await writer.flush())?.rows ?? 0;
    }
    landed += (await writer.flush())?.rows ?? 0;
  } finally {
    writer.cleanup();
    db.close();
  }
  expect(landed).toBe(200);
  const dir = join(lakeDir, "raw/api/records/load_date=2026-11-21");
  // 200 records of ~1 KB at a 64 KB cap: a file every 4 pages of 20
  expect(readdirSync(dir).filter((f) => f.endsWith(".parquet")).length).toBe(3);
});
