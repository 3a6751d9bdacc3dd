import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mysqlAvailable, withMysql as withConn } from "./sql-servers.ts";
import { checkMatrix, literalAt, removeAll, rowsOf, type MatrixColumn } from "./type-matrix.ts";

const available = await mysqlAvailable();
const table = `dp_matrix_${process.pid}_${Date.now().toString(36)}`;

const allBytes = `UNHEX('${Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0")).join("")}')`;

/**
 * Every type and special value from MariaDB's documentation (Data Types): each integer type's signed
 * and UNSIGNED range ends, DECIMAL up to (65,30), FLOAT's and DOUBLE's range ends (no NaN or
 * infinity: MariaDB stores neither), BIT(1) to BIT(64), DATE and DATETIME from 1000-01-01 to
 * 9999-12-31 with the zero date '0000-00-00' and dates with a zero month or day (permitted unless
 * NO_ZERO_DATE / NO_ZERO_IN_DATE), TIMESTAMP from 1970-01-01 00:00:01 to 2038-01-19 03:14:07.999999 UTC,
 * TIME from -838:59:59.999999 to 838:59:59.999999, YEAR 1901–2155 and 0000, the string, binary,
 * ENUM, SET, JSON (a LONGTEXT in MariaDB), UUID and INET6 types.
 */
const COLUMNS: MatrixColumn[] = [
  { name: "ti", ddl: "TINYINT", values: ["-128", "127"], landed: "TINYINT", kind: "int" },
  { name: "tiu", ddl: "TINYINT UNSIGNED", values: ["0", "255"], landed: "UTINYINT", kind: "int" },
  { name: "si", ddl: "SMALLINT", values: ["-32768", "32767"], landed: "SMALLINT", kind: "int" },
  { name: "siu", ddl: "SMALLINT UNSIGNED", values: ["65535"], landed: "USMALLINT", kind: "int" },
  { name: "mi", ddl: "MEDIUMINT", values: ["-8388608", "8388607"], landed: "INTEGER", kind: "int" },
  { name: "miu", ddl: "MEDIUMINT UNSIGNED", values: ["16777215"], landed: "UINTEGER", kind: "int" },
  { name: "i", ddl: "INT", values: ["-2147483648", "2147483647", "-5"], landed: "INTEGER", kind: "int" },
  { name: "iu", ddl: "INT UNSIGNED", values: ["4294967295"], landed: "UINTEGER", kind: "int" },
  {
    name: "bi",
    ddl: "BIGINT",
    values: ["-9223372036854775808", "9223372036854775807", "9007199254740993", "-5", "5", "0"],
    landed: "BIGINT",
    kind: "int",
  },
  {
    name: "biu",
    ddl: "BIGINT UNSIGNED",
    values: ["18446744073709551615", "9223372036854775808", "0"],
    landed: "UBIGINT",
    kind: "int",
  },
  // DuckDB's widest DECIMAL, at both ends, and past UBIGINT
  {
    name: "dec38_0",
    ddl: "DECIMAL(38,0)",
    values: ["9".repeat(38), `-${"9".repeat(38)}`, "18446744073709551616", "0"],
    landed: "DECIMAL(38,0)",
    kind: "decimal",
  },
  // past DuckDB's 38 digits: exact text (Parquet has no HUGEINT: DuckDB writes one as a DOUBLE)
  {
    name: "dec39_0",
    ddl: "DECIMAL(39,0)",
    values: ["9".repeat(39), `-${"9".repeat(39)}`, "170141183460469231731687303715884105728", "1"],
    landed: "VARCHAR",
    kind: "text",
  },
  {
    name: "dec65_0",
    ddl: "DECIMAL(65,0)",
    values: ["9".repeat(65), `-${"9".repeat(65)}`],
    landed: "VARCHAR",
    kind: "text",
  },
  {
    name: "dec65",
    ddl: "DECIMAL(65,30)",
    values: ["99999999999999999999999999999999999.999999999999999999999999999999", "-0.000000000000000000000000000001"],
    landed: "VARCHAR",
    kind: "text",
  },
  {
    name: "dec38",
    ddl: "DECIMAL(38,10)",
    values: ["9999999999999999999999999999.9999999999", "-9999999999999999999999999999.9999999999", "0.0000000001"],
    landed: "DECIMAL(38,10)",
    kind: "decimal",
  },
  {
    name: "decu",
    ddl: "DECIMAL(20,6) UNSIGNED",
    values: ["99999999999999.999999", "0"],
    landed: "DECIMAL(20,6)",
    kind: "decimal",
  },
  { name: "dec55", ddl: "DECIMAL(5,5)", values: ["0.99999", "-0.00001"], landed: "DECIMAL(5,5)", kind: "decimal" },
  // MariaDB prints a FLOAT with 6 digits; the value has more
  {
    name: "fl",
    ddl: "FLOAT",
    values: ["3.402823466E+38", "-3.402823466E+38", "1.175494351E-38", "0.1", "16777217", "-1.401298464e-45"],
    landed: "FLOAT",
    kind: "float4",
    source: (c) => `CAST(CAST(${c} AS DOUBLE) AS CHAR)`,
  },
  {
    name: "dbl",
    ddl: "DOUBLE",
    values: ["1.7976931348623157E+308", "-2.2250738585072014E-308", "0.1e0 + 0.2e0", "4.9406564584124654e-324"],
    landed: "DOUBLE",
    kind: "float8",
  },
  {
    name: "b1",
    ddl: "BIT(1)",
    values: ["b'1'", "b'0'"],
    landed: "UBIGINT",
    kind: "int",
    source: (c) => `CAST(${c} + 0 AS CHAR)`,
  },
  {
    name: "b64",
    ddl: "BIT(64)",
    values: [`b'${"1".repeat(64)}'`, `b'1${"0".repeat(62)}1'`, "0"],
    landed: "UBIGINT",
    kind: "int",
    source: (c) => `CAST(${c} + 0 AS CHAR)`,
  },
  { name: "bool", ddl: "BOOLEAN", values: ["TRUE", "FALSE", "2"], landed: "TINYINT", kind: "int" },
  {
    name: "d",
    ddl: "DATE",
    values: ["'1000-01-01'", "'9999-12-31'", "'0000-00-00'", "'2026-00-15'", "'2026-01-00'", "'0000-01-01'"],
    landed: "DATE",
    kind: "zero-date",
  },
  {
    name: "dt",
    ddl: "DATETIME(6)",
    values: [
      "'1000-01-01 00:00:00.000000'",
      "'9999-12-31 23:59:59.999999'",
      "'0000-00-00 00:00:00'",
      "'2026-01-00 10:00:00'",
      // does not exist in New York (spring forward): a wall-clock time is no instant
      "'2026-03-08 02:30:00'",
    ],
    landed: "TIMESTAMP",
    kind: "zero-date",
  },
  {
    name: "ts",
    ddl: "TIMESTAMP(6) NULL",
    values: [
      "'1970-01-01 00:00:01.000000'",
      "'2038-01-19 03:14:07.999999'",
      "'0000-00-00 00:00:00'",
      "'2026-03-08 07:30:00'",
    ],
    landed: "TIMESTAMP WITH TIME ZONE",
    kind: "zero-date",
    // the session is UTC, so the text is UTC
    source: (c) => `CONCAT(CAST(${c} AS CHAR), '+00')`,
  },
  // a signed duration up to 838 hours, not a time of day (DuckDB's TIME holds 00:00 to 24:00 only):
  // INTERVAL, whose text the files keep (Parquet's INTERVAL has no sign and milliseconds)
  {
    name: "tm",
    ddl: "TIME(6)",
    values: [
      "'-838:59:59.999999'",
      "'838:59:59.999999'",
      "'00:00:00'",
      "'-00:00:00.000001'",
      "'12:00:00.5'",
      "'-24:00:00'",
      "'100:00:00'",
    ],
    landed: "INTERVAL",
    stored: "VARCHAR",
    kind: "interval",
    source: (c) => `CONCAT('0,0,', CAST(TIME_TO_SEC(${c}) * 1000000 AS SIGNED))`,
  },
  { name: "yr", ddl: "YEAR", values: ["1901", "2155", "0"], landed: "SMALLINT", kind: "int" },
  { name: "ch", ddl: "CHAR(5)", values: ["'ab'", "''"], landed: "VARCHAR", kind: "text" },
  {
    name: "vc",
    ddl: "VARCHAR(100)",
    values: ["'ü😀 漢字'", "'line\\nbreak\\ttab\\r'", "'quote\" back\\\\slash'", "''", "'NULL'"],
    landed: "VARCHAR",
    kind: "text",
  },
  { name: "txt", ddl: "LONGTEXT", values: ["REPEAT('x', 100000)"], landed: "VARCHAR", kind: "text" },
  {
    name: "bin",
    ddl: "BINARY(3)",
    values: ["x'6162'", "x''"],
    landed: "BLOB",
    kind: "hex",
    source: (c) => `HEX(${c})`,
  },
  {
    name: "vb",
    ddl: "VARBINARY(300)",
    values: [allBytes, "x''"],
    landed: "BLOB",
    kind: "hex",
    source: (c) => `HEX(${c})`,
  },
  { name: "bl", ddl: "BLOB", values: ["x'00ff10'"], landed: "BLOB", kind: "hex", source: (c) => `HEX(${c})` },
  { name: "en", ddl: "ENUM('a','b c','ü')", values: ["'b c'", "'ü'", "''"], landed: "VARCHAR", kind: "text" },
  { name: "st", ddl: "SET('x','y')", values: ["'x,y'", "''"], landed: "VARCHAR", kind: "text" },
  { name: "js", ddl: "JSON", values: [`'{"a": 1, "a": 2}'`, "'[1, 2.50, 1e400]'"], landed: "VARCHAR", kind: "text" },
  {
    name: "uid",
    ddl: "UUID",
    values: ["'00000000-0000-0000-0000-000000000000'", "'ffffffff-ffff-ffff-ffff-ffffffffffff'"],
    landed: "VARCHAR",
    kind: "text",
  },
  { name: "ip6", ddl: "INET6", values: ["'::1'", "'2001:db8::ff00:42:8329'"], landed: "VARCHAR", kind: "text" },
  { name: "order", ddl: "INT", values: ["1"], landed: "INTEGER", kind: "int" },
  { name: "Weird Name", ddl: "VARCHAR(10)", values: ["'x'"], landed: "VARCHAR", kind: "text" },
];

const quote = (name: string) => `\`${name.replaceAll("`", "``")}\``;

function sourceText(c: MatrixColumn): string {
  const col = quote(c.name);
  return c.source ? c.source(col) : `CAST(${col} AS CHAR)`;
}

describe.skipIf(!available)("mysql (MariaDB) type matrix through `dp pull`", () => {
  const dirs: string[] = [];
  beforeAll(async () => {
    await withConn(async (c) => {
      await c.query(
        `CREATE TABLE ${quote(table)} (id INT PRIMARY KEY, ${COLUMNS.map((col) => `${quote(col.name)} ${col.ddl}`).join(", ")})`,
      );
      for (let row = 0; row < rowsOf(COLUMNS); row++)
        await c.query(
          `INSERT INTO ${quote(table)} VALUES (${row + 1}, ${COLUMNS.map((col) => literalAt(col, row)).join(", ")})`,
        );
    });
  });
  afterAll(async () => {
    removeAll(dirs);
    await withConn((c) => c.query(`DROP TABLE IF EXISTS ${quote(table)}`));
  });

  test("every value lands exactly, typed from the result's metadata, whatever the time zone of the dp process", async () => {
    const source = await withConn(async (c) => {
      const [rows] = await c.query(
        `SELECT id, ${COLUMNS.map((col) => `${sourceText(col)} AS ${quote(col.name)}`).join(", ")} FROM ${quote(table)} ORDER BY id`,
      );
      return new Map((rows as Record<string, unknown>[]).map((r) => [r.id as number, r]));
    });
    await checkMatrix({
      connector: "mysql",
      urlVar: "DP_TEST_MYSQL_URL",
      table,
      columns: COLUMNS,
      source,
      dirs,
      also: (declared, log) => {
        expect(declared.get("biu")?.source_type).toBe("bigint unsigned");
        expect(declared.get("dec38")?.source_type).toBe("decimal(38,10)");
        // zero dates land as NULL and the log says how many, in which column
        expect(log).toMatch(/3 zero dates .*\bd\b/);
        expect(log).toMatch(/2 zero dates? .*\bdt\b/);
        expect(log).toMatch(/1 zero date .*\bts\b/);
      },
    });
  }, 120_000);
});
