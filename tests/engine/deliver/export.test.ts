import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Db } from "../../../engine/warehouse/duckdb.ts";
import { exportMart } from "../../../engine/deliver/export.ts";
import { MAX_REQUEST_BYTES, MAX_REQUEST_CELLS } from "../../../engine/deliver/sheets-writer.ts";
import { setQuiet } from "../../../engine/log.ts";
import { loadProject, type Project } from "../../../engine/config/project.ts";
import { openWriter, publishSnapshot } from "../../../engine/warehouse/snapshots.ts";
import { FakeGoogle } from "../../fakes/google.ts";

setQuiet(true);

const ROWS = 200_000;
let dir: string;
let project: Project;
let google: FakeGoogle;
let restoreEnv: () => void;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "dp-export-"));
  writeFileSync(join(dir, "project.yaml"), "name: exp\nsources: {}\n");
  project = loadProject(dir);
  const db = await openWriter(project);
  await db.run(`CREATE SCHEMA marts;
    CREATE TABLE marts.big AS SELECT range AS id, 'customer ' || range AS name, round(range * 1.25, 2) AS amount,
      DATE '2026-01-01' + (range % 300)::INT AS day, range % 2 = 0 AS active, CASE WHEN range % 10 = 0 THEN NULL ELSE '=1+1' END AS formula_like
      FROM range(${ROWS});
    CREATE TABLE marts.small AS SELECT range AS id FROM range(3);
    CREATE VIEW marts.huge AS SELECT range AS a, range AS b, range AS c, range AS d, range AS e FROM range(2000000)`);
  await db.run(
    "INSERT INTO _dp.model_runs (run_id, model, status, as_of, built_at) VALUES ('r1', 'big', 'success', TIMESTAMPTZ '2026-11-21 06:00:00+00', TIMESTAMPTZ '2026-11-21 06:05:00+00')",
  );
  await publishSnapshot(project, db, "r1");
  db.close();
  google = await FakeGoogle.start();
  google.addSpreadsheet("SHEET1", [{ title: "Sheet1", rowCount: 1000, columnCount: 26 }]);
  restoreEnv = google.useInProcess(dir);
});

afterAll(async () => {
  await google.close();
  restoreEnv();
  rmSync(dir, { recursive: true, force: true });
});

describe("Google Sheets export", () => {
  test(`${ROWS} rows go out in chunks under the request caps, RAW, with a header and an as-of note`, async () => {
    const t0 = performance.now();
    const r = await exportMart(project, "big", "sheets://SHEET1/Big Data");
    const ms = performance.now() - t0;
    const cols = 6;
    expect(r.rows).toBe(ROWS);
    expect(google.tokenErrors).toEqual([]);
    const writes = google.valueWrites;
    expect(writes.length).toBe(r.sheets!.requests);
    expect(writes.length).toBe(Math.ceil((ROWS + 1) / Math.floor(MAX_REQUEST_CELLS / cols)));
    for (const w of writes) {
      expect(w.cells).toBeLessThanOrEqual(MAX_REQUEST_CELLS);
      expect(w.bytes).toBeLessThanOrEqual(MAX_REQUEST_BYTES + 200);
      expect(w.valueInputOption).toBe("RAW");
    }
    expect(writes.reduce((n, w) => n + w.cells, 0)).toBe((ROWS + 1) * cols);
    const tab = google.tab("SHEET1", "Big Data")!;
    expect(tab.rows.length).toBe(ROWS + 1);
    expect(tab.rowCount).toBe(ROWS + 1);
    expect(tab.columnCount).toBe(cols);
    expect(tab.rows[0]).toEqual(["id", "name", "amount", "day", "active", "formula_like"]);
    expect(tab.rows[1]).toEqual([0, "customer 0", 0, "2026-01-01", true, ""]);
    expect(tab.rows[2]).toEqual([1, "customer 1", 1.25, "2026-01-02", false, "=1+1"]);
    expect(tab.notes["0,0"]).toContain("data as of 2026-11-21T06:00:00Z");
    console.log(
      `sheets export: ${ROWS} rows × ${cols} cols in ${ms.toFixed(0)} ms (${Math.round(ROWS / (ms / 1000))} rows/s), ${writes.length} write requests of ≤ ${Math.max(...writes.map((w) => w.cells))} cells / ${Math.max(...writes.map((w) => w.bytes))} bytes`,
    );
  }, 30_000);

  test("re-export replaces the tab: no second tab, no leftover rows, retries 429 and 500", async () => {
    google.valueWrites.length = 0;
    google.server.fail({ kind: "status", status: 429, retryAfter: "0" }, { path: /values:batchUpdate/, times: 1 });
    google.server.fail({ kind: "status", status: 500 }, { path: /SHEET1:batchUpdate$/, times: 1 });
    const r = await exportMart(project, "small", "sheets://SHEET1/Big Data");
    expect(r.rows).toBe(3);
    expect(google.spreadsheets.get("SHEET1")!.filter((s) => s.title === "Big Data").length).toBe(1);
    const tab = google.tab("SHEET1", "Big Data")!;
    expect(tab.rows).toEqual([["id"], [0], [1], [2]]);
    expect(tab.rowCount).toBe(4);
    expect(google.server.requests.filter((q) => q.fault).length).toBe(2);
  });

  test("past 10M cells it refuses before writing anything", async () => {
    const before = google.server.requests.length;
    await expect(exportMart(project, "huge", "sheets://SHEET1/Huge")).rejects.toThrow(/10,000,000/);
    expect(google.server.requests.length).toBe(before);
  });

  test("only catalog marts; an export from `dp ask` needs approval; every act is audited", async () => {
    await expect(exportMart(project, "_dp.runs", join(dir, "x.csv"))).rejects.toThrow(/not a published mart/);
    await expect(exportMart(project, "small", join(dir, "y.csv"), { actor: "ask" })).rejects.toThrow(/approval/);
    const r = await exportMart(project, "small", join(dir, "y.csv"), { actor: "ask", approved: true });
    expect(r.rows).toBe(3);
    const audit = readFileSync(join(dir, ".dp", "audit.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(audit.map((a) => `${a.actor}:${a.status}`)).toContain("ask:refused");
    expect(audit.at(-1)).toMatchObject({ action: "export", actor: "ask", status: "ok", rows: 3 });
  });
});

describe("file exports", () => {
  test("CSV and Parquet carry every row, written atomically from the snapshot", async () => {
    const t0 = performance.now();
    const csv = await exportMart(project, "marts.big", join(dir, "out", "big.csv"));
    const tCsv = performance.now() - t0;
    const pq = await exportMart(project, "big", join(dir, "out", "big.parquet"));
    expect(csv.rows).toBe(ROWS);
    expect(pq.rows).toBe(ROWS);
    expect(
      readFileSync(join(dir, "out", "big.csv"), "utf8")
        .trimEnd()
        .split("\n").length,
    ).toBe(ROWS + 1);
    const db = await Db.open(":memory:");
    const n = await db.one<{ n: number }>(
      `SELECT count(*) AS n FROM read_parquet('${join(dir, "out", "big.parquet")}')`,
    );
    db.close();
    expect(Number(n?.n)).toBe(ROWS);
    console.log(`csv export: ${ROWS} rows in ${tCsv.toFixed(0)} ms`);
  });
});
