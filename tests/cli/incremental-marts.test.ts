import { describe, expect, test } from "bun:test";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Db, literal } from "../../engine/warehouse/duckdb.ts";
import { dp, runDp, snapshotRows, tempDir } from "../helpers.ts";

/**
 * The cron path's incremental models past staging: int_stripe__subscription_states (recomputes the
 * subscriptions whose inputs moved and the month ends that moved, carries the current month of the others),
 * int_stripe__subscription_mrr (the subscriptions whose inputs moved, the month ends that moved),
 * product_usage_daily (the days from the first changed one), product_usage_monthly (the changed months) and
 * stg_hubspot__deal_month_ends (the deals whose inputs moved, the month ends that passed), which pipeline_monthly
 * counts its past months from. After each pull of a chain — 15 minutes on, 15 more, then across a month end — the
 * incremental build must equal a `--full-refresh` build of the same lake, row for row, in every table downstream
 * of them too.
 */
const T0 = "2026-11-21T06:00:00Z";
const T15 = "2026-11-21T06:15:00Z";
const T30 = "2026-11-21T06:30:00Z";
// the next month: November's month end stops being the current one
const DEC = "2026-12-02T06:00:00Z";

async function ok(args: string[], now: string): Promise<string> {
  const r = await runDp(args, { env: { DP_NOW: now }, timeoutMs: 240_000 });
  if (r.code !== 0) throw new Error(`dp ${args.join(" ")} exited ${r.code}: ${r.stderr.slice(-2000)}`);
  return r.stdout;
}

/** Tables whose rows differ between two warehouses, both ways (EXCEPT ALL counts duplicates). */
async function differences(a: string, b: string): Promise<{ tables: string[]; differ: string[] }> {
  const db = await Db.open(":memory:");
  try {
    await db.run(`ATTACH ${literal(join(a, "warehouse", "dp.duckdb"))} AS inc (READ_ONLY)`);
    await db.run(`ATTACH ${literal(join(b, "warehouse", "dp.duckdb"))} AS refreshed (READ_ONLY)`);
    const tables = (
      await db.all<{ rel: string }>(
        `SELECT schema_name || '.' || table_name AS rel FROM duckdb_tables()
         WHERE database_name = 'inc' AND schema_name IN ('staging', 'intermediate', 'marts') ORDER BY 1`,
      )
    ).map((t) => t.rel);
    const differ: string[] = [];
    for (const rel of tables) {
      const d = await db.one<{ a: number; b: number }>(
        `SELECT (SELECT count(*) FROM (FROM inc.${rel} EXCEPT ALL FROM refreshed.${rel}))::int AS a,
                (SELECT count(*) FROM (FROM refreshed.${rel} EXCEPT ALL FROM inc.${rel}))::int AS b`,
      );
      if (d!.a || d!.b) differ.push(`${rel}: ${d!.a} rows only incremental, ${d!.b} only full`);
    }
    return { tables, differ };
  } finally {
    db.close();
  }
}

async function rows(dir: string, sql: string): Promise<Record<string, unknown>[]> {
  const db = await Db.open(":memory:");
  try {
    await db.run(`ATTACH ${literal(join(dir, "warehouse", "dp.duckdb"))} AS w (READ_ONLY)`);
    await db.run("USE w");
    return await db.all(sql);
  } finally {
    db.close();
  }
}

type Built = { ok: boolean; models: { model: string; status: string }[] };

describe("incremental marts", () => {
  test("after a pull 15 minutes later and one in the next month, the incremental build equals a --full-refresh build, row for row", async () => {
    const dir = join(tempDir("dp-incremental-marts-"), "acme");
    expect(dp(["init", dir, "--demo"]).code).toBe(0);
    const yaml = join(dir, "project.yaml");
    writeFileSync(yaml, readFileSync(yaml, "utf8").replace(/scale: small/g, "scale: 40"));
    await ok(["pull", "-C", dir], T0);
    await ok(["build", "-C", dir], T0);
    const first = await rows(
      dir,
      `SELECT month, count(*)::int AS n, max(as_of)::varchar AS as_of FROM intermediate.int_stripe__subscription_states
       GROUP BY month ORDER BY month DESC LIMIT 2`,
    );
    expect(first[0]!.as_of).toBe("2026-11-21 06:00:00");

    const incremental = [
      "int_stripe__subscription_states",
      "int_stripe__subscription_mrr",
      "product_usage_daily",
      "product_usage_monthly",
      "pipeline_monthly",
    ];
    const builtIn = new Map<string, string[]>(incremental.map((m) => [m, []]));
    for (const now of [T15, T30, DEC]) {
      await ok(["pull", "-C", dir], now);
      const built = JSON.parse(await ok(["build", "--json", "-C", dir], now)) as Built;
      expect(built.ok).toBe(true);
      const status = Object.fromEntries(built.models.map((m) => [m.model, m.status]));
      // built over what landed, or skipped when nothing they read landed (a pull that read its records
      // again unchanged lands nothing)
      for (const m of incremental) {
        expect(["success", "unchanged"]).toContain(status[m]!);
        if (status[m] === "success") builtIn.get(m)!.push(now);
      }

      // what readers see (the merges' deltas published as parts over the earlier ones) is the warehouse's rows
      const digest = `SELECT
        (SELECT count(*)::int FROM intermediate.int_stripe__subscription_states) AS states,
        (SELECT sum(hash(subscription_id, month::varchar, as_of::varchar, is_counted, items::varchar, inputs_hash::varchar))::varchar
           FROM intermediate.int_stripe__subscription_states) AS states_hash,
        (SELECT sum(hash(subscription_id, month::varchar, product_id, mrr::varchar, as_of::varchar))::varchar
           FROM intermediate.int_stripe__subscription_mrr) AS mrr_hash,
        (SELECT sum(hash(day::varchar, weekly_active_users::varchar, events::varchar, loaded_at::varchar))::varchar
           FROM marts.product_usage_daily) AS daily_hash,
        (SELECT sum(hash(month::varchar, monthly_active_users::varchar, days::varchar, is_month_to_date))::varchar
           FROM marts.product_usage_monthly) AS monthly_hash`;
      expect(await snapshotRows(dir, digest)).toEqual(await rows(dir, digest));
      // table marts keyed by a unique, not-null column publish their row diff as a part over the last version
      const keyed = ["marts.accounts", "marts.deals", "marts.customers", "marts.subscriptions", "marts.account_health"];
      const tableDigest = keyed
        .map((t) => `(SELECT count(*)::int || ' ' || sum(hash(t::VARCHAR))::VARCHAR FROM ${t} t) AS "${t}"`)
        .join(", ");
      expect(await snapshotRows(dir, `SELECT ${tableDigest}`)).toEqual(await rows(dir, `SELECT ${tableDigest}`));
      const pointer = JSON.parse(readFileSync(join(dir, "warehouse/snapshots/current.json"), "utf8")) as {
        file: string;
      };
      const manifest = JSON.parse(
        readFileSync(join(dir, "warehouse/snapshots", pointer.file.replace(/\.duckdb$/, ".manifest.json")), "utf8"),
      ) as {
        tables: Record<string, { parts: string[]; keys?: string[] }>;
        inline?: Record<string, { rows: number }>;
      };
      // one of up to 256 rows is copied whole into the snapshot file instead (snapshots.ts SMALL_ROWS), as all five
      // are at this scale; a larger one's row diff as a part over its last version: tests/engine/warehouse/publish.test.ts
      const parted = keyed.filter((t) => manifest.tables[t]);
      for (const t of keyed) if (!manifest.tables[t]) expect(manifest.inline?.[t]?.rows).toBeLessThanOrEqual(256);
      expect(parted.map((t) => manifest.tables[t]!.keys?.length)).toEqual(parted.map(() => 1));

      const full = join(tempDir("dp-incremental-marts-full-"), "acme");
      cpSync(dir, full, { recursive: true });
      await ok(["build", "--full-refresh", "-C", full], now);
      const { tables, differ } = await differences(dir, full);
      expect(tables).toContain("intermediate.int_stripe__subscription_states");
      expect(tables).toContain("marts.product_usage_daily");
      expect(tables.length).toBeGreaterThan(30);
      expect(differ).toEqual([]);
    }

    // each was built incrementally at least once in the chain (the month's turn moves them all)
    for (const [m, at] of builtIn) expect(`${m}: ${at.includes(DEC)}`).toBe(`${m}: true`);

    // the month ends moved: November is read at its last second, December at the pull; every subscription
    // created by then has a row for each
    const after = await rows(
      dir,
      `SELECT month::varchar AS month, count(*)::int AS n, max(as_of)::varchar AS as_of FROM intermediate.int_stripe__subscription_states
       GROUP BY month ORDER BY month DESC LIMIT 2`,
    );
    expect(after.map((r) => [r.month, r.as_of])).toEqual([
      ["2026-12-01", "2026-12-02 06:00:00"],
      ["2026-11-01", "2026-11-30 23:59:59"],
    ]);
    expect(Number(after[1]!.n)).toBeGreaterThanOrEqual(Number(first[0]!.n));
    // the product marts' current month and day moved with the new events
    const usage = await rows(
      dir,
      "SELECT (SELECT max(day)::varchar FROM marts.product_usage_daily) AS day, (SELECT month::varchar FROM marts.product_usage_monthly WHERE is_month_to_date) AS month",
    );
    expect(usage).toEqual([{ day: "2026-12-02", month: "2026-12-01" }]);
    // November ended: every deal created by its last instant has its position there, and the current month is
    // not kept per deal (pipeline_monthly reads it from the deals now)
    const deals = await rows(
      dir,
      `SELECT (SELECT count(*)::int FROM staging.stg_hubspot__deal_month_ends WHERE month = DATE '2026-11-01') AS november,
              (SELECT count(*)::int FROM staging.stg_hubspot__deals WHERE created_at < TIMESTAMP '2026-12-01') AS created,
              (SELECT count(*)::int FROM staging.stg_hubspot__deal_month_ends WHERE month >= DATE '2026-12-01') AS december`,
    );
    expect(deals[0]!.november).toBe(deals[0]!.created);
    expect(Number(deals[0]!.november)).toBeGreaterThan(0);
    expect(deals[0]!.december).toBe(0);
  }, 300_000);
});
