import mysql2 from "mysql2/promise";
import pg from "pg";
import { serverAvailable } from "./ingest-helpers.ts";

/**
 * The test databases (PostgreSQL and MariaDB on loopback), for the tests that set up tables and
 * read the source's own values. dp reads them through `${DP_TEST_PG_URL}` / `${DP_TEST_MYSQL_URL}`.
 */
export const PG_URL = process.env.DP_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";
export const MYSQL_URL = process.env.DP_TEST_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/test";
process.env.DP_TEST_PG_URL = PG_URL;
process.env.DP_TEST_MYSQL_URL = MYSQL_URL;

/** A PostgreSQL session that spells values as the server's own text: UTC, ISO dates, shortest exact floats. */
export async function withPg<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    await client.query(
      "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres'; SET extra_float_digits = 1",
    );
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function pgSql(text: string, values: unknown[] = []): Promise<Record<string, unknown>[]> {
  return withPg(async (c) => (await c.query(text, values)).rows);
}

/** A MariaDB session in UTC that allows zero dates, with dates as the server's text. */
export async function withMysql<T>(fn: (c: mysql2.Connection) => Promise<T>): Promise<T> {
  const conn = await mysql2.createConnection({
    uri: MYSQL_URL,
    connectTimeout: 3000,
    timezone: "Z",
    dateStrings: true,
  });
  try {
    await conn.query("SET time_zone = '+00:00'");
    await conn.query("SET SESSION sql_mode = ''");
    // the row generators recurse past the default limit
    await conn.query("SET SESSION max_recursive_iterations = 1000000");
    return await fn(conn);
  } finally {
    await conn.end();
  }
}

export async function mySql(text: string, values: unknown[] = []): Promise<Record<string, unknown>[]> {
  return withMysql(async (c) => (await c.query(text, values))[0] as Record<string, unknown>[]);
}

export const pgAvailable = () => serverAvailable("postgres", async () => void (await pgSql("SELECT 1")));
export const mysqlAvailable = () => serverAvailable("mysql", async () => void (await mySql("SELECT 1")));
