import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { stringify } from "yaml";
import { Db } from "../../engine/warehouse/duckdb.ts";
import { runDp, tempDir } from "../helpers.ts";
import { PG_URL, mySql, mysqlAvailable, pgAvailable, pgSql } from "./sql-servers.ts";
import { removeAll } from "./type-matrix.ts";

/**
 * Incremental database pulls through the real binary: a tie at the saved cursor, 64-bit cursors,
 * zero dates and NULLs in the cursor column, a primary key that is not unique or not there, a
 * connection dropped between pages and a statement that waits on a lock.
 */

const pgUp = await pgAvailable();
const myUp = await mysqlAvailable();
const tag = `${process.pid}_${Date.now().toString(36)}`;
const pgSchema = `dp_cursor_${tag}`;
const myTables: string[] = [];
const dirs: string[] = [];

afterAll(async () => {
  removeAll(dirs);
  if (pgUp) await pgSql(`DROP SCHEMA IF EXISTS ${pgSchema} CASCADE`);
  if (myUp) for (const t of myTables) await mySql(`DROP TABLE IF EXISTS \`${t}\``);
});

interface Project {
  dir: string;
  pull(...args: string[]): Promise<{ code: number; out: string }>;
  state(): { cursor?: unknown } | undefined;
  stateText(): string;
  lake<T = Record<string, unknown>>(sql: string): Promise<T[]>;
}

function project(
  connector: "postgres" | "mysql",
  stream: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Project {
  const dir = tempDir(`dp-cursor-${connector}-`);
  dirs.push(dir);
  const urlVar = connector === "postgres" ? "DP_TEST_PG_URL" : "DP_TEST_MYSQL_URL";
  writeFileSync(
    join(dir, "project.yaml"),
    stringify({
      name: "cursor",
      sources: {
        db: {
          connector,
          retries: { max_attempts: 4, max_wait: "0.2s" },
          config: { url: `\${${urlVar}}`, streams: [{ name: "s", primary_key: "id", ...stream }], ...extra },
        },
      },
    }),
  );
  const statePath = join(dir, "lake/state/db.json");
  return {
    dir,
    async pull(...args) {
      const r = await runDp(["pull", ...args, "-C", dir], { env: { DP_LOG: "info" } });
      return { code: r.code, out: r.stdout + r.stderr };
    },
    state: () => JSON.parse(readFileSync(statePath, "utf8")).streams.s?.state,
    stateText: () => readFileSync(statePath, "utf8"),
    async lake<T>(sql: string) {
      const db = await Db.open(":memory:");
      try {
        await db.run(
          `CREATE VIEW s AS SELECT * FROM read_parquet('${join(dir, "lake/raw/db/s/*/*.parquet")}', union_by_name = true)`,
        );
        return (await db.all(sql)) as T[];
      } finally {
        db.close();
      }
    },
  };
}

/** The rows `dp pull` says it landed ("✓ db: 1,000 rows"). */
const rowsLine = (out: string) => Number((/✓ db: ([\d,]+) rows/.exec(out)?.[1] ?? "-1").replaceAll(",", ""));

describe.skipIf(!pgUp)("postgres cursors through `dp pull`", () => {
  beforeAll(async () => {
    await pgSql(`CREATE SCHEMA ${pgSchema}`);
  });

  test("rows updated to exactly the saved cursor value with a lower key land on the next pull", async () => {
    const t = `${pgSchema}.tie`;
    await pgSql(`CREATE TABLE ${t} (id int PRIMARY KEY, status text, updated_at timestamptz NOT NULL)`);
    await pgSql(
      `INSERT INTO ${t} SELECT i, 'open', TIMESTAMPTZ '2026-01-01' + i * INTERVAL '1 second' FROM generate_series(1, 1000) i`,
    );
    const p = project("postgres", { table: t, cursor_field: "updated_at", batch_size: 100 });
    expect(rowsLine((await p.pull()).out)).toBe(1000);
    const saved = p.state()!.cursor;
    // 200 rows with keys below the saved row's (1000) move to the saved cursor value itself
    await pgSql(
      `UPDATE ${t} SET status = 'paid', updated_at = (SELECT updated_at FROM ${t} WHERE id = 1000) WHERE id <= 200`,
    );
    const second = await p.pull();
    expect(second.code).toBe(0);
    // the 200 and the row already at the saved value, re-read (staging dedups it)
    expect(rowsLine(second.out)).toBe(201);
    expect(await p.lake(`SELECT count(DISTINCT id)::INT AS n FROM s WHERE status = 'paid'`)).toEqual([{ n: 200 }]);
    expect(p.state()!.cursor).toBe(saved);
  }, 60_000);

  test("a 64-bit cursor is stored exactly and the next new row is read", async () => {
    const t = `${pgSchema}.seq`;
    await pgSql(`CREATE TABLE ${t} (id int PRIMARY KEY, seq bigint NOT NULL)`);
    await pgSql(`INSERT INTO ${t} SELECT i, 4611686018427388900 + i FROM generate_series(1, 4) i`);
    const p = project("postgres", { table: t, cursor_field: "seq" });
    expect(rowsLine((await p.pull()).out)).toBe(4);
    expect(p.state()!.cursor).toBe("4611686018427388904");
    expect(p.stateText()).toContain('"cursor": "4611686018427388904"');
    await pgSql(`INSERT INTO ${t} VALUES (5, 4611686018427388905)`);
    const second = await p.pull();
    // the row at the saved value again, and the new one
    expect(rowsLine(second.out)).toBe(2);
    expect(p.state()!.cursor).toBe("4611686018427388905");
    expect(await p.lake(`SELECT list(DISTINCT seq::VARCHAR ORDER BY seq::VARCHAR) AS s FROM s WHERE id = 5`)).toEqual([
      { s: ["4611686018427388905"] },
    ]);
    // nothing new: only the row at the saved value
    expect(rowsLine((await p.pull()).out)).toBe(1);
  }, 60_000);

  test("rows with a NULL cursor are pulled on every run and named in the log", async () => {
    const t = `${pgSchema}.nulls`;
    await pgSql(`CREATE TABLE ${t} (id int PRIMARY KEY, updated_at timestamptz)`);
    await pgSql(
      `INSERT INTO ${t} SELECT i, CASE WHEN i % 5 = 0 THEN NULL ELSE TIMESTAMPTZ '2026-01-01' + i * INTERVAL '1 day' END FROM generate_series(1, 20) i`,
    );
    const p = project("postgres", { table: t, cursor_field: "updated_at", batch_size: 3 });
    const first = await p.pull();
    expect(rowsLine(first.out)).toBe(20);
    expect(first.out).toMatch(/4 rows with a NULL updated_at/);
    const second = await p.pull();
    // the 4 NULL rows and the one at the saved cursor
    expect(rowsLine(second.out)).toBe(5);
    expect(await p.lake(`SELECT count(DISTINCT id)::INT AS n FROM s`)).toEqual([{ n: 20 }]);
  }, 60_000);

  test("a primary_key that is not unique is reported, not paged past", async () => {
    const t = `${pgSchema}.dups`;
    await pgSql(`CREATE TABLE ${t} (id int, updated_at timestamptz NOT NULL)`);
    // the second (id 3, same time) falls at a page boundary (batch 3)
    await pgSql(
      `INSERT INTO ${t} VALUES (1, '2026-01-01'), (2, '2026-01-02'), (3, '2026-01-03'), (3, '2026-01-03'), (4, '2026-01-04')`,
    );
    const p = project("postgres", { table: t, cursor_field: "updated_at", batch_size: 3 });
    const out = await p.pull();
    expect(out.code).toBe(1);
    expect(out.out).toContain("not unique");
    expect(out.out).toContain("primary_key");
    expect(out.out).toMatch(/id = 3/);
  }, 60_000);

  test("a stream without primary_key is a config error that says it is required", async () => {
    const dir = tempDir("dp-cursor-nopk-");
    dirs.push(dir);
    writeFileSync(
      join(dir, "project.yaml"),
      stringify({
        name: "nopk",
        sources: {
          db: { connector: "postgres", config: { url: "${DP_TEST_PG_URL}", streams: [{ name: "s", table: "x" }] } },
        },
      }),
    );
    const r = await runDp(["pull", "-C", dir]);
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).toContain("primary_key is required");
    expect(r.stdout + r.stderr).toContain("sources.db.config.streams[0].primary_key");
  });

  test("a connection dropped between pages is retried; the log counts the pages", async () => {
    const t = `${pgSchema}.dropped`;
    await pgSql(`CREATE TABLE ${t} (id int PRIMARY KEY, updated_at timestamptz NOT NULL)`);
    await pgSql(
      `INSERT INTO ${t} SELECT i, TIMESTAMPTZ '2026-01-01' + i * INTERVAL '1 second' FROM generate_series(1, 600) i`,
    );
    // each page sleeps a little, so the killer finds dp's connection idle or busy between pages
    const query = `SELECT t.* FROM ${t} t, pg_sleep(0.2)`;
    const p = project("postgres", { query, cursor_field: "updated_at", batch_size: 100 });
    const running = p.pull();
    let killed = 0;
    for (let i = 0; i < 40 && killed < 2; i++) {
      await Bun.sleep(150);
      const r = await pgSql(
        `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE application_name = 'dp' AND query LIKE '%pg_sleep(0.2)%'`,
      );
      killed += r[0]!.n as number;
    }
    const out = await running;
    expect(killed).toBeGreaterThan(0);
    expect(out.code).toBe(0);
    expect(out.out).toContain("retrying");
    expect(await p.lake(`SELECT count(DISTINCT id)::INT AS n FROM s`)).toEqual([{ n: 600 }]);
    const pages = /"pages":(\d+)/.exec(out.out)?.[1];
    expect(Number(pages)).toBeGreaterThanOrEqual(6);
  }, 60_000);

  test("a pull that fails part way says how many rows landed before it failed", async () => {
    const t = `${pgSchema}.breaks`;
    await pgSql(`CREATE TABLE ${t} (id int, updated_at timestamptz NOT NULL)`);
    await pgSql(
      `INSERT INTO ${t} SELECT i, TIMESTAMPTZ '2026-01-01' + i * INTERVAL '1 second' FROM generate_series(1, 230000) i`,
    );
    // the page after the second file (of 100,000 rows) holds a key twice, which fails the stream
    await pgSql(`INSERT INTO ${t} SELECT id, updated_at FROM ${t} WHERE id = 210000`);
    const p = project("postgres", { table: t, cursor_field: "updated_at", batch_size: 20_000 });
    const out = await p.pull();
    expect(out.code).toBe(1);
    expect(out.out).toContain("not unique");
    expect(out.out).toMatch(/✗ db: 200,000 rows/);
    expect(await p.lake(`SELECT count(*)::INT AS n FROM s`)).toEqual([{ n: 200_000 }]);
  }, 60_000);

  test("a statement held up by a lock times out, is retried, then fails naming the timeout", async () => {
    const t = `${pgSchema}.locked`;
    await pgSql(`CREATE TABLE ${t} (id int PRIMARY KEY)`);
    await pgSql(`INSERT INTO ${t} VALUES (1)`);
    const holder = new pg.Client({ connectionString: PG_URL });
    await holder.connect();
    try {
      await holder.query("BEGIN");
      await holder.query(`LOCK TABLE ${t} IN ACCESS EXCLUSIVE MODE`);
      const p = project("postgres", { table: t }, { statement_timeout: "1s" });
      const started = Date.now();
      const out = await p.pull();
      expect(out.code).toBe(1);
      expect(out.out).toContain("statement_timeout");
      expect(out.out).toContain("retrying");
      expect(Date.now() - started).toBeLessThan(30_000);
    } finally {
      await holder.query("ROLLBACK");
      await holder.end();
    }
  }, 60_000);
});

describe.skipIf(!myUp)("mysql (MariaDB) cursors through `dp pull`", () => {
  async function table(name: string, ddl: string): Promise<string> {
    const t = `dp_cursor_${tag}_${name}`;
    myTables.push(t);
    await mySql(`CREATE TABLE \`${t}\` (${ddl})`);
    return t;
  }

  test("rows updated to exactly the saved cursor value with a lower key land on the next pull", async () => {
    const t = await table(
      "tie",
      "id INT PRIMARY KEY, status VARCHAR(10), updated_at DATETIME(6) NOT NULL, KEY (updated_at, id)",
    );
    await mySql(`INSERT INTO \`${t}\` WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 1000)
                 SELECT i, 'open', TIMESTAMP('2026-01-01') + INTERVAL i SECOND FROM s`);
    const p = project("mysql", { table: t, cursor_field: "updated_at", batch_size: 100 });
    expect(rowsLine((await p.pull()).out)).toBe(1000);
    await mySql(`UPDATE \`${t}\` SET status = 'paid', updated_at = '2026-01-01 00:16:40' WHERE id <= 200`);
    const second = await p.pull();
    expect(rowsLine(second.out)).toBe(201);
    expect(await p.lake(`SELECT count(DISTINCT id)::INT AS n FROM s WHERE status = 'paid'`)).toEqual([{ n: 200 }]);
  }, 60_000);

  test("an unsigned 64-bit cursor is stored exactly and the next new row is read", async () => {
    const t = await table("seq", "id INT PRIMARY KEY, seq BIGINT UNSIGNED NOT NULL");
    await mySql(
      `INSERT INTO \`${t}\` VALUES (1, 18446744073709551600), (2, 18446744073709551601), (3, 18446744073709551602)`,
    );
    const p = project("mysql", { table: t, cursor_field: "seq" });
    expect(rowsLine((await p.pull()).out)).toBe(3);
    expect(p.state()!.cursor).toBe("18446744073709551602");
    await mySql(`INSERT INTO \`${t}\` VALUES (4, 18446744073709551603)`);
    expect(rowsLine((await p.pull()).out)).toBe(2);
    expect(p.state()!.cursor).toBe("18446744073709551603");
    expect(rowsLine((await p.pull()).out)).toBe(1);
  }, 60_000);

  test("zero dates in the cursor column are pulled, named in the log, and never loop", async () => {
    const t = await table("zero", "id INT PRIMARY KEY, updated_at DATETIME NOT NULL");
    await mySql(`INSERT INTO \`${t}\` WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 20)
                 SELECT i, IF(i IN (2, 9, 17), '0000-00-00 00:00:00', TIMESTAMP('2026-01-01') + INTERVAL i DAY) FROM s`);
    const p = project("mysql", { table: t, cursor_field: "updated_at", batch_size: 3 });
    const first = await p.pull();
    expect(first.code).toBe(0);
    expect(rowsLine(first.out)).toBe(20);
    expect(first.out).toMatch(/3 zero dates .*updated_at/);
    expect(p.state()!.cursor).toBe("2026-01-21 00:00:00");
    expect(await p.lake(`SELECT list(id::INT ORDER BY id) AS ids FROM s WHERE updated_at IS NULL`)).toEqual([
      { ids: [2, 9, 17] },
    ]);
    // only the row at the saved cursor again
    expect(rowsLine((await p.pull()).out)).toBe(1);

    // every cursor a zero date: pulled once per run, and the run ends
    const all = await table("allzero", "id INT PRIMARY KEY, updated_at DATE NOT NULL");
    await mySql(`INSERT INTO \`${all}\` VALUES (1, '0000-00-00'), (2, '0000-00-00'), (3, '0000-00-00')`);
    const q = project("mysql", { table: all, cursor_field: "updated_at", batch_size: 2 });
    expect(rowsLine((await q.pull()).out)).toBe(3);
    expect(q.state()!.cursor).toBe("0000-00-00");
    expect(rowsLine((await q.pull()).out)).toBe(3);
  }, 60_000);

  test("rows with a NULL cursor are pulled on every run and named in the log", async () => {
    const t = await table("nulls", "id INT PRIMARY KEY, updated_at DATETIME NULL");
    await mySql(`INSERT INTO \`${t}\` WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 20)
                 SELECT i, IF(i % 5 = 0, NULL, TIMESTAMP('2026-01-01') + INTERVAL i DAY) FROM s`);
    const p = project("mysql", { table: t, cursor_field: "updated_at", batch_size: 3 });
    const first = await p.pull();
    expect(rowsLine(first.out)).toBe(20);
    expect(first.out).toMatch(/4 rows with a NULL updated_at/);
    expect(rowsLine((await p.pull()).out)).toBe(5);
  }, 60_000);

  test("a primary_key that is not unique is reported, not paged past", async () => {
    const t = await table("dups", "id INT, updated_at DATETIME NOT NULL");
    await mySql(
      `INSERT INTO \`${t}\` VALUES (1, '2026-01-01'), (2, '2026-01-02'), (3, '2026-01-03'), (3, '2026-01-03'), (4, '2026-01-04')`,
    );
    const p = project("mysql", { table: t, cursor_field: "updated_at", batch_size: 3 });
    const out = await p.pull();
    expect(out.code).toBe(1);
    expect(out.out).toContain("not unique");
    expect(out.out).toMatch(/id = 3/);
  }, 60_000);

  test("a connection killed between pages is retried", async () => {
    const t = await table("dropped", "id INT PRIMARY KEY, updated_at DATETIME NOT NULL, KEY (updated_at, id)");
    await mySql(`INSERT INTO \`${t}\` WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 600)
                 SELECT i, TIMESTAMP('2026-01-01') + INTERVAL i SECOND FROM s`);
    const query = `SELECT t.* FROM \`${t}\` t CROSS JOIN (SELECT SLEEP(0.2) AS z) pause`;
    const p = project("mysql", { query, cursor_field: "updated_at", batch_size: 100 });
    const running = p.pull();
    let killed = 0;
    for (let i = 0; i < 40 && killed < 2; i++) {
      await Bun.sleep(150);
      const victims = await mySql(
        `SELECT id FROM information_schema.PROCESSLIST WHERE INFO LIKE '%SLEEP(0.2)%' AND INFO NOT LIKE '%PROCESSLIST%'`,
      );
      for (const v of victims) {
        await mySql(`KILL ${Number(v.id)}`).catch(() => {});
        killed++;
      }
    }
    const out = await running;
    expect(killed).toBeGreaterThan(0);
    expect(out.code).toBe(0);
    expect(out.out).toContain("retrying");
    expect(await p.lake(`SELECT count(DISTINCT id)::INT AS n FROM s`)).toEqual([{ n: 600 }]);
  }, 60_000);
});
