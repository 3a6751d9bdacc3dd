import { describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { SPILL_PREFIX, SpilledRecords } from "../../connectors/demo/spilled.ts";
import type { RawRecord } from "../../engine/ingest/connector.ts";

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
  });

  test("hands the records back as JSON.parse of their JSON, in the order Array.sort (stable) gives", () => {
    const records = Array.from({ length: 2_500 }, (_, i) => made(i));
    const keyed = records.map((r, i) => ({ r, t: i % 3, id: Number(r.id) }));
    const spilled = new SpilledRecords();
    try {
      for (const k of keyed) spilled.add(k.r, k.t, k.id);
      expect(spilled.count).toBe(2_500);
      const expected = [...keyed].sort((a, b) => a.t - b.t || a.id - b.id).map((k) => JSON.parse(JSON.stringify(k.r)));
      const batches = [...spilled.sorted(1_000)];
      expect(batches.map((b) => b.length)).toEqual([1_000, 1_000, 500]);
      expect(batches.flat()).toEqual(expected);
      // key 0 and the lowest id (994) first, and of those the one added first
      expect(batches[0]![0]!.properties).toEqual(records[6]!.properties as never);
      expect(batches[0]![1]!.properties).toEqual(records[27]!.properties as never);
      expect([...spilled.inOrder(2_000)].flat()).toEqual(records.map((r) => JSON.parse(JSON.stringify(r))));
    } finally {
      spilled.close();
    }
  });

  test("a record bigger than the read buffer, an empty set, and no file left in the temporary directory", () => {
    const before = readdirSync(tmpdir()).filter((f) => f.startsWith(SPILL_PREFIX)).length;
    const spilled = new SpilledRecords();
    // unlinked once open: nothing to leave behind even if the process is killed
    expect(readdirSync(tmpdir()).filter((f) => f.startsWith(SPILL_PREFIX)).length).toBe(before);
    expect([...spilled.sorted(10)]).toEqual([]);
    const huge = { id: "1", text: "x".repeat(300_000) };
    spilled.add(huge, 2, 1);
    spilled.add({ id: "2" }, 1, 2);
    expect([...spilled.sorted(10)]).toEqual([[{ id: "2" }, huge]]);
    spilled.close();
    expect(readdirSync(tmpdir()).filter((f) => f.startsWith(SPILL_PREFIX)).length).toBe(before);
  });
});
