/**
 * The Stripe staging models that unnest JSON lists, under a small warehouse.memory_limit. Each parses its
 * list once (from_json into the fields it keeps); with a `->>` extraction per field stg_stripe__invoice_lines
 * ran out of memory on the first 20k invoices under 256 MB (and on the 10× demo under 500 MB);
 * stg_stripe__subscription_items, whose aggregate kept every subscription's items JSON, on the 10× demo under 500 MB.
 * int_stripe__subscription_states reads each subscription event's state once (from_json, the state before an event
 * laid over field by field): with json_merge_patch on whole objects and a `->>` per field it needed 192 MB at this
 * scale (out of memory under 128 MB) and ran out of memory in the 10× demo build under 500 MB.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { runDp, snapshotRows, tempDir } from "../helpers.ts";

let dir: string;

beforeAll(async () => {
  dir = join(tempDir("dp-lines-mem-"), "acme");
  expect((await runDp(["init", dir, "--demo"])).code).toBe(0);
  const path = join(dir, "project.yaml");
  const doc = parseDocument(readFileSync(path, "utf8"));
  // ≈20k invoices: one landed file, one row group
  doc.setIn(["sources", "stripe", "config", "scale"], 3000);
  doc.setIn(["warehouse", "memory_limit"], "256MB");
  writeFileSync(path, doc.toString());
  const pull = await runDp(["pull", "stripe", "-C", dir], { timeoutMs: 240_000 });
  expect(pull.code).toBe(0);
}, 300_000);

afterAll(() => {
  if (dir) rmSync(join(dir, ".."), { recursive: true, force: true });
});

describe("Stripe staging models under warehouse.memory_limit: 256MB", () => {
  test("builds, with one row per line of each invoice's latest version and the same values the JSON holds", async () => {
    const build = await runDp(["build", "-s", "stg_stripe__invoice_lines", "--json", "-C", dir], {
      timeoutMs: 240_000,
    });
    expect(build.stderr).not.toContain("Out of Memory");
    expect(build.code).toBe(0);
    const [built] = await snapshotRows(
      dir,
      `SELECT count(*)::int AS n, count(DISTINCT invoice_line_id)::int AS ids, count(DISTINCT invoice_id)::int AS invoices,
              sum(amount)::DOUBLE AS amount, count(*) FILTER (WHERE period_start_at IS NULL)::int AS no_period,
              count(*) FILTER (WHERE price_id IS NULL)::int AS no_price
       FROM staging.stg_stripe__invoice_lines`,
    );
    const [raw] = await snapshotRows(
      dir,
      `SELECT count(*)::int AS n, sum(CAST(l ->> '$.amount' AS DOUBLE) / 100)::DOUBLE AS amount
       FROM (SELECT unnest(CAST(lines -> '$.data' AS JSON[])) AS l FROM raw.stripe__invoices WHERE NOT coalesce(deleted, false))`,
    );
    expect(Number(built!.n)).toBeGreaterThan(15_000);
    expect(built!.n).toBe(raw!.n);
    expect(built!.ids).toBe(built!.n);
    expect(Number(built!.amount)).toBeCloseTo(Number(raw!.amount), 2);
    expect(built!.no_period).toBe(0);
    expect(built!.no_price).toBe(0);
  }, 300_000);

  test("stg_stripe__subscription_items builds, one row per item of each subscription's latest version", async () => {
    // its JSON is a few MB at this scale: this checks the parse, not the memory the 10× demo needed
    const build = await runDp(
      ["build", "-s", "stg_stripe__prices stg_stripe__subscription_items", "--json", "-C", dir],
      {
        timeoutMs: 240_000,
      },
    );
    expect(build.stderr).not.toContain("Out of Memory");
    expect(build.code).toBe(0);
    const [built] = await snapshotRows(
      dir,
      `SELECT count(*)::int AS n, count(DISTINCT subscription_item_id)::int AS ids,
              count(*) FILTER (WHERE price_id IS NULL OR current_period_end_at IS NULL)::int AS unparsed
       FROM staging.stg_stripe__subscription_items`,
    );
    const [raw] = await snapshotRows(
      dir,
      `SELECT sum(json_array_length(items -> '$.data'))::int AS n
       FROM (SELECT arg_max(items, _dp_loaded_at) AS items FROM raw.stripe__subscriptions GROUP BY id)`,
    );
    expect(Number(built!.n)).toBeGreaterThan(2_000);
    expect(built!.n).toBe(raw!.n);
    expect(built!.ids).toBe(built!.n);
    expect(built!.unparsed).toBe(0);
  }, 300_000);

  test("int_stripe__subscription_states builds under 128MB, one row per subscription and month end since it began", async () => {
    // its parents under the file's 256MB, then the states model alone under 128MB
    const parents = await runDp(
      [
        "build",
        "-s",
        "+int_stripe__month_ends stg_stripe__subscriptions stg_stripe__events stg_stripe__invoices stg_stripe__invoice_lines stg_stripe__charges stg_stripe__coupons stg_stripe__discounts",
        "-C",
        dir,
      ],
      { timeoutMs: 240_000 },
    );
    expect(parents.code).toBe(0);
    const path = join(dir, "project.yaml");
    const doc = parseDocument(readFileSync(path, "utf8"));
    doc.setIn(["warehouse", "memory_limit"], "128MB");
    writeFileSync(path, doc.toString());
    try {
      const build = await runDp(["build", "-s", "int_stripe__subscription_states", "--json", "-C", dir], {
        timeoutMs: 240_000,
      });
      expect(build.stderr).not.toContain("Out of Memory");
      expect(build.code).toBe(0);
    } finally {
      doc.setIn(["warehouse", "memory_limit"], "256MB");
      writeFileSync(path, doc.toString());
    }
    const [built] = await snapshotRows(
      dir,
      `SELECT count(*)::int AS n, count(DISTINCT (subscription_id, month))::int AS keys,
              count(*) FILTER (WHERE rebuilt_from = 'events')::int AS from_events,
              count(*) FILTER (WHERE is_counted AND len(items) = 0)::int AS counted_without_items
       FROM intermediate.int_stripe__subscription_states`,
    );
    const [expected] = await snapshotRows(
      dir,
      `SELECT count(*)::int AS n FROM staging.stg_stripe__subscriptions s
       JOIN intermediate.int_stripe__month_ends me ON s.created_at <= me.as_of`,
    );
    expect(Number(built!.n)).toBeGreaterThan(20_000);
    expect(built!.n).toBe(expected!.n);
    expect(built!.keys).toBe(built!.n);
    expect(Number(built!.from_events)).toBeGreaterThan(0);
    expect(built!.counted_without_items).toBe(0);
    // the current month is the subscription as pulled: counted when active or past due and not paused
    const [current] = await snapshotRows(
      dir,
      `SELECT count(*) FILTER (WHERE st.is_counted)::int AS counted,
              count(*) FILTER (WHERE s.status IN ('active', 'past_due') AND s.pause_collection_behavior IS NULL)::int AS expected
       FROM intermediate.int_stripe__subscription_states st
       JOIN staging.stg_stripe__subscriptions s USING (subscription_id)
       JOIN intermediate.int_stripe__month_ends me USING (month)
       WHERE me.is_current`,
    );
    expect(Number(current!.counted)).toBeGreaterThan(500);
    expect(current!.counted).toBe(current!.expected);
  }, 300_000);
});
