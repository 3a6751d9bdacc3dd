import { describe, expect, test } from "bun:test";
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Db, literal } from "../../engine/warehouse/duckdb.ts";
import { dp, runDp, snapshotRows, tempDir } from "../helpers.ts";

/**
 * The pack's staging models are incremental (merge by id, newest landing wins): a cron run reads only
 * the raw rows landed since the last build. Whatever it reads, the result must be the one a full build
 * of the same lake gives, row for row: an object updated replaces its row, a deleted customer, an
 * archived deal and a deleted invoice (with its lines) leave.
 */
const T0 = "2026-11-21T06:00:00Z";
const T1 = "2026-11-23T06:00:00Z";
const LANDED = "2026-11-23T06:01:00Z";

function demo(): string {
  const dir = join(tempDir("dp-incremental-"), "acme");
  expect(dp(["init", dir, "--demo"]).code).toBe(0);
  const path = join(dir, "project.yaml");
  writeFileSync(path, readFileSync(path, "utf8").replace(/scale: small/g, "scale: 40"));
  return dir;
}

async function ok(args: string[], now: string): Promise<string> {
  const r = await runDp(args, { env: { DP_NOW: now }, timeoutMs: 240_000 });
  if (r.code !== 0) throw new Error(`dp ${args.join(" ")} exited ${r.code}: ${r.stderr.slice(-2000)}`);
  return r.stdout;
}

async function withDb<T>(fn: (db: Db) => Promise<T>): Promise<T> {
  const db = await Db.open(":memory:");
  try {
    return await fn(db);
  } finally {
    db.close();
  }
}

/** One raw file's rows in the lake, changed by `replace`, landed as a new file by a later pull. */
async function land(dir: string, stream: string, key: string, id: string, replace: string): Promise<void> {
  const streamDir = join(dir, "lake", "raw", stream);
  const first = readdirSync(streamDir).sort()[0]!;
  const file = join(streamDir, first, readdirSync(join(streamDir, first)).sort()[0]!);
  const to = join(streamDir, "load_date=2026-11-23");
  mkdirSync(to, { recursive: true });
  await withDb((db) =>
    db.run(
      `COPY (SELECT * REPLACE (${replace}, TIMESTAMPTZ ${literal(LANDED)} AS _dp_loaded_at) FROM read_parquet(${literal(file)}) WHERE ${key} = ${literal(id)} LIMIT 1)
       TO ${literal(join(to, "20261123T060100Z-tombstone-00000.parquet"))} (FORMAT parquet)`,
    ),
  );
}

async function one(dir: string, sql: string): Promise<Record<string, unknown>> {
  return withDb(async (db) => {
    await db.run(`ATTACH ${literal(join(dir, "warehouse", "dp.duckdb"))} AS w (READ_ONLY)`);
    await db.run("USE w");
    return (await db.one(sql)) ?? {};
  });
}

describe("incremental staging", () => {
  test("an incremental build over new landings (updates, a deleted customer, an archived deal, a deleted invoice) equals a --full-refresh build, row for row", async () => {
    const dir = demo();
    await ok(["pull", "-C", dir], T0);
    await ok(["build", "-C", dir], T0);

    // two days later: the demo's pull lands new versions of existing subscriptions and invoices
    await ok(["pull", "-C", dir], T1);
    // and a deletion of each kind, as the connectors land them: a new version of the object (the customer
    // has product events and support tickets, which leave with it)
    const customer = await one(
      dir,
      `SELECT customer_id AS id FROM staging.stg_stripe__customers
       WHERE customer_id IN (SELECT customer_id FROM staging.stg_product__events)
         AND customer_id IN (SELECT customer_id FROM staging.stg_support__tickets)
       ORDER BY customer_id LIMIT 1`,
    );
    const deal = await one(dir, "SELECT deal_id AS id FROM staging.stg_hubspot__deals ORDER BY deal_id LIMIT 1");
    const invoice = await one(
      dir,
      "SELECT invoice_id AS id, count(*)::int AS lines FROM staging.stg_stripe__invoice_lines GROUP BY ALL ORDER BY invoice_id LIMIT 1",
    );
    expect(customer.id && deal.id && invoice.id).toBeTruthy();
    await land(dir, "stripe/customers", "id", String(customer.id), "true AS deleted");
    await land(
      dir,
      "hubspot/deals",
      "id",
      String(deal.id),
      `true AS archived, TIMESTAMPTZ ${literal(LANDED)} AS archivedAt`,
    );
    await land(dir, "stripe/invoices", "id", String(invoice.id), "true AS deleted");

    const built = JSON.parse(await ok(["build", "--json", "-C", dir], T1)) as {
      ok: boolean;
      models: { model: string; status: string; deleted_keys?: number }[];
    };
    expect(built.ok).toBe(true);
    // built incrementally: each merge's tombstones deleted the rows they name
    const deleted = Object.fromEntries(built.models.map((m) => [m.model, m.deleted_keys]));
    expect(deleted).toMatchObject({
      stg_stripe__customers: 1,
      stg_stripe__invoices: 1,
      stg_stripe__invoice_lines: invoice.lines,
    });
    // the deal landed archived, and any the demo's CRM archived in those two days
    expect(deleted.stg_hubspot__deals).toBeGreaterThanOrEqual(1);

    // the same lake built in full, in a copy
    const full = join(tempDir("dp-full-"), "acme");
    cpSync(dir, full, { recursive: true });
    await ok(["build", "--full-refresh", "-C", full], T1);

    const differ = await withDb(async (db) => {
      await db.run(`ATTACH ${literal(join(dir, "warehouse", "dp.duckdb"))} AS inc (READ_ONLY)`);
      await db.run(`ATTACH ${literal(join(full, "warehouse", "dp.duckdb"))} AS refreshed (READ_ONLY)`);
      const tables = await db.all<{ rel: string }>(
        `SELECT schema_name || '.' || table_name AS rel FROM duckdb_tables()
         WHERE database_name = 'inc' AND schema_name IN ('staging', 'intermediate', 'marts') ORDER BY 1`,
      );
      expect(tables.length).toBeGreaterThan(30);
      const out: string[] = [];
      for (const { rel } of tables) {
        const diff = await db.one<{ a: number; b: number; n: number }>(
          `SELECT (SELECT count(*) FROM (FROM inc.${rel} EXCEPT ALL FROM refreshed.${rel}))::int AS a,
                  (SELECT count(*) FROM (FROM refreshed.${rel} EXCEPT ALL FROM inc.${rel}))::int AS b,
                  (SELECT count(*) FROM inc.${rel})::int AS n`,
        );
        if (diff!.a || diff!.b) out.push(`${rel}: ${diff!.a} rows only incremental, ${diff!.b} only full`);
      }
      return out;
    });
    expect(differ).toEqual([]);

    // updated objects replaced, not duplicated: a subscription landed by both pulls is one row, the newer
    const updated = await one(
      dir,
      `SELECT count(*)::int AS rows, count(DISTINCT subscription_id)::int AS ids,
              count(*) FILTER (WHERE loaded_at = TIMESTAMP '2026-11-23 06:00:00')::int AS newer
       FROM staging.stg_stripe__subscriptions`,
    );
    expect(updated.rows).toBe(updated.ids);
    // the newer is each subscription the second pull landed (new or changed; one it read again unchanged
    // is not landed again and keeps its first landing)
    const landedThen = await withDb((db) =>
      db.one<{ n: number }>(
        `SELECT count(DISTINCT id)::int AS n FROM read_parquet(${literal(join(dir, "lake", "raw", "stripe", "subscriptions", "*", "*.parquet"))}, hive_partitioning = false)
         WHERE _dp_loaded_at = TIMESTAMPTZ ${literal(T1)}`,
      ),
    );
    expect(Number(updated.newer)).toBe(landedThen!.n);
    // the deletions left, in the warehouse and in what readers see
    const gone = await snapshotRows(
      dir,
      `SELECT (SELECT count(*) FROM staging.stg_stripe__customers WHERE customer_id = ${literal(String(customer.id))})::int AS customers,
              (SELECT count(*) FROM staging.stg_product__events WHERE customer_id = ${literal(String(customer.id))})::int AS events,
              (SELECT count(*) FROM staging.stg_support__tickets WHERE customer_id = ${literal(String(customer.id))})::int AS tickets,
              (SELECT count(*) FROM staging.stg_hubspot__deals WHERE deal_id = ${literal(String(deal.id))})::int AS deals,
              (SELECT count(*) FROM staging.stg_stripe__invoices WHERE invoice_id = ${literal(String(invoice.id))})::int AS invoices,
              (SELECT count(*) FROM staging.stg_stripe__invoice_lines WHERE invoice_id = ${literal(String(invoice.id))})::int AS lines,
              (SELECT count(*) FROM staging.stg_stripe__subscriptions)::int AS subscriptions`,
    );
    expect(gone).toEqual([
      { customers: 0, events: 0, tickets: 0, deals: 0, invoices: 0, lines: 0, subscriptions: updated.rows },
    ]);
    expect(Number(invoice.lines)).toBeGreaterThan(0);
  }, 300_000);
});
