import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { Db } from "../../engine/warehouse/duckdb.ts";
import { runDp, tempDir } from "../helpers.ts";
import { pgAvailable, withPg as withClient } from "./sql-servers.ts";
import { checkMatrix, lakeRows, literalAt, removeAll, rowsOf, type MatrixColumn } from "./type-matrix.ts";

const available = await pgAvailable();
const schema = `dp_matrix_${process.pid}_${Date.now().toString(36)}`;
const table = `${schema}.matrix`;

const allBytes = `(SELECT string_agg(decode(lpad(to_hex(i), 2, '0'), 'hex'), ''::bytea ORDER BY i) FROM generate_series(0, 255) i)`;

/**
 * Every type and special value from PostgreSQL's documentation (chapter 8, Data Types): the integer
 * ranges (8.1.1), numeric's NaN and ±Infinity, negative scale and scale above precision (8.1.2), the
 * floats' NaN, ±Infinity, -0 and their range ends (8.1.3), money's range (8.2), date/time ranges from
 * 4713 BC, 'infinity' and '-infinity', 24:00:00, timetz's ±15:59 offsets, interval's ±178000000 years
 * (8.5), bytea (8.4), arrays of each kind including 2-D and NULL elements (8.15), enums, json, domains,
 * composites and the rest landing as their text.
 */
const COLUMNS: MatrixColumn[] = [
  { name: "small", ddl: "smallint", values: ["-32768", "32767", "0"], landed: "SMALLINT", kind: "int" },
  { name: "int", ddl: "integer", values: ["-2147483648", "2147483647", "-5"], landed: "INTEGER", kind: "int" },
  {
    name: "big",
    ddl: "bigint",
    values: ["-9223372036854775808", "9223372036854775807", "9007199254740993", "-5", "5", "0"],
    landed: "BIGINT",
    kind: "int",
  },
  {
    name: "num",
    ddl: "numeric",
    values: [
      "'NaN'",
      "'Infinity'",
      "'-Infinity'",
      `'${"9".repeat(1000)}.${"1".repeat(100)}'`,
      "'-0.000000000000000000000000000000000000000001'",
      "'12345678901234567890.123456789012345678'",
      "0",
    ],
    landed: "VARCHAR",
    kind: "text",
  },
  {
    name: "num_38",
    ddl: "numeric(38,10)",
    values: [
      "'9999999999999999999999999999.9999999999'",
      "'-9999999999999999999999999999.9999999999'",
      "'0.0000000001'",
    ],
    landed: "DECIMAL(38,10)",
    kind: "decimal",
  },
  {
    name: "num_20_6",
    ddl: "numeric(20,6)",
    values: ["'12345678901234.123456'", "'-0.000001'", "1.5"],
    landed: "DECIMAL(20,6)",
    kind: "decimal",
  },
  // PostgreSQL 15: rounded to the thousand, and fractions only
  {
    name: "num_neg_scale",
    ddl: "numeric(2,-3)",
    values: ["99000", "-99000", "1500"],
    landed: "DECIMAL(5,0)",
    kind: "decimal",
  },
  {
    name: "num_small",
    ddl: "numeric(3,5)",
    values: ["0.00999", "-0.00999", "0.00001"],
    landed: "DECIMAL(5,5)",
    kind: "decimal",
  },
  // DuckDB's widest DECIMAL, at both ends
  {
    name: "num_38_0",
    ddl: "numeric(38,0)",
    values: [`'${"9".repeat(38)}'`, `'-${"9".repeat(38)}'`, "'18446744073709551616'", "0"],
    landed: "DECIMAL(38,0)",
    kind: "decimal",
  },
  // past 38 digits: exact text (a HUGEINT would hold only some of these, and Parquet has no HUGEINT: DuckDB writes it as a DOUBLE)
  {
    name: "num_39_0",
    ddl: "numeric(39,0)",
    values: [
      `'${"9".repeat(39)}'`,
      `'-${"9".repeat(39)}'`,
      "'170141183460469231731687303715884105728'",
      "'-170141183460469231731687303715884105729'",
      "1",
    ],
    landed: "VARCHAR",
    kind: "text",
  },
  {
    name: "num_wide",
    ddl: "numeric(39,2)",
    values: [`'${"9".repeat(37)}.99'`, "'-1.50'"],
    landed: "VARCHAR",
    kind: "text",
  },
  // a constrained numeric holds NaN, which no DECIMAL can: the column lands as exact text instead
  { name: "num_nan", ddl: "numeric(10,2)", values: ["'NaN'", "'12345678.91'"], landed: "VARCHAR", kind: "text" },
  {
    name: "real",
    ddl: "real",
    values: [
      "'NaN'",
      "'Infinity'",
      "'-Infinity'",
      "'-0'",
      "'3.4028235e+38'",
      "'1.17549435e-38'",
      "'1.4e-45'",
      "'0.1'",
      "'16777217'",
    ],
    landed: "FLOAT",
    kind: "float4",
  },
  {
    name: "dbl",
    ddl: "double precision",
    values: [
      "'NaN'",
      "'Infinity'",
      "'-Infinity'",
      "'-0'",
      "'1.7976931348623157e+308'",
      "'2.2250738585072014e-308'",
      "'5e-324'",
      "0.1::float8 + 0.2::float8",
      "'9007199254740993'",
    ],
    landed: "DOUBLE",
    kind: "float8",
  },
  {
    name: "cash",
    ddl: "money",
    values: ["'-92233720368547758.08'", "'92233720368547758.07'", "'1.50'"],
    landed: "DECIMAL(19,2)",
    kind: "decimal",
    source: (c) => `${c}::numeric::text`,
  },
  {
    name: "d",
    ddl: "date",
    values: [
      "'4714-11-24 BC'",
      "'5874897-12-31'",
      "'infinity'",
      "'-infinity'",
      "'0001-01-01'",
      "'0001-12-31 BC'",
      "'2000-02-29'",
    ],
    landed: "DATE",
    kind: "datetime",
  },
  {
    name: "ts",
    ddl: "timestamp",
    values: [
      "'4714-11-24 00:00:00 BC'",
      // DuckDB's last microsecond; PostgreSQL's own range goes 29 years further (ts_far below)
      "'294247-01-10 04:00:54.775806'",
      "'infinity'",
      "'-infinity'",
      // wall-clock times that do not exist (spring forward) and exist twice (fall back) in New York
      "'2026-03-08 02:30:00'",
      "'2026-11-01 01:30:00.123456'",
      "'1970-01-01 00:00:00'",
      "'0001-01-01 00:00:00.000001'",
    ],
    landed: "TIMESTAMP",
    kind: "datetime",
  },
  // past DuckDB's last timestamp: no TIMESTAMP holds it, so the column lands as exact text, and the log says so
  {
    name: "ts_far",
    ddl: "timestamp",
    values: ["'294276-12-31 23:59:59.999999'", "'2026-01-01 00:00:00'"],
    landed: "VARCHAR",
    kind: "datetime",
  },
  {
    name: "tstz",
    ddl: "timestamptz",
    values: [
      "'4714-11-24 00:00:00+00 BC'",
      "'294247-01-10 04:00:54.775806+00'",
      "'infinity'",
      "'-infinity'",
      "'2026-01-02 10:00:00.123456+02'",
      "'2026-03-08 07:30:00+00'",
      "'1883-11-18 12:00:00-05'",
      "'1900-01-01 00:00:00+00'",
    ],
    landed: "TIMESTAMP WITH TIME ZONE",
    kind: "datetime",
  },
  {
    name: "t",
    ddl: "time",
    values: ["'00:00:00'", "'24:00:00'", "'23:59:59.999999'", "'12:34:56.5'"],
    landed: "TIME",
    kind: "text",
  },
  // Parquet keeps no offset for a time of day (DuckDB writes the UTC time): the files keep the text,
  // the raw views read it as TIMETZ; offsets to the second, 24:00:00 and the ±15:59 ends
  {
    name: "ttz",
    ddl: "timetz",
    values: [
      "'00:00:00+1559'",
      "'24:00:00-1559'",
      "'10:00:00.123456+02'",
      "'10:00:00+05:30'",
      "'23:59:59.999999-00:00:01'",
      "'10:00:00+05:53:28'",
      "'12:00:00+00'",
    ],
    landed: "TIME WITH TIME ZONE",
    stored: "VARCHAR",
    kind: "timetz",
  },
  // Parquet's INTERVAL has milliseconds and no sign: the files keep DuckDB's interval text, the raw
  // views read it as INTERVAL; months, days and microseconds each keep their own sign
  {
    name: "iv",
    ddl: "interval",
    values: [
      "'-178000000 years'",
      "'178000000 years'",
      "'1 year 2 mons -3 days 04:05:06.789012'",
      "'-00:00:00.000001'",
      "'2147483647 days'",
      "'2562047788:00:54.775807'",
      "'1 mon -1 microsecond'",
      "'-1 year -2 mons +3 days -04:05:06.789012'",
    ],
    landed: "INTERVAL",
    stored: "VARCHAR",
    kind: "interval",
  },
  { name: "b", ddl: "boolean", values: ["true", "false"], landed: "BOOLEAN", kind: "bool" },
  {
    name: "txt",
    ddl: "text",
    values: ["''", "'ü😀 漢字'", "E'line\\nbreak\\ttab\\r'", `'quote" back\\slash'`, "repeat('x', 100000)", "'NULL'"],
    landed: "VARCHAR",
    kind: "text",
  },
  { name: "vc", ddl: "varchar(5)", values: ["'abcde'", "' '"], landed: "VARCHAR", kind: "text" },
  // blank-padded: the value PostgreSQL returns is padded; a cast to text would trim it
  {
    name: "ch",
    ddl: "char(5)",
    values: ["'ab'"],
    landed: "VARCHAR",
    kind: "text",
  },
  { name: "by", ddl: "bytea", values: ["'\\x'", "'\\x00ff10'", allBytes], landed: "BLOB", kind: "hex" },
  {
    name: "uid",
    ddl: "uuid",
    values: ["'00000000-0000-0000-0000-000000000000'", "'ffffffff-ffff-ffff-ffff-ffffffffffff'"],
    landed: "UUID",
    kind: "text",
  },
  // json keeps its text as given: duplicate keys, spacing, numbers past any float
  {
    name: "js",
    ddl: "json",
    values: [`'{"a":1,"a":2}'`, `'  {"b" : [1, 2.50, 1e400]}'`, `'"text"'`, "'null'"],
    landed: "JSON",
    kind: "text",
  },
  { name: "jsb", ddl: "jsonb", values: [`'{"b": [1, 2.50], "a": null}'`, "'[]'"], landed: "JSON", kind: "text" },
  { name: "mood", ddl: `${schema}.mood`, values: ["'sad'", "'very happy'"], landed: "VARCHAR", kind: "text" },
  { name: "ip", ddl: "inet", values: ["'192.168.0.1/24'", "'::1'"], landed: "VARCHAR", kind: "text" },
  {
    name: "bits",
    ddl: "bit varying(70)",
    values: ["B'1010'", `B'${"1".repeat(70)}'`],
    landed: "VARCHAR",
    kind: "text",
  },
  { name: "pt", ddl: "point", values: ["'(1.5,-2)'"], landed: "VARCHAR", kind: "text" },
  { name: "rng", ddl: "int4range", values: ["'[1,5)'", "'empty'"], landed: "VARCHAR", kind: "text" },
  { name: "x", ddl: "xml", values: ["'<a>ü</a>'"], landed: "VARCHAR", kind: "text" },
  { name: "dom", ddl: `${schema}.amount`, values: ["'12.50'", "'-0.01'"], landed: "DECIMAL(10,2)", kind: "decimal" },
  { name: "pair", ddl: `${schema}.pair`, values: ["ROW(1, 'x y')"], landed: "VARCHAR", kind: "text" },
  { name: "oid_col", ddl: "oid", values: ["4294967295", "0"], landed: "UINTEGER", kind: "int" },
  { name: "select", ddl: "text", values: ["'a keyword as a column name'"], landed: "VARCHAR", kind: "text" },
  { name: "Order Id", ddl: "integer", values: ["7"], landed: "INTEGER", kind: "int" },
  {
    name: "ints",
    ddl: "integer[]",
    values: ["'{1,NULL,-2147483648}'", "'{}'"],
    landed: "INTEGER[]",
    kind: "int",
    depth: 1,
  },
  {
    name: "nums",
    ddl: "numeric[]",
    values: ["'{1.5,NaN,12345678901234567890.123456789012345678}'"],
    landed: "VARCHAR[]",
    kind: "text",
    depth: 1,
  },
  {
    name: "decs",
    ddl: "numeric(30,10)[]",
    values: ["'{1.5,-99999999999999999999.9999999999}'"],
    landed: "DECIMAL(30,10)[]",
    kind: "decimal",
    depth: 1,
  },
  { name: "grid", ddl: "integer[][]", values: ["'{{1,2},{3,4}}'"], landed: "INTEGER[][]", kind: "int", depth: 2 },
  {
    name: "stamps",
    ddl: "timestamp[]",
    values: [`'{infinity,"2026-01-01 00:00:00.123456","0001-01-01 00:00:00 BC"}'`],
    landed: "TIMESTAMP[]",
    kind: "datetime",
    depth: 1,
  },
  {
    name: "days",
    ddl: "date[]",
    values: ["'{0001-01-01,infinity,-infinity,\"0044-03-15 BC\"}'"],
    landed: "DATE[]",
    kind: "datetime",
    depth: 1,
  },
  {
    name: "tzs",
    ddl: "timestamptz[]",
    values: [`'{"2026-01-02 10:00:00.123456+02",-infinity}'`],
    landed: "TIMESTAMP WITH TIME ZONE[]",
    kind: "datetime",
    depth: 1,
  },
  {
    name: "floats",
    ddl: "double precision[]",
    values: ["'{NaN,Infinity,-Infinity,-0,0.30000000000000004}'"],
    landed: "DOUBLE[]",
    kind: "float8",
    depth: 1,
  },
  {
    name: "texts",
    ddl: "text[]",
    values: [`'{"a,b","NULL",NULL,"\\"q\\"","",ü}'`],
    landed: "VARCHAR[]",
    kind: "text",
    depth: 1,
  },
  {
    name: "blobs",
    ddl: "bytea[]",
    values: ["ARRAY['\\x00ff'::bytea, NULL, '\\x'::bytea]"],
    landed: "BLOB[]",
    kind: "hex",
    depth: 1,
  },
  {
    name: "docs",
    ddl: "jsonb[]",
    values: [`ARRAY['{"a": 1}'::jsonb, 'null'::jsonb, NULL]`],
    landed: "JSON[]",
    kind: "text",
    depth: 1,
  },
  {
    name: "ivs",
    ddl: "interval[]",
    values: ["ARRAY['-1 mon 2 days'::interval, '00:00:00.000001', NULL, '1 year 2 mons -3 days 04:05:06.789012']"],
    landed: "INTERVAL[]",
    stored: "VARCHAR[]",
    kind: "interval",
    depth: 1,
  },
  {
    name: "ttzs",
    ddl: "timetz[]",
    values: [`'{"24:00:00-15:59","10:00:00.5+05:30",NULL}'`],
    landed: "TIME WITH TIME ZONE[]",
    stored: "VARCHAR[]",
    kind: "timetz",
    depth: 1,
  },
  { name: "flags", ddl: "boolean[]", values: ["'{t,f,NULL}'"], landed: "BOOLEAN[]", kind: "bool", depth: 1 },
];

/** The source's text of a value, as PostgreSQL's output function (for money: its numeric) writes it. */
function sourceText(c: MatrixColumn, col: string): string {
  const scalar = (x: string): string => {
    if (c.kind === "hex") return `encode(${x}, 'hex')`;
    if (c.kind === "timetz") return `${x}::time::text || ',' || extract(timezone from ${x})::int`;
    if (c.kind === "interval")
      return `(extract(year from ${x}) * 12 + extract(month from ${x}))::bigint || ',' || extract(day from ${x})::bigint || ',' ||
              (extract(hour from ${x}) * 3600000000 + extract(minute from ${x}) * 60000000 + extract(microseconds from ${x}))::bigint`;
    // the type's output function, as a client receives the value (inet's cast to text would add /128)
    return c.source ? c.source(x) : `CASE WHEN ${x} IS NULL THEN NULL ELSE format('%s', ${x}) END`;
  };
  if (!c.depth) return scalar(col);
  return `CASE WHEN ${col} IS NULL THEN NULL ELSE ARRAY(SELECT ${scalar("u.x")} FROM unnest(${col}) AS u(x)) END`;
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

describe.skipIf(!available)("postgres type matrix through `dp pull`", () => {
  const dirs: string[] = [];
  beforeAll(async () => {
    await withClient(async (c) => {
      await c.query(`CREATE SCHEMA ${schema}`);
      await c.query(`CREATE TYPE ${schema}.mood AS ENUM ('sad', 'very happy')`);
      await c.query(`CREATE DOMAIN ${schema}.amount AS numeric(10,2)`);
      await c.query(`CREATE TYPE ${schema}.pair AS (a integer, b text)`);
      await c.query(
        `CREATE TABLE ${table} (id integer PRIMARY KEY, ${COLUMNS.map((col) => `${quote(col.name)} ${col.ddl}`).join(", ")})`,
      );
      for (let row = 0; row < rowsOf(COLUMNS); row++)
        await c.query(
          `INSERT INTO ${table} VALUES (${row + 1}, ${COLUMNS.map((col) => `(${literalAt(col, row)})::${col.ddl}`).join(", ")})`,
        );
    });
  });
  afterAll(async () => {
    removeAll(dirs);
    await withClient((c) => c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));
  });

  test("every value lands exactly, typed from the catalog, whatever the time zone of the dp process", async () => {
    const source = await withClient(async (c) => {
      const res = await c.query(
        `SELECT id, ${COLUMNS.map((col) => `${sourceText(col, quote(col.name))} AS ${quote(col.name)}`).join(", ")} FROM ${table} ORDER BY id`,
      );
      return new Map(res.rows.map((r: Record<string, unknown>) => [r.id as number, r]));
    });
    await checkMatrix({
      connector: "postgres",
      urlVar: "DP_TEST_PG_URL",
      table,
      columns: COLUMNS,
      source,
      dirs,
      also: (declared, log) => {
        expect(declared.get("num_20_6")?.source_type).toBe("numeric(20,6)");
        expect(declared.get("mood")?.source_type).toBe(`${schema}.mood`);
        // the two columns whose values no DuckDB type holds are named in the log, with a value
        expect(log).toContain("num_nan");
        expect(log).toContain("ts_far");
        expect(log).toContain("294276-12-31 23:59:59.999999");
      },
    });
    // the 2-D array keeps its shape, not only its elements
    const [grid] = await (async () => {
      const lake = await lakeRows(dirs[0]!, [{ name: "grid", ddl: "", values: [], landed: "", kind: "text" }]);
      return [lake.rows.get(1)!.grid];
    })();
    expect(grid).toBe("[[1, 2], [3, 4]]");
  }, 120_000);

  test("a query's array column holding 2-D values where the catalog cannot say so lands as exact JSON, named in the log", async () => {
    await withClient((c) =>
      c.query(
        `CREATE TABLE ${schema}.dims AS SELECT * FROM (VALUES (1, '{1,2}'::int[]), (2, '{{1,2},{3,4}}'::int[]), (3, NULL)) v(id, a)`,
      ),
    );
    const dir = tempDir("dp-matrix-dims-");
    dirs.push(dir);
    writeFileSync(
      join(dir, "project.yaml"),
      stringify({
        name: "dims",
        sources: {
          db: {
            connector: "postgres",
            config: {
              url: "${DP_TEST_PG_URL}",
              streams: [{ name: "q", query: `SELECT id, a FROM ${schema}.dims`, primary_key: "id" }],
            },
          },
        },
      }),
    );
    const out = await runDp(["pull", "-C", dir], { env: { DP_LOG: "info" } });
    expect(out.code).toBe(0);
    expect(out.stdout + out.stderr).toMatch(/column a holds a value its declared type cannot \(.*\[3,4\]/);
    const db = await Db.open(":memory:");
    try {
      expect(
        await db.all(
          `SELECT id::INT AS id, a::VARCHAR AS a, typeof(a) AS t FROM '${join(dir, "lake/raw/db/q/*/*.parquet")}' ORDER BY id`,
        ),
      ).toEqual([
        { id: 1, a: "[1,2]", t: "JSON" },
        { id: 2, a: "[[1,2],[3,4]]", t: "JSON" },
        { id: 3, a: null, t: "JSON" },
      ]);
    } finally {
      db.close();
    }
  }, 60_000);
});
