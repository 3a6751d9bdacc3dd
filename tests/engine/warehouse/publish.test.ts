import { describe, expect, test } from "bun:test";
import {
  closeSync,
  existsSync,
  openSync,
  readdirSync,
  readFileSync,
  statSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { loadProject } from "../../../engine/config/project.ts";
import { pull } from "../../../engine/ingest/pull.ts";
import { build } from "../../../engine/transform/build.ts";
import { Db, literal } from "../../../engine/warehouse/duckdb.ts";
import {
  currentPointer,
  INLINE_ROWS,
  openReader,
  openWriter,
  publishSnapshot,
} from "../../../engine/warehouse/snapshots.ts";
import { checkPartFooters, readManifest, unionCountSql } from "../../../engine/warehouse/table-parts.ts";
import { checkWarehouse } from "../../../engine/warehouse/warehouse-check.ts";
import { snapshotRows, writeProject } from "../../helpers.ts";
import "../../../connectors/index.ts";

/** A large model nothing changes, and an incremental model (merge on id) over a files stream. */
function project(): string {
  return writeProject({
    "project.yaml": `name: parts
sources:
  feed:
    connector: files
    owner: ops@example.io
    config: { streams: [{ name: items, path: "data/items-*.csv", primary_key: id }] }
`,
    // past INLINE_ROWS, so it is published as parts rather than inside the snapshot file
    "data/items-1.csv": `id,v\n${Array.from({ length: 12000 }, (_, i) => `${i},a${i}`).join("\n")}\n`,
    "models/staging/big.sql": "select i, i * 2 as j, sum(i) over () as total from range(300000) t(i)\n",
    "models/staging/items.sql":
      // new pulls by run id, not time: with DP_NOW pinned every pull has the same _dp_loaded_at
      "select id, v, _dp_run_id as run_id from {{ source('feed', 'items') }}\n{% if is_incremental() %}where _dp_run_id not in (select run_id from {{ this }}){% endif %}\nqualify row_number() over (partition by id order by _dp_run_id desc) = 1\n",
    "models/staging/staging.yml": "models:\n  - name: items\n    materialized: incremental\n    unique_key: id\n",
  });
}

function manifest(dir: string) {
  const project = loadProject(dir);
  const pointer = currentPointer(project)!;
  return readManifest(join(project.paths.snapshots, pointer.file)) as ReturnType<typeof readManifest> & {
    bytes_written: number;
  };
}

const partsBytes = (dir: string) => {
  const tables = join(dir, "warehouse/snapshots/tables");
  return readdirSync(tables).reduce((n, f) => n + statSync(join(tables, f)).size, 0);
};

describe("publish writes what changed", () => {
  test("an unchanged table shares its parts, an incremental model adds a part of its new rows (merged by key), readers see the warehouse's rows; old parts are pruned unless a reader holds them", async () => {
    const dir = project();
    const p = loadProject(dir);
    await pull(p);
    expect((await build(p)).ok).toBe(true);
    const first = manifest(dir);
    expect(first.tables["staging.big"]!.parts).toHaveLength(1);
    // parts are zstd (table-parts.ts PART_OPTIONS: level 1, as small as the default level at less CPU)
    const mem = await Db.open(":memory:");
    const part = join(p.paths.snapshots, "tables", first.tables["staging.big"]!.parts[0]!);
    expect(
      await mem.all(`select distinct compression from parquet_metadata(${literal(part)}) where num_values > 0`),
    ).toEqual([{ compression: "ZSTD" }]);
    mem.close();
    // HUGEINT (sum) travels as text and is cast back
    expect(
      await snapshotRows(dir, "select typeof(total) as t, count(*)::int as n from staging.big group by all"),
    ).toEqual([{ t: "HUGEINT", n: 300000 }]);

    // new rows: one updated key, two new ones
    writeFileSync(join(dir, "data/items-2.csv"), "id,v\n5,b5\n12000,a12000\n12001,a12001\n");
    await pull(p);
    const second = await build(p);
    expect(second.models.map((m) => [m.model, m.status])).toEqual([
      ["big", "unchanged"],
      ["items", "success"],
    ]);
    const after = manifest(dir);
    expect(after.tables["staging.big"]!.parts).toEqual(first.tables["staging.big"]!.parts);
    expect(after.tables["staging.items"]!.parts).toHaveLength(2);
    expect(after.tables["staging.items"]!.keys).toEqual(["id"]);
    // the publish wrote the small snapshot file and one small part, not the tables
    const snapshotFile = statSync(join(p.paths.snapshots, currentPointer(p)!.file)).size;
    expect(after.bytes_written - snapshotFile).toBeLessThan(partsBytes(dir) / 20);
    expect(
      await snapshotRows(
        dir,
        "select count(*)::int as n, count(distinct id)::int as k, max(v) filter (where id = 5) as v5 from staging.items",
      ),
    ).toEqual([{ n: 12002, k: 12002, v5: "b5" }]);

    // a reader holding this snapshot keeps it (and its parts) through later publishes
    const held = currentPointer(p)!.file;
    const reader = await openReader(p);
    for (let k = 3; k <= 5; k++) {
      writeFileSync(join(dir, `data/items-${k}.csv`), `id,v\n${20000 + k},n\n`);
      await pull(p);
      expect((await build(p, { fullRefresh: k === 5 })).ok).toBe(true);
    }
    expect(existsSync(join(p.paths.snapshots, held))).toBe(true);
    expect(await reader.all("select count(*)::int as n from staging.items")).toEqual([{ n: 12002 }]);
    reader.close();
    writeFileSync(join(dir, "data/items-9.csv"), "id,v\n29999,n\n");
    await pull(p);
    await build(p);
    expect(existsSync(join(p.paths.snapshots, held))).toBe(false);
    // two snapshots left (the current and the one before); every part on disk is one of theirs
    const snaps = readdirSync(p.paths.snapshots).filter((f) => f.endsWith(".duckdb"));
    expect(snaps).toHaveLength(2);
    const named = new Set(
      snaps.flatMap((s) => Object.values(readManifest(join(p.paths.snapshots, s))!.tables).flatMap((e) => e.parts)),
    );
    expect(readdirSync(join(p.paths.snapshots, "tables")).filter((f) => !named.has(f))).toEqual([]);
    expect(await snapshotRows(dir, "select count(*)::int as n from staging.items")).toEqual([{ n: 12006 }]);
    expect(readFileSync(join(p.paths.snapshots, "current.json"), "utf8")).toContain('"verified":true');
  }, 120_000);

  test("an incremental build that merged no rows keeps its table's parts: no empty part is published", async () => {
    const dir = writeProject({
      "project.yaml": `name: parts
sources:
  feed:
    connector: files
    owner: ops@example.io
    config: { streams: [{ name: items, path: "data/items-*.csv", primary_key: id }] }
`,
      "data/items-1.csv": `id,v\n${Array.from({ length: 12000 }, (_, i) => `${i},a${i}`).join("\n")}\n`,
      // rows marked skip never reach the model: a pull of only those changes its input, not its rows
      "models/staging/items.sql":
        "select id, v, _dp_run_id as run_id from {{ source('feed', 'items') }}\nwhere v <> 'skip'{% if is_incremental() %} and _dp_run_id not in (select run_id from {{ this }}){% endif %}\nqualify row_number() over (partition by id order by _dp_run_id desc) = 1\n",
      "models/staging/staging.yml": "models:\n  - name: items\n    materialized: incremental\n    unique_key: id\n",
    });
    const p = loadProject(dir);
    await pull(p);
    expect((await build(p)).ok).toBe(true);
    writeFileSync(join(dir, "data/items-2.csv"), "id,v\n5,b5\n");
    await pull(p);
    expect((await build(p)).ok).toBe(true);
    const before = manifest(dir).tables["staging.items"]!;
    expect(before.parts).toHaveLength(2);

    writeFileSync(join(dir, "data/items-3.csv"), "id,v\n7,skip\n12000,skip\n");
    await pull(p);
    const built = await build(p);
    expect(built.models.map((m) => [m.model, m.status])).toEqual([["items", "success"]]);
    const after = manifest(dir).tables["staging.items"]!;
    expect(after.parts).toEqual(before.parts);
    expect(after.version).not.toBe(before.version);
    expect(
      await snapshotRows(
        dir,
        "select count(*)::int as n, max(v) filter (where id = 5) as v5, max(v) filter (where id = 7) as v7 from staging.items",
      ),
    ).toEqual([{ n: 12000, v5: "b5", v7: "a7" }]);

    // the next rows go out as a part over the same parts
    writeFileSync(join(dir, "data/items-4.csv"), "id,v\n12001,n\n");
    await pull(p);
    expect((await build(p)).ok).toBe(true);
    expect(manifest(dir).tables["staging.items"]!.parts).toHaveLength(3);
    expect(await snapshotRows(dir, "select count(*)::int as n from staging.items")).toEqual([{ n: 12001 }]);
  }, 120_000);

  test("a merge part whose keys were new to the table is marked disjoint and hides nothing: its view anti-joins only the parts that replaced rows, and readers see the warehouse's rows through updates, new keys and updates of those", async () => {
    const dir = project();
    const p = loadProject(dir);
    await pull(p);
    expect((await build(p)).ok).toBe(true);
    const viewSql = async () =>
      String(
        (
          await snapshotRows(
            dir,
            "select sql from duckdb_views() where view_name = 'items' and schema_name = 'staging'",
          )
        )[0]!.sql,
      );
    /** the snapshot's rows of staging.items against the warehouse's, as a count and an order-free hash */
    const same = async () => {
      const sql =
        "select count(*)::int as n, count(distinct id)::int as k, sum(hash(id, v))::varchar as h from staging.items";
      const db = await Db.open(p.paths.warehouse, { readOnly: true });
      const want = await db.all(sql);
      db.close();
      expect(await snapshotRows(dir, sql)).toEqual(want);
      return want[0] as { n: number; k: number };
    };
    const step = async (k: number, csv: string) => {
      writeFileSync(join(dir, `data/items-${k}.csv`), `id,v\n${csv}\n`);
      await pull(p);
      expect((await build(p)).ok).toBe(true);
      return manifest(dir).tables["staging.items"]!;
    };

    // only new keys: the part hides no row, and the view is a plain union
    const two = await step(2, "12000,a12000\n12001,a12001");
    expect(two.parts).toHaveLength(2);
    expect(two.disjoint).toEqual([two.parts[1]!]);
    expect(await viewSql()).not.toContain("ANTI JOIN");
    // the read-back counts such a view as the sum of its parts' counts (their footers), not by reading its rows
    const tablesDir = join(p.paths.snapshots, "tables");
    expect(unionCountSql(tablesDir, two, "staging.items")).toContain("read_parquet");
    expect(await same()).toMatchObject({ n: 12002, k: 12002 });

    // an updated key (5) and a new one: this part replaces a row, so the first part is anti-joined against it
    const three = await step(3, "5,b5\n12002,a12002");
    expect(three.disjoint).toEqual([two.parts[1]!]);
    expect(await viewSql()).toContain("ANTI JOIN");
    expect(unionCountSql(tablesDir, three, "staging.items")).toBeUndefined();
    expect(await same()).toMatchObject({ n: 12003, k: 12003 });
    expect(await snapshotRows(dir, "select v from staging.items where id = 5")).toEqual([{ v: "b5" }]);

    // a new key after it: disjoint again, and the update before it still hides the first part's row 5
    const four = await step(4, "12003,a12003");
    expect(four.disjoint).toEqual([two.parts[1]!, four.parts[3]!]);
    expect(await same()).toMatchObject({ n: 12004, k: 12004 });

    // an update of a key a disjoint part brought: the new part hides that part's row
    const five = await step(5, "12000,b12000");
    expect(five.disjoint).toEqual(four.disjoint);
    expect(five.parts).toHaveLength(5);
    expect(await same()).toMatchObject({ n: 12004, k: 12004 });
    expect(await snapshotRows(dir, "select v from staging.items where id = 12000")).toEqual([{ v: "b12000" }]);
    expect((await checkWarehouse(p, true)).ok).toBe(true);

    // a full refresh writes the table whole: one part, nothing disjoint
    expect((await build(p, { fullRefresh: true })).ok).toBe(true);
    const whole = manifest(dir).tables["staging.items"]!;
    expect(whole.parts).toHaveLength(1);
    expect(whole.disjoint).toBeUndefined();
    expect(await same()).toMatchObject({ n: 12004, k: 12004 });
  }, 120_000);

  test("a table model keyed by a unique, not-null column publishes the rows its row diff replaced or added as a part; a row removed writes it whole", async () => {
    const dir = writeProject({
      "project.yaml": `name: keyed
sources:
  feed:
    connector: files
    owner: ops@example.io
    config: { streams: [{ name: items, path: "data/items-*.csv", primary_key: id }] }
`,
      "data/items-1.csv": `id,v,seq\n${Array.from({ length: 12000 }, (_, i) => `${i},a${i},1`).join("\n")}\n`,
      // a table model (not incremental): the newest value of each id (pulls in one second share a run id's time), without those marked gone
      "models/marts/latest.sql":
        "select id, v from {{ source('feed', 'items') }}\nqualify row_number() over (partition by id order by seq desc) = 1 and v <> 'gone'\n",
      "models/marts/marts.yml":
        "models:\n  - name: latest\n    columns:\n      - { name: id, tests: [not_null, unique] }\n",
    });
    const p = loadProject(dir);
    const read = () =>
      snapshotRows(
        dir,
        "select count(*)::int as n, count(distinct id)::int as k, max(v) filter (where id = 5) as v5, max(v) filter (where id = 7) as v7 from marts.latest",
      );
    await pull(p);
    expect((await build(p)).ok).toBe(true);
    const first = manifest(dir).tables["marts.latest"]!;
    expect([first.parts.length, first.keys]).toEqual([1, ["id"]]);
    // one row replaced, one added: a part of those two rows over the first
    writeFileSync(join(dir, "data/items-2.csv"), "id,v,seq\n5,b5,2\n12000,a12000,2\n");
    await pull(p);
    expect((await build(p)).ok).toBe(true);
    const second = manifest(dir).tables["marts.latest"]!;
    expect(second.parts.slice(0, 1)).toEqual(first.parts);
    expect(second.parts).toHaveLength(2);
    expect(second.bytes - second.base_bytes).toBeLessThan(first.bytes / 20);
    expect(await read()).toEqual([{ n: 12001, k: 12001, v5: "b5", v7: "a7" }]);
    // a row removed (no row of its key added): a part cannot remove it, the table is written whole
    writeFileSync(join(dir, "data/items-3.csv"), "id,v,seq\n7,gone,3\n5,c5,3\n");
    await pull(p);
    expect((await build(p)).ok).toBe(true);
    expect(manifest(dir).tables["marts.latest"]!.parts).toHaveLength(1);
    expect(await read()).toEqual([{ n: 12000, k: 12000, v5: "c5", v7: null }]);
    // and a later change is a part over that one again
    writeFileSync(join(dir, "data/items-4.csv"), "id,v,seq\n5,d5,4\n");
    await pull(p);
    expect((await build(p)).ok).toBe(true);
    expect(manifest(dir).tables["marts.latest"]!.parts).toHaveLength(2);
    expect(await read()).toEqual([{ n: 12000, k: 12000, v5: "d5", v7: null }]);
  }, 60_000);

  test("many small parts, one column name with three types, a column named like the read-back's file column: each read back before the pointer moves, readers see every value", async () => {
    // past INLINE_ROWS, so each is a part (a smaller table goes inside the snapshot file: the next test)
    const n = INLINE_ROWS + 1;
    const files: Record<string, string> = { "project.yaml": "name: small\n" };
    // `x` is a struct in one table, an integer in another, a list in a third (the read-back's multi-file scan
    // unions them); `_dp_part` is the column that scan adds, so it falls back to a scan per part
    files["models/staging/s_struct.sql"] =
      `select {'a': i, 'b': 'v' || lpad(i::varchar, 4, '0')} as x, i as _dp_part from range(${n}) t(i)\n`;
    files["models/staging/s_int.sql"] = `select i::int as x, i::hugeint * 1e20::hugeint as h from range(${n}) t(i)\n`;
    files["models/staging/s_list.sql"] = `select [i, i + 1] as x, to_days(i::int) as d from range(${n}) t(i)\n`;
    for (let i = 0; i < 30; i++)
      files[`models/marts/m${i}.sql`] = `select i as id, ${i} as v from range(${n + i}) t(i)\n`;
    const dir = writeProject(files);
    const p = loadProject(dir);
    expect((await build(p)).ok).toBe(true);
    const m = manifest(dir);
    expect(Object.keys(m.tables)).toHaveLength(33);
    expect(m.inline ?? {}).toEqual({});
    expect(Object.values(m.tables).every((e) => e.parts.length === 1)).toBe(true);
    expect(readFileSync(join(p.paths.snapshots, "current.json"), "utf8")).toContain('"verified":true');
    const last = n - 1;
    expect(
      await snapshotRows(
        dir,
        `select (select count(*)::int from staging.s_struct) as st, (select max(x.b) from staging.s_struct) as b,
          (select sum(x)::int from staging.s_int) as si, (select max(h)::varchar from staging.s_int) as h,
          (select typeof(max(h)) from staging.s_int) as ht, (select max(d)::varchar from staging.s_list) as d,
          (select count(*)::int from marts.m29) as m29`,
      ),
    ).toEqual([
      {
        st: n,
        b: `v${String(last).padStart(4, "0")}`,
        si: (last * n) / 2,
        h: `${last}00000000000000000000`,
        ht: "HUGEINT",
        d: `${last} days`,
        m29: n + 29,
      },
    ]);
  }, 60_000);

  test("tables of up to INLINE_ROWS rows are copied into the snapshot file: readers see every value and type; a rebuild publishes the changed rows, keeps the others' versions and shares the large table's part; a failed test publishes nothing of its model", async () => {
    const files: Record<string, string> = {
      "project.yaml": "name: tiny\n",
      // every kind of value a copy must keep: HUGEINT, INTERVAL, TIME WITH TIME ZONE, ENUM, nested, MAP, BLOB, NULL
      "models/staging/kinds.sql": `select i, i::hugeint * 1e20::hugeint as h, to_days(i::int) - interval 90 minute as iv,
        ('12:00:00+0' || i)::timetz as tz, (['a', 'b', 'c'])[i % 3 + 1]::enum('a', 'b', 'c') as e,
        {'k': i, 'l': [i, null]} as st, map {'m': i} as mp, ('x' || i)::blob as b, nullif(i, 2) as n,
        i / 3 as dbl from range(5) t(i)\n`,
      "models/staging/empty.sql": "select 1 as x where false\n",
      // past INLINE_ROWS: a part, shared while nothing changes it
      "models/staging/large.sql": `select i as id from range(${INLINE_ROWS * 4}) t(i)\n`,
      "models/marts/reads_view.sql": "select count(*) as n from {{ ref('tiny_view') }}\n",
      "models/marts/tiny_view.sql": "select id from {{ ref('m0') }}\n",
      "models/marts/marts.yml":
        "models:\n  - name: tiny_view\n    materialized: view\n  - name: m3\n    columns:\n      - { name: id, tests: [not_null] }\n",
    };
    for (let i = 0; i < 20; i++)
      files[`models/marts/m${i}.sql`] = `select i as id, ${i} as v from range(${i + 1}) t(i)\n`;
    const dir = writeProject(files);
    const p = loadProject(dir);
    expect((await build(p)).ok).toBe(true);
    const first = manifest(dir);
    expect(Object.keys(first.tables)).toEqual(["staging.large"]);
    const inline = Object.keys(first.inline ?? {}).sort();
    expect(inline).toHaveLength(23);
    expect(inline).toContain("staging.empty");
    // only the large table has a part on disk
    expect(readdirSync(join(p.paths.snapshots, "tables"))).toEqual(first.tables["staging.large"]!.parts);
    expect(first.inline!["marts.m19"]).toEqual({ version: first.run_id, rows: 20 });
    // a 16 KB block or two for each table, not DuckDB's default 256 KB
    const snapshotFile = statSync(join(p.paths.snapshots, currentPointer(p)!.file)).size;
    expect(snapshotFile).toBeLessThan(2_000_000);
    // readers see exactly the warehouse's rows, with their types
    const digest = `select count(*)::int as n, bit_xor(hash(t)) as h,
      string_agg(typeof(t), ',' order by i) filter (where i = 0) as ty from staging.kinds t`;
    const warehouse = await Db.open(p.paths.warehouse, { readOnly: true });
    const live = await warehouse.all(digest);
    warehouse.close();
    expect(await snapshotRows(dir, digest)).toEqual(live);
    expect(live[0]!.n).toBe(5);
    expect(
      await snapshotRows(
        dir,
        `select (select count(*)::int from staging.empty) as e, (select sum(v)::int from marts.m19) as m19,
          (select n::int from marts.reads_view) as rv, (select count(*)::int from staging.large) as l`,
      ),
    ).toEqual([{ e: 0, m19: 380, rv: 1, l: INLINE_ROWS * 4 }]);

    // m5 changes, m3 now fails its test: the rest keep their versions, the large table its part
    writeFileSync(join(dir, "models/marts/m5.sql"), "select i as id, 500 as v from range(6) t(i)\n");
    writeFileSync(join(dir, "models/marts/m3.sql"), "select null::bigint as id, 3 as v\n");
    // and m8 grows past INLINE_ROWS: a part now, gone from the snapshot file the next one starts from
    writeFileSync(join(dir, "models/marts/m8.sql"), `select i as id, 8 as v from range(${INLINE_ROWS + 5}) t(i)\n`);
    const second = await build(p);
    expect(second.models.filter((m) => m.status !== "unchanged").map((m) => [m.model, m.status])).toEqual([
      ["m3", "failed"],
      ["m5", "success"],
      ["m8", "success"],
    ]);
    const after = manifest(dir);
    expect(after.tables["staging.large"]).toEqual(first.tables["staging.large"]!);
    expect(after.inline!["marts.m19"]).toEqual(first.inline!["marts.m19"]!);
    expect(after.inline!["marts.m3"]).toEqual(first.inline!["marts.m3"]!);
    expect(after.inline!["marts.m5"]!.version).toBe(after.run_id);
    expect(Object.keys(after.tables).sort()).toEqual(["marts.m8", "staging.large"]);
    expect(after.inline!["marts.m8"]).toBeUndefined();
    expect(
      await snapshotRows(
        dir,
        `select (select sum(v)::int from marts.m5) as m5, (select count(*)::int from marts.m3 where id is not null) as m3,
          (select count(*)::int from marts.m8) as m8, (select n::int from marts.reads_view) as rv,
          (select sum(v)::int from marts.m19) as m19`,
      ),
    ).toEqual([{ m5: 3000, m3: 4, m8: INLINE_ROWS + 5, rv: 1, m19: 380 }]);
    // the snapshot file the second publish started from (a copy of the first) kept the unchanged tables whole
    expect(await snapshotRows(dir, digest)).toEqual(live);
  }, 60_000);

  test("the row counts a build hands the publish are checked against the snapshot's copy: a wrong one stops the publish and readers keep the last snapshot", async () => {
    const dir = writeProject({
      "project.yaml": "name: counts\n",
      "models/marts/small.sql": "select i as id from range(3) t(i)\n",
      "models/marts/large.sql": `select i as id from range(${INLINE_ROWS + 10}) t(i)\n`,
    });
    const p = loadProject(dir);
    expect((await build(p)).ok).toBe(true);
    const first = manifest(dir);
    expect(first.inline!["marts.small"]!.rows).toBe(3);
    expect(first.tables["marts.large"]!.rows).toBe(INLINE_ROWS + 10);
    const pointer = currentPointer(p)!.file;
    for (const [rel, rows] of [
      ["marts.small", 4],
      ["marts.large", INLINE_ROWS + 11],
    ] as const) {
      const db = await openWriter(p);
      try {
        await expect(
          publishSnapshot(p, db, `lie_${rows}`, undefined, { rows: new Map([[rel, rows]]) }),
        ).rejects.toThrow(`snapshot check: ${rel} has`);
      } finally {
        db.close();
      }
      expect(currentPointer(p)!.file).toBe(pointer);
    }
    // a table the build did not hand a count for is counted by the publish itself
    const db = await openWriter(p);
    try {
      await publishSnapshot(p, db, "counted", undefined, { rows: new Map([["marts.large", INLINE_ROWS + 10]]) });
    } finally {
      db.close();
    }
    expect(manifest(dir).inline!["marts.small"]!.rows).toBe(3);
    expect(await snapshotRows(dir, "select (select count(*)::int from marts.small) as s")).toEqual([{ s: 3 }]);
  }, 60_000);

  test("rebuilding in full again and again: the warehouse stays within 1.1× of a fresh build", async () => {
    const dir = writeProject({
      "project.yaml": "name: grow\n",
      "models/staging/big.sql": "select i, md5(i::varchar) as h from range(1500000) t(i)\n",
      "models/marts/agg.sql": "select i % 100 as k, count(*) as n from {{ ref('big') }} group by all\n",
    });
    const p = loadProject(dir);
    expect((await build(p)).ok).toBe(true);
    const fresh = statSync(p.paths.warehouse).size;
    for (let k = 0; k < 3; k++) expect((await build(p, { fullRefresh: true })).ok).toBe(true);
    const grown = statSync(p.paths.warehouse).size;
    console.log(`warehouse: fresh ${fresh} bytes, after 3 full rebuilds ${grown} (${(grown / fresh).toFixed(2)}×)`);
    expect(grown).toBeLessThanOrEqual(fresh * 1.1);
    expect(await snapshotRows(dir, "select count(*)::int as n from staging.big")).toEqual([{ n: 1500000 }]);
  }, 120_000);

  test("a table of wide rows is published under a small memory limit: its part's row groups are sized by bytes, not rows", async () => {
    // 40k rows of ≈6 KB: one 122,880-row group would be ≈240 MB in the Parquet writer, past a 256 MB limit
    const dir = writeProject({
      "project.yaml": "name: wide\nwarehouse:\n  memory_limit: 256MB\n",
      "models/staging/wide.sql": "select i, repeat(md5(i::varchar), 190) as payload from range(40000) t(i)\n",
    });
    const p = loadProject(dir);
    const result = await build(p);
    expect(result.models.map((m) => [m.model, m.status, m.rows])).toEqual([["wide", "success", 40000]]);
    const entry = manifest(dir).tables["staging.wide"]!;
    const mem = await Db.open(":memory:");
    const part = join(p.paths.snapshots, "tables", entry.parts[0]!);
    const [groups] = await mem.all<{ n: number; most: number }>(
      `select count(distinct row_group_id)::int as n, max(row_group_num_rows)::int as most from parquet_metadata(${literal(part)})`,
    );
    mem.close();
    expect(groups!.n).toBeGreaterThan(3);
    // 32 MB of ≈6 KB rows, rounded up by DuckDB to whole 2,048-row vectors
    expect(groups!.most).toBeLessThanOrEqual(8192);
    expect(
      // (the publish read every row back before the pointer moved)
      await snapshotRows(dir, "select count(*)::int as n, count(distinct i)::int as k from staging.wide"),
    ).toEqual([{ n: 40000, k: 40000 }]);
  }, 120_000);

  test("a part of more than one row group is checked by its footer against the rows its COPY wrote: a part cut short, or one holding other rows, stops the publish; dp doctor decodes every row; a string dictionary past 64 KB is given up", async () => {
    const dir = writeProject({
      "project.yaml": "name: footer\n",
      // m: 4,000 distinct values, a dictionary of ≈140 KB (under DuckDB's 1 MB page, over the parts' 64 KB); k: 7
      "models/staging/big.sql":
        "select i, md5(i::varchar) as h, md5((i % 4000)::varchar) as m, 'k' || (i % 7) as k from range(300000) t(i)\n",
    });
    const p = loadProject(dir);
    expect((await build(p)).ok).toBe(true);
    const entry = manifest(dir).tables["staging.big"]!;
    const path = join(p.paths.snapshots, "tables", entry.parts[0]!);
    const db = await Db.open(":memory:");
    // a dictionary past 64 KB is given up (PART_OPTIONS): the low-cardinality column keeps one
    expect(
      await db.all(
        `select path_in_schema as c, string_agg(distinct encodings, ' ') as e from parquet_metadata(${literal(path)}) group by 1 order by 1`,
      ),
    ).toEqual([
      { c: "h", e: "PLAIN" },
      { c: "i", e: "PLAIN" },
      { c: "k", e: "PLAIN_DICTIONARY" },
      { c: "m", e: "PLAIN" },
    ]);
    // the published snapshot reads every row of it
    expect(await snapshotRows(dir, "select count(*)::int as n, count(distinct h)::int as k from staging.big")).toEqual([
      { n: 300000, k: 300000 },
    ]);
    try {
      const [checked] = [...(await checkPartFooters(db, [{ path, written: 300000 }])).values()];
      expect(checked).toBe(300000);
      await expect(checkPartFooters(db, [{ path, written: 299999 }])).rejects.toThrow(
        /holds 300000 rows where its write reported 299999/,
      );
      // damage inside the data pages leaves the footer whole: the publish's check cannot see it, dp doctor's can
      expect((await checkWarehouse(p, true)).ok).toBe(true);
      const fd = openSync(path, "r+");
      writeSync(fd, Buffer.alloc(4096, 0xa5), 0, 4096, Math.floor(statSync(path).size / 2));
      closeSync(fd);
      expect((await checkPartFooters(db, [{ path, written: 300000 }])).size).toBe(1);
      const doctor = await checkWarehouse(p, true);
      expect(doctor.ok).toBe(false);
      expect(doctor.detail).toContain("is damaged");
      // the footer is the file's last bytes: a part cut short has none
      truncateSync(path, statSync(path).size - 1024);
      await expect(checkPartFooters(db, [{ path, written: 300000 }])).rejects.toThrow();
    } finally {
      db.close();
    }
  }, 120_000);
});

test("the sidecar runs on the writer while the snapshot is read back; a publish that fails waits for it and moves no pointer", async () => {
  const dir = writeProject({
    "project.yaml": "name: side\n",
    "models/marts/small.sql": "select i as id from range(3) t(i)\n",
  });
  const p = loadProject(dir);
  expect((await build(p)).ok).toBe(true);
  const pointer = currentPointer(p)!.file;
  const seen: { tmp: boolean; published: boolean; done: boolean }[] = [];
  const sidecar = async (db: Db, name: string) => {
    const at = { tmp: existsSync(join(p.paths.snapshots, `.${name}.tmp`)), published: false, done: false };
    at.published = existsSync(join(p.paths.snapshots, name));
    seen.push(at);
    // the writer's connection answers while the snapshot's own instance reads it back
    await db.all("SELECT count(*) AS n FROM _dp.model_runs");
    await Bun.sleep(50);
    at.done = true;
  };
  const db = await openWriter(p);
  try {
    await expect(publishSnapshot(p, db, "lie", sidecar, { rows: new Map([["marts.small", 4]]) })).rejects.toThrow(
      "snapshot check: marts.small has",
    );
    // started once the snapshot file was filled, before it was named; finished before the publish gave up
    expect(seen).toEqual([{ tmp: true, published: false, done: true }]);
    expect(currentPointer(p)!.file).toBe(pointer);
    const named = await publishSnapshot(p, db, "told", sidecar, { rows: new Map([["marts.small", 3]]) });
    expect(seen[1]).toEqual({ tmp: true, published: false, done: true });
    expect(currentPointer(p)!.file).toBe(named.slice(named.lastIndexOf("/") + 1));
  } finally {
    db.close();
  }
  expect(await snapshotRows(dir, "select count(*)::int as n from marts.small")).toEqual([{ n: 3 }]);
}, 60_000);
