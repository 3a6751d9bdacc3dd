import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "../../../engine/transform/build.ts";
import { inferContract } from "../../../engine/transform/contract-infer.ts";
import { Db } from "../../../engine/warehouse/duckdb.ts";
import { loadProject } from "../../../engine/config/project.ts";
import { dp, snapshotRows, writeProject } from "../../helpers.ts";

const base = {
  "project.yaml": "name: s\n",
  "models/staging/a.sql": "select * from (values (1, 10), (2, 20)) t(id, x)\n",
  "models/staging/b.sql": "select 1 as id\n",
  "models/marts/a_sum.sql": "select sum(x) as total from {{ ref('a') }}\n",
  "models/marts/a_b.sql": "select a.id from {{ ref('a') }} a join {{ ref('b') }} b using (id)\n",
  "models/marts/m.yml": "models:\n  - name: a_sum\n    description: total of x\n",
};

const rows = snapshotRows;

const built = (r: Awaited<ReturnType<typeof build>>) => r.models.map((m) => m.model);

describe("state:modified and --retry-failed", () => {
  test("state:modified picks new models and models whose SQL or YAML changed since their last successful build", async () => {
    const dir = writeProject(base);
    expect(built(await build(loadProject(dir), { select: "state:modified" }))).toEqual(["a", "b", "a_b", "a_sum"]);
    expect(built(await build(loadProject(dir), { select: "state:modified" }))).toEqual([]);
    writeFileSync(join(dir, "models/staging/b.sql"), "select 2 as id\n");
    writeFileSync(join(dir, "models/marts/m.yml"), "models:\n  - name: a_sum\n    description: the total of x\n");
    writeFileSync(join(dir, "models/marts/new_one.sql"), "select 1 as n\n");
    expect(built(await build(loadProject(dir), { select: "state:modified" }))).toEqual(["b", "a_sum", "new_one"]);
    writeFileSync(join(dir, "models/staging/b.sql"), "select 3 as id\n");
    expect(built(await build(loadProject(dir), { select: "state:modified+" }))).toEqual(["b", "a_b"]);
  });

  test("a model that failed stays modified until it builds", async () => {
    const dir = writeProject({ ...base, "models/staging/b.sql": "select nope\n" });
    await build(loadProject(dir));
    writeFileSync(join(dir, "models/marts/a_sum.sql"), "select sum(x) as total, 1 as v from {{ ref('a') }}\n");
    expect(built(await build(loadProject(dir), { select: "state:modified" }))).toEqual(["b", "a_b", "a_sum"]);
  });

  test("--retry-failed reruns only what failed or was skipped in the last build, and descendants", async () => {
    const dir = writeProject({ ...base, "models/staging/b.sql": "select nope\n" });
    const first = await build(loadProject(dir));
    expect(first.models.map((m) => [m.model, m.status])).toEqual([
      ["a", "success"],
      ["b", "failed"],
      ["a_b", "skipped"],
      ["a_sum", "success"],
    ]);
    writeFileSync(join(dir, "models/staging/b.sql"), "select 1 as id\n");
    const retry = dp(["build", "--retry-failed", "-C", dir]);
    expect(retry.code).toBe(0);
    // each model's line is the build's progress on stderr ("1 of 2 ✓ staging.b success …")
    expect(retry.stderr).toContain("1 of 2 ✓ staging.b success");
    expect(retry.stderr).toContain("2 of 2 ✓ marts.a_b success");
    expect(retry.stderr).not.toContain("staging.a ");
    expect(retry.stdout).toContain("2/2 models built");
    expect(built(await build(loadProject(dir), { retryFailed: true }))).toEqual([]);
    expect(await rows(dir, "select count(*)::int as n from marts.a_b")).toEqual([{ n: 1 }]);
  });
});

describe("materializations and publishing", () => {
  test("incremental delete+insert replaces the delta's key range and equals a full rebuild", async () => {
    const files = {
      "project.yaml": "name: di\n",
      "models/staging/events.sql":
        "select * from (values (DATE '2026-11-01', 'a', 1), (DATE '2026-11-02', 'b', 1)) t(day, k, v)\n",
      "models/marts/daily.sql":
        "select day, count(*) as n, sum(v) as v from {{ ref('events') }}\n{% if is_incremental() %}where day >= (select max(day) from {{ this }}){% endif %}\ngroup by day\n",
      "models/marts/m.yml":
        "models:\n  - name: daily\n    materialized: incremental\n    incremental_strategy: delete+insert\n    unique_key: day\n",
    };
    const dir = writeProject(files);
    await build(loadProject(dir));
    writeFileSync(
      join(dir, "models/staging/events.sql"),
      "select * from (values (DATE '2026-11-01', 'a', 1), (DATE '2026-11-02', 'b', 1), (DATE '2026-11-02', 'c', 5), (DATE '2026-11-03', 'd', 2)) t(day, k, v)\n",
    );
    await build(loadProject(dir));
    const incremental = await rows(
      dir,
      "select day::varchar as day, n::int as n, v::int as v from marts.daily order by day",
    );
    await build(loadProject(dir), { fullRefresh: true });
    const full = await rows(dir, "select day::varchar as day, n::int as n, v::int as v from marts.daily order by day");
    expect(incremental).toEqual(full);
    expect(full).toEqual([
      { day: "2026-11-01", n: 1, v: 1 },
      { day: "2026-11-02", n: 2, v: 6 },
      { day: "2026-11-03", n: 1, v: 2 },
    ]);
  });

  test("publish_parquet writes lake/marts/<model>.parquet after a successful publish, and not after a failed one", async () => {
    const dir = writeProject({
      ...base,
      "models/marts/m.yml":
        "models:\n  - name: a_sum\n    publish_parquet: true\n    tests: [{ expression: 'total > 0' }]\n",
    });
    const result = await build(loadProject(dir));
    const path = join(dir, "lake/marts/a_sum.parquet");
    expect(result.models.find((m) => m.model === "a_sum")!.parquetPath).toBe(path);
    const db = await Db.open(":memory:");
    const read = async () => (await db.all(`select total::int as total from read_parquet('${path}')`))[0];
    expect(await read()).toEqual({ total: 30 });
    writeFileSync(join(dir, "models/staging/a.sql"), "select * from (values (1, -10)) t(id, x)\n");
    expect((await build(loadProject(dir))).ok).toBe(false);
    expect(await read()).toEqual({ total: 30 });
    db.close();
  });

  test("SQL errors show the model file's line, DuckDB's message and the compiled SQL path", async () => {
    const dir = writeProject({
      ...base,
      "models/marts/a_sum.sql": "select\n  sum(x) as total,\n  max(y) as top\nfrom {{ ref('a') }}\n",
    });
    const result = await build(loadProject(dir));
    const m = result.models.find((r) => r.model === "a_sum")!;
    expect(m.where).toBe("models/marts/a_sum.sql:3 (compiled: .dp/compiled/marts/a_sum.sql)");
    expect(m.error).toContain('Referenced column "y" not found');
    expect(readFileSync(join(dir, ".dp/compiled/marts/a_sum.sql"), "utf8").split("\n")[2]).toContain("max(y)");
    const cli = dp(["build", "-C", dir]);
    expect(cli.stdout).toContain("at models/marts/a_sum.sql:3 (compiled: .dp/compiled/marts/a_sum.sql)");
  });
});

describe("as-of times", () => {
  const sourced = {
    "project.yaml":
      "name: asof\nsources:\n  billing:\n    connector: demo\n    config: { seed: 1, scale: small, start: '2026-10-01', streams: [customers] }\n",
    "models/staging/stg_customers.sql": "select customer_id from {{ source('billing', 'customers') }}\n",
    "models/marts/n_customers.sql": "select count(distinct customer_id) as n from {{ ref('stg_customers') }}\n",
  };

  test("a mart's as-of is its inputs' as-of: a mart rebuilt on an old staging table keeps the old time", async () => {
    const dir = writeProject(sourced);
    const T1 = "2026-11-20T06:00:00Z";
    const T2 = "2026-11-21T06:00:00Z";
    expect(dp(["pull", "-C", dir], { env: { DP_NOW: T1 } }).code).toBe(0);
    expect(dp(["build", "-C", dir], { env: { DP_NOW: T1 } }).code).toBe(0);
    expect(dp(["pull", "-C", dir], { env: { DP_NOW: T2 } }).code).toBe(0);
    const only = JSON.parse(
      dp(["build", "--select", "n_customers", "--json", "-C", dir], { env: { DP_NOW: T2 } }).stdout,
    );
    expect(only.models[0].as_of).toBe("2026-11-20T06:00:00.000Z");
    const all = JSON.parse(dp(["build", "--json", "-C", dir], { env: { DP_NOW: T2 } }).stdout);
    expect(all.models.map((m: { as_of: string }) => m.as_of)).toEqual([
      "2026-11-21T06:00:00.000Z",
      "2026-11-21T06:00:00.000Z",
    ]);
    expect(
      await rows(dir, "select model, as_of::varchar as as_of from _dp.model_runs order by rowid desc limit 1"),
    ).toEqual([{ model: "n_customers", as_of: "2026-11-21 06:00:00+00" }]);
  });
});

describe("dp contract infer", () => {
  test("prints a draft from the built columns and --write merges it into the model's YAML", async () => {
    const dir = writeProject({
      ...base,
      "models/marts/m.yml":
        "# marts\nmodels:\n  - name: a_sum\n    description: total of x # keep me\n    columns:\n      - { name: total, description: sum of x, tests: [not_null] }\n      - { name: gone }\n",
    });
    await build(loadProject(dir));
    const printed = dp(["contract", "infer", "a_b", "-C", dir]);
    expect(printed.code).toBe(0);
    expect(printed.stdout).toContain("- name: a_b\n  contract: true\n  columns:\n    - name: id\n      type: INTEGER");
    const draft = await inferContract(loadProject(dir), "a_sum", { write: true });
    expect(draft.columns).toEqual([{ name: "total", type: "HUGEINT" }]);
    const yaml = readFileSync(join(dir, "models/marts/m.yml"), "utf8");
    expect(yaml).toContain("# keep me");
    expect(yaml).toContain("contract: true");
    expect(yaml).toContain("type: HUGEINT");
    expect(yaml).not.toContain("gone");
    expect((await build(loadProject(dir))).ok).toBe(true);
    await inferContract(loadProject(dir), "b", { write: true });
    expect(existsSync(join(dir, "models/staging/b.yml"))).toBe(true);
    expect((await build(loadProject(dir))).ok).toBe(true);
    expect(dp(["contract", "infer", "nope", "-C", dir]).code).toBe(2);
  });
});
