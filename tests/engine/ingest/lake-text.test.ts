import { expect, test } from "bun:test";
import { Db } from "../../../engine/warehouse/duckdb.ts";
import { StreamWriter, type LandedFile } from "../../../engine/ingest/lake-writer.ts";
import { recordsFromText } from "../../../engine/ingest/records-text.ts";
import { tempDir } from "../../helpers.ts";

const PAGE = 1000;

const base = (id: number): Record<string, unknown> => ({
  id,
  at: "2026-01-01T00:00:00Z",
  day: "2026-01-01",
  amount: id % 2 ? 1.5 : 2,
  s: `a "q" [${id}] {x} \\ é 😀 \n end`,
  meta: { a: "x", n: null },
  tags: [{ k: "v" }],
});

/** Land the same pages through write() (parsed records) or writeText() (the page's text); return the file and its rows. */
async function land(bodies: string[], viaText: boolean): Promise<{ file: LandedFile; rows: unknown[] }> {
  const db = await Db.open(":memory:");
  const writer = new StreamWriter(db, {
    lakeDir: tempDir("dp-lake-text-"),
    source: "api",
    stream: { name: "things", primaryKey: ["id"] },
    runId: "r1",
    loadedAt: new Date("2026-11-21T06:00:00Z"),
  });
  try {
    for (const body of bodies) {
      if (viaText) writer.writeText(recordsFromText(body, ["data"], [])!.records);
      else writer.write(JSON.parse(body).data);
    }
    const file = (await writer.flush())!;
    const rows = await db.all(
      `SELECT * EXCLUDE (_dp_run_id, _dp_loaded_at) FROM read_parquet('${file.path}') ORDER BY id`,
    );
    return { file, rows };
  } finally {
    writer.cleanup();
    db.close();
  }
}

function pages(n: number, change: (id: number) => Record<string, unknown> = base, pretty = false): string[] {
  return Array.from({ length: Math.ceil(n / PAGE) }, (_, p) => {
    const records = Array.from({ length: Math.min(PAGE, n - p * PAGE) }, (_, i) => change(p * PAGE + i));
    return JSON.stringify({ data: records, next: p + 1 }, null, pretty ? 2 : undefined).replace(
      /"amount": ?2\b/g,
      '"amount":2.00',
    );
  });
}

async function expectSameLanding(bodies: string[]): Promise<LandedFile> {
  const parsed = await land(bodies, false);
  const text = await land(bodies, true);
  expect(text.file.rows).toBe(parsed.file.rows);
  expect(text.file.schema).toEqual(parsed.file.schema);
  expect(text.rows).toEqual(parsed.rows);
  return text.file;
}

test("pages spooled as text land exactly as parsed records do (strings with quotes, brackets, escapes, unicode, newlines)", async () => {
  const file = await expectSameLanding(pages(6000));
  expect(file.rows).toBe(6000);
  expect(file.schema.find((c) => c.name === "amount")?.type).toBe("DOUBLE");
});

test("pretty-printed pages land as compact ones do", async () => {
  await expectSameLanding(pages(3000, base, true));
});

test("a key or kind first seen after the sampled pages is not lost on the text path", async () => {
  const late = (id: number) =>
    id === 5500 ? { ...base(id), extra: true, amount: 1.25, meta: { a: "x", n: 7 }, day: "soon" } : base(id);
  const file = await expectSameLanding(pages(7000, late));
  expect(file.schema.find((c) => c.name === "extra")?.type).toBe("BOOLEAN");
  expect(file.schema.find((c) => c.name === "day")?.type).toBe("VARCHAR");
  expect(file.schema.find((c) => c.name === "meta")?.type).toContain("n BIGINT");
});
