import { describe, expect, test } from "bun:test";
import { exactIntegers, fits, parseType, typeSql, typeText, widen } from "../../../engine/ingest/duckdb-type.ts";
import { parseJson } from "../../../engine/ingest/exact-json.ts";
import { RecordShape } from "../../../engine/ingest/record-shape.ts";
import { rawViewCasts, StreamSchema } from "../../../engine/ingest/stream-schema.ts";

const shapeOf = (records: Record<string, unknown>[]) => {
  const s = new RecordShape();
  s.add(records);
  return s;
};

describe("DuckDB types as trees", () => {
  test("DuckDB's own spellings read back as written", () => {
    for (const t of [
      "BIGINT",
      "DECIMAL(18,3)",
      "TIMESTAMP WITH TIME ZONE[]",
      "STRUCT(a VARCHAR, b BIGINT[], c STRUCT(d DOUBLE))",
      'STRUCT("b c" VARCHAR, "x""y" BOOLEAN)',
      "MAP(VARCHAR, JSON)",
      "INTEGER[][]",
      "NULL",
    ])
      expect(typeText(parseType(t))).toBe(t);
    // quoted keyword names, DuckDB's "NULL", and types kept verbatim
    expect(typeText(parseType('STRUCT("object" VARCHAR, "type" VARCHAR)'))).toBe(
      "STRUCT(object VARCHAR, type VARCHAR)",
    );
    expect(typeText(parseType('"NULL"'))).toBe("NULL");
    expect(typeText(parseType("ENUM('a', 'b c')"))).toBe("ENUM('a', 'b c')");
    expect(typeText(parseType("INTEGER[3]"))).toBe("INTEGER[3]");
    // a connector's pin in another of DuckDB's names is the type DuckDB lands
    expect(typeText(parseType("TIMESTAMPTZ"))).toBe("TIMESTAMP WITH TIME ZONE");
    expect(typeText(parseType("STRUCT(n INT8, s TEXT)[]"))).toBe("STRUCT(n BIGINT, s VARCHAR)[]");
    // in a statement, names are quoted and a type no value has shown reads as JSON
    expect(typeSql(parseType("STRUCT(type VARCHAR, n NULL)"))).toBe('STRUCT("type" VARCHAR, "n" JSON)');
  });

  test("a batch fits a type only when every value reads as it without loss", () => {
    const at = (records: Record<string, unknown>[], key: string) => shapeOf(records).root.keys!.get(key);
    expect(fits(parseType("BIGINT"), at([{ x: 1 }, { x: null }], "x"))).toBe(true);
    expect(fits(parseType("BIGINT"), at([{ x: 1.5 }], "x"))).toBe(false);
    expect(fits(parseType("DOUBLE"), at([{ x: 1 }, { x: 1.5 }], "x"))).toBe(true);
    expect(fits(parseType("VARCHAR"), at([{ x: 5 }], "x"))).toBe(false);
    expect(fits(parseType("TIMESTAMP"), at([{ x: "2026-01-01T00:00:00Z" }], "x"))).toBe(true);
    expect(fits(parseType("STRUCT(a VARCHAR)"), at([{ x: { a: "1" } }, { x: {} }, { x: null }], "x"))).toBe(true);
    expect(fits(parseType("STRUCT(a VARCHAR)"), at([{ x: { a: "1", b: 2 } }], "x"))).toBe(false);
    expect(fits(parseType("VARCHAR[]"), at([{ x: [] }, { x: ["a", null] }], "x"))).toBe(true);
    expect(fits(parseType("JSON"), at([{ x: [1, "a", { b: true }] }], "x"))).toBe(true);
    // only nulls: fits every type, and a type no value has shown fits nothing else
    expect(fits(parseType("BOOLEAN"), at([{ x: null }], "x"))).toBe(true);
    expect(fits(parseType("NULL"), at([{ x: "a" }], "x"))).toBe(false);
  });

  test("widening holds both types' values", () => {
    const w = (a: string, b: string) => typeText(widen(parseType(a), parseType(b)));
    expect(w("BIGINT", "DOUBLE")).toBe("DOUBLE");
    expect(w("INTEGER", "BIGINT")).toBe("BIGINT");
    expect(w("DATE", "VARCHAR")).toBe("VARCHAR");
    expect(w("VARCHAR", "TIMESTAMP")).toBe("VARCHAR");
    expect(w("NULL", "STRUCT(a BIGINT)")).toBe("STRUCT(a BIGINT)");
    expect(w("STRUCT(a BIGINT, b NULL)", "STRUCT(b VARCHAR, c BOOLEAN)")).toBe(
      "STRUCT(a BIGINT, b VARCHAR, c BOOLEAN)",
    );
    expect(w("BIGINT", "VARCHAR")).toBe("VARCHAR");
    // integers stay integers: signed when either is, DECIMAL(38,0) past BIGINT (the lake has no HUGEINT)
    expect(w("UTINYINT", "TINYINT")).toBe("SMALLINT");
    expect(w("INTEGER", "UINTEGER")).toBe("BIGINT");
    expect(w("BIGINT", "UBIGINT")).toBe("DECIMAL(38,0)");
    expect(w("BIGINT", "HUGEINT")).toBe("DECIMAL(38,0)");
    expect(w("DECIMAL(38,0)", "INTEGER")).toBe("DECIMAL(38,0)");
    expect(w("DECIMAL(38,0)", "DOUBLE")).toBe("DOUBLE");
  });

  test("integers past 2^53: what DuckDB's JSON reader infers becomes a type the lake holds them in exactly", () => {
    const node = (json: string) => {
      const s = new RecordShape();
      s.add(parseJson<Record<string, unknown>[]>(json));
      return s.root.keys!.get("n");
    };
    const exact = (inferred: string, json: string) => typeText(exactIntegers(parseType(inferred), node(json)));
    // DuckDB infers HUGEINT for 2^63 and -1 together, and for 2^64 - 1; DOUBLE past 64 bits
    expect(exact("HUGEINT", '[{"n":9007199254740993},{"n":-9007199254740993}]')).toBe("BIGINT");
    expect(exact("HUGEINT", '[{"n":18446744073709551615},{"n":-1}]')).toBe("DECIMAL(38,0)");
    expect(exact("DOUBLE", '[{"n":1180591620717411303424}]')).toBe("DECIMAL(38,0)");
    expect(exact("DOUBLE", `[{"n":1${"0".repeat(40)}},{"n":null}]`)).toBe("VARCHAR");
    expect(exact("DOUBLE[]", '[{"n":[1180591620717411303424, 1]}]')).toBe("DECIMAL(38,0)[]");
    // a float among them is a DOUBLE field
    expect(exact("DOUBLE", '[{"n":1180591620717411303424},{"n":1.5}]')).toBe("DOUBLE");
    // a DECIMAL(38,0) holds integers only
    expect(fits(parseType("DECIMAL(38,0)"), node('[{"n":18446744073709551615}]'))).toBe(true);
    expect(fits(parseType("DECIMAL(38,0)"), node('[{"n":1.5}]'))).toBe(false);
  });
});

describe("a stream's declared schema", () => {
  test("HTTP: null, empty and missing fields keep the declared types; a new field is added; a misfit widens", () => {
    const schema = new StreamSchema([
      { name: "id", type: "BIGINT" },
      { name: "plan", type: "STRUCT(tier VARCHAR)" },
      { name: "note", type: "NULL" },
    ]);
    const nulls = schema.planFromShape(shapeOf([{ id: 1, plan: null, note: null }]))!;
    expect(nulls.columns.map((c) => typeText(c.type))).toEqual(["BIGINT", "STRUCT(tier VARCHAR)", "NULL"]);
    expect(schema.accept(nulls)).toEqual({ drift: undefined });
    // a first value for `note`, and a new field, need DuckDB's inference
    expect(schema.planFromShape(shapeOf([{ id: 2, note: "hi", extra: true }]))).toBeUndefined();
    const inferred = schema.planFromInference(
      [
        { name: "id", type: "BIGINT" },
        { name: "note", type: "VARCHAR" },
        { name: "extra", type: "BOOLEAN" },
      ],
      shapeOf([{ id: 2, note: "hi", extra: true }]),
      false,
    );
    expect(schema.accept(inferred).drift).toEqual({ added: ["extra"], removed: [], retyped: [] });
    const misfit = schema.planFromInference([{ name: "id", type: "DOUBLE" }], shapeOf([{ id: 2.5 }]), false);
    expect(schema.accept(misfit).drift).toEqual({ added: [], removed: [], retyped: ["id: BIGINT → DOUBLE"] });
    expect(schema.recordable().map((c) => `${c.name} ${c.type}`)).toEqual([
      "id DOUBLE",
      "plan STRUCT(tier VARCHAR)",
      "note VARCHAR",
      "extra BOOLEAN",
    ]);
  });

  test("a file planned before an earlier one widened a column is converted again with the wider type", () => {
    const schema = new StreamSchema([{ name: "at", type: "DATE" }]);
    const early = schema.planFromShape(shapeOf([{ at: "2026-01-01" }]))!;
    const widened = schema.planFromInference([{ name: "at", type: "VARCHAR" }], shapeOf([{ at: "soon" }]), true);
    expect(schema.accept(widened).drift).toEqual({ added: [], removed: [], retyped: ["at: DATE → VARCHAR"] });
    const { redo } = schema.accept(early);
    expect(redo!.columns.map((c) => typeText(c.type))).toEqual(["VARCHAR"]);
    expect(schema.accept(redo!)).toEqual({ drift: undefined });
  });

  test("intervals and times with an offset: declared as their types, read back from the lake's text by the raw views", () => {
    const declared = [
      { name: "iv", type: "INTERVAL", source_type: "interval", encoding: "interval" as const },
      { name: "ivs", type: "INTERVAL[]", source_type: "interval[]", encoding: "interval" as const },
      { name: "ttz", type: "TIME WITH TIME ZONE", source_type: "time with time zone", encoding: "text" as const },
      { name: "n", type: "BIGINT", source_type: "bigint" },
    ];
    const schema = new StreamSchema(undefined);
    schema.declare(declared);
    const recorded = schema.recordable();
    expect(recorded.map((c) => c.type)).toEqual(["INTERVAL", "INTERVAL[]", "TIME WITH TIME ZONE", "BIGINT"]);
    const quote = (n: string) => `"${n}"`;
    expect(rawViewCasts(recorded, new Set(["iv", "ivs", "ttz", "n"]), quote)).toEqual([
      'CAST("iv" AS INTERVAL) AS "iv"',
      'CAST("ivs" AS INTERVAL[]) AS "ivs"',
      'CAST("ttz" AS TIME WITH TIME ZONE) AS "ttz"',
    ]);
    // a column no file has yet is not cast
    expect(rawViewCasts(recorded, new Set(["n"]), quote)).toEqual([]);
    // a stream an older dp recorded with the interval as VARCHAR keeps its text: no drift, no cast
    const older = new StreamSchema([{ name: "iv", type: "VARCHAR", source_type: "interval" }]);
    expect(older.declare([declared[0]!])).toBeUndefined();
    expect(older.recordable()).toEqual([{ name: "iv", type: "VARCHAR", source_type: "interval" }]);
    expect(rawViewCasts(older.recordable(), new Set(["iv"]), quote)).toEqual([]);
  });

  test("a database's catalog: a changed source type is drift, a dropped column is removed, a value-widened type stays", () => {
    const recorded = [
      { name: "id", type: "BIGINT", source_type: "bigint" },
      { name: "amount", type: "VARCHAR", source_type: "numeric(10,2)" },
      { name: "gone", type: "VARCHAR", source_type: "text" },
    ];
    const schema = new StreamSchema(recorded);
    // amount was widened by a NaN on an earlier pull: its source type is the same, so it stays text
    expect(
      schema.declare([
        { name: "id", type: "BIGINT", source_type: "bigint" },
        { name: "amount", type: "DECIMAL(10,2)", source_type: "numeric(10,2)" },
      ]),
    ).toEqual({ added: [], removed: ["gone"], retyped: [] });
    expect(schema.recordable().find((c) => c.name === "amount")!.type).toBe("VARCHAR");
    const again = new StreamSchema(schema.recordable());
    expect(
      again.declare([
        { name: "id", type: "DECIMAL(20,0)", source_type: "numeric(20,0)" },
        { name: "amount", type: "DECIMAL(12,2)", source_type: "numeric(12,2)" },
      ]),
    ).toEqual({ added: [], removed: [], retyped: ["id: BIGINT → DECIMAL(20,0)", "amount: VARCHAR → DECIMAL(12,2)"] });
    // the first pull of a stream has nothing to drift from, nor has a schema an older dp guessed from values
    expect(new StreamSchema(undefined).declare([{ name: "id", type: "BIGINT" }])).toBeUndefined();
    expect(
      new StreamSchema([{ name: "id", type: "DOUBLE" }]).declare([
        { name: "id", type: "BIGINT", source_type: "bigint" },
      ]),
    ).toBeUndefined();
  });
});
