import pg from "pg";
import { defineConnector } from "../../engine/ingest/connector.ts";
import { sqlConfigSchema, sqlStreams, statementTimeoutMs, type SqlConfig } from "./config.ts";
import { mapError } from "./errors.ts";
import { readKeyset, type Dialect, type SqlSession } from "./keyset.ts";
import { describeFields } from "./postgres-types.ts";

type PostgresConfig = SqlConfig;

const dialect: Dialect = {
  name: "postgres",
  quote: (id) => `"${id.replaceAll('"', '""')}"`,
  placeholder: (i) => `$${i}`,
  rowComparison: true,
};

/** Every value as PostgreSQL's own text: the column types (postgres-types.ts) say what it means. */
const RAW_TEXT = { getTypeParser: () => (value: string) => value };

export const postgres = defineConnector<PostgresConfig>({
  name: "postgres",
  description: "tables and queries from a PostgreSQL database, incremental by an updated_at-style column",
  config: sqlConfigSchema,
  secretKeys: ["url", "password"],
  streams: (config) => sqlStreams(config.streams),
  read: (config, ctx) =>
    readKeyset(dialect, () => connect(config), config.streams.find((s) => s.name === ctx.stream.name)!, ctx),
});

async function connect(config: PostgresConfig): Promise<SqlSession> {
  const client = new pg.Client({
    ...(config.url
      ? { connectionString: config.url }
      : {
          host: config.host,
          port: config.port ?? 5432,
          user: config.user,
          password: config.password,
          database: config.database,
        }),
    ...(config.ssl !== undefined ? { ssl: config.ssl } : {}),
    application_name: "dp",
    connectionTimeoutMillis: 15_000,
    types: RAW_TEXT as unknown as pg.CustomTypesConfig,
  });
  client.on("error", () => {});
  try {
    await client.connect();
    // the text of every value as the column types expect it: UTC, ISO dates, the postgres interval
    // style, the shortest float text that reads back exactly, hex bytea; a page may wait on a lock this long
    await client.query(
      `SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres'; SET extra_float_digits = 1;
       SET bytea_output = 'hex'; SET statement_timeout = ${statementTimeoutMs(config)}`,
    );
  } catch (e) {
    await client.end().catch(() => {});
    throw mapError(e, dialect.name, undefined, { url: config.url, password: config.password });
  }
  return {
    describe: async (from, isTable) => {
      const result = await client.query({ text: `SELECT * FROM ${from} LIMIT 0`, rowMode: "array" });
      return describeFields(client, result.fields, isTable);
    },
    query: async (sql, params) => (await client.query({ text: sql, values: params, rowMode: "array" })).rows,
    close: () => client.end(),
  };
}
