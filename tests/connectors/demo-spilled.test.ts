import { describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { BATCH_TEXT, JsonLines, shapeKey } from "../../connectors/demo/json-lines.ts";
import { SPILL_PREFIX, SpilledRecords } from "../../connectors/demo/spilled.ts";
import type { RawRecord } from "../../engine/ingest/connector.ts";
import { RecordShape, type ShapeNode } from "../../engine/ingest/record-shape.ts";
import type { RecordsText } from "../../engine/ingest/records-text.ts";

const lines = (text: RecordsText): RawRecord[] =>
  text.ndjson
    .split("\n")
    .slice(0, text.count)
    .map((l) => JSON.parse(l) as RawRecord);

/** a shape written out with its keys in order (RecordShape.equals does not look at the order) */
function described(node: ShapeNode | undefined): unknown {
  if (!node) return undefined;
  return {
    kinds: node.kinds,
    width: node.width,
    items: described(node.items),
    keys: node.keys && [...node.keys].map(([k, child]) => [k, described(child)]),
  };
}

/** what the lake writer made of parsed records: their shape, and the NDJSON it spooled */
function asWritten(records: RawRecord[]): { ndjson: string; shape: unknown } {
  const shape = new RecordShape();
  shape.add(records);
  return { ndjson: records.map((r) => `${JSON.stringify(r)}\n`).join(""), shape: described(shape.root) };
}

/** The demo's HubSpot streams sort a stream's records in a temporary file, not the heap (issue #18). */
describe("SpilledRecords", () => {
  const made = (i: number): RawRecord => ({
    id: String(1000 - (i % 7)),
    updatedAt: `2026-01-0${(i % 3) + 1}T00:00:00.000Z`,
    properties: { name: `Acme ${i} — café ✓`, amount: i * 1.5, big: 2 ** 53 - i, none: null, flag: i % 2 === 0 },
    history: [
      { value: String(i), at: i },
      { value: "", at: -0.25 },
    ],
    empty: {},
    // kinds of record that differ in shape, some only in what JSON makes of them
    ...(i % 5 === 0 ? { archivedAt: undefined, extra: [1, "a", null, { x: 1 }] } : {}),
    ...(i % 11 === 0 ? { when: new Date(0), ratio: Number.NaN, list: [undefined, 2.5] } : {}),
  });

  test("hands the records back as their JSON lines, in the order Array.sort (stable) gives, with their shape", () => {
    const records = Array.from({ length: 2_500 }, (_, i) => made(i));
    const keyed = records.map((r, i) => ({ r, t: i % 3, id: Number(r.id) }));
    const spilled = new SpilledRecords();
    try {
      for (const k of keyed) spilled.add(k.r, k.t, k.id);
      expect(spilled.count).toBe(2_500);
      const expected = [...keyed].sort((a, b) => a.t - b.t || a.id - b.id).map((k) => JSON.parse(JSON.stringify(k.r)));
      const batches = [...spilled.sorted(1_000)];
      expect(batches.map((b) => b.count)).toEqual([1_000, 1_000, 500]);
      expect(batches.flatMap(lines)).toEqual(expected);
      // each batch is the text and the shape the lake writer got from the parsed records
      for (const [n, b] of batches.entries()) {
        const written = asWritten(expected.slice(n * 1_000, (n + 1) * 1_000));
        expect(b.ndjson).toBe(written.ndjson);
        expect(described(b.shape.root)).toEqual(written.shape);
      }
      // key 0 and the lowest id (994) first, and of those the one added first
      expect(lines(batches[0]!)[0]!.properties).toEqual(records[6]!.properties as never);
      expect(lines(batches[0]!)[1]!.properties).toEqual(records[27]!.properties as never);
      const inOrder = [...spilled.inOrder(2_000)];
      expect(inOrder.flatMap(lines)).toEqual(records.map((r) => JSON.parse(JSON.stringify(r))));
      expect(described(inOrder[1]!.shape.root)).toEqual(asWritten(lines(inOrder[1]!)).shape);
    } finally {
      spilled.close();
    }
  });

  test("shapeKey: the same key only for values JSON gives the same shape", () => {
    expect(shapeKey({ a: 1, b: undefined })).toBe(shapeKey({ a: 2 }));
    expect(shapeKey({ a: 1 })).not.toBe(shapeKey({ a: 1.5 }));
    expect(shapeKey({ a: 1, b: 2 })).not.toBe(shapeKey({ b: 2, a: 1 }));
    expect(shapeKey({ d: new Date(0) })).toBe(shapeKey({ d: "1970-01-01T00:00:00.000Z" }));
    expect(shapeKey([Number.NaN, undefined])).toBe(shapeKey([null]));
    expect(shapeKey([{ x: 1 }, { y: 2 }])).not.toBe(shapeKey([{ y: 2 }, { x: 1 }]));
    expect(shapeKey({ "a:b": 1 })).not.toBe(shapeKey({ a: { b: 1 } }));
  });

  test("a batch stops at BATCH_TEXT of JSON before MAX_BATCH records, in both orders", () => {
    const spilled = new SpilledRecords();
    try {
      const records = Array.from({ length: 40 }, (_, i) => ({ id: String(i), text: "x".repeat(700_000 + i) }));
      for (const [i, r] of records.entries()) spilled.add(r, 40 - i, i);
      for (const batches of [[...spilled.sorted(10_000)], [...spilled.inOrder(10_000)]]) {
        expect(batches.reduce((n, b) => n + b.count, 0)).toBe(40);
        for (const b of batches.slice(0, -1)) {
          // the record that took it past BATCH_TEXT is its last
          expect(b.bytes.length).toBeGreaterThanOrEqual(BATCH_TEXT);
          expect(b.bytes.length - (lines(b).at(-1)!.text as string).length).toBeLessThan(BATCH_TEXT);
        }
      }
      expect(lines([...spilled.sorted(10_000)][0]!)[0]!.id).toBe("39");
    } finally {
      spilled.close();
    }
  });

  test("JsonLines: records made into lines as they come, full at MAX_BATCH records or BATCH_TEXT", () => {
    const batch = new JsonLines();
    const records = Array.from({ length: 300 }, (_, i) => made(i));
    for (const r of records.slice(0, 299)) batch.add(r);
    expect(batch.full(300)).toBe(false);
    batch.add(records[299]);
    expect(batch.full(300)).toBe(true);
    const text = batch.take();
    // the text and the shape the lake writer made of the records themselves
    expect(text.count).toBe(300);
    expect(text.ndjson).toBe(asWritten(records).ndjson);
    expect(described(text.shape.root)).toEqual(asWritten(records).shape);
    expect(batch.count).toBe(0);
    expect(batch.take().count).toBe(0);
    batch.add({ id: "1", text: "x".repeat(BATCH_TEXT) });
    expect(batch.full(10_000)).toBe(true);
  });

  test("a record bigger than a batch's usual size, an empty set, and no file left in the temporary directory", () => {
    const before = readdirSync(tmpdir()).filter((f) => f.startsWith(SPILL_PREFIX)).length;
    const spilled = new SpilledRecords();
    // unlinked once open: nothing to leave behind even if the process is killed
    expect(readdirSync(tmpdir()).filter((f) => f.startsWith(SPILL_PREFIX)).length).toBe(before);
    expect([...spilled.sorted(10)]).toEqual([]);
    const huge = { id: "1", text: "x".repeat(300_000) };
    spilled.add(huge, 2, 1);
    spilled.add({ id: "2" }, 1, 2);
    expect([...spilled.sorted(10)].map(lines)).toEqual([[{ id: "2" }, huge]]);
    spilled.close();
    expect(readdirSync(tmpdir()).filter((f) => f.startsWith(SPILL_PREFIX)).length).toBe(before);
  });
});
