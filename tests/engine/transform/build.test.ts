import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "../../../engine/transform/build.ts";
import { writeCompiledModels } from "../../../engine/transform/compile.ts";
import { planModels } from "../../../engine/transform/dag.ts";
import { loadModels } from "../../../engine/transform/models.ts";
import { loadProject } from "../../../engine/config/project.ts";
import { select } from "../../../engine/transform/selector.ts";
import { openWriter } from "../../../engine/warehouse/snapshots.ts";
import { runTests } from "../../../engine/transform/testing/run-tests.ts";
import { Db } from "../../../engine/warehouse/duckdb.ts";
import { snapshotRows, writeProject } from "../../helpers.ts";
import { pull } from "../../../engine/ingest/pull.ts";
import "../../../connectors/index.ts";

const base = {
  "project.yaml": "name: fixture\n",
  "models/staging/stg_orders.sql":
    "select * from (values (1, 'a', 10.0), (2, 'b', 20.0), (3, 'a', 5.0)) t(order_id, customer, amount)\n",
  "models/marts/orders.sql": "select order_id, customer, amount from {{ ref('stg_orders') }}\n",
  "models/marts/revenue.sql": "select customer, sum(amount) as revenue\nfrom {{ ref('orders') }}\ngroup by customer\n",
  "models/marts/marts.yml": `models:
  - name: orders
    tags: [finance]
    columns:
      - name: order_id
        tests: [not_null, unique]
      - name: customer
        tests: [{ accepted_values: { values: [a, b] } }]
    tests:
      - expression: "amount >= 0"
  - name: revenue
    columns:
      - name: customer
        tests: [{ relationships: { to: orders, field: customer } }]
`,
};

const rows = snapshotRows;

describe("build", () => {
  test("builds in DAG order, runs tests, publishes a readable snapshot", async () => {
    const dir = writeProject(base);
    const project = loadProject(dir);
    const graph = loadModels(project);
    expect(graph.order).toEqual(["stg_orders", "orders", "revenue"]);
    const result = await build(project);
    expect(result.ok).toBe(true);
    expect(result.models.map((m) => [m.model, m.status, m.rows])).toEqual([
      ["stg_orders", "success", 3],
      ["orders", "success", 3],
      ["revenue", "success", 2],
    ]);
    expect(result.models.flatMap((m) => m.tests).every((t) => t.status === "pass")).toBe(true);
    expect(await rows(dir, "select customer, revenue from marts.revenue order by customer")).toEqual([
      { customer: "a", revenue: 15 },
      { customer: "b", revenue: 20 },
    ]);
  });

  test("dp compile writes every model's compiled SQL in the golden form; a build creates none", async () => {
    const dir = writeProject(base);
    const project = loadProject(dir);
    const result = await build(project);
    expect(result.ok).toBe(true);
    // a build writes no compiled file of its own (500 new files were ≈6% of a 500-model build's CPU)
    expect(existsSync(join(dir, ".dp/compiled"))).toBe(false);
    expect(result.models.map((m) => m.compiledPath)).toEqual([undefined, undefined, undefined]);
    const paths = await writeCompiledModels(project.paths.compiled, await planModels(project), ["orders", "revenue"]);
    expect(paths).toEqual([join(dir, ".dp/compiled/marts/orders.sql"), join(dir, ".dp/compiled/marts/revenue.sql")]);
    const compiled = readFileSync(join(dir, ".dp/compiled/marts/revenue.sql"), "utf8");
    expect(compiled).toBe('select customer, sum(amount) as revenue\nfrom "marts"."orders"\ngroup by customer\n');
    expect(existsSync(join(dir, ".dp/compiled/staging/stg_orders.sql"))).toBe(false);
    // the CLI: every model, paths relative to the project
    const cli = Bun.spawnSync(["bun", join(import.meta.dir, "../../../cli/main.ts"), "compile", "-C", dir, "--json"]);
    expect(cli.exitCode).toBe(0);
    expect(JSON.parse(cli.stdout.toString()).compiled.map((c: { model: string }) => c.model)).toEqual([
      "stg_orders",
      "orders",
      "revenue",
    ]);
    expect(readFileSync(join(dir, ".dp/compiled/staging/stg_orders.sql"), "utf8")).toContain("values (1, 'a', 10.0)");
  });

  test("a build keeps the compiled files dp compile wrote true: unchanged ones left alone, a changed one rewritten", async () => {
    const dir = writeProject(base);
    const project = loadProject(dir);
    await writeCompiledModels(project.paths.compiled, await planModels(project), ["stg_orders", "orders", "revenue"]);
    await build(project);
    const orders = join(dir, ".dp/compiled/marts/orders.sql");
    const revenue = join(dir, ".dp/compiled/marts/revenue.sql");
    const before = { orders: statSync(orders).mtimeMs, revenue: statSync(revenue).mtimeMs };
    // an mtime older than any write this build could make
    utimesSync(orders, 1_000_000, 1_000_000);
    utimesSync(revenue, 1_000_000, 1_000_000);
    writeFileSync(
      join(dir, "models/marts/revenue.sql"),
      "select customer, sum(amount) as total\nfrom {{ ref('orders') }}\ngroup by customer\n",
    );
    expect((await build(loadProject(dir), { fullRefresh: true })).ok).toBe(true);
    expect(statSync(orders).mtimeMs).toBe(1_000_000_000);
    expect(readFileSync(orders, "utf8")).toBe('select order_id, customer, amount from "staging"."stg_orders"\n');
    expect(statSync(revenue).mtimeMs).toBeGreaterThanOrEqual(before.revenue);
    expect(readFileSync(revenue, "utf8")).toBe(
      'select customer, sum(amount) as total\nfrom "marts"."orders"\ngroup by customer\n',
    );
  });

  test("a failing test keeps the previous version live and skips downstream", async () => {
    const dir = writeProject(base);
    expect((await build(loadProject(dir))).ok).toBe(true);
    writeFileSync(
      join(dir, "models/staging/stg_orders.sql"),
      "select * from (values (1, 'a', 10.0), (1, 'c', -1.0)) t(order_id, customer, amount)\n",
    );
    const result = await build(loadProject(dir));
    expect(result.ok).toBe(false);
    const byName = Object.fromEntries(result.models.map((m) => [m.model, m]));
    expect(byName.stg_orders!.status).toBe("success");
    expect(byName.orders!.status).toBe("failed");
    expect(byName.orders!.error).toContain("unique(order_id)");
    expect(byName.orders!.error).toContain("accepted_values(customer)");
    expect(byName.revenue!.status).toBe("skipped");
    // readers still see the last good orders and revenue
    expect(await rows(dir, "select count(*)::int as n from marts.orders")).toEqual([{ n: 3 }]);
    expect(await rows(dir, "select count(*)::int as n from marts.revenue")).toEqual([{ n: 2 }]);
    const failed = await rows(
      dir,
      "select test_id, failures from _dp.test_results where status = 'fail' order by test_id",
    );
    expect(failed.map((r) => r.test_id)).toContain("orders.unique(order_id)");
  });

  test("a failure rolls back its commit group; the models that passed in it are rebuilt and published once", async () => {
    const dir = writeProject(base);
    expect((await build(loadProject(dir))).ok).toBe(true);
    // stg_orders and orders share a commit group; orders' tests fail, so the group rolls back
    writeFileSync(
      join(dir, "models/staging/stg_orders.sql"),
      "select * from (values (7, 'a', 1.0), (7, 'b', 2.0)) t(order_id, customer, amount)\n",
    );
    for (const failFast of [false, true]) {
      const result = await build(loadProject(dir), { failFast });
      // the second time stg_orders' new version is live already: nothing it reads changed
      expect(result.models.map((m) => [m.model, m.status])).toEqual([
        ["stg_orders", failFast ? "unchanged" : "success"],
        ["orders", "failed"],
        ["revenue", "skipped"],
      ]);
      // stg_orders' new version is live although its first build rolled back with orders
      expect(await rows(dir, "select count(*)::int as n, min(order_id)::int as id from staging.stg_orders")).toEqual([
        { n: 2, id: 7 },
      ]);
      expect(await rows(dir, "select count(*)::int as n from marts.orders")).toEqual([{ n: 3 }]);
      const runs = await rows(
        dir,
        `select model, status from _dp.model_runs where run_id = '${result.runId}' order by model`,
      );
      expect(runs).toEqual([
        { model: "orders", status: "failed" },
        { model: "revenue", status: "skipped" },
        { model: "stg_orders", status: "success" },
      ]);
    }
  });

  test("--fail-fast stops at the first failure", async () => {
    const dir = writeProject({
      ...base,
      "models/staging/stg_orders.sql": "select 1 as order_id, 'zzz' as customer, 1.0 as amount\n",
    });
    const result = await build(loadProject(dir), { failFast: true });
    expect(result.models.map((m) => m.status)).toEqual(["success", "failed", "skipped"]);
  });

  test("SQL errors name the model file and the compiled SQL", async () => {
    const dir = writeProject({
      ...base,
      "models/marts/revenue.sql": "select customer, sum(amout) as revenue from {{ ref('orders') }} group by customer\n",
    });
    const result = await build(loadProject(dir));
    const revenue = result.models.find((m) => m.model === "revenue")!;
    expect(revenue.status).toBe("failed");
    expect(revenue.error).toContain("amout");
    expect(revenue.where).toContain("models/marts/revenue.sql");
    expect(revenue.where).toContain(".dp/compiled/marts/revenue.sql");
  });

  test("unknown ref and cycles are errors with file:line", () => {
    const unknown = writeProject({ ...base, "models/marts/revenue.sql": "select 1\nfrom {{ ref('ordrs') }}\n" });
    expect(() => loadModels(loadProject(unknown))).toThrow(/ref\('ordrs'\) names no model/);
    try {
      loadModels(loadProject(unknown));
    } catch (e) {
      expect((e as { where: string }).where).toBe("models/marts/revenue.sql:2");
    }
    const cycle = writeProject({ ...base, "models/staging/stg_orders.sql": "select * from {{ ref('revenue') }}\n" });
    expect(() => loadModels(loadProject(cycle))).toThrow(/cycle: .*→/);
  });

  test("selectors", () => {
    const project = loadProject(writeProject(base));
    const graph = loadModels(project);
    const ctx = { projectDir: project.dir };
    expect(select(graph, "orders", ctx)).toEqual(["orders"]);
    expect(select(graph, "+orders", ctx)).toEqual(["stg_orders", "orders"]);
    expect(select(graph, "orders+", ctx)).toEqual(["orders", "revenue"]);
    expect(select(graph, "tag:finance", ctx)).toEqual(["orders"]);
    expect(select(graph, "path:models/marts", ctx)).toEqual(["orders", "revenue"]);
    expect(select(graph, "stg_orders revenue", ctx)).toEqual(["stg_orders", "revenue"]);
    expect(() => select(graph, "nope", ctx)).toThrow(/--select nope matches no model/);
  });

  test("dp test reruns tests against live marts and records them", async () => {
    const dir = writeProject(base);
    await build(loadProject(dir));
    const result = await runTests(loadProject(dir));
    expect(result.ok).toBe(true);
    expect(result.tests.length).toBe(5);
  });

  test("contracts: a changed column type fails the build with a diff and keeps the old mart", async () => {
    const yaml = `models:
  - name: orders
    contract: true
    columns:
      - { name: order_id, type: INTEGER }
      - { name: customer, type: VARCHAR }
      - { name: amount, type: "DECIMAL(3,1)" }
`;
    const dir = writeProject({ ...base, "models/marts/marts.yml": yaml });
    expect((await build(loadProject(dir))).ok).toBe(true);
    writeFileSync(
      join(dir, "models/marts/orders.sql"),
      "select order_id::VARCHAR as order_id, customer, amount, 1 as extra from {{ ref('stg_orders') }}\n",
    );
    const result = await build(loadProject(dir));
    const orders = result.models.find((m) => m.model === "orders")!;
    expect(orders.status).toBe("failed");
    expect(orders.error).toContain("~ order_id: contract INTEGER, built VARCHAR");
    expect(orders.error).toContain("+ extra INTEGER");
    expect(await rows(dir, "select typeof(order_id) as t from marts.orders limit 1")).toEqual([{ t: "INTEGER" }]);
  });

  test("incremental merge equals a full rebuild", async () => {
    const files = {
      "project.yaml": "name: inc\n",
      "models/staging/src.sql": "select * from (values (1, 'x', 1), (2, 'y', 1)) t(id, v, version)\n",
      "models/marts/latest.sql":
        "select id, v, version from {{ ref('src') }}\n{% if is_incremental() %}where version >= (select max(version) from {{ this }}){% endif %}\n",
      "models/marts/m.yml": "models:\n  - name: latest\n    materialized: incremental\n    unique_key: id\n",
    };
    const dir = writeProject(files);
    await build(loadProject(dir));
    writeFileSync(
      join(dir, "models/staging/src.sql"),
      "select * from (values (1, 'x', 1), (2, 'y2', 2), (3, 'z', 2)) t(id, v, version)\n",
    );
    await build(loadProject(dir));
    const incremental = await rows(dir, "select id, v from marts.latest order by id");
    await build(loadProject(dir), { fullRefresh: true });
    const full = await rows(dir, "select id, v from marts.latest order by id");
    expect(incremental).toEqual(full);
    expect(full).toEqual([
      { id: 1, v: "x" },
      { id: 2, v: "y2" },
      { id: 3, v: "z" },
    ]);
  });

  test("incremental merge: a delta's tombstones (_dp_deleted) delete their keys; unique on the merge key is tested on the delta and still catches a duplicate", async () => {
    const model = (src: string) =>
      `select id, v, version{% if is_incremental() %}, gone as _dp_deleted{% endif %}\nfrom (${src}) t(id, v, version, gone)\n` +
      "{% if is_incremental() %}where version > (select max(version) from {{ this }}){% else %}where not gone{% endif %}\n";
    const dir = writeProject({
      "project.yaml": "name: tomb\n",
      "models/marts/latest.sql": model("values (1, 'x', 1, false), (2, 'y', 1, false), (3, 'z', 1, false)"),
      "models/marts/m.yml":
        "models:\n  - name: latest\n    materialized: incremental\n    unique_key: id\n    columns:\n      - { name: id, tests: [unique] }\n",
    });
    expect((await build(loadProject(dir))).ok).toBe(true);
    // version 2: id 2 updated, id 3 deleted, id 9 deleted without ever having been here, id 4 new
    const v2 =
      "values (1, 'x', 1, false), (2, 'y', 1, false), (3, 'z', 1, false), (2, 'y2', 2, false), (3, 'z', 2, true), (9, 'n', 2, true), (4, 'w', 2, false)";
    writeFileSync(join(dir, "models/marts/latest.sql"), model(v2));
    const second = await build(loadProject(dir));
    const latest = second.models.find((m) => m.model === "latest")!;
    expect(latest.status).toBe("success");
    expect(latest.deletedKeys).toBe(1);
    expect(latest.tests.map((t) => [t.id, t.status])).toEqual([["latest.unique(id)", "pass"]]);
    const expected = [
      { id: 1, v: "x" },
      { id: 2, v: "y2" },
      { id: 4, v: "w" },
    ];
    expect(await rows(dir, "select id, v from marts.latest order by id")).toEqual(expected);
    await build(loadProject(dir), { fullRefresh: true });
    expect(await rows(dir, "select id, v from marts.latest order by id")).toEqual(expected);

    // a delta with the same key twice fails unique, and the previous version stays live
    writeFileSync(join(dir, "models/marts/latest.sql"), model(`${v2}, (5, 'a', 3, false), (5, 'b', 3, false)`));
    const dup = await build(loadProject(dir));
    const failed = dup.models.find((m) => m.model === "latest")!;
    expect(failed.status).toBe("failed");
    expect(failed.tests.find((t) => t.id === "latest.unique(id)")?.status).toBe("fail");
    expect(await rows(dir, "select count(*)::int as n from marts.latest")).toEqual([{ n: 3 }]);
  });
});

test("a table rebuilt over its live version changes only the rows that differ: duplicates and NULLs counted, new columns create it anew", async () => {
  const file = "models/marts/t.sql";
  const dir = writeProject({
    "project.yaml": "name: diff\n",
    [file]: "select * from (values (1, 'a', null), (2, 'b', 2.5), (2, 'b', 2.5), (3, null, 1.0)) v(id, s, x)\n",
  });
  expect((await build(loadProject(dir))).ok).toBe(true);
  const all = "select id, s, x from marts.t order by all";
  // one copy of a duplicate gone, a NULL row kept, a row changed, a row added
  writeFileSync(
    join(dir, file),
    "select * from (values (1, 'a', null), (2, 'b', 2.5), (3, null, 1.5), (4, 'd', 0.0), (4, 'd', 0.0)) v(id, s, x)\n",
  );
  const second = await build(loadProject(dir));
  expect(second.models[0]!.rows).toBe(5);
  const after = await rows(dir, all);
  expect(after).toEqual([
    { id: 1, s: "a", x: null },
    { id: 2, s: "b", x: 2.5 },
    { id: 3, s: null, x: 1.5 },
    { id: 4, s: "d", x: 0 },
    { id: 4, s: "d", x: 0 },
  ]);
  // the rows that did not change kept their place: only the changed ones were deleted and appended
  const order = await rows(dir, "select id, x from marts.t");
  expect(order.slice(0, 2)).toEqual([
    { id: 1, x: null },
    { id: 2, x: 2.5 },
  ]);
  await build(loadProject(dir), { fullRefresh: true });
  expect(await rows(dir, all)).toEqual(after);
  // a column more: created anew
  writeFileSync(join(dir, file), "select *, id * 2 as y from (values (1, 'a')) v(id, s)\n");
  expect((await build(loadProject(dir))).ok).toBe(true);
  expect(await rows(dir, "select id, s, y from marts.t")).toEqual([{ id: 1, s: "a", y: 2 }]);
});

test("the row diff removes a row with one live copy by its rowid and rows with several by their place: the table equals a full rebuild", async () => {
  const col = "s";
  const file = "models/marts/t.sql";
  const values = (v: string) => `select * from (values ${v}) v(id, ${col})\n`;
  const dir = writeProject({
    "project.yaml": "name: diff\n",
    [file]: values("(1, 'a'), (1, 'a'), (1, 'a'), (2, 'b'), (2, 'b'), (3, 'c'), (4, null), (5, 'e')"),
  });
  expect((await build(loadProject(dir))).ok).toBe(true);
  const all = `select id, ${col} as s from marts.t order by all`;
  // two of three copies gone, both copies of another, a single row gone, a NULL row kept, one changed, one added
  writeFileSync(join(dir, file), values("(1, 'a'), (4, null), (5, 'E'), (6, 'f'), (6, 'f')"));
  expect((await build(loadProject(dir))).ok).toBe(true);
  const after = await rows(dir, all);
  expect(after).toEqual([
    { id: 1, s: "a" },
    { id: 4, s: null },
    { id: 5, s: "E" },
    { id: 6, s: "f" },
    { id: 6, s: "f" },
  ]);
  // again, from duplicates to one copy each and back
  writeFileSync(join(dir, file), values("(1, 'a'), (1, 'a'), (4, null), (6, 'f')"));
  expect((await build(loadProject(dir))).ok).toBe(true);
  const third = await rows(dir, all);
  await build(loadProject(dir), { fullRefresh: true });
  expect(await rows(dir, all)).toEqual(third);
  expect(third).toEqual([
    { id: 1, s: "a" },
    { id: 1, s: "a" },
    { id: 4, s: null },
    { id: 6, s: "f" },
  ]);
});

test("a table rebuilt through the row diff runs its row-by-row tests on the rows it added: a bad new row still fails, the previous version stays", async () => {
  const stg = "models/staging/stg_orders.sql";
  const values = (rows: string) => `select * from (values ${rows}) t(order_id, customer, amount)\n`;
  const v1 = "(1, 'a', 10.0), (2, 'b', 20.0), (3, 'a', 5.0)";
  const dir = writeProject({ ...base, [stg]: values(v1) });
  expect((await build(loadProject(dir))).ok).toBe(true);
  const orders = "select order_id, customer, amount from marts.orders order by all";
  // the mart's SQL and YAML unchanged, its input changed: one row changed, one added
  writeFileSync(join(dir, stg), values("(1, 'a', 10.0), (2, 'b', 25.0), (3, 'a', 5.0), (4, 'b', 1.0)"));
  const second = await build(loadProject(dir));
  expect(second.ok).toBe(true);
  const mart = second.models.find((m) => m.model === "orders")!;
  expect(mart.tests.map((t) => [t.id, t.status])).toEqual([
    ["orders.not_null(order_id)", "pass"],
    ["orders.unique(order_id)", "pass"],
    ["orders.accepted_values(customer)", "pass"],
    ["orders.expression(amount >= 0)", "pass"],
  ]);
  const good = await rows(dir, orders);
  expect(good.length).toBe(4);
  // added rows that break accepted_values, the expression and not_null fail the build; the last version stays
  writeFileSync(
    join(dir, stg),
    values(
      "(1, 'a', 10.0), (2, 'b', 25.0), (3, 'a', 5.0), (4, 'b', 1.0), (5, 'c', -1.0), (6, 'd', 2.0), (null, 'a', 3.0)",
    ),
  );
  const bad = await build(loadProject(dir));
  expect(bad.ok).toBe(false);
  const failed = bad.models.find((m) => m.model === "orders")!;
  expect(failed.status).toBe("failed");
  expect(failed.tests.map((t) => [t.id, t.status, t.failures])).toEqual([
    ["orders.not_null(order_id)", "fail", 1],
    ["orders.unique(order_id)", "pass", 0],
    ["orders.accepted_values(customer)", "fail", 2],
    ["orders.expression(amount >= 0)", "fail", 1],
  ]);
  expect(await rows(dir, orders)).toEqual(good);
  // and the same lake built from scratch agrees with the incremental path
  writeFileSync(join(dir, stg), values("(1, 'a', 10.0), (2, 'b', 25.0), (3, 'a', 5.0), (4, 'b', 1.0)"));
  expect((await build(loadProject(dir))).ok).toBe(true);
  expect(await rows(dir, orders)).toEqual(good);
  expect((await build(loadProject(dir), { fullRefresh: true })).ok).toBe(true);
  expect(await rows(dir, orders)).toEqual(good);
});

test("a relationships test's target is built first even when it is not an upstream model", async () => {
  const dir = writeProject({
    "project.yaml": "name: rel\n",
    "models/marts/a_orders.sql": "select 1 as order_id, 'c1' as customer_id\n",
    "models/marts/z_customers.sql": "select 'c1' as customer_id\n",
    "models/marts/m.yml":
      "models:\n  - name: a_orders\n    columns:\n      - name: customer_id\n        tests: [{ relationships: { to: z_customers, field: customer_id } }]\n",
  });
  const result = await build(loadProject(dir));
  expect(result.models.map((m) => m.model)).toEqual(["z_customers", "a_orders"]);
  expect(result.ok).toBe(true);
});

describe("large models are built beside the live version, committed, then tested", () => {
  // 1,200,000 rows: over LARGE_ROWS, so the tests scan a committed table with every core
  const big = (bad: boolean) =>
    `select i as id, ${bad ? "case when i = 5 then null else i end" : "i"} as v from range(1200000) t(i)\n`;
  const files = (bad: boolean) => ({
    "project.yaml": "name: big\n",
    "models/marts/big.sql": big(bad),
    "models/marts/small.sql": "select 1 as id\n",
    "models/marts/marts.yml":
      "models:\n  - name: big\n    columns:\n      - { name: id, tests: [not_null, unique] }\n      - { name: v, tests: [not_null] }\n",
  });
  const tables = async (dir: string) =>
    (await rows(dir, "select table_name from information_schema.tables where table_schema = 'marts' order by 1")).map(
      (r) => r.table_name,
    );

  test("a new large model whose tests fail is not published and leaves no shadow", async () => {
    const dir = writeProject(files(true));
    const result = await build(loadProject(dir));
    expect(result.models.map((m) => [m.model, m.status])).toEqual([
      ["big", "failed"],
      ["small", "success"],
    ]);
    expect(result.models[0]!.error).toContain("not_null(v)");
    expect(await tables(dir)).toEqual(["small"]);
  });

  test("a passing large model is swapped in; a later failing rebuild keeps it live; a leftover shadow is dropped", async () => {
    const dir = writeProject(files(false));
    const first = await build(loadProject(dir));
    expect(first.ok).toBe(true);
    expect(first.models[0]!.rows).toBe(1_200_000);
    expect(first.models[0]!.tests.map((t) => t.status)).toEqual(["pass", "pass", "pass"]);
    expect(await tables(dir)).toEqual(["big", "small"]);
    // the history now says big is large: the rebuild goes through the shadow from the start
    writeFileSync(join(dir, "models/marts/big.sql"), big(true).replace("range(1200000)", "range(1300000)"));
    const second = await build(loadProject(dir));
    expect(second.models[0]!.status).toBe("failed");
    expect(await rows(dir, "select count(*)::int as n, count(v)::int as v from marts.big")).toEqual([
      { n: 1_200_000, v: 1_200_000 },
    ]);
    expect(await tables(dir)).toEqual(["big", "small"]);
    // a build killed after committing a shadow leaves it in the warehouse; the next build drops it
    const writer = await openWriter(loadProject(dir));
    await writer.run("create table marts.big__dp_shadow as select 1 as id");
    writer.close();
    writeFileSync(join(dir, "models/marts/big.sql"), big(false).replace("range(1200000)", "range(1300000)"));
    const third = await build(loadProject(dir));
    expect(third.ok).toBe(true);
    expect(await rows(dir, "select count(*)::int as n from marts.big")).toEqual([{ n: 1_300_000 }]);
    expect(await tables(dir)).toEqual(["big", "small"]);
  });
});

test("a stream pulled without a record ever is an empty table of its declared columns; one never pulled is missing", async () => {
  process.env.HOOK_SECRET_FOR_TEST = "whsec_test";
  const dir = writeProject({
    "project.yaml": `name: fixture
sources:
  hooks: { connector: webhook, config: { signing_secret: "\${HOOK_SECRET_FOR_TEST}" } }
  later: { connector: webhook, config: { signing_secret: "\${HOOK_SECRET_FOR_TEST}" } }
`,
    "models/staging/stg_hooks.sql": "select id, type, received_at from {{ source('hooks', 'events') }}\n",
    "models/staging/stg_later.sql": "select id from {{ source('later', 'events') }}\n",
  });
  const project = loadProject(dir);
  const [pulled] = await pull(project, { sources: ["hooks"] });
  expect(pulled!.status).toBe("ok");
  const result = await build(project);
  expect(result.models.map((m) => [m.model, m.status, m.rows ?? null])).toEqual([
    ["stg_hooks", "success", 0],
    ["stg_later", "failed", null],
  ]);
  expect(result.models[1]!.error).toContain("source later.events has no data in the lake");
  expect(
    await rows(
      dir,
      "select column_name, data_type from information_schema.columns where table_name = 'stg_hooks' order by ordinal_position",
    ),
  ).toEqual([
    { column_name: "id", data_type: "VARCHAR" },
    { column_name: "type", data_type: "VARCHAR" },
    { column_name: "received_at", data_type: "TIMESTAMP WITH TIME ZONE" },
  ]);
});

test("a build killed after committing a model but before recording it: the next build finds the rows it left by their data version, and readers see them, not the version the bookkeeping last named", async () => {
  const dir = writeProject({
    "project.yaml": `name: killed
sources:
  feed:
    connector: files
    owner: ops@example.io
    config: { streams: [{ name: items, path: "data/items-*.csv", primary_key: id }] }
`,
    // past INLINE_ROWS: a part, which a publish shares while the table's data version is unchanged
    "data/items-1.csv": `id,v\n${Array.from({ length: 2000 }, (_, i) => `${i},a${i}`).join("\n")}\n`,
    "models/marts/items.sql": "select id, v from {{ source('feed', 'items') }}\n",
  });
  const project = loadProject(dir);
  await pull(project);
  const first = await build(project);
  expect(first.ok).toBe(true);
  const pointerFile = join(project.paths.snapshots, "current.json");
  const publishedFirst = readFileSync(pointerFile, "utf8");
  writeFileSync(join(dir, "data/items-2.csv"), "id,v\n5000,new\n");
  await pull(project);
  const second = await build(project);
  expect(second.models[0]!.outputVersion).toBe(second.runId);
  // as if the second build had been killed after its commit group: neither its bookkeeping nor its publish happened
  const writer = await openWriter(project);
  await writer.run("DELETE FROM _dp.model_runs WHERE run_id = $1", [second.runId]);
  await writer.run("DELETE FROM _dp.test_results WHERE run_id = $1", [second.runId]);
  writer.close();
  writeFileSync(pointerFile, publishedFirst);
  expect(await rows(dir, "select count(*)::int as n from marts.items")).toEqual([{ n: 2000 }]);
  // the next build reads the same lake: the table already holds those rows, so it keeps their version (the killed
  // build's), and the publish writes them rather than share the first build's part
  const third = await build(project);
  expect(third.models[0]!.outputVersion).toBe(second.runId);
  expect(await rows(dir, "select count(*)::int as n, max(v) filter (where id = 5000) as v from marts.items")).toEqual([
    { n: 2001, v: "new" },
  ]);
});

describe("the tests of a commit group's new tables run at its commit, as one statement", () => {
  // m1 → m2 → m3; m4 reads m1 only. Every test is an aggregate of one scan, so all wait for the group's commit.
  const chain = (m2Values: string, m4Test = "not_null") => ({
    "project.yaml": "name: batched\n",
    "models/marts/m1.sql": "select * from (values (1, 'a'), (2, 'b')) t(id, kind)\n",
    "models/marts/m2.sql": `select * from (values ${m2Values}) t(id, kind)\n`,
    "models/marts/m3.sql": "select id, kind from {{ ref('m2') }}\n",
    "models/marts/m4.sql": "select id, kind from {{ ref('m1') }}\n",
    "models/marts/marts.yml": `models:
  - name: m1
    columns:
      - name: id
        tests: [not_null]
  - name: m2
    columns:
      - name: id
        tests: [not_null]
      - name: kind
        tests: [{ accepted_values: { values: [a, b] } }]
  - name: m3
    columns:
      - name: id
        tests: [not_null]
  - name: m4
    columns:
      - name: ${m4Test === "missing" ? "no_such_column" : "id"}
        tests: [not_null]
`,
  });

  /** The statements a build sends that scan a model for its tests (they alias it `child`). */
  async function testScans(run: () => Promise<unknown>): Promise<string[]> {
    const all = Db.prototype.all;
    const seen: string[] = [];
    Db.prototype.all = function (this: Db, sql: string, params?: never[]) {
      if (/ AS child\b/.test(sql)) seen.push(sql);
      return all.call(this, sql, params) as never;
    } as typeof all;
    try {
      await run();
    } finally {
      Db.prototype.all = all;
    }
    return seen;
  }

  test("all passing: fewer test statements than models, every test recorded as passed, every table published", async () => {
    const dir = writeProject(chain("(3, 'a'), (4, 'b')"));
    let result: Awaited<ReturnType<typeof build>> | undefined;
    const scans = await testScans(async () => {
      result = await build(loadProject(dir));
    });
    expect(result!.ok).toBe(true);
    expect(scans.length).toBeLessThan(4);
    expect(scans.some((s) => s.includes("UNION ALL"))).toBe(true);
    expect(result!.models.map((m) => [m.model, m.status, m.rows, m.tests.map((t) => t.status)])).toEqual([
      ["m1", "success", 2, ["pass"]],
      ["m2", "success", 2, ["pass", "pass"]],
      ["m3", "success", 2, ["pass"]],
      ["m4", "success", 2, ["pass"]],
    ]);
    const recorded = await rows(
      dir,
      `select test_id, status from _dp.test_results where run_id = '${result!.runId}' order by test_id`,
    );
    expect(recorded).toEqual([
      { test_id: "m1.not_null(id)", status: "pass" },
      { test_id: "m2.accepted_values(kind)", status: "pass" },
      { test_id: "m2.not_null(id)", status: "pass" },
      { test_id: "m3.not_null(id)", status: "pass" },
      { test_id: "m4.not_null(id)", status: "pass" },
    ]);
    expect(await rows(dir, "select count(*)::int as n from marts.m3")).toEqual([{ n: 2 }]);
  });

  test("a model failing a batched test is not published, its descendants are skipped, the rest of its group is published", async () => {
    const dir = writeProject(chain("(3, 'a'), (NULL, 'z')"));
    const result = await build(loadProject(dir));
    expect(result.ok).toBe(false);
    expect(result.models.map((m) => [m.model, m.status])).toEqual([
      ["m1", "success"],
      ["m2", "failed"],
      ["m3", "skipped"],
      ["m4", "success"],
    ]);
    const m2 = result.models.find((m) => m.model === "m2")!;
    expect(m2.error).toContain("m2.not_null(id)");
    expect(m2.error).toContain("m2.accepted_values(kind)");
    expect(m2.tests.map((t) => [t.id, t.status, t.failures])).toEqual([
      ["m2.not_null(id)", "fail", 1],
      ["m2.accepted_values(kind)", "fail", 1],
    ]);
    const tables = await rows(dir, "select table_name from duckdb_tables() where schema_name = 'marts' order by 1");
    expect(tables).toEqual([{ table_name: "m1" }, { table_name: "m4" }]);
    expect(await rows(dir, "select count(*)::int as n from marts.m4")).toEqual([{ n: 2 }]);
    // fixed, the next build publishes m2 and m3; m1 and m4 are unchanged
    writeFileSync(join(dir, "models/marts/m2.sql"), "select * from (values (3, 'a')) t(id, kind)\n");
    const fixed = await build(loadProject(dir));
    expect(fixed.models.map((m) => [m.model, m.status])).toEqual([
      ["m1", "unchanged"],
      ["m2", "success"],
      ["m3", "success"],
      ["m4", "unchanged"],
    ]);
    expect(await rows(dir, "select count(*)::int as n from marts.m3")).toEqual([{ n: 1 }]);
  });

  test("a test that cannot run (its column is missing) fails its model alone, named as before", async () => {
    const dir = writeProject(chain("(3, 'a'), (4, 'b')", "missing"));
    const result = await build(loadProject(dir));
    expect(result.models.map((m) => [m.model, m.status])).toEqual([
      ["m1", "success"],
      ["m2", "success"],
      ["m3", "success"],
      ["m4", "failed"],
    ]);
    const m4 = result.models.find((m) => m.model === "m4")!;
    expect(m4.tests.map((t) => [t.id, t.status])).toEqual([["m4.not_null(no_such_column)", "error"]]);
    expect(m4.tests[0]!.message).toContain("test could not run");
    const tables = await rows(dir, "select table_name from duckdb_tables() where schema_name = 'marts' order by 1");
    expect(tables).toEqual([{ table_name: "m1" }, { table_name: "m2" }, { table_name: "m3" }]);
  });
});

test("a build's publish has its sidecar prepare (the catalog's files) while the warehouse checkpoints, then write", async () => {
  const dir = writeProject(base);
  const calls: string[] = [];
  const sidecar = Object.assign(
    async (_db: Db, file: string) => {
      calls.push(`write ${file.endsWith(".duckdb")}`);
    },
    { prepare: () => void calls.push("prepare") },
  );
  const result = await build(loadProject(dir), { sidecar });
  expect(result.ok).toBe(true);
  expect(calls).toEqual(["prepare", "write true"]);
});
