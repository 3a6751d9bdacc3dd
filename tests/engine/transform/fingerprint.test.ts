import { expect, test } from "bun:test";
import { modelFingerprint } from "../../../engine/transform/fingerprint.ts";
import type { Model } from "../../../engine/transform/models.ts";

const model = { hash: "h", materialized: "table", sources: [] } as unknown as Model;
const at = (sql: string, nowIso: string) =>
  modelFingerprint({ model, sql, streams: new Map(), parents: [["p", "v1"]], attached: [], nowIso });

test("a fingerprint moves with the clock only when the SQL reads it (not when a comment says 'now')", () => {
  const t1 = "2026-11-21T06:00:00.000Z";
  const t2 = "2026-11-21T06:15:00.000Z";
  const t3 = "2026-11-22T06:00:00.000Z";
  const comment = "-- subscriptions as they stand now, today\nselect 1";
  expect(at(comment, t1)).toBe(at(comment, t3));
  expect(at("select now() as t", t1)).not.toBe(at("select now() as t", t2));
  expect(at("select current_date as d", t1)).toBe(at("select current_date as d", t2));
  expect(at("select current_date as d", t1)).not.toBe(at("select current_date as d", t3));
  // a parent's new data version is a new fingerprint
  expect(
    modelFingerprint({ model, sql: "select 1", streams: new Map(), parents: [["p", "v2"]], attached: [], nowIso: t1 }),
  ).not.toBe(at("select 1", t1));
});
