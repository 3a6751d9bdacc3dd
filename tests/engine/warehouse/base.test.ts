import { describe, expect, test } from "bun:test";
import {
  closeSync,
  copyFileSync,
  existsSync,
  openSync,
  readdirSync,
  statSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { loadProject } from "../../../engine/config/project.ts";
import { pull } from "../../../engine/ingest/pull.ts";
import { build } from "../../../engine/transform/build.ts";
import { Db } from "../../../engine/warehouse/duckdb.ts";
import {
  BASE_MIN_CELLS,
  currentPointer,
  openReader,
  openWriter,
  publishSnapshot,
  restoreFromSnapshot,
} from "../../../engine/warehouse/snapshots.ts";
import { basesDir, partsDir, readManifest } from "../../../engine/warehouse/table-parts.ts";
import { checkWarehouse } from "../../../engine/warehouse/warehouse-check.ts";
import { snapshotRows, writeProject } from "../../helpers.ts";
import "../../../connectors/index.ts";

/**
 * A large table model (past BASE_MIN_CELLS, so a first build copies the warehouse as a base), a table model and an
 * incremental model (merge on id) over a files stream.
 */
const BIG_ROWS = 1_100_000;
function project(): string {
  return writeProject({
    "project.yaml": `name: base
sources:
  feed:
    connector: files
    owner: ops@example.io
    config: { streams: [{ name: items, path: "data/items-*.csv", primary_key: id }] }
`,
    "data/items-1.csv": `id,v\n${Array.from({ length: 12000 }, (_, i) => `${i},a${i}`).join("\n")}\n`,
    // HUGEINT (the window sum) and text: types a base keeps as the warehouse has them
    "models/staging/big.sql": `select i, i * 2 as j, 'r' || i as s, sum(i) over () as total from range(${BIG_ROWS}) t(i)\n`,
    "models/staging/items.sql":
      // new pulls by run id, not time: with DP_NOW pinned every pull has the same _dp_loaded_at
      "select id, v, _dp_run_id as run_id from {{ source('feed', 'items') }}\n{% if is_incremental() %}where _dp_run_id not in (select run_id from {{ this }}){% endif %}\nqualify row_number() over (partition by id order by _dp_run_id desc) = 1\n",
    "models/staging/staging.yml": "models:\n  - name: items\n    materialized: incremental\n    unique_key: id\n",
    "models/marts/item_copy.sql": "select id, v from {{ ref('items') }}\n",
    "models/marts/item_count.sql": "select count(*) as n from {{ ref('items') }}\n",
  });
}

function manifest(dir: string) {
  const p = loadProject(dir);
  return readManifest(join(p.paths.snapshots, currentPointer(p)!.file))!;
}

const files = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((f) => !f.startsWith(".")) : []);

/** Every row of a relation, as a count and an order-free hash, read from the warehouse file itself. */
async function warehouseRows(path: string, rel: string): Promise<{ n: number; h: string }> {
  const db = await Db.open(path, { readOnly: true });
  try {
    return (await db.one<{ n: number; h: string }>(
      `select count(*)::int as n, sum(hash(t))::varchar as h from ${rel} t`,
    ))!;
  } finally {
    db.close();
  }
}

describe("a mostly-changed build is published as a copied base", () => {
  test("a first build publishes a base that readers see whole; an incremental build then writes parts only for what changed, over the base; a restore reads both", async () => {
    const dir = project();
    const p = loadProject(dir);
    await pull(p);
    expect((await build(p)).ok).toBe(true);
    expect(BIG_ROWS * 4).toBeGreaterThan(BASE_MIN_CELLS);
    const first = manifest(dir);
    expect(first.base).toBeDefined();
    expect(files(basesDir(p.paths.snapshots))).toEqual([first.base!.file]);
    expect(statSync(join(basesDir(p.paths.snapshots), first.base!.file)).size).toBe(first.base!.bytes);
    // every table, the small ones too, is read from the base: no part, nothing copied into the snapshot file
    expect(Object.keys(first.tables).sort()).toEqual([
      "marts.item_copy",
      "marts.item_count",
      "staging.big",
      "staging.items",
    ]);
    for (const e of Object.values(first.tables)) {
      expect(e.base).toBe(first.base!.file);
      expect(e.parts).toEqual([]);
    }
    expect(first.inline ?? {}).toEqual({});
    expect(files(partsDir(p.paths.snapshots))).toEqual([]);
    // readers see the warehouse's rows and types exactly
    const big = await warehouseRows(p.paths.warehouse, "staging.big");
    expect(
      await snapshotRows(
        dir,
        "select count(*)::int as n, sum(hash(t))::varchar as h, any_value(typeof(total)) as ty from staging.big t",
      ),
    ).toEqual([{ ...big, ty: "HUGEINT" }]);
    expect(await snapshotRows(dir, "select n::int as n from marts.item_count")).toEqual([{ n: 12000 }]);

    // new rows: one updated key, two new ones
    writeFileSync(join(dir, "data/items-2.csv"), "id,v\n5,b5\n12000,a12000\n12001,a12001\n");
    await pull(p);
    const second = await build(p);
    expect(second.models.map((m) => [m.model, m.status]).sort()).toEqual([
      ["big", "unchanged"],
      ["item_copy", "success"],
      ["item_count", "success"],
      ["items", "success"],
    ]);
    const after = manifest(dir);
    // the same base; the unchanged table still reads it alone
    expect(after.base).toEqual(first.base!);
    expect(after.tables["staging.big"]).toEqual(first.tables["staging.big"]!);
    // the incremental model: the base's rows and a part of the new ones, merged by key
    expect(after.tables["staging.items"]!.base).toBe(first.base!.file);
    expect(after.tables["staging.items"]!.parts).toHaveLength(1);
    expect(after.tables["staging.items"]!.keys).toEqual(["id"]);
    // the table rebuilt whole is a part of its own; the one-row one goes into the snapshot file
    expect(after.tables["marts.item_copy"]!.base).toBeUndefined();
    expect(after.tables["marts.item_copy"]!.parts).toHaveLength(1);
    expect(after.inline?.["marts.item_count"]?.rows).toBe(1);
    expect(files(partsDir(p.paths.snapshots)).sort()).toEqual(
      [...after.tables["staging.items"]!.parts, ...after.tables["marts.item_copy"]!.parts].sort(),
    );
    // the publish wrote two small parts and the snapshot file, not the base again
    expect((after as { bytes_written?: number }).bytes_written!).toBeLessThan(first.base!.bytes / 10);
    expect(
      await snapshotRows(
        dir,
        "select count(*)::int as n, count(distinct id)::int as k, max(v) filter (where id = 5) as v5 from staging.items",
      ),
    ).toEqual([{ n: 12002, k: 12002, v5: "b5" }]);
    expect(await snapshotRows(dir, "select count(*)::int as n from marts.item_copy")).toEqual([{ n: 12002 }]);
    expect(await snapshotRows(dir, "select n::int as n from marts.item_count")).toEqual([{ n: 12002 }]);
    expect((await checkWarehouse(p, true)).ok).toBe(true);

    // the restore path (a damaged warehouse is replaced from the last snapshot) reads the base and the parts
    const to = join(dir, "restored.duckdb");
    expect(await restoreFromSnapshot(p, to)).toBe(currentPointer(p)!.file);
    expect(await warehouseRows(to, "staging.big")).toEqual(big);
    expect(await warehouseRows(to, "staging.items")).toEqual(await warehouseRows(p.paths.warehouse, "staging.items"));
    expect((await warehouseRows(to, "marts.item_copy")).n).toBe(12002);
  }, 180_000);

  test("pruning deletes a base no kept snapshot names and keeps one a reader holds; that reader goes on reading it while new bases are published", async () => {
    const dir = writeProject({ "project.yaml": "name: prune\n" });
    const p = loadProject(dir);
    const db = await openWriter(p);
    const bases = () => files(basesDir(p.paths.snapshots)).sort();
    try {
      await db.run(
        "create schema marts; create table marts.wide as select i, i + 1 as a, i + 2 as b, i + 3 as c, i + 4 as d from range(1000000) t(i)",
      );
      // no model versions these tables, so every publish writes them whole: a base each time
      await publishSnapshot(p, db, "r1");
      const b1 = manifest(dir).base!.file;
      const reader = await openReader(p);
      try {
        await publishSnapshot(p, db, "r2");
        await publishSnapshot(p, db, "r3");
        const b3 = manifest(dir).base!.file;
        // r1 (held), r2 (the previous), r3 (current)
        expect(bases()).toEqual(["r1.duckdb", "r2.duckdb", "r3.duckdb"]);
        expect(b1).toBe("r1.duckdb");
        expect(b3).toBe("r3.duckdb");
        expect(await reader.all("select count(*)::int as n, sum(d)::bigint as s from marts.wide")).toEqual([
          { n: 1000000, s: 500003500000 },
        ]);
      } finally {
        reader.close();
      }
      await publishSnapshot(p, db, "r4");
      // r1 was held and no more, r2 is two publishes old: both bases gone; r3 (the previous) and r4 kept
      expect(bases()).toEqual(["r3.duckdb", "r4.duckdb"]);
      expect(await snapshotRows(dir, "select count(*)::int as n from marts.wide")).toEqual([{ n: 1000000 }]);
    } finally {
      db.close();
    }
  }, 120_000);

  test("dp doctor finds a base changed in place or cut short", async () => {
    const dir = writeProject({ "project.yaml": "name: doctor\n" });
    const p = loadProject(dir);
    const db = await openWriter(p);
    try {
      await db.run(
        "create schema marts; create table marts.wide as select i, i + 1 as a, i + 2 as b, i + 3 as c, i + 4 as d from range(1000000) t(i)",
      );
      await publishSnapshot(p, db, "r1");
    } finally {
      db.close();
    }
    const base = join(basesDir(p.paths.snapshots), manifest(dir).base!.file);
    const good = `${base}.good`;
    copyFileSync(base, good);
    expect((await checkWarehouse(p, true)).ok).toBe(true);

    // 4 KB overwritten in the middle: same size, other bytes
    const fd = openSync(base, "r+");
    writeSync(fd, Buffer.alloc(4096, 7), 0, 4096, Math.floor(statSync(base).size / 2));
    closeSync(fd);
    const changed = await checkWarehouse(p, true);
    expect(changed.ok).toBe(false);
    expect(changed.detail).toContain("differ from the published ones");

    copyFileSync(good, base);
    truncateSync(base, statSync(base).size - 262144);
    const cut = await checkWarehouse(p, true);
    expect(cut.ok).toBe(false);
    expect(cut.detail).toContain("bytes, published with");

    copyFileSync(good, base);
    expect((await checkWarehouse(p, true)).ok).toBe(true);
  }, 120_000);
});
