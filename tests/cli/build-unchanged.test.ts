import { describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runDp, snapshotRows, writeProject } from "../helpers.ts";

/** Two raw streams from files, two staging models, two marts: orders_by_customer reads both sides. */
function shop(): string {
  return writeProject({
    "project.yaml": `name: shop
sources:
  shop:
    connector: files
    owner: ops@example.io
    config:
      streams:
        - { name: orders, path: "data/orders-*.csv", primary_key: order_id }
        - { name: customers, path: "data/customers-*.csv", primary_key: customer_id }
`,
    "data/orders-1.csv": "order_id,customer_id,amount\n1,c1,10\n2,c2,20\n3,c1,5\n",
    "data/customers-1.csv": "customer_id,name\nc1,Ada\nc2,Bo\n",
    "models/staging/stg_orders.sql": "select order_id, customer_id, amount from {{ source('shop', 'orders') }}\n",
    "models/staging/stg_customers.sql": "select customer_id, name from {{ source('shop', 'customers') }}\n",
    "models/marts/customer_list.sql": "select customer_id, name from {{ ref('stg_customers') }}\n",
    "models/marts/orders_by_customer.sql":
      "select c.customer_id, count(*) as orders, sum(o.amount) as amount\nfrom {{ ref('stg_orders') }} o join {{ ref('stg_customers') }} c using (customer_id)\ngroup by all\n",
    "models/marts/marts.yml": `models:
  - name: customer_list
    columns:
      - { name: customer_id, tests: [not_null, unique] }
  - name: orders_by_customer
    columns:
      - { name: customer_id, tests: [not_null, unique] }
`,
  });
}

interface Built {
  models: { model: string; status: string; skipped?: string; tests: { status: string }[] }[];
}

async function build(dir: string, ...args: string[]) {
  const r = await runDp(["build", "--json", "-C", dir, ...args]);
  const json = JSON.parse(r.stdout) as Built;
  const status = Object.fromEntries(json.models.map((m) => [m.model, m.status]));
  return { code: r.code, json, status, stderr: r.stderr };
}

describe("build only what changed", () => {
  test("nothing new: every model skipped as unchanged with its tests' last results; new rows, an edit, --full-refresh, a failure rebuild what they touch", async () => {
    const dir = shop();
    expect((await runDp(["pull", "-C", dir])).code).toBe(0);
    const first = await build(dir);
    expect(first.code).toBe(0);
    expect(Object.values(first.status)).toEqual(["success", "success", "success", "success"]);

    // nothing new: zero rebuilt, exit 0, the tests' last results kept
    const again = await build(dir);
    expect(again.code).toBe(0);
    expect(Object.values(again.status)).toEqual(["unchanged", "unchanged", "unchanged", "unchanged"]);
    expect(again.json.models.every((m) => m.skipped === "unchanged")).toBe(true);
    expect(again.json.models.map((m) => m.tests.length)).toEqual(first.json.models.map((m) => m.tests.length));
    expect(again.json.models.flatMap((m) => m.tests).every((t) => t.status === "pass")).toBe(true);
    const human = await runDp(["build", "-C", dir]);
    expect(human.code).toBe(0);
    expect(human.stderr + human.stdout).toContain("staging.stg_orders skipped: unchanged");
    expect(human.stdout).toContain("0/4 models built, 4 skipped: unchanged");

    // new rows in one raw stream: only what reads it
    writeFileSync(join(dir, "data/orders-2.csv"), "order_id,customer_id,amount\n4,c2,7\n");
    expect((await runDp(["pull", "-C", dir])).code).toBe(0);
    const pulled = await build(dir);
    expect(pulled.status).toEqual({
      stg_orders: "success",
      stg_customers: "unchanged",
      customer_list: "unchanged",
      orders_by_customer: "success",
    });
    const rows = await runDp([
      "sql",
      "select amount from marts.orders_by_customer where customer_id = 'c2'",
      "--json",
      "-C",
      dir,
    ]);
    expect(JSON.parse(rows.stdout)).toEqual([{ amount: 27 }]);

    // edited SQL: that model and its descendants
    writeFileSync(
      join(dir, "models/staging/stg_customers.sql"),
      "select customer_id, upper(name) as name from {{ source('shop', 'customers') }}\n",
    );
    const edited = await build(dir);
    expect(edited.status).toEqual({
      stg_orders: "unchanged",
      stg_customers: "success",
      customer_list: "success",
      orders_by_customer: "success",
    });

    // state:modified still selects by SQL change (nothing changed since the last success)
    const modified = await runDp(["build", "--json", "-C", dir, "--select", "state:modified+"]);
    expect((JSON.parse(modified.stdout) as Built).models).toEqual([]);

    // --full-refresh: everything
    const full = await build(dir, "--full-refresh");
    expect(Object.values(full.status)).toEqual(["success", "success", "success", "success"]);

    // a model that failed last time is built again even when its inputs are those of its last success
    const good = "select customer_id, name from {{ ref('stg_customers') }}\n";
    writeFileSync(
      join(dir, "models/marts/customer_list.sql"),
      "select customer_id, name from {{ ref('stg_customers') }}, range(2)\n",
    );
    const broken = await build(dir);
    expect(broken.code).toBe(1);
    expect(broken.status.customer_list).toBe("failed");
    writeFileSync(join(dir, "models/marts/customer_list.sql"), good);
    const healed = await build(dir);
    expect(healed.code).toBe(0);
    expect(healed.status).toEqual({
      stg_orders: "unchanged",
      stg_customers: "unchanged",
      customer_list: "success",
      orders_by_customer: "unchanged",
    });
  }, 60_000);

  test("dp run says skipped: unchanged for a build with nothing new", async () => {
    const dir = shop();
    expect((await runDp(["run", "-C", dir])).code).toBe(0);
    const again = await runDp(["run", "-C", dir]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("build: 4/4 models (0 built, 4 skipped: unchanged)");
    expect(again.stdout).toContain("test: 4/4 tests passed");
    const json = await runDp(["run", "--json", "-C", dir]);
    const models = (JSON.parse(json.stdout) as { build: Built }).build.models;
    expect(models.map((m) => m.skipped)).toEqual(["unchanged", "unchanged", "unchanged", "unchanged"]);
  }, 60_000);

  test("a table rebuilt to the rows it had keeps its data version: what reads only it is skipped, and the snapshot publishes that version", async () => {
    const dir = shop();
    writeFileSync(
      join(dir, "models/marts/big_orders.sql"),
      "select order_id, amount from {{ ref('stg_orders') }} where amount >= 100\n",
    );
    writeFileSync(
      join(dir, "models/marts/big_order_total.sql"),
      "select count(*) as n, coalesce(sum(amount), 0) as total from {{ ref('big_orders') }}\n",
    );
    writeFileSync(join(dir, "data/orders-2.csv"), "order_id,customer_id,amount\n4,c2,150\n");
    const pullAndBuild = async () => {
      expect((await runDp(["pull", "-C", dir])).code).toBe(0);
      return build(dir);
    };
    expect((await pullAndBuild()).code).toBe(0);
    const manifest = () => {
      const pointer = JSON.parse(readFileSync(join(dir, "warehouse/snapshots/current.json"), "utf8")).file as string;
      const file = join(dir, "warehouse/snapshots", pointer.replace(/\.duckdb$/, ".manifest.json"));
      // these tables are small enough to be copied into the snapshot file (INLINE_ROWS): their entries are `inline`
      const m = JSON.parse(readFileSync(file, "utf8"));
      return { ...m.tables, ...m.inline } as Record<string, { version?: string; rows: number }>;
    };
    const before = manifest();

    // a small order: stg_orders changes, big_orders is rebuilt to the same rows, big_order_total reads nothing new
    writeFileSync(join(dir, "data/orders-3.csv"), "order_id,customer_id,amount\n5,c1,7\n");
    const small = await pullAndBuild();
    expect(small.code).toBe(0);
    expect(small.status).toMatchObject({ stg_orders: "success", big_orders: "success", big_order_total: "unchanged" });
    const after = manifest();
    expect(after["marts.big_orders"]).toEqual(before["marts.big_orders"]!);
    expect(after["staging.stg_orders"]!.version).not.toBe(before["staging.stg_orders"]!.version);
    expect(await snapshotRows(dir, "select * from marts.big_order_total")).toEqual([{ n: 1, total: 150 }]);

    // a big one: big_orders changes, and so does what reads it
    writeFileSync(join(dir, "data/orders-4.csv"), "order_id,customer_id,amount\n6,c1,200\n");
    const big = await pullAndBuild();
    expect(big.status).toMatchObject({ big_orders: "success", big_order_total: "success" });
    expect(manifest()["marts.big_orders"]!.version).not.toBe(before["marts.big_orders"]!.version);
    expect(await snapshotRows(dir, "select * from marts.big_order_total")).toEqual([{ n: 2, total: 350 }]);
    expect(await snapshotRows(dir, "select order_id from marts.big_orders order by 1")).toEqual([
      { order_id: 4 },
      { order_id: 6 },
    ]);
  }, 60_000);
});
