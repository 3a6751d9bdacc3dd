import pg from "pg";
import { defineConnector, type RawRecord } from "../../engine/ingest/connector.ts";
import {
  bindable,
  bytesToBase64,
  int8,
  isoTimestamp,
  mapError,
  readKeyset,
  sqlConfigSchema,
  sqlStreams,
  type Dialect,
  type SqlConfig,
  type SqlSession,
} from "./keyset.ts";

type PostgresConfig = SqlConfig;

const OID = {
  int8: 20,
  numeric: 1700,
  date: 1082,
  timestamp: 1114,
  timestamptz: 1184,
  json: 114,
  jsonb: 3802,
  time: 1083,
  timetz: 1266,
} as const;

const dialect: Dialect = {
  name: "postgres",
  quote: (id) => `"${id.replaceAll('"', '""')}"`,
  placeholder: (i) => `$${i}`,
  rowComparison: true,
  bindValue: bindable,
};

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
  });
  setTypeParsers(client);
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("SET TimeZone = 'UTC'");
  } catch (e) {
    await client.end().catch(() => {});
    throw mapError(e, dialect, undefined, { url: config.url, password: config.password });
  }
  return {
    query: async (sql, params) => {
      const result = await client.query({ text: sql, values: params, rowMode: "array" });
      const names = result.fields.map((f) => f.name);
      return result.rows.map((row: unknown[]) => {
        const record: RawRecord = {};
        for (let i = 0; i < names.length; i++) record[names[i]!] = plain(row[i]);
        return record;
      });
    },
    close: () => client.end(),
  };
}

/** Exact types in, JSON-safe values out: numerics stay strings, timestamps become ISO 8601 with microseconds (the session is UTC), json stays its text. */
function setTypeParsers(client: pg.Client): void {
  const text = (v: string) => v;
  client.setTypeParser(OID.int8, int8);
  client.setTypeParser(OID.numeric, text);
  client.setTypeParser(OID.date, text);
  client.setTypeParser(OID.timestamp, (v) => isoTimestamp(v, false));
  client.setTypeParser(OID.timestamptz, (v) => isoTimestamp(v, true));
  client.setTypeParser(OID.json, text);
  client.setTypeParser(OID.jsonb, text);
}

function plain(v: unknown): unknown {
  if (v instanceof Uint8Array) return bytesToBase64(v);
  if (v instanceof Date) return v.toISOString();
  if (typeof v === "bigint") return v.toString();
  if (Array.isArray(v)) return v.map(plain);
  return v;
}
