/**
 * Sheets exports against the fake built from Google's Sheets API v4 reference (issue #21 item 9):
 * the old data survives a failed write, per-minute quota 429s (no Retry-After) are waited out,
 * an empty mart makes a new tab, oversized cells and the 10M-cell workbook are refused before any
 * request, a `%` in a tab name works, integers past 2^53 arrive exact.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadProject, type Project } from "../../../engine/config/project.ts";
import { exportMart } from "../../../engine/deliver/export.ts";
import { stagingTitle } from "../../../engine/deliver/sheets-writer.ts";
import { setQuiet } from "../../../engine/log.ts";
import { openWriter, publishSnapshot } from "../../../engine/warehouse/snapshots.ts";
import { FakeGoogle } from "../../fakes/google.ts";
import { tempDir } from "../../helpers.ts";

setQuiet(true);
let dir: string;
let project: Project;
let google: FakeGoogle;
let restoreEnv: () => void;
const OLD = [
  ["id", "note"],
  [1, "old one"],
  [2, "old two"],
];

beforeAll(async () => {
  dir = tempDir("dp-sheets-safety-");
  writeFileSync(join(dir, "project.yaml"), "name: safety\nsources: {}\n");
  project = loadProject(dir);
  const db = await openWriter(project);
  await db.run(`CREATE SCHEMA marts;
    CREATE TABLE marts.fresh AS SELECT range AS id, 'new ' || range AS note FROM range(500);
    CREATE TABLE marts.empty AS SELECT 1 AS id, 'x' AS note WHERE false;
    CREATE TABLE marts.long_text AS SELECT 1 AS id, repeat('a', 50001) AS body;
    CREATE TABLE marts.wide AS SELECT * FROM (VALUES
      (9007199254740993::BIGINT, 170141183460469231731687303715884105727::HUGEINT, 12345678901234567.89::DECIMAL(38,2), 42::BIGINT, 1.5::DECIMAL(10,2))
    ) t(big, huge, dec, small, price);
    CREATE VIEW marts.nine_million AS SELECT range AS a, range AS b, range AS c FROM range(3000000)`);
  await publishSnapshot(project, db, "r1");
  db.close();
  google = await FakeGoogle.start();
  restoreEnv = google.useInProcess(dir);
});

afterAll(async () => {
  await google.close();
  restoreEnv();
  rmSync(dir, { recursive: true, force: true });
});

const sheet = (id: string, title = "Report") =>
  google.addSpreadsheet(id, [{ title, rowCount: 3, columnCount: 2, rows: structuredClone(OLD) }]);

describe("a failed export leaves the tab as it was", () => {
  test("writes that keep failing: the old rows stay, no staging tab is left behind", async () => {
    sheet("S-FAIL");
    google.server.fail({ kind: "status", status: 503 }, { path: /values:batchUpdate/, times: 50 });
    await expect(exportMart(project, "fresh", "sheets://S-FAIL/Report")).rejects.toThrow(/google sheets failed/);
    google.server.clearFaults();
    const tabs = google.spreadsheets.get("S-FAIL")!;
    expect(google.tab("S-FAIL", "Report")!.rows).toEqual(OLD);
    expect(tabs.map((t) => t.title)).toEqual(["Report"]);
  });

  test("the swap itself refused: the old rows stay; the next export replaces them and the stale staging tab", async () => {
    sheet("S-SWAP");
    google.server.fail(
      { kind: "status", status: 400, body: { error: { code: 400, message: "boom" } } },
      { path: /S-SWAP:batchUpdate$/, after: 1, times: 2 },
    );
    await expect(exportMart(project, "fresh", "sheets://S-SWAP/Report")).rejects.toThrow(/refused/);
    expect(google.tab("S-SWAP", "Report")!.rows).toEqual(OLD);
    const r = await exportMart(project, "fresh", "sheets://S-SWAP/Report");
    expect(r.rows).toBe(500);
    const tab = google.tab("S-SWAP", "Report")!;
    expect(tab.rows.length).toBe(501);
    expect(tab.rows[1]).toEqual([0, "new 0"]);
    expect(tab.hidden ?? false).toBe(false);
    expect(google.spreadsheets.get("S-SWAP")!.map((t) => t.title)).toEqual(["Report"]);
  });

  test("the tab keeps its sheetId (formulas and charts that point at it keep working)", async () => {
    sheet("S-ID");
    const id = google.tab("S-ID", "Report")!.sheetId;
    await exportMart(project, "fresh", "sheets://S-ID/Report");
    expect(google.tab("S-ID", "Report")!.sheetId).toBe(id);
    expect(google.tab("S-ID", "Report")!.frozenRowCount).toBe(1);
    expect(google.tab("S-ID", stagingTitle("Report"))).toBeUndefined();
  });
});

describe("Sheets' per-minute quota", () => {
  test("429 RESOURCE_EXHAUSTED without Retry-After is waited out with doubling delays until the window turns", async () => {
    google.addSpreadsheet("S-QUOTA");
    // 3 writes per 300 ms window (Google: 60 per minute); the export needs 4 writes
    google.writeQuota = { perWindow: 3, windowMs: 300 };
    try {
      const r = await exportMart(project, "fresh", "sheets://S-QUOTA/Report");
      expect(r.rows).toBe(500);
      expect(google.quotaRefusals).toBeGreaterThan(0);
      expect(google.tab("S-QUOTA", "Report")!.rows.length).toBe(501);
    } finally {
      google.writeQuota = { perWindow: Number.POSITIVE_INFINITY, windowMs: 60_000 };
    }
  });
});

describe("what used to fail after the tab was cleared", () => {
  test("an empty mart to a new tab: the header alone, nothing frozen", async () => {
    google.addSpreadsheet("S-EMPTY");
    const r = await exportMart(project, "empty", "sheets://S-EMPTY/Nothing yet");
    expect(r.rows).toBe(0);
    const tab = google.tab("S-EMPTY", "Nothing yet")!;
    expect(tab.rows).toEqual([["id", "note"]]);
    expect(tab.frozenRowCount ?? 0).toBe(0);
  });

  test("a cell over 50,000 characters is refused before any request, naming the column", async () => {
    sheet("S-LONG");
    const before = google.server.requests.length;
    await expect(exportMart(project, "long_text", "sheets://S-LONG/Report")).rejects.toThrow(
      /column body holds a value of 50,001 characters/,
    );
    expect(google.server.requests.length).toBe(before);
    expect(google.tab("S-LONG", "Report")!.rows).toEqual(OLD);
  });

  test("a tab name with % works (no URI error), and %20 still reads as a space", async () => {
    google.addSpreadsheet("S-PCT");
    await exportMart(project, "fresh", "sheets://S-PCT/Growth 100%");
    expect(google.tab("S-PCT", "Growth 100%")!.rows.length).toBe(501);
    await exportMart(project, "fresh", "sheets://S-PCT/Q3%20plan");
    expect(google.tab("S-PCT", "Q3 plan")!.rows.length).toBe(501);
  });

  test("integers above 2^53 and wide decimals arrive exact; small ones stay numbers", async () => {
    google.addSpreadsheet("S-WIDE");
    await exportMart(project, "wide", "sheets://S-WIDE/Wide");
    expect(google.tab("S-WIDE", "Wide")!.rows[1]).toEqual([
      "9007199254740993",
      "170141183460469231731687303715884105727",
      "12345678901234567.89",
      42,
      1.5,
    ]);
  });

  test("the 10M-cell check counts the other tabs and refuses before reading the mart", async () => {
    // 9M cells fit alone, but the other tab holds 2M
    google.addSpreadsheet("S-FULL", [{ title: "Big", rowCount: 100_000, columnCount: 20 }]);
    const before = google.server.requests.filter((r) => r.method === "POST" && r.path.startsWith("/v4/")).length;
    const t0 = performance.now();
    await expect(exportMart(project, "nine_million", "sheets://S-FULL/Report")).rejects.toThrow(
      /needs 9,000,003 cells and the other tabs hold 2,000,000/,
    );
    const ms = performance.now() - t0;
    expect(google.server.requests.filter((r) => r.method === "POST" && r.path.startsWith("/v4/")).length).toBe(before);
    // reading 3M rows into memory takes seconds; the refusal needs a count and one metadata request
    expect(ms).toBeLessThan(3_000);
  });
});
