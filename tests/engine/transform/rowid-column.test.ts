import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadProject } from "../../../engine/config/project.ts";
import { pull } from "../../../engine/ingest/pull.ts";
import { build } from "../../../engine/transform/build.ts";
import { snapshotRows, writeProject } from "../../helpers.ts";
import "../../../connectors/index.ts";

/**
 * A model column named `rowid` shadows DuckDB's row-id pseudo-column of the table: the row diff of a rebuilt table
 * must not read it as the row's id (it deleted every row sharing the user's value, or none for a NULL, and the
 * publish's read-back then disagreed with the warehouse's count).
 */
describe("a model column named rowid", () => {
  test("a rebuilt table (duplicates, NULLs, parts), an incremental merge on it, and the published snapshot hold the right rows", async () => {
    const dir = writeProject({
      "project.yaml": `name: rowids
sources:
  feed:
    connector: files
    owner: ops@example.io
    config: { streams: [{ name: items, path: "data/items-*.csv", primary_key: rowid }] }
`,
      "data/items-1.csv": "rowid,name\n1,a\n2,b\n",
      "models/staging/small.sql": "select * from (values (1, 'a'), (1, 'b'), (2, 'c'), (NULL, 'n')) v(rowid, name)\n",
      // past INLINE_ROWS: published as parts; each row has many copies
      "models/staging/big.sql": "select (i % 7)::int as rowid, (i % 3)::int as k from range(1000) t(i)\n",
      // columns named like the row diff's own: rows with several copies go by the window over them
      "models/staging/clash.sql": "select (i % 5)::int as dp__side, (i % 2)::int as dp_k from range(300) t(i)\n",
      "models/staging/merged.sql":
        "select rowid, name, _dp_run_id as run_id from {{ source('feed', 'items') }}\n{% if is_incremental() %}where _dp_run_id not in (select run_id from {{ this }}){% endif %}\nqualify row_number() over (partition by rowid order by _dp_run_id desc) = 1\n",
      "models/staging/staging.yml": "models:\n  - name: merged\n    materialized: incremental\n    unique_key: rowid\n",
    });
    const p = loadProject(dir);
    await pull(p);
    const first = await build(p);
    expect(first.ok).toBe(true);
    expect(await snapshotRows(dir, "select rowid, name from staging.small order by rowid nulls last, name")).toEqual([
      { rowid: 1, name: "a" },
      { rowid: 1, name: "b" },
      { rowid: 2, name: "c" },
      { rowid: null, name: "n" },
    ]);

    // one of two rows sharing rowid 1 changes, the NULL one changes, a row is added; one copy of a big row goes
    writeFileSync(
      join(dir, "models/staging/small.sql"),
      "select * from (values (1, 'a'), (1, 'd'), (2, 'c'), (NULL, 'm'), (3, 'e')) v(rowid, name)\n",
    );
    writeFileSync(
      join(dir, "models/staging/big.sql"),
      "select (i % 7)::int as rowid, (i % 3)::int as k from range(1000) t(i) where i <> 5\n",
    );
    writeFileSync(
      join(dir, "models/staging/clash.sql"),
      "select (i % 5)::int as dp__side, (i % 2)::int as dp_k from range(300) t(i) where i <> 3\n",
    );
    writeFileSync(join(dir, "data/items-2.csv"), "rowid,name\n2,B\n3,c\n");
    await pull(p);
    const second = await build(p);
    expect(second.ok).toBe(true);
    expect(second.models.map((m) => [m.model, m.status])).toEqual(
      expect.arrayContaining([
        ["small", "success"],
        ["big", "success"],
        ["merged", "success"],
      ]),
    );
    expect(await snapshotRows(dir, "select rowid, name from staging.small order by rowid nulls last, name")).toEqual([
      { rowid: 1, name: "a" },
      { rowid: 1, name: "d" },
      { rowid: 2, name: "c" },
      { rowid: 3, name: "e" },
      { rowid: null, name: "m" },
    ]);
    expect(
      await snapshotRows(
        dir,
        "select count(*)::int as n, sum(rowid)::int as r, count(*) filter (where rowid = 5 and k = 2)::int as fives from staging.big",
      ),
    ).toEqual([{ n: 999, r: 2992, fives: 47 }]);
    expect(
      await snapshotRows(
        dir,
        "select count(*)::int as n, sum(dp__side)::int as s, sum(dp_k)::int as k from staging.clash",
      ),
    ).toEqual([{ n: 299, s: 597, k: 149 }]);
    expect(await snapshotRows(dir, "select rowid, name from staging.merged order by rowid")).toEqual([
      { rowid: 1, name: "a" },
      { rowid: 2, name: "B" },
      { rowid: 3, name: "c" },
    ]);
  }, 120_000);
});
