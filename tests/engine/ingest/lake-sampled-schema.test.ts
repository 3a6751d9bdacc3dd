import { expect, test } from "bun:test";
import { Db } from "../../../engine/warehouse/duckdb.ts";
import { StreamWriter, type LandedFile } from "../../../engine/ingest/lake-writer.ts";
import { tempDir } from "../../helpers.ts";

// past the writer's inference sample (4,096 records), so the late record is one DuckDB would not sample
const N = 6000;
const LATE = 5000;

const base = (id: number): Record<string, unknown> => ({
  id,
  at: "2026-01-01T00:00:00Z",
  day: "2026-01-01",
  amount: 3,
  meta: { a: "x" },
  tags: [{ k: "v" }],
});

/** Land N records, the one at LATE replaced, as one file; return its schema and the late row. */
async function landWithLate(
  late: Record<string, unknown>,
): Promise<{ file: LandedFile; row: Record<string, unknown> }> {
  const db = await Db.open(":memory:");
  const writer = new StreamWriter(db, {
    lakeDir: tempDir("dp-lake-sample-"),
    source: "api",
    stream: { name: "things", primaryKey: ["id"] },
    runId: "r1",
    loadedAt: new Date("2026-11-21T06:00:00Z"),
  });
  try {
    for (let page = 0; page < N / 1000; page++)
      writer.write(Array.from({ length: 1000 }, (_, i) => (page * 1000 + i === LATE ? late : base(page * 1000 + i))));
    const file = (await writer.flush())!;
    const [row] = await db.all(
      `SELECT * EXCLUDE (_dp_run_id, _dp_loaded_at) FROM read_parquet('${file.path}') WHERE id = ${LATE}`,
    );
    return { file, row: row! };
  } finally {
    writer.cleanup();
    db.close();
  }
}

const typeOf = (f: LandedFile, name: string) => f.schema.find((c) => c.name === name)?.type;

test("records that all look like the sample land with the sample's types", async () => {
  const { file, row } = await landWithLate(base(LATE));
  expect(file.rows).toBe(N);
  expect(typeOf(file, "at")).toBe("TIMESTAMP");
  expect(typeOf(file, "day")).toBe("DATE");
  expect(row).toMatchObject({ id: LATE, amount: 3, meta: { a: "x" } });
});

test("a key first seen after the sample, at any depth, becomes a column instead of being dropped", async () => {
  const { file, row } = await landWithLate({
    ...base(LATE),
    extra: true,
    meta: { a: "x", b: 7 },
    tags: [{ k: "v", n: 1 }],
  });
  expect(typeOf(file, "extra")).toBe("BOOLEAN");
  expect(typeOf(file, "meta")).toContain("b BIGINT");
  // nested BIGINTs come back from Db.all as strings
  expect(row).toMatchObject({ extra: true, meta: { a: "x", b: "7" }, tags: [{ k: "v", n: "1" }] });
});

test("a fraction after the sample in a column of integers is not rounded", async () => {
  const { file, row } = await landWithLate({ ...base(LATE), amount: 1.5 });
  expect(typeOf(file, "amount")).toBe("DOUBLE");
  expect(row.amount).toBe(1.5);
});

test("a string after the sample that the sampled type cannot hold is kept whole: the file is inferred over every record", async () => {
  const { file, row } = await landWithLate({ ...base(LATE), day: "2026-01-01T10:30:00Z", at: "soon" });
  expect(typeOf(file, "at")).toBe("VARCHAR");
  expect(row.at).toBe("soon");
  expect(typeOf(file, "day")).toBe("VARCHAR");
  expect(row.day).toBe("2026-01-01T10:30:00Z");
});
