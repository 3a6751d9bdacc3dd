import mysql2 from "mysql2/promise";
import { defineConnector } from "../../engine/ingest/connector.ts";
import { sqlConfigSchema, sqlStreams, statementTimeoutMs, type SqlConfig } from "./config.ts";
import { mapError } from "./errors.ts";
import { readKeyset, type Dialect, type SqlSession } from "./keyset.ts";
import { describeFields, type MysqlField } from "./mysql-types.ts";

type MysqlConfig = SqlConfig;

const dialect: Dialect = {
  name: "mysql",
  quote: (id) => `\`${id.replaceAll("`", "``")}\``,
  placeholder: () => "?",
  // MySQL and MariaDB do not use an index for (a, b) >= (x, y); the spelled-out form they do
  rowComparison: false,
};

/** MySQL and MariaDB (same protocol, same driver). */
export const mysql = defineConnector<MysqlConfig>({
  name: "mysql",
  description: "tables and queries from a MySQL or MariaDB database, incremental by an updated_at-style column",
  config: sqlConfigSchema,
  secretKeys: ["url", "password"],
  streams: (config) => sqlStreams(config.streams),
  read: (config, ctx) =>
    readKeyset(dialect, () => connect(config), config.streams.find((s) => s.name === ctx.stream.name)!, ctx),
});

async function connect(config: MysqlConfig): Promise<SqlSession> {
  let conn: mysql2.Connection;
  try {
    conn = await mysql2.createConnection({
      ...(config.url
        ? { uri: config.url }
        : {
            host: config.host,
            port: config.port ?? 3306,
            user: config.user,
            password: config.password,
            database: config.database,
          }),
      ...(config.ssl ? { ssl: {} } : {}),
      // dates and times as the server writes them (zero dates included), 64-bit integers and
      // decimals as text where a number would round, JSON as its text, a UTC session
      dateStrings: true,
      supportBigNumbers: true,
      bigNumberStrings: false,
      decimalNumbers: false,
      jsonStrings: true,
      timezone: "Z",
      connectTimeout: 15_000,
    });
    await conn.query("SET time_zone = '+00:00'");
    await statementTimeout(conn, statementTimeoutMs(config));
  } catch (e) {
    throw mapError(e, dialect.name, undefined, { url: config.url, password: config.password });
  }
  conn.on("error", () => {});
  return {
    describe: async (from) => {
      const [, fields] = await conn.query({ sql: `SELECT * FROM ${from} LIMIT 0`, rowsAsArray: true });
      return describeFields(fields as unknown as MysqlField[]);
    },
    query: async (sql, params) => {
      const [rows] = await conn.query({ sql, values: params, rowsAsArray: true });
      return rows as unknown as unknown[][];
    },
    close: () => conn.end(),
  };
}

/** MariaDB's max_statement_time (seconds) or MySQL's max_execution_time (ms), and the wait for a table lock. */
async function statementTimeout(conn: mysql2.Connection, ms: number): Promise<void> {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  await conn
    .query(`SET SESSION max_statement_time = ${ms / 1000}`)
    .catch(() => conn.query(`SET SESSION max_execution_time = ${Math.round(ms)}`));
  await conn.query(`SET SESSION lock_wait_timeout = ${seconds}`);
}
