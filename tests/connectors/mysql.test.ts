import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import mysql2 from "mysql2/promise";
import { TempProject, serverAvailable } from "./ingest-helpers.ts";
import { killMidPull } from "./kill-mid-pull.ts";

const MYSQL_URL = process.env.DP_TEST_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/test";
process.env.DP_TEST_MYSQL_URL = MYSQL_URL;

async function sql(text: string, values: unknown[] = []): Promise<unknown[]> {
  const conn = await mysql2.createConnection({
    uri: MYSQL_URL,
    connectTimeout: 3000,
    timezone: "Z",
    multipleStatements: false,
  });
  try {
    await conn.query("SET time_zone = '+00:00'");
    // the row generators below recurse past the default limit (MariaDB, then MySQL spelling)
    await conn.query("SET SESSION max_recursive_iterations = 1000000").catch(() => {});
    await conn.query("SET SESSION cte_max_recursion_depth = 1000000").catch(() => {});
    const [rows] = await conn.query(text, values);
    return rows as unknown[];
  } finally {
    await conn.end();
  }
}

const available = await serverAvailable("mysql", async () => void (await sql("SELECT 1")));
const prefix = `dp_t_${process.pid}_${Date.now().toString(36)}`;
const created: string[] = [];
async function table(name: string, ddl: string): Promise<string> {
  const t = `${prefix}_${name}`;
  created.push(t);
  await sql(`CREATE TABLE \`${t}\` (${ddl})`);
  return t;
}

const source = (streams: unknown[]) => ({
  db: { connector: "mysql", retries: { max_attempts: 1 }, config: { url: "${DP_TEST_MYSQL_URL}", streams } },
});

describe.skipIf(!available)("mysql connector (MariaDB)", () => {
  let p: TempProject;
  beforeAll(() => {
    p = new TempProject("mysql");
  });
  afterAll(async () => {
    p?.remove();
    for (const t of created) await sql(`DROP TABLE IF EXISTS \`${t}\``);
  });

  test("types map faithfully and identifiers are quoted", async () => {
    const t = await table(
      "Odd Table",
      "id BIGINT PRIMARY KEY, `we``ird` VARCHAR(20), amount DECIMAL(20,6), big BIGINT, ts TIMESTAMP(6) NULL, dt DATETIME(3), d DATE, doc JSON, raw VARBINARY(8), flag BIT(1)",
    );
    await sql(
      `INSERT INTO \`${t}\` VALUES (1, 'O''Reilly', 12345678901234.123456, 9007199254740993, '2026-01-02 08:00:00.123456', '2026-01-02 10:00:00.5', '2026-01-02', '{"plan": "pro"}', X'00ff10', b'1'), (2, NULL, NULL, 7, NULL, NULL, NULL, NULL, NULL, NULL)`,
    );
    p.writeConfig(source([{ name: "odd", table: t, primary_key: "id" }]));
    const [r] = await p.pull();
    expect(r!.error?.message).toBeUndefined();
    expect(r!.rows).toBe(2);
    const [row] = await p.query(
      `SELECT "we\`ird" AS name, amount::VARCHAR AS amount, big::VARCHAR AS big, strftime(ts::TIMESTAMP, '%Y-%m-%d %H:%M:%S.%f') AS ts,
              dt::VARCHAR AS dt, d::VARCHAR AS d, doc, hex(raw) AS raw, flag FROM {raw:db.odd} WHERE id = 1`,
    );
    expect(row).toEqual({
      name: "O'Reilly",
      amount: "12345678901234.123456",
      big: "9007199254740993",
      ts: "2026-01-02 08:00:00.123456",
      dt: "2026-01-02 10:00:00.5",
      d: "2026-01-02",
      doc: '{"plan": "pro"}',
      raw: "00FF10",
      flag: 1,
    });
  });

  test("incremental by updated_at in keyset batches: 25k rows, then only new and updated rows", async () => {
    const t = await table(
      "orders",
      "id INT PRIMARY KEY, status VARCHAR(10), total DECIMAL(10,2), updated_at DATETIME(6) NOT NULL, KEY (updated_at, id)",
    );
    await sql(`INSERT INTO \`${t}\` WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 25000)
               SELECT i, 'open', i * 1.25, TIMESTAMP('2026-01-01') + INTERVAL (i DIV 7) SECOND FROM s`);
    p.writeConfig(
      source([{ name: "orders", table: t, primary_key: "id", cursor_field: "updated_at", batch_size: 10_000 }]),
    );
    const started = performance.now();
    const [first] = await p.pull({ maxFileRecords: 10_000 });
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `mysql → parquet: 25000 rows in ${seconds.toFixed(2)} s (${Math.round(25000 / seconds)} rows/s, batch 10000)`,
    );
    expect(first!.error?.message).toBeUndefined();
    expect(first!.rows).toBe(25_000);
    expect(first!.streams[0]!.files).toBe(3);
    expect(await p.query(`SELECT count(*) AS n, count(DISTINCT id) AS ids FROM {raw:db.orders}`)).toEqual([
      { n: 25_000, ids: 25_000 },
    ]);
    expect(p.state("db").streams.orders!.state!.cursor).toBe("2026-01-01 00:59:31.000000");
    // from the saved cursor, inclusive: the 4 rows at that second again, as the lake holds them: not landed twice
    const again = (await p.pull())[0]!;
    expect(again.rows).toBe(0);
    expect(again.streams[0]!.unchanged).toBe(4);

    await sql(`UPDATE \`${t}\` SET status = 'paid', updated_at = '2026-02-01 00:00:00.000001' WHERE id IN (5, 20000)`);
    await sql(
      `INSERT INTO \`${t}\` VALUES (25001, 'open', 1, '2026-02-01 00:00:00.000001'), (25002, 'open', 1, '2026-02-01 00:00:00.000001'), (25003, 'open', 1, '2026-02-01 00:00:00.000001')`,
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
  });

  test("kill -9 between batches, then rerun: every row lands, and the cursor is never ahead of the lake", async () => {
    const rows = 20_000;
    const t = await table(
      "slow",
      "id INT PRIMARY KEY, updated_at DATETIME NOT NULL, payload CHAR(32), KEY (updated_at, id)",
    );
    await sql(`INSERT INTO \`${t}\` WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${rows})
               SELECT i, TIMESTAMP('2026-01-01') + INTERVAL (i DIV 3) SECOND, md5(i) FROM s`);
    // SLEEP in a one-row derived table runs once per page: each batch takes a quarter second
    const query = `SELECT t.* FROM \`${t}\` t CROSS JOIN (SELECT SLEEP(0.25) AS z) pause`;
    p.writeConfig(source([{ name: "slow", query, primary_key: "id", cursor_field: "updated_at", batch_size: 2_000 }]));
    const killed = await killMidPull(p.dir, "db", "slow", 2_000, 2);
    const { cursor } = killed.streams.slow!.state as { cursor: string };
    const landed = (
      await p.query<{ ids: number; n: number }>(`SELECT count(DISTINCT id) AS ids, count(*) AS n FROM {raw:db.slow}`)
    )[0]!;
    // every row before the saved cursor is in the lake: the cursor is never ahead of durable data
    const before = (await sql(`SELECT id FROM \`${t}\` WHERE updated_at < ?`, [cursor])) as { id: number }[];
    const inLake = await p.query<{ n: number }>(
      `SELECT count(DISTINCT id)::INT AS n FROM {raw:db.slow} WHERE id IN (${before.map((r) => r.id).join(",")})`,
    );
    expect(inLake).toEqual([{ n: before.length }]);
    expect(landed.n).toBe(landed.ids);
    expect(landed.ids).toBeLessThan(rows);

    p.writeConfig(source([{ name: "slow", table: t, primary_key: "id", cursor_field: "updated_at" }]));
    const [rerun] = await p.pull();
    expect(rerun!.status).toBe("ok");
    const atCursor = Number(
      ((await sql(`SELECT count(*) AS n FROM \`${t}\` WHERE updated_at >= ?`, [cursor])) as { n: number }[])[0]!.n,
    );
    // every row from the cursor on is read; those at the cursor the killed pull made durable do not land twice
    expect(rerun!.rows + (rerun!.streams[0]!.unchanged ?? 0)).toBe(atCursor);
    const after = await p.query<{ n: number; ids: number }>(
      `SELECT count(*)::INT AS n, count(DISTINCT id)::INT AS ids FROM {raw:db.slow}`,
    );
    expect(after[0]!.ids).toBe(rows);
    expect(after[0]!.n).toBe(landed.n + rerun!.rows);
  }, 60_000);

  test("a refused login is SOURCE_AUTH naming the env var; a closed port is transient", async () => {
    process.env.DP_TEST_MYSQL_BAD_URL = "mysql://dp_no_such_user:wrong-password@127.0.0.1:3306/test";
    p.writeConfig({
      db: {
        connector: "mysql",
        retries: { max_attempts: 1 },
        config: { url: "${DP_TEST_MYSQL_BAD_URL}", streams: [{ name: "x", table: "x", primary_key: "id" }] },
      },
    });
    const [auth] = await p.pull();
    expect(auth!.error!.code).toBe("SOURCE_AUTH");
    expect(auth!.error!.fix).toContain("$DP_TEST_MYSQL_BAD_URL");
    expect(auth!.error!.message).not.toContain("wrong-password");

    process.env.DP_TEST_MYSQL_DOWN_URL = "mysql://root@127.0.0.1:1/test";
    p.writeConfig({
      db: {
        connector: "mysql",
        retries: { max_attempts: 1 },
        config: { url: "${DP_TEST_MYSQL_DOWN_URL}", streams: [{ name: "x", table: "x", primary_key: "id" }] },
      },
    });
    const [down] = await p.pull();
    expect(down!.error!.code).toBe("SOURCE_TRANSIENT");
    expect(down!.error!.transient).toBe(true);
  });
});
