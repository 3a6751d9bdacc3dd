import { expect, test } from "bun:test";
import { Db } from "../../../engine/warehouse/duckdb.ts";
import { StreamWriter, type LandedFile } from "../../../engine/ingest/lake-writer.ts";
import { pageFromBytes, recordsFromText } from "../../../engine/ingest/records-text.ts";
import { parseJson } from "../../../engine/ingest/exact-json.ts";
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
async function land(bodies: string[], viaText: boolean | "bytes"): Promise<{ file: LandedFile; rows: unknown[] }> {
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
      if (viaText === "bytes") writer.writeText(pageFromBytes(Buffer.from(body), ["data"], []).text!);
      else if (viaText) writer.writeText(recordsFromText(body, ["data"], [])!.records);
      else writer.write(parseJson<{ data: Record<string, unknown>[] }>(body).data);
    }
    const file = (await writer.flush())!;
    const rows = await db.all(
      `SELECT * EXCLUDE (_dp_run_id, _dp_loaded_at) FROM read_parquet('${file.path}') ORDER BY id::VARCHAR`,
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

test("a page's bytes land the same Parquet as its parsed records: big integers, decimals, unicode, nulls, nested objects", async () => {
  const tricky = (id: number) =>
    `{"id":${id},"big":${id % 3 ? "9007199254740993" : "18446744073709551615"},"huge":123456789012345678901234567890,` +
    `"dec":${id % 2 ? "1.50" : "0.10"},"exp":${id % 5 ? "1e20" : "2.5e-7"},"neg":-0,` +
    `"clé":"é ü 日本 😀 \\u00e9 \\ud83d\\ude00","日本":{"ключ":${id % 4 ? "null" : `"v${id}"`},"n":{"deep":[1,{"x":null}]}},` +
    `"tags":[],"maybe":null,"flag":${id % 2 === 0}}`;
  const bodies = Array.from({ length: 3 }, (_, p) => {
    const records = Array.from({ length: 1000 }, (_, i) => tricky(p * 1000 + i)).join(",");
    return `{"data":[${records}],"next":"é"}`;
  });
  const parsed = await land(bodies, false);
  const bytes = await land(bodies, "bytes");
  expect(bytes.file.rows).toBe(3000);
  expect(bytes.file.schema).toEqual(parsed.file.schema);
  expect(bytes.rows).toEqual(parsed.rows);
  const types = Object.fromEntries(bytes.file.schema.map((c) => [c.name, c.type]));
  expect(types.big).toBe("DECIMAL(38,0)");
  expect(types.dec).toBe("DOUBLE");
  const db = await Db.open(":memory:");
  try {
    const [first] = await db.all(
      `SELECT big::VARCHAR AS big, huge::VARCHAR AS huge, "clé" AS s, "日本"."ключ" AS k FROM read_parquet('${bytes.file.path}') ORDER BY id LIMIT 1`,
    );
    expect(first).toEqual({
      big: "18446744073709551615",
      huge: "123456789012345678901234567890",
      s: "é ü 日本 😀 é 😀",
      k: "v0",
    });
  } finally {
    db.close();
  }
});
