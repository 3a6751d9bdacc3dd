import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "../../../engine/transform/build.ts";
import { loadProject } from "../../../engine/config/project.ts";
import { runTests } from "../../../engine/transform/testing/run-tests.ts";
import { dp, snapshotRows, writeProject } from "../../helpers.ts";

const base = {
  "project.yaml": "name: t\n",
  "models/staging/stg_orders.sql":
    "select * from (values (1, 'a', 10.0, DATE '2026-10-03'), (2, 'b', 20.0, DATE '2026-10-20'), (3, 'a', 5.0, DATE '2026-11-02')) t(order_id, customer, amount, ordered_on)\n",
  "models/marts/revenue.sql":
    "select customer, date_trunc('month', ordered_on) as month, sum(amount) as revenue, count(*) as orders\nfrom {{ ref('stg_orders') }}\nwhere amount > 0\ngroup by all\n",
  "models/marts/tests/revenue_positive.sql":
    "-- every revenue row is positive\nselect * from {{ ref('revenue') }} where revenue <= 0\n",
};

const rows = snapshotRows;

describe("singular tests", () => {
  test("run in build after their model; a failing one keeps the old mart live", async () => {
    const dir = writeProject(base);
    const first = await build(loadProject(dir));
    expect(first.ok).toBe(true);
    expect(first.models.find((m) => m.model === "revenue")!.tests.map((t) => [t.id, t.status])).toEqual([
      ["test.revenue_positive", "pass"],
    ]);
    writeFileSync(
      join(dir, "models/marts/revenue.sql"),
      "select customer, date_trunc('month', ordered_on) as month, -sum(amount) as revenue, count(*) as orders\nfrom {{ ref('stg_orders') }}\ngroup by all\n",
    );
    const second = await build(loadProject(dir));
    const revenue = second.models.find((m) => m.model === "revenue")!;
    expect(revenue.status).toBe("failed");
    expect(revenue.error).toContain("test.revenue_positive");
    expect(await rows(dir, "select min(revenue) > 0 as ok from marts.revenue")).toEqual([{ ok: true }]);
  });

  test("a test over two models runs after the later one; dp test runs it too; warn severity does not fail", async () => {
    const dir = writeProject({
      ...base,
      "models/marts/tests/orders_add_up.sql":
        "-- severity: warn\nselect 1 from (select sum(orders) as n from {{ ref('revenue') }}) r, (select count(*) as n from {{ ref('stg_orders') }}) o where r.n <> o.n\n",
    });
    const result = await build(loadProject(dir));
    expect(result.ok).toBe(true);
    expect(
      result.models
        .find((m) => m.model === "revenue")!
        .tests.map((t) => t.id)
        .sort(),
    ).toEqual(["test.orders_add_up", "test.revenue_positive"]);
    const tested = await runTests(loadProject(dir));
    expect(
      tested.tests
        .filter((t) => t.kind === "singular")
        .map((t) => [t.id, t.status])
        .sort(),
    ).toEqual([
      ["test.orders_add_up", "pass"],
      ["test.revenue_positive", "pass"],
    ]);
  });
});

const unitYaml = `unit_tests:
  - name: revenue_by_customer_month
    model: revenue
    given:
      - input: ref('stg_orders')
        rows:
          - { order_id: 1, customer: a, amount: 10.5, ordered_on: "2026-10-03" }
          - { order_id: 2, customer: a, amount: 4.5, ordered_on: "2026-10-30" }
          - { order_id: 3, customer: b, amount: -1, ordered_on: "2026-10-04" }
          - { order_id: 4, customer: b, amount: 7, ordered_on: "2026-11-01" }
    expect:
      rows:
        - { customer: b, month: "2026-11-01", revenue: 7, orders: 1 }
        - { customer: a, month: "2026-10-01", revenue: 15, orders: 2 }
`;

describe("unit tests of model logic", () => {
  test("given rows in, expected rows out, in any order, without lake or warehouse", async () => {
    const dir = writeProject({ ...base, "models/marts/unit.yml": unitYaml });
    const result = await runTests(loadProject(dir), { unit: true });
    expect(result.tests.map((t) => [t.id, t.status, t.message])).toEqual([
      ["unit.revenue_by_customer_month", "pass", "revenue_by_customer_month: 2 expected rows match"],
    ]);
    expect(result.ok).toBe(true);
  });

  test("a wrong expectation fails with the differing rows; dp test --unit exits 1", async () => {
    const dir = writeProject({ ...base, "models/marts/unit.yml": unitYaml.replace("revenue: 15", "revenue: 14.5") });
    const result = await runTests(loadProject(dir), { unit: true });
    const t = result.tests[0]!;
    expect(t.status).toBe("fail");
    expect(t.failures).toBe(2);
    expect(t.message).toContain('missing {"customer":"a","month":"2026-10-01 00:00:00","revenue":14.5,"orders":2}');
    expect(t.message).toContain('unexpected {"customer":"a","month":"2026-10-01 00:00:00","revenue":15,"orders":2}');
    const cli = dp(["test", "--unit", "-C", dir]);
    expect(cli.code).toBe(1);
    expect(cli.stdout).toContain("unit");
  });

  test("an input the model reads but the test does not give is named", async () => {
    const dir = writeProject({
      ...base,
      "models/marts/unit.yml": unitYaml.replace("input: ref('stg_orders')", "input: source('shop', 'orders')"),
    });
    const t = (await runTests(loadProject(dir), { unit: true })).tests[0]!;
    expect(t.status).toBe("error");
    expect(t.message).toContain("revenue reads ref('stg_orders'), but the unit test gives no rows for it");
  });

  test("the YAML is validated: a bad input names file:line", () => {
    const dir = writeProject({
      ...base,
      "models/marts/unit.yml": unitYaml.replace("input: ref('stg_orders')", "input: stg_orders"),
    });
    const cli = dp(["test", "--unit", "-C", dir]);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain("models/marts/unit.yml:5");
  });

  test("plain dp test runs unit tests as well", async () => {
    const dir = writeProject({ ...base, "models/marts/unit.yml": unitYaml });
    await build(loadProject(dir));
    const result = await runTests(loadProject(dir));
    expect(result.tests.map((t) => t.kind).sort()).toEqual(["singular", "unit"]);
  });
});

test("unique counts each repeat of a value beyond its first, nulls and rows outside `where` aside (grouped by hash, then by value)", async () => {
  const dir = writeProject({
    "project.yaml": "name: u\n",
    "models/marts/ids.sql":
      "select * from (values ('a', 1), ('a', 1), ('a', 0), ('b', 1), ('b', 1), ('c', 1), (null, 1), (null, 1)) t(id, live)\n",
    "models/marts/ids.yml":
      "models:\n  - name: ids\n    columns:\n      - { name: id, tests: [{ unique: { severity: warn } }] }\n      - { name: live, tests: [{ unique: { where: 'id = ''a''', severity: warn } }] }\n",
  });
  const result = await build(loadProject(dir));
  expect(result.models[0]!.tests.map((t) => [t.id, t.status, t.failures])).toEqual([
    // a three times, b twice: 3 repeats
    ["ids.unique(id)", "warn", 3],
    // among id = 'a': live 1 twice
    ["ids.unique(live)", "warn", 1],
  ]);
});
