import { expect, test } from "bun:test";
import { tmpdir, totalmem } from "node:os";
import { Db } from "../../../engine/warehouse/duckdb.ts";
import {
  DEFAULT_MEMORY_MB,
  defaultMemoryLimit,
  defaultThreads,
  memoryLadder,
  memoryMb,
} from "../../../engine/warehouse/duckdb-settings.ts";
import { loadProject } from "../../../engine/config/project.ts";
import { openWriter } from "../../../engine/warehouse/snapshots.ts";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "../../../engine/transform/build.ts";
import { writeProject } from "../../helpers.ts";
import { formatBuild } from "../../../cli/_format-build.ts";

async function settings(db: Db): Promise<{ threads: number; memory: number }> {
  const r = (await db.one<{ threads: number; memory: number }>(
    "SELECT current_setting('threads')::INTEGER AS threads, (SELECT memory_limit_bytes FROM (SELECT try_cast(regexp_extract(current_setting('memory_limit'), '([0-9.]+)', 1) AS DOUBLE) * CASE WHEN current_setting('memory_limit') LIKE '%GiB' THEN 2^30 WHEN current_setting('memory_limit') LIKE '%MiB' THEN 2^20 ELSE 1 END AS memory_limit_bytes)) AS memory",
  ))!;
  return { threads: Number(r.threads), memory: Number(r.memory) };
}

test("warehouse.threads and warehouse.memory_limit in project.yaml reach the writer's DuckDB", async () => {
  const dir = writeProject({ "project.yaml": "name: s\nwarehouse:\n  threads: 1\n  memory_limit: 300MB\n" });
  const db = await openWriter(loadProject(dir));
  try {
    const s = await settings(db);
    expect(s.threads).toBe(1);
    expect(Math.abs(s.memory - 300e6)).toBeLessThan(5e6);
  } finally {
    db.close();
  }
});

/** With DP_MEMORY_LIMIT unset for the call: the machine's own override is not the code's default. */
async function withoutEnvLimit<T>(fn: () => Promise<T>): Promise<T> {
  const before = process.env.DP_MEMORY_LIMIT;
  delete process.env.DP_MEMORY_LIMIT;
  try {
    return await fn();
  } finally {
    if (before !== undefined) process.env.DP_MEMORY_LIMIT = before;
  }
}

test("without them DuckDB gets every core and 768 MB (half the RAM on a smaller machine), not its own 80%", async () => {
  await withoutEnvLimit(async () => {
    const db = await Db.open(":memory:");
    try {
      const s = await settings(db);
      expect(s.threads).toBe(defaultThreads());
      // DuckDB reads MB as 10^6 bytes
      const expected = Math.max(256, Math.min(768, Math.floor(totalmem() / 2 / 2 ** 20))) * 1e6;
      expect(Math.abs(s.memory - expected) / expected).toBeLessThan(0.01);
      expect(defaultMemoryLimit()).toMatch(/^\d+MB$/);
    } finally {
      db.close();
    }
  });
});

test("a new warehouse opened by dp's writer without warehouse.memory_limit gets the default the code states", async () => {
  expect(DEFAULT_MEMORY_MB).toBe(768);
  const dir = writeProject({ "project.yaml": "name: fresh\n" });
  const project = loadProject(dir);
  expect(existsSync(project.paths.warehouse)).toBe(false);
  await withoutEnvLimit(async () => {
    const db = await openWriter(project);
    try {
      // 768MB → DuckDB shows "732.4 MiB"; on a machine with < 1.5 GB of RAM, half of it
      const expected = Math.max(256, Math.min(DEFAULT_MEMORY_MB, Math.floor(totalmem() / 2 / 2 ** 20))) * 1e6;
      expect(defaultMemoryLimit()).toBe(`${expected / 1e6}MB`);
      const s = await settings(db);
      expect(Math.abs(s.memory - expected) / expected).toBeLessThan(0.01);
      // and the file exists now: it is the warehouse, not an in-memory database
      expect(existsSync(project.paths.warehouse)).toBe(true);
    } finally {
      db.close();
    }
  });
});

test("an in-memory DuckDB spills into the system temp dir, not the working directory", async () => {
  const db = await Db.open(":memory:");
  try {
    expect((await db.one<{ t: string }>("SELECT current_setting('temp_directory') AS t"))!.t).toBe(
      join(tmpdir(), `dp-spill-${process.pid}`),
    );
  } finally {
    db.close();
  }
});

test("the ladder: ×1.5 a step, two steps, never above half the RAM", () => {
  expect(memoryLadder("768MB")).toEqual(["1152MB", "1728MB"]);
  expect(memoryLadder("64MB")).toEqual(["96MB", "144MB"]);
  expect(memoryMb("2GB")).toBe(2000);
  expect(memoryMb("1GiB")).toBeCloseTo(1073.74, 2);
  const half = Math.max(256, Math.floor(totalmem() / 2 / 2 ** 20));
  // a default at half the RAM already has no step above it
  expect(memoryLadder(`${half}MB`)).toEqual([]);
  expect(memoryLadder(`${Math.floor(half / 1.2)}MB`)).toEqual([`${half}MB`]);
});

test("DP_MEMORY_LIMIT sets the machine's default; a model that runs out of memory under it is built again a step up the ladder, and one that runs out on every step fails naming the key to raise", async () => {
  const dir = writeProject({
    "project.yaml": "name: oom\n",
    // ≈50 MB of text in one list, an aggregate DuckDB cannot spill: out of memory under 64 and 96 MB, fits 144 MB
    "models/marts/wide.sql":
      "select len(list(repeat(chr(65 + (i % 26)::INTEGER), 1000))) as n from range(50000) t(i)\n",
    "models/marts/after.sql": "select n from {{ ref('wide') }}\n",
  });
  const before = process.env.DP_MEMORY_LIMIT;
  process.env.DP_MEMORY_LIMIT = "64MB";
  try {
    expect(defaultMemoryLimit()).toBe("64MB");
    const result = await build(loadProject(dir));
    expect(result.models.map((m) => [m.model, m.status, m.rows])).toEqual([
      ["wide", "success", 1],
      ["after", "success", 1],
    ]);
    // the steps are in the result (dp build --json: memory_limit, out_of_memory_at), so the bench and scripts
    // need not read logs
    expect(result.models.map((m) => m.memoryLimit)).toEqual(["144MB", undefined]);
    expect(result.models[0]!.outOfMemoryAt).toEqual(["64MB", "96MB"]);
    expect(formatBuild(result)).toContain(
      "marts.wide ran out of memory under 64MB, then 96MB and was built with 144MB: set warehouse.memory_limit: 144MB in project.yaml",
    );

    // ≈150 MB: out of memory on every step; the model fails naming itself, each limit and the key to raise
    writeFileSync(
      join(dir, "models/marts/wide.sql"),
      "select len(list(repeat(chr(65 + (i % 26)::INTEGER), 1000))) as n from range(150000) t(i)\n",
    );
    const over = await build(loadProject(dir));
    expect(over.models.map((m) => m.status)).toEqual(["failed", "skipped"]);
    expect(over.models[0]!.error).toContain(
      "wide ran out of memory under the default 64MB and again under 96MB and 144MB",
    );
    expect(over.models[0]!.error).toContain("raise warehouse.memory_limit in project.yaml above 144MB");
    expect(over.models[0]!.where).toBe("project.yaml: warehouse.memory_limit");

    // a limit set in project.yaml is the user's: no second try, and the message names it
    writeFileSync(join(dir, "project.yaml"), "name: oom\nwarehouse:\n  memory_limit: 64MB\n");
    const capped = await build(loadProject(dir), { fullRefresh: true });
    expect(capped.models.map((m) => m.status)).toEqual(["failed", "skipped"]);
    expect(capped.models[0]!.error).toContain(
      "wide ran out of memory under warehouse.memory_limit 64MB (project.yaml)",
    );
    expect(capped.models[0]!.error).toContain("Out of Memory");
    expect(capped.models[0]!.outOfMemoryAt).toBeUndefined();
    process.env.DP_MEMORY_LIMIT = "lots";
    expect(() => defaultMemoryLimit()).toThrow("DP_MEMORY_LIMIT");
  } finally {
    if (before === undefined) delete process.env.DP_MEMORY_LIMIT;
    else process.env.DP_MEMORY_LIMIT = before;
  }
  // five builds of a large aggregate: seconds on a loaded machine. Timed out, the test's env (64MB) would leak
  // into the next test until its finally ran
}, 120_000);

test("a build that spilled past the limit leaves nothing in the spill directory, a killed run's leftovers included", async () => {
  const dir = writeProject({
    "project.yaml": "name: spill\nwarehouse:\n  memory_limit: 128MB\n",
    // ≈200 MB of rows sorted: more than the limit holds, so DuckDB spills to <warehouse>.tmp
    "models/marts/sorted.sql": "select i, repeat('x', 200) as s from range(1000000) t(i) order by hash(i)\n",
  });
  const project = loadProject(dir);
  const spill = `${project.paths.warehouse}.tmp`;
  // what a killed run left: DuckDB's spill files of another process
  mkdirSync(spill, { recursive: true });
  writeFileSync(join(spill, "duckdb_temp_storage_S32K-0.tmp"), Buffer.alloc(1 << 20));
  const result = await build(project);
  expect(result.models.map((m) => [m.model, m.status, m.rows])).toEqual([["sorted", "success", 1_000_000]]);
  expect(existsSync(spill) ? readdirSync(spill) : []).toEqual([]);
}, 60_000);
