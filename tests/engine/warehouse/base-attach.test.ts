import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { catalogSidecar } from "../../../engine/catalog/catalog-cache.ts";
import { loadProject } from "../../../engine/config/project.ts";
import { pull } from "../../../engine/ingest/pull.ts";
import { build } from "../../../engine/transform/build.ts";
import { currentPointer, openReader, openWriter, publishSnapshot } from "../../../engine/warehouse/snapshots.ts";
import { basesDir, readManifest } from "../../../engine/warehouse/table-parts.ts";
import { askOffline } from "../../../tools/ask/offline-answer.ts";
import { createToolContext } from "../../../tools/context.ts";
import type { Plan, Refusal } from "../../../tools/planner/plan-types.ts";
import { writeProject } from "../../helpers.ts";
import "../../../connectors/index.ts";

/** A table past BASE_MIN_CELLS, so a first build publishes the whole warehouse as a base, and a small mart. */
function project(rows: number): string {
  return writeProject({
    "project.yaml": `name: lazybase
sources:
  feed:
    connector: files
    owner: ops@example.io
    config: { streams: [{ name: items, path: "data/items-*.csv", primary_key: id }] }
`,
    "data/items-1.csv": `id,v\n${Array.from({ length: 200 }, (_, i) => `${i},a${i}`).join("\n")}\n`,
    "models/staging/big.sql": `select i, i * 2 as j, 'r' || i as s, i % 7 as k from range(${rows}) t(i)\n`,
    "models/marts/item_count.sql": "select count(*) as n from {{ source('feed', 'items') }}\n",
  });
}

function baseOf(dir: string): string {
  const p = loadProject(dir);
  const base = readManifest(join(p.paths.snapshots, currentPointer(p)!.file))?.base;
  if (!base) throw new Error("the build published no base");
  return join(basesDir(p.paths.snapshots), base.file);
}

/** Whether this process holds the file open: DuckDB keeps an attached database's file open until it detaches. */
function isOpen(path: string): boolean {
  const fds = "/proc/self/fd";
  for (const fd of readdirSync(fds)) {
    try {
      if (readlinkSync(join(fds, fd)) === path) return true;
    } catch {
      // an fd closed between the listing and the readlink
    }
  }
  return false;
}

async function built(rows: number): Promise<string> {
  const dir = project(rows);
  const p = loadProject(dir);
  await pull(p);
  // the catalog cache, as `dp build` and `dp run` write it beside the snapshot
  expect((await build(p, { sidecar: catalogSidecar(p) })).ok).toBe(true);
  return dir;
}

describe.skipIf(!existsSync("/proc/self/fd"))("a reader attaches the snapshot's base at its first statement", () => {
  test("not before: an open reader and the tool context's cached answers leave the base unread; a query on a table over it attaches it and reads its rows", async () => {
    const dir = await built(1_100_000);
    const p = loadProject(dir);
    const base = baseOf(dir);

    const db = await openReader(p);
    try {
      expect(db.deferred).toBe(true);
      expect(isOpen(base)).toBe(false);
      expect(await db.one("select count(*)::int as n, max(j)::bigint as j from staging.big")).toEqual({
        n: 1_100_000,
        j: 2_199_998,
      });
      expect(db.deferred).toBe(false);
      expect(isOpen(base)).toBe(true);
    } finally {
      db.close();
    }
    expect(isOpen(base)).toBe(false);

    // what `dp ask` reads before its first query: the catalog, the warehouse status and the dimension values, all
    // from the snapshot's catalog cache; the snapshot itself is opened but no statement runs on it
    const ctx = createToolContext(p);
    try {
      const opened = await ctx.db();
      await ctx.status();
      await ctx.dimensionValues();
      expect(opened.deferred).toBe(true);
      expect(isOpen(base)).toBe(false);
      expect(await ctx.query("select n::int as n from marts.item_count", [])).toEqual([{ n: 200 }]);
      expect(isOpen(base)).toBe(true);
    } finally {
      ctx.close();
    }
  }, 180_000);

  test("an offline ask whose plan queries attaches the base as soon as the snapshot is open, before its first statement; a refusal never does; a call that fails before any statement leaves a reader that closes", async () => {
    const dir = await built(1_100_000);
    const p = loadProject(dir);
    const base = baseOf(dir);
    // no metric of this name: the call fails in the catalog, before it sends a statement
    const failing: Plan = {
      status: "plan",
      intent: "metric",
      calls: [{ name: "query_metric", role: "main", input: { metric: "nope", period: "last_month", filters: [] } }],
    };
    const refusal: Refusal = { status: "refusal", reason: "not a metric question", known_metrics: [] };
    // closing a connection while the attach runs crashed the engine in about half the tries: the ask waits for it
    for (let i = 0; i < 6; i++) {
      const ctx = createToolContext(p);
      try {
        const r = await askOffline(ctx, "nope last month", undefined, failing);
        expect(r.status).toBe("failed");
        expect(r.error?.code).toBe("USAGE");
        expect(r.tool_calls).toEqual([]);
        expect((await ctx.db()).deferred).toBe(false);
        expect(isOpen(base)).toBe(true);
      } finally {
        ctx.close();
      }
      expect(isOpen(base)).toBe(false);
    }
    const ctx = createToolContext(p);
    try {
      const r = await askOffline(ctx, "what is the weather", undefined, refusal);
      expect(r.status).toBe("refused");
      expect((await ctx.db()).deferred).toBe(true);
      expect(isOpen(base)).toBe(false);
    } finally {
      ctx.close();
    }
  }, 180_000);

  test("the sandbox is in place before the first statement, whichever connection runs it, and the attach reads the base of the snapshot the reader leased, not a newer one", async () => {
    const dir = await built(1_100_000);
    const p = loadProject(dir);
    const first = baseOf(dir);

    const locked = await openReader(p);
    const other = await locked.connect();
    try {
      // the first statement, on a second connection: the lock-down ran before it
      await expect(other.all("select * from read_csv('/etc/passwd')")).rejects.toThrow(/disabled|Permission/i);
      await expect(locked.run("SET enable_external_access = true")).rejects.toThrow(/locked/i);
      await expect(locked.run(`ATTACH '${join(dir, "x.duckdb")}' AS x`)).rejects.toThrow();
      // the base is there all the same: it was attached before the lock
      expect(await locked.one("select count(*)::int as n from staging.big")).toEqual({ n: 1_100_000 });
    } finally {
      other.close();
      locked.close();
    }

    // a reader opened, no statement yet; then a publish of a mostly-changed warehouse makes a new base
    const reader = await openReader(p);
    try {
      const writer = await openWriter(p);
      try {
        // a new table of more cells than the rest (no blocks freed: a replaced table's would make parts instead)
        await writer.run("create table staging.more as select i, i * 3 as j from range(3000000) t(i)");
        await publishSnapshot(p, writer, "r2");
      } finally {
        writer.close();
      }
      const second = baseOf(dir);
      expect(second).not.toBe(first);
      // its lease kept its base; its first statement attaches that one and sees the version it opened
      expect(existsSync(first)).toBe(true);
      expect(await reader.one("select count(*)::int as n, max(j)::bigint as j from staging.big")).toEqual({
        n: 1_100_000,
        j: 2_199_998,
      });
      await expect(reader.one("select count(*) from staging.more")).rejects.toThrow(/does not exist/);
      expect(isOpen(first)).toBe(true);
      expect(isOpen(second)).toBe(false);
    } finally {
      reader.close();
    }
    const fresh = await openReader(p);
    try {
      expect(await fresh.one("select count(*)::int as n, max(j)::bigint as j from staging.more")).toEqual({
        n: 3_000_000,
        j: 8_999_997,
      });
      expect(isOpen(baseOf(dir))).toBe(true);
    } finally {
      fresh.close();
    }
  }, 180_000);
});
