import mysql2 from "mysql2/promise";
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

type MysqlConfig = SqlConfig;

const TYPE = { timestamp: 7, longlong: 8, date: 10, datetime: 12, bit: 16 } as const;
const ISO_TIMESTAMP = /^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d(?:\.\d+)?)Z?$/;

const dialect: Dialect = {
  name: "mysql",
  quote: (id) => `\`${id.replaceAll("`", "``")}\``,
  placeholder: () => "?",
  // MySQL and MariaDB do not use an index for (a, b) > (x, y); the spelled-out form they do
  rowComparison: false,
  bindValue: (v) => (typeof v === "string" && ISO_TIMESTAMP.test(v) ? v.replace(ISO_TIMESTAMP, "$1 $2") : bindable(v)),
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
      dateStrings: true,
      supportBigNumbers: true,
      bigNumberStrings: false,
      decimalNumbers: false,
      jsonStrings: true,
      timezone: "Z",
      connectTimeout: 15_000,
    });
    await conn.query("SET time_zone = '+00:00'");
  } catch (e) {
    throw mapError(e, dialect, undefined, { url: config.url, password: config.password });
  }
  conn.on("error", () => {});
  return {
    query: async (sql, params) => {
      const [rows, fields] = await conn.query<mysql2.RowDataPacket[]>({ sql, values: params, rowsAsArray: true });
      const convert = fields.map((f) => converter(f.columnType ?? 0));
      const names = fields.map((f) => f.name);
      return (rows as unknown as unknown[][]).map((row) => {
        const record: RawRecord = {};
        for (let i = 0; i < names.length; i++) record[names[i]!] = convert[i]!(row[i]);
        return record;
      });
    },
    close: () => conn.end(),
  };
}

/** DECIMAL stays a string (exact); BIGINT stays exact; dates become ISO 8601; bytes base64; BIT a number. */
function converter(columnType: number): (v: unknown) => unknown {
  switch (columnType) {
    case TYPE.timestamp:
      return (v) => (typeof v === "string" ? (isZeroDate(v) ? null : isoTimestamp(v, true)) : v);
    case TYPE.datetime:
      return (v) => (typeof v === "string" ? (isZeroDate(v) ? null : isoTimestamp(v, false)) : v);
    case TYPE.date:
      return (v) => (typeof v === "string" && isZeroDate(v) ? null : v);
    case TYPE.longlong:
      return (v) => (typeof v === "string" ? int8(v) : v);
    case TYPE.bit:
      return (v) => (v instanceof Uint8Array ? v.reduce((n, b) => n * 256 + b, 0) : v);
    default:
      return (v) => (v instanceof Uint8Array ? bytesToBase64(v) : v);
  }
}

function isZeroDate(v: string): boolean {
  return v.startsWith("0000-00-00");
}
