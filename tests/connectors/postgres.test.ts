import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import pg from "pg";
import { TempProject, serverAvailable } from "./ingest-helpers.ts";
import { killMidPull } from "./kill-mid-pull.ts";

const PG_URL = process.env.DP_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";
process.env.DP_TEST_PG_URL = PG_URL;

async function sql(text: string, values: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await client.query(text, values);
  } finally {
    await client.end();
  }
}

const available = await serverAvailable("postgres", async () => void (await sql("SELECT 1")));
const suffix = `${process.pid}_${Date.now().toString(36)}`;
const schema = `dp_test_${suffix}`;

const source = (streams: unknown[], extra: Record<string, unknown> = {}) => ({
  db: { connector: "postgres", retries: { max_attempts: 1 }, config: { url: "${DP_TEST_PG_URL}", streams, ...extra } },
});

describe.skipIf(!available)("postgres connector", () => {
  let p: TempProject;
  beforeAll(async () => {
    p = new TempProject("pg");
    await sql(`CREATE SCHEMA ${schema}`);
  });
  afterAll(async () => {
    p?.remove();
    await sql(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  });

  test("types map faithfully and identifiers are quoted", async () => {
    await sql(`CREATE TABLE ${schema}."Odd Table" (
      id bigint PRIMARY KEY, "Weird ""Name""" text, amount numeric(20,6), big int8, ts timestamptz, local timestamp,
      day date, doc jsonb, raw bytea, flag boolean, tags text[])`);
    await sql(`INSERT INTO ${schema}."Odd Table" VALUES
      (1, 'O''Reilly', 12345678901234.123456, 9007199254740993, '2026-01-02 10:00:00.123456+02', '2026-01-02 10:00:00.5', '2026-01-02',
       '{"plan": "pro", "seats": 3}', '\\x00ff10', true, ARRAY['a','b']),
      (2, NULL, NULL, 7, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`);
    p.writeConfig(source([{ name: "odd", table: `${schema}.Odd Table`, primary_key: "id" }]));
    const [r] = await p.pull();
    expect(r!.error?.message).toBeUndefined();
    expect(r!.rows).toBe(2);
    const [row] = await p.query(
      `SELECT "Weird ""Name""" AS name, amount::VARCHAR AS amount, big::VARCHAR AS big, strftime(ts::TIMESTAMP, '%Y-%m-%d %H:%M:%S.%f') AS ts,
              local::VARCHAR AS local, day::VARCHAR AS day, doc, hex(raw) AS raw, flag, tags FROM {raw:db.odd} WHERE id = 1`,
    );
    expect(row).toEqual({
      name: "O'Reilly",
      amount: "12345678901234.123456",
      big: "9007199254740993",
      ts: "2026-01-02 08:00:00.123456",
      local: "2026-01-02 10:00:00.5",
      day: "2026-01-02",
      doc: '{"plan": "pro", "seats": 3}',
      raw: "00FF10",
      flag: true,
      tags: ["a", "b"],
    });
  });

  test("incremental by updated_at in keyset batches: 25k rows, then only new and updated rows", async () => {
    const t = `${schema}.orders`;
    await sql(
      `CREATE TABLE ${t} (id int PRIMARY KEY, status text, total numeric(10,2), updated_at timestamptz NOT NULL)`,
    );
    // many rows share an updated_at, so batches must split ties by primary key
    await sql(
      `INSERT INTO ${t} SELECT i, 'open', i * 1.25, TIMESTAMPTZ '2026-01-01' + (i / 7) * INTERVAL '1 second' FROM generate_series(1, 25000) i`,
    );
    p.writeConfig(
      source([{ name: "orders", table: t, primary_key: "id", cursor_field: "updated_at", batch_size: 10_000 }]),
    );
    const started = performance.now();
    const [first] = await p.pull({ maxFileRecords: 10_000 });
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `postgres → parquet: 25000 rows in ${seconds.toFixed(2)} s (${Math.round(25000 / seconds)} rows/s, batch 10000)`,
    );
    expect(first!.status).toBe("ok");
    expect(first!.rows).toBe(25_000);
    expect(first!.streams[0]!.files).toBe(3);
    expect(await p.query(`SELECT count(*) AS n, count(DISTINCT id) AS ids FROM {raw:db.orders}`)).toEqual([
      { n: 25_000, ids: 25_000 },
    ]);
    // PostgreSQL's own text of the value, which it reads back exactly
    const cursor = p.state("db").streams.orders!.state!.cursor;
    expect(cursor).toBe("2026-01-01 00:59:31+00");

    // from the saved cursor, inclusive: the 4 rows at that second again (24997 to 25000), as the lake holds
    // them: not landed twice
    const again = (await p.pull())[0]!;
    expect(again.rows).toBe(0);
    expect(again.streams[0]!.unchanged).toBe(4);

    await sql(
      `UPDATE ${t} SET status = 'paid', updated_at = TIMESTAMPTZ '2026-02-01 00:00:00.000001' WHERE id IN (5, 20000)`,
    );
    await sql(
      `INSERT INTO ${t} SELECT i, 'open', 1, TIMESTAMPTZ '2026-02-01 00:00:00.000001' FROM generate_series(25001, 25003) i`,
    );
    const [second] = await p.pull();
    // the 2 updated and 3 new rows land; the 4 at the saved cursor are read once more, unchanged
    expect(second!.rows).toBe(5);
    expect(second!.streams[0]!.unchanged).toBe(4);
    expect(await p.query(`SELECT count(*) AS n, count(DISTINCT id) AS ids FROM {raw:db.orders}`)).toEqual([
      { n: 25_000 + 5, ids: 25_003 },
    ]);
    expect(await p.query(`SELECT list(id::INT ORDER BY id) AS ids FROM {raw:db.orders} WHERE status = 'paid'`)).toEqual(
      [{ ids: [5, 20000] }],
    );
    expect(await p.query(`SELECT total::VARCHAR AS total FROM {raw:db.orders} WHERE id = 3`)).toEqual([
      { total: "3.75" },
    ]);
    expect(p.state("db").streams.orders!.state!.cursor).toBe("2026-02-01 00:00:00.000001+00");
  });

  test("a query stream with a lookback re-reads the window behind the cursor", async () => {
    const t = `${schema}.events`;
    await sql(`CREATE TABLE ${t} (id int PRIMARY KEY, kind text, at timestamptz NOT NULL)`);
    await sql(
      `INSERT INTO ${t} SELECT i, CASE WHEN i % 2 = 0 THEN 'a' ELSE 'b' END, TIMESTAMPTZ '2026-01-01' + i * INTERVAL '1 minute' FROM generate_series(1, 10) i`,
    );
    p.writeConfig({
      db: {
        ...source([
          {
            name: "a_events",
            query: `SELECT id, at FROM ${t} WHERE kind = 'a'`,
            primary_key: "id",
            cursor_field: "at",
          },
        ]).db,
        lookback: "3m",
      },
    });
    expect((await p.pull())[0]!.rows).toBe(5);
    // a late commit just behind the cursor (00:10): the 3-minute window re-reads 8 and 10 (unchanged) and catches 11
    await sql(`INSERT INTO ${t} VALUES (11, 'a', TIMESTAMPTZ '2026-01-01 00:09:30')`);
    const late = (await p.pull())[0]!;
    expect(late.rows).toBe(1);
    expect(late.streams[0]!.unchanged).toBe(2);
    expect(await p.query(`SELECT count(DISTINCT id) AS ids FROM {raw:db.a_events}`)).toEqual([{ ids: 6 }]);
  });

  test("kill -9 between batches, then rerun: every row lands, and the cursor is never ahead of the lake", async () => {
    const t = `${schema}.slow`;
    const rows = 30_000;
    await sql(`CREATE TABLE ${t} (id int PRIMARY KEY, updated_at timestamptz NOT NULL, payload text)`);
    await sql(
      `INSERT INTO ${t} SELECT i, TIMESTAMPTZ '2026-01-01' + (i / 3) * INTERVAL '1 second', md5(i::text) FROM generate_series(1, ${rows}) i`,
    );
    // pg_sleep in FROM runs once per page: each batch takes a quarter second
    const query = `SELECT t.* FROM ${t} t, pg_sleep(0.25)`;
    p.writeConfig(source([{ name: "slow", query, primary_key: "id", cursor_field: "updated_at", batch_size: 2_000 }]));
    const killed = await killMidPull(p.dir, "db", "slow", 2_000, 2);
    const { cursor } = killed.streams.slow!.state as { cursor: string };
    const landed = (
      await p.query<{ ids: number; n: number }>(`SELECT count(DISTINCT id) AS ids, count(*) AS n FROM {raw:db.slow}`)
    )[0]!;
    // every row before the saved cursor is in the lake: the cursor is never ahead of durable data
    const before = (await sql(`SELECT array_agg(id) AS ids FROM ${t} WHERE updated_at < $1`, [cursor])).rows[0]
      .ids as number[];
    const inLake = await p.query<{ n: number }>(
      `SELECT count(DISTINCT id)::INT AS n FROM {raw:db.slow} WHERE id IN (${before.join(",")})`,
    );
    expect(inLake).toEqual([{ n: before.length }]);
    expect(landed.n).toBe(landed.ids);
    expect(landed.ids).toBeLessThan(rows);

    p.writeConfig(
      source([{ name: "slow", table: t, primary_key: "id", cursor_field: "updated_at", batch_size: 10_000 }]),
    );
    const [rerun] = await p.pull();
    expect(rerun!.status).toBe("ok");
    // the rerun starts at the saved cursor, inclusive: it reads the rest, and the rows at that value again
    const atCursor = Number((await sql(`SELECT count(*) AS n FROM ${t} WHERE updated_at >= $1`, [cursor])).rows[0].n);
    // (those at the cursor the killed pull made durable come back as they are and do not land twice)
    expect(rerun!.rows + (rerun!.streams[0]!.unchanged ?? 0)).toBe(atCursor);
    const after = await p.query<{ n: number; ids: number; twice: number }>(
      `SELECT count(*)::INT AS n, count(DISTINCT id)::INT AS ids FROM {raw:db.slow}`,
    );
    expect(after[0]!.ids).toBe(rows);
    expect(after[0]!.n).toBe(landed.n + rerun!.rows);
  }, 60_000);

  test("a refused login is SOURCE_AUTH naming the env var; a closed port is transient", async () => {
    process.env.DP_TEST_PG_BAD_URL = "postgres://dp_no_such_role@127.0.0.1:5432/test";
    p.writeConfig({
      db: {
        connector: "postgres",
        retries: { max_attempts: 1 },
        config: { url: "${DP_TEST_PG_BAD_URL}", streams: [{ name: "x", table: "x", primary_key: "id" }] },
      },
    });
    const [auth] = await p.pull();
    expect(auth!.error!.code).toBe("SOURCE_AUTH");
    expect(auth!.error!.fix).toContain("$DP_TEST_PG_BAD_URL");

    process.env.DP_TEST_PG_DOWN_URL = "postgres://postgres@127.0.0.1:1/test";
    p.writeConfig({
      db: {
        connector: "postgres",
        retries: { max_attempts: 1 },
        config: { url: "${DP_TEST_PG_DOWN_URL}", streams: [{ name: "x", table: "x", primary_key: "id" }] },
      },
    });
    const [down] = await p.pull();
    expect(down!.error!.code).toBe("SOURCE_TRANSIENT");
    expect(down!.error!.transient).toBe(true);
  });
});
