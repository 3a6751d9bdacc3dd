import { describe, expect, test } from "bun:test";
import { parseJson } from "../../../engine/ingest/exact-json.ts";
import { RecordShape } from "../../../engine/ingest/record-shape.ts";
import {
  NotReproducible,
  pageFromBytes,
  pageFromText,
  recordsFromBytes,
  recordsFromText,
} from "../../../engine/ingest/records-text.ts";

const USUAL = ["data", "results", "items", "records"];

/** What the parse path spools for a page: JSON.stringify of each record parseJson gives, and their shape. */
function viaParse(body: string, path: string[]): { lines: string[]; shape: RecordShape; envelope: unknown } {
  const parsed = parseJson<any>(body);
  let at = parsed;
  for (const k of path) at = at[k];
  const records = at as Record<string, unknown>[];
  const shape = new RecordShape();
  shape.add(records);
  let envelope = parsed;
  if (path.length) {
    // the walk parses the body around the records with JSON.parse
    envelope = JSON.parse(body);
    let o = envelope as Record<string, unknown>;
    for (const k of path.slice(0, -1)) o = o[k] as Record<string, unknown>;
    o[path.at(-1)!] = [];
  }
  return { lines: records.map((r) => JSON.stringify(r)), shape, envelope };
}

/** The text path must spool lines that DuckDB reads as the parse path's lines, with the same shape. */
function expectSame(body: string, path: string[] = ["data"]): void {
  const want = viaParse(body, path);
  const got = recordsFromText(body, path, USUAL)!;
  expect(got).toBeDefined();
  const lines = got.records.ndjson.split("\n");
  expect(lines.pop()).toBe("");
  expect(got.records.count).toBe(want.lines.length);
  expect(lines.every((l) => !l.includes("\r"))).toBe(true);
  // the same values, and numbers written exactly as JSON.stringify writes them
  expect(lines.map((l) => JSON.stringify(parseJson(l)))).toEqual(want.lines);
  expect(lines.map(numbersOf)).toEqual(want.lines.map(numbersOf));
  // keys in the order JSON.stringify writes them: DuckDB orders columns and struct fields by first sight
  expect(lines.map(keysOf)).toEqual(want.lines.map(keysOf));
  expect(got.records.shape.equals(want.shape)).toBe(true);
  expect(got.envelope).toEqual(want.envelope);
}

/** Every key, depth first, as the line orders them. */
function keysOf(line: string): string[] {
  // every string from its opening quote, left to right; the ones followed by a colon are keys
  return [...line.matchAll(/("(?:[^"\\]|\\.)*")\s*(:?)/g)].filter((m) => m[2]).map((m) => JSON.parse(m[1]!) as string);
}

/** Number tokens outside strings, as written. */
function numbersOf(line: string): string[] {
  return line.replace(/"(?:[^"\\]|\\.)*"/g, '""').match(/-?\d[\d.eE+-]*/g) ?? [];
}

const page = (records: unknown[], extra = ""): string => `{"object":"list","data":${JSON.stringify(records)}${extra}}`;

describe("records taken from a page's text", () => {
  test("strings with brackets, braces, quotes, backslashes, escapes, unicode and newlines", () => {
    expectSame(
      page([
        {
          id: 1,
          s: 'a "quoted" [x] {y} , : \\ back\\slash \\"',
          t: "line\nbreak\ttab\r\u0001\u001f",
          u: "é ü 日本 😀 \u2028\u2029",
          k: { "a]b": "}{", '"': "[" },
        },
        { id: 2, s: "ends with a backslash \\", arr: [["[", "]"], [{ "{": "}" }]], empty: { o: {}, a: [] } },
      ]),
    );
    // escapes as an API might send them; DuckDB decodes them to the same text
    expectSame(
      `{"data":[{"a":"\\u00e9\\u65e5\\ud83d\\ude00","b":"\\/\\b\\f\\n\\r\\t\\"\\\\","c":"\\ud800 lone"},{"a\\u0062":1,"ab2":"x"}]}`,
    );
  });

  test("numbers are written as JSON.stringify writes them, integers past 2^53 as the page wrote them", () => {
    expectSame(
      `{"data":[{"a":1.50,"b":1e2,"c":-0,"d":0.1,"e":12345678901234567890,"f":1E400,"g":-1.0e-5,"h":1234567890123456,"i":123456789012345,"j":0,"k":-12,"l":2.5e+3,"m":[1.0,2.00,3]}]}`,
    );
    const got = recordsFromText(
      `{"data":[{"a":1.50,"b":1e2,"c":-0,"d":1E400,"e":9007199254740993}]}`,
      ["data"],
      USUAL,
    )!;
    expect(got.records.ndjson).toBe(`{"a":1.5,"b":100,"c":0,"d":null,"e":9007199254740993}\n`);
  });

  test("pretty-printed pages (LF, CRLF, tabs) become one line per record", () => {
    const records = [
      { id: 1, nested: { a: [1, 2, { b: "x\ny" }] }, s: "  spaced  " },
      { id: 2, nested: { a: [] }, s: "" },
    ];
    expectSame(JSON.stringify({ data: records, next: "2" }, null, 2));
    expectSame(JSON.stringify({ data: records }, null, "\t").replaceAll("\n", "\r\n"));
  });

  test("keys in another order, missing keys, and late nested keys give the parse path's shape", () => {
    expectSame(
      page([{ a: 1, b: { x: 1 } }, { b: { y: "s" }, a: 2.5 }, { c: null }, { a: 1, b: { x: 1, z: [true] } }, {}]),
    );
  });

  test("the records array anywhere in the body, nested paths, and an array body", () => {
    const records = [{ id: 1 }, { id: 2 }];
    expectSame(
      `{"meta":{"data":[{"id":0}],"n":"[\\"]"},"has_more":true,"data":${JSON.stringify(records)},"after":{"x":[1,{"y":"]"}]}}`,
    );
    expectSame(`{"result":{"count":2,"items":${JSON.stringify(records)}},"data":"not this"}`, ["result", "items"]);
    // the last occurrence of a key wins, as in JSON.parse
    expectSame(`{"data":[{"id":"first"}],"data":${JSON.stringify(records)}}`);
    const body = JSON.stringify(records);
    expect(recordsFromText(body, undefined, USUAL)!.records.count).toBe(2);
    expect(recordsFromText(body, [], USUAL)!.records.count).toBe(2);
    // no path: the first usual key holding an array
    expect(
      recordsFromText(`{"items":"no","results":[{"id":1}],"records":[{"id":2},{"id":3}]}`, undefined, USUAL)!.records
        .count,
    ).toBe(1);
  });

  test("no array at the path: undefined, so the caller parses the page and reports it", () => {
    expect(recordsFromText(`{"data":{"id":1}}`, ["data"], USUAL)).toBeUndefined();
    expect(recordsFromText(`{"other":[{"id":1}]}`, ["data"], USUAL)).toBeUndefined();
    expect(recordsFromText(`{"data":[{"id":1}],"data":null}`, ["data"], USUAL)).toBeUndefined();
    expect(recordsFromText(`[{"id":1}]`, ["data"], USUAL)).toBeUndefined();
    expect(recordsFromText(`{"result":[{"items":[]}]}`, ["result", "items"], USUAL)).toBeUndefined();
  });

  test("what the walk cannot reproduce exactly is refused", () => {
    expect(() => recordsFromText(`{"data":[{"id":1},2]}`, ["data"], USUAL)).toThrow(NotReproducible);
    expect(() => recordsFromText(`{"data":[{"id":1,"id":2}]}`, ["data"], USUAL)).toThrow(NotReproducible);
    expect(() => recordsFromText(`{"data":[{"a":{"k":1,"k":2}}]}`, ["data"], USUAL)).toThrow(NotReproducible);
    // JSON.parse puts array-index keys first, so the parse path spools {"2":…,"b":…}: another column order
    expect(() => recordsFromText(`{"data":[{"b":1,"2":2}]}`, ["data"], USUAL)).toThrow(NotReproducible);
    expect(() => recordsFromText(`{"data":[{"a":{"x":1,"0":2}}]}`, ["data"], USUAL)).toThrow(NotReproducible);
    expectSame(`{"data":[{"b":1,"02":2,"-1":3,"4294967295":4,"1.5":5}]}`);
  });

  test("text that is not JSON throws, as JSON.parse does", () => {
    const bad = [
      `{"data":[{"id":1}`,
      `{"data":[{"id":1},]}`,
      `{"data":[{"id":1}]}}`,
      `{"data":[{"id":1}]} x`,
      `{"data":[{"s":"raw\ttab"}]}`,
      `{"data":[{"s":"raw\nnewline"}]}`,
      `{"data":[{"s":"bad \\x escape"}]}`,
      `{"data":[{"s":"bad \\u12g4"}]}`,
      `{"data":[{"n":01}]}`,
      `{"data":[{"n":1.}]}`,
      `{"data":[{"n":.5}]}`,
      `{"data":[{"n":+1}]}`,
      `{"data":[{"n":1e}]}`,
      `{"data":[{"b":tru}]}`,
      `{"data":[{"b":nul}]}`,
      `{"data":[{id:1}]}`,
      `{"data":[{"id" 1}]}`,
      `{"data":[{"id":1 "x":2}]}`,
      `{"data":[{"s":"unterminated}]}`,
      `{"data":[{"id":1}] "next":2}`,
      `{"data":[{"id":1}],"next":}`,
      `{"data":[{"id":1}],"next":"a\tb"}`,
    ];
    for (const body of bad) {
      expect(() => JSON.parse(body)).toThrow();
      expect(() => recordsFromText(body, ["data"], USUAL), body).toThrow(SyntaxError);
    }
  });

  test("random records and pages, compact and pretty-printed", () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const chars = [
      "a",
      "Z",
      " ",
      '"',
      "\\",
      "/",
      "[",
      "]",
      "{",
      "}",
      ",",
      ":",
      "\n",
      "\t",
      "\u0000",
      "é",
      "😀",
      "\u2028",
      "\ud800",
    ];
    const str = () => Array.from({ length: Math.floor(rand() * 12) }, () => pick(chars)).join("");
    const num = () =>
      pick([0, -0, 1, -7, 1.5, 0.1, 1e21, 1e-7, 2 ** 53, 2 ** 53 + 2, -(2 ** 60), 123.456, Math.floor(rand() * 1e6)]);
    const value = (depth: number): unknown => {
      const kind = Math.floor(rand() * (depth > 3 ? 5 : 7));
      if (kind === 0) return str();
      if (kind === 1) return num();
      if (kind === 2) return rand() < 0.5;
      if (kind === 3) return null;
      if (kind === 4) return pick(["", "x", "2026-01-01", "2026-01-01T00:00:00Z"]);
      if (kind === 5) return Array.from({ length: Math.floor(rand() * 4) }, () => value(depth + 1));
      return object(depth + 1);
    };
    const object = (depth: number): Record<string, unknown> =>
      Object.fromEntries(
        Array.from({ length: Math.floor(rand() * 6) }, () => [pick(["id", "a", "b", "c", str()]), value(depth)]),
      );
    for (let i = 0; i < 300; i++) {
      const records = Array.from({ length: 1 + Math.floor(rand() * 20) }, () => object(0));
      const body = { has_more: rand() < 0.5, data: records, next: str() };
      expectSame(JSON.stringify(body, null, pick([undefined, 0, 1, 2, "\t"])));
      // numbers as APIs write them: trailing zeros and exponents
      expectSame(
        JSON.stringify(body).replace(/(:-?\d+)([,}\]])/g, (_, n, end) =>
          rand() < 0.3 ? `${n}.00${end}` : rand() < 0.2 ? `${n}e0${end}` : `${n}${end}`,
        ),
      );
    }
  });
});

describe("records taken from a page's bytes", () => {
  const utf8 = (s: string) => Buffer.from(s, "utf8");

  test("a compact page's lines are its own bytes, the commas after records made line breaks", () => {
    const body = utf8(`{"object":"list","data":[{"id":1,"s":"a,b"},{"id":2,"n":{"k":[1,2]}}],"has_more":false}`);
    const page = recordsFromBytes(body, ["data"], USUAL)!;
    expect(page.records.bytes.buffer).toBe(body.buffer);
    expect(page.records.ndjson).toBe(`{"id":1,"s":"a,b"}\n{"id":2,"n":{"k":[1,2]}}\n`);
    expect(page.envelope).toEqual({ object: "list", data: [], has_more: false });
  });

  test("numbers rewritten longer than written (1e20, 1e21) move the lines to a buffer of their own, in any record", () => {
    expectSame(`{"data":[{"a":1e20,"b":"x"},{"a":1e21},{"c":1E400,"d":1.50}]}`);
    expectSame(`{"data":[{"a":1.50},{"b":2.50},{"c":1e20,"s":"after"},{"d":[1e21,1e-7,0.10]}]}`);
    // many growing numbers: the buffer grows past the page's size
    const many = Array.from({ length: 400 }, (_, i) => `{"i":${i},"a":1e20,"b":1e20,"c":1e20}`).join(",");
    expectSame(`{"data":[${many}]}`);
  });

  test("keys and picked values outside ASCII are read as UTF-8, not as their bytes", () => {
    const body = `{"data":[{"clé":"é","日本":{"ключ":1,"😀":[true]},"cur":"ö2"},{"cur":"日","clé":null}],"next":"é"}`;
    expectSame(body);
    const page = pageFromBytes(utf8(body), ["data"], [], "cur");
    expect(page.text!.picked).toEqual(['"ö2"', '"日"']);
    expect([...page.text!.shape.root.keys!.keys()]).toEqual(["clé", "日本", "cur"]);
    expect(page.body).toEqual({ data: [], next: "é" });
  });

  test("a body that is not valid UTF-8, or starts with a byte order mark, reads as Response.text() reads it", async () => {
    const bad = Buffer.concat([utf8(`{"data":[{"s":"a`), Buffer.from([0xff, 0xc3]), utf8(`b"}],"n":1}`)]);
    const text = await new Response(Buffer.from(bad)).text();
    const page = pageFromBytes(Buffer.from(bad), ["data"], []);
    expect(page.text!.ndjson).toBe(pageFromText(text, ["data"], []).text!.ndjson);
    expect(page.text!.ndjson).toBe(`{"s":"a\ufffd\ufffdb"}\n`);
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8(`{"data":[{"id":1}]}`)]);
    expect(pageFromBytes(bom, ["data"], []).text!.ndjson).toBe(`{"id":1}\n`);
  });

  test("a page the walk refuses after writing lines over it is parsed as it came", () => {
    const bodies = [
      `{"data":[{"a":1.50,"s":"é"},{"a":2.50},3],"n":"ü"}`,
      `{"data":[{"a":1.50}],"data":null}`,
      `{"data":[{"a":1.50},{"a":1,"a":2}]}`,
    ];
    for (const body of bodies) {
      const page = pageFromBytes(utf8(body), ["data"], []);
      expect(page.text).toBeUndefined();
      expect(page.body).toEqual(JSON.parse(body));
    }
    expect(() => pageFromBytes(utf8(`{"data":[{"a":1.50},{"a":2`), ["data"], [])).toThrow(SyntaxError);
  });
});
