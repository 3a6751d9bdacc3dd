import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Db, literal } from "../../engine/warehouse/duckdb.ts";
import { TempProject } from "./ingest-helpers.ts";

const fileSource = (streams: unknown[]) => ({ src: { connector: "files", config: { streams } } });

function write(project: TempProject, rel: string, content: string | Uint8Array): string {
  const path = project.path(rel);
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, content);
  return path;
}

describe("files connector", () => {
  let p: TempProject;
  beforeAll(() => {
    p = new TempProject("files");
  });
  afterAll(() => p.remove());

  test("CSV with header and inferred types", async () => {
    write(
      p,
      "in/orders.csv",
      "id,customer,amount,created_at\n1,ana,10.5,2026-01-02 10:00:00\n2,bo,7,2026-01-03 11:30:00\n",
    );
    p.writeConfig(fileSource([{ name: "orders", path: "in/orders.csv", primary_key: "id" }]));
    const [r] = await p.pull();
    expect(r!.status).toBe("ok");
    expect(r!.rows).toBe(2);
    const rows = await p.query(`SELECT id, customer, amount, _dp_file FROM {raw:src.orders} ORDER BY id`);
    expect(rows).toEqual([
      { id: 1, customer: "ana", amount: 10.5, _dp_file: "in/orders.csv" },
      { id: 2, customer: "bo", amount: 7, _dp_file: "in/orders.csv" },
    ]);
  });

  test("Excel CSV: BOM, ';' delimiter, CRLF, windows-1252, decimal comma", async () => {
    const text = "id;name;city;price\r\n1;Zoë;Málaga;1,50\r\n2;François;Köln;€ 2\r\n3;“quoted”;Zürich;3,25\r\n";
    const cp1252 = new Map<string, number>([
      ["€", 0x80],
      ["“", 0x93],
      ["”", 0x94],
    ]);
    const bytes = [0xef, 0xbb, 0xbf, ...[...text].map((ch) => cp1252.get(ch) ?? ch.charCodeAt(0))];
    write(p, "excel/prices.csv", new Uint8Array(bytes));
    p.writeConfig(fileSource([{ name: "prices", path: "excel/*.csv", primary_key: "id", decimal_separator: "," }]));
    const [r] = await p.pull();
    expect(r!.status).toBe("ok");
    const rows = await p.query(`SELECT id, name, city, price FROM {raw:src.prices} ORDER BY id`);
    expect(rows).toEqual([
      { id: 1, name: "Zoë", city: "Málaga", price: "1,50" },
      { id: 2, name: "François", city: "Köln", price: "€ 2" },
      { id: 3, name: "“quoted”", city: "Zürich", price: "3,25" },
    ]);
  });

  test("latin-1 CSV with ';' and a numeric decimal-comma column", async () => {
    const text = "sku;label;weight\r\nA1;Crème brûlée;0,25\r\nB2;Smørrebrød;1,5\r\n";
    write(p, "latin/items.csv", new Uint8Array([0xef, 0xbb, 0xbf, ...Buffer.from(text, "latin1")]));
    p.writeConfig(
      fileSource([
        { name: "items", path: "latin/items.csv", encoding: "latin-1", delimiter: ";", decimal_separator: "," },
      ]),
    );
    const [r] = await p.pull();
    expect(r!.status).toBe("ok");
    expect(await p.query(`SELECT sku, label, weight FROM {raw:src.items} ORDER BY sku`)).toEqual([
      { sku: "A1", label: "Crème brûlée", weight: 0.25 },
      { sku: "B2", label: "Smørrebrød", weight: 1.5 },
    ]);
  });

  test("JSON array, NDJSON and Parquet", async () => {
    write(
      p,
      "j/a.json",
      JSON.stringify([
        { id: 1, tags: ["x", "y"], meta: { plan: "pro" } },
        { id: 2, tags: [], meta: { plan: "free" } },
      ]),
    );
    write(p, "j/b.ndjson", '{"id":10,"event":"login"}\n{"id":11,"event":"logout"}\n\n{"id":12,"event":"login"}\n');
    const parquet = p.path("j/c.parquet");
    const db = await Db.open(":memory:");
    await db.run(
      `COPY (SELECT i AS id, 'p' || i AS label, DATE '2026-01-01' + i::INT AS day FROM range(5) t(i)) TO ${literal(parquet)} (FORMAT parquet)`,
    );
    db.close();
    p.writeConfig(
      fileSource([
        { name: "accounts", path: "j/*.json" },
        { name: "events", path: "j/*.ndjson" },
        { name: "snap", path: "j/c.parquet" },
      ]),
    );
    const [r] = await p.pull();
    expect(r!.status).toBe("ok");
    expect(r!.streams.map((s) => [s.stream, s.rows])).toEqual([
      ["accounts", 2],
      ["events", 3],
      ["snap", 5],
    ]);
    expect(await p.query(`SELECT id, tags, meta.plan AS plan FROM {raw:src.accounts} ORDER BY id`)).toEqual([
      { id: 1, tags: ["x", "y"], plan: "pro" },
      { id: 2, tags: [], plan: "free" },
    ]);
    expect(await p.query(`SELECT sum(id) AS s FROM {raw:src.events}`)).toEqual([{ s: 33 }]);
    expect(await p.query(`SELECT count(*) AS n, max(day)::VARCHAR AS last FROM {raw:src.snap}`)).toEqual([
      { n: 5, last: "2026-01-05" },
    ]);
  });

  test("a malformed CSV row fails the stream naming file:line:column", async () => {
    write(p, "bad/orders.csv", "id,name,amount\n1,a,1\n2,b,2,oops\n3,c,3\n");
    p.writeConfig(fileSource([{ name: "bad_fail", path: "bad/orders.csv" }]));
    const [r] = await p.pull();
    expect(r!.status).toBe("failed");
    expect(r!.error!.code).toBe("SOURCE_DATA");
    expect(r!.error!.where).toBe("bad/orders.csv:3:4");
    expect(r!.error!.message).toContain("bad/orders.csv:3:4");
    expect(r!.error!.message).toMatch(/too many columns/i);
    expect(existsSync(p.rawGlob("src", "bad_fail").replace("/*/*.parquet", ""))).toBe(false);
  });

  test("reject mode lands the good rows and writes the bad ones under lake/rejected", async () => {
    write(p, "bad2/orders.csv", "id,name,amount\n1,a,1\n2,b,2,oops\n3,c,3\n4,d\n5,e,5\n");
    p.writeConfig(fileSource([{ name: "bad_reject", path: "bad2/orders.csv", on_bad_rows: "reject" }]));
    const [r] = await p.pull();
    expect(r!.status).toBe("ok");
    expect(await p.query(`SELECT list(id::INT ORDER BY id) AS ids FROM {raw:src.bad_reject}`)).toEqual([
      { ids: [1, 3, 5] },
    ]);
    const dir = p.path("lake/rejected/src/bad_reject");
    const [name] = readdirSync(dir);
    const rejected = await p.query(`SELECT file, line, "column", raw FROM read_csv(?) ORDER BY line`, [
      join(dir, name!),
    ]);
    expect(rejected).toEqual([
      { file: "bad2/orders.csv", line: 3, column: 4, raw: "2,b,2,oops" },
      { file: "bad2/orders.csv", line: 5, column: 2, raw: "4,d" },
    ]);
  });

  test("a malformed NDJSON line: fail names the line, reject keeps the rest", async () => {
    write(p, "nd/e.ndjson", '{"id":1}\n{"id":2\n{"id":3}\n');
    p.writeConfig(fileSource([{ name: "nd_fail", path: "nd/e.ndjson" }]));
    const [failed] = await p.pull();
    expect(failed!.status).toBe("failed");
    expect(failed!.error!.where).toBe("nd/e.ndjson:2");
    p.writeConfig(fileSource([{ name: "nd_reject", path: "nd/e.ndjson", on_bad_rows: "reject" }]));
    const [ok] = await p.pull();
    expect(ok!.status).toBe("ok");
    expect(await p.query(`SELECT list(id::INT ORDER BY id) AS ids FROM {raw:src.nd_reject}`)).toEqual([
      { ids: [1, 3] },
    ]);
    const dir = p.path("lake/rejected/src/nd_reject");
    expect(readFileSync(join(dir, readdirSync(dir)[0]!), "utf8")).toContain("nd/e.ndjson,2,,,");
  });

  test("a late value that breaks the sniffed type widens the column instead of rejecting the row", async () => {
    const lines = ["id,code"];
    for (let i = 0; i < 30_000; i++) lines.push(`${i},${i}`);
    lines.push("30000,A-17");
    write(p, "late/codes.csv", `${lines.join("\n")}\n`);
    p.writeConfig(fileSource([{ name: "codes", path: "late/codes.csv" }]));
    const [r] = await p.pull();
    expect(r!.status).toBe("ok");
    expect(
      await p.query(`SELECT count(*) AS n, max(code) FILTER (WHERE id = 30000) AS last FROM {raw:src.codes}`),
    ).toEqual([{ n: 30_001, last: "A-17" }]);
  });

  test("incremental: loaded files are skipped, new and changed files are loaded", async () => {
    write(p, "inc/2026-01.csv", "id,v\n1,a\n2,b\n");
    write(p, "inc/2026-02.csv", "id,v\n3,c\n");
    p.writeConfig(fileSource([{ name: "inc", path: "inc/*.csv", primary_key: "id" }]));
    const [first] = await p.pull();
    expect(first!.rows).toBe(3);
    expect(Object.keys((p.state("src").streams.inc!.state as { files: object }).files).sort()).toEqual([
      "inc/2026-01.csv",
      "inc/2026-02.csv",
    ]);

    const [again] = await p.pull();
    expect(again!.rows).toBe(0);

    write(p, "inc/2026-03.csv", "id,v\n4,d\n5,e\n");
    const changed = write(p, "inc/2026-02.csv", "id,v\n3,c2\n");
    utimesSync(changed, new Date(), new Date(Date.now() + 5000));
    const [third] = await p.pull();
    expect(third!.rows).toBe(3);
    expect(await p.query(`SELECT count(*) AS n, count(DISTINCT id) AS ids FROM {raw:src.inc}`)).toEqual([
      { n: 6, ids: 5 },
    ]);
  });

  test("many rows land in bounded batches with an exact count", async () => {
    const lines = ["id,name,amount"];
    for (let i = 1; i <= 25_000; i++) lines.push(`${i},n${i},${i % 97}.5`);
    write(p, "big/rows.csv", `${lines.join("\n")}\n`);
    p.writeConfig(fileSource([{ name: "big", path: "big/rows.csv", batch_size: 10_000 }]));
    const [r] = await p.pull({ maxFileRecords: 10_000 });
    expect(r!.status).toBe("ok");
    expect(r!.streams[0]!.files).toBe(3);
    expect(await p.query(`SELECT count(*) AS n, count(DISTINCT id) AS ids, max(id) AS top FROM {raw:src.big}`)).toEqual(
      [{ n: 25_000, ids: 25_000, top: 25_000 }],
    );
  });

  test("a killed pull resumes inside a file at the last durable row", async () => {
    const lines = ["id"];
    for (let i = 1; i <= 2_500; i++) lines.push(String(i));
    write(p, "resume/ids.csv", `${lines.join("\n")}\n`);
    p.writeConfig(fileSource([{ name: "resume", path: "resume/ids.csv", batch_size: 1_000 }]));
    const controller = new AbortController();
    const { pull } = await import("../../engine/ingest/pull.ts");
    const { loadProject } = await import("../../engine/config/project.ts");
    // abort after the first durable file: what a kill between batches leaves behind
    const project = loadProject(p.dir);
    const stateFile = join(project.paths.state, "src.json");
    const timer = setInterval(() => existsSync(stateFile) && controller.abort(), 1);
    await pull(project, { maxFileRecords: 1_000, signal: controller.signal });
    clearInterval(timer);
    const mid = p.state("src").streams.resume!.state as { partial?: { offset: number } };
    const landed = (await p.query<{ n: number }>(`SELECT count(*) AS n FROM {raw:src.resume}`))[0]!.n;
    expect(mid.partial?.offset).toBe(landed);
    expect(landed).toBeLessThan(2_500);
    await p.pull({ maxFileRecords: 1_000 });
    expect(await p.query(`SELECT count(*) AS n, count(DISTINCT id) AS ids FROM {raw:src.resume}`)).toEqual([
      { n: 2_500, ids: 2_500 },
    ]);
  });

  test("http(s) URL: fetched to a temp file, skipped when unchanged", async () => {
    let body = "id,name\n1,a\n2,b\n";
    let hits = 0;
    const server = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch(req) {
        hits++;
        if (new URL(req.url).pathname === "/missing.csv") return new Response("no", { status: 404 });
        return new Response(body, { headers: { "content-type": "text/csv" } });
      },
    });
    try {
      const url = `http://127.0.0.1:${server.port}/export.csv?token=abc123`;
      p.writeConfig(fileSource([{ name: "web", url }]));
      expect((await p.pull())[0]!.rows).toBe(2);
      expect((await p.pull())[0]!.rows).toBe(0);
      body = "id,name\n1,a\n2,b\n3,c\n";
      expect((await p.pull())[0]!.rows).toBe(3);
      expect(hits).toBe(3);
      expect(JSON.stringify(p.state("src"))).not.toContain("abc123");
      p.writeConfig(fileSource([{ name: "web404", url: `http://127.0.0.1:${server.port}/missing.csv` }]));
      const [missing] = await p.pull();
      expect(missing!.status).toBe("failed");
      expect(missing!.error!.code).toBe("SOURCE_HTTP");
    } finally {
      server.stop(true);
    }
  });

  test("config errors name the key", async () => {
    p.writeConfig(fileSource([{ name: "x", path: "a.csv", url: "https://e.com/a.csv" }]));
    const error = await p.pull().then(
      () => undefined,
      (e: unknown) => e as { code: string; message: string; where: string },
    );
    expect(error?.code).toBe("CONFIG");
    expect(error?.message).toContain("sources.src.config.streams[0].path: set exactly one of path or url");
  });
});
