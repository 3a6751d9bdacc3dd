import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { loadModels } from "../../../engine/transform/models.ts";
import { parsedDependencies, planModels } from "../../../engine/transform/dag.ts";
import { loadProject } from "../../../engine/config/project.ts";
import { repoRoot, writeProject } from "../../helpers.ts";

const demoLike = {
  "project.yaml":
    "name: plan\nsources:\n  billing:\n    connector: demo\n    config: { streams: [customers, subscriptions] }\n",
  "models/staging/stg_customers.sql":
    "select customer_id, lower(email) as email\nfrom {{ source('billing', 'customers') }}\n",
  "models/staging/stg_subscriptions.sql":
    "with latest as (\n  select * from {{ source('billing', 'subscriptions') }}\n)\nselect subscription_id, customer_id, status from latest\n",
  "models/marts/customers.sql":
    "select c.customer_id, c.email, count(s.subscription_id) as subs\nfrom {{ ref('stg_customers') }} c\nleft join {{ ref('stg_subscriptions') }} s using (customer_id)\ngroup by all\n",
  "models/marts/churn.sql":
    "select status, count(*) as n from {{ ref('stg_subscriptions') }}\nwhere customer_id in (select customer_id from {{ ref('customers') }})\ngroup by status\n",
};

function expectRefsEqualParsed(dir: string) {
  return planModels(loadProject(dir)).then((graph) => {
    expect(graph.models.size).toBeGreaterThan(0);
    for (const m of graph.models.values()) {
      const { refs, tables } = parsedDependencies(m);
      expect({ model: m.name, deps: tables }).toEqual({ model: m.name, deps: refs });
      expect(m.refs.every((r) => !r.via)).toBe(true);
    }
    return graph;
  });
}

describe("plan: the DAG from parsed SQL", () => {
  test("for every model, refs from ref() equal the tables DuckDB parses from the compiled SQL", async () => {
    const graph = await expectRefsEqualParsed(writeProject(demoLike));
    expect(graph.order).toEqual(loadModels(loadProject(writeProject(demoLike))).order);
  });

  test("the same holds on the repo's demo models, when they exist", async () => {
    const models = join(repoRoot, "models");
    const hasSql = (d: string): boolean =>
      existsSync(d) &&
      readdirSync(d, { withFileTypes: true }).some((e) =>
        e.isDirectory() ? hasSql(join(d, e.name)) : e.name.endsWith(".sql"),
      );
    if (!hasSql(models) || !existsSync(join(repoRoot, "project.yaml"))) return;
    await expectRefsEqualParsed(repoRoot);
  });

  test("a table named directly becomes an edge with its file:line, like ref()", async () => {
    const dir = writeProject({
      ...demoLike,
      "models/marts/customers.sql":
        'select c.customer_id, c.email\nfrom staging.stg_customers c\njoin "staging"."stg_subscriptions" s using (customer_id)\n',
      "models/staging/stg_subscriptions.sql":
        "select subscription_id, customer_id, status\nfrom raw.billing__subscriptions\n",
    });
    const graph = await planModels(loadProject(dir));
    expect(graph.parents("customers").sort()).toEqual(["stg_customers", "stg_subscriptions"]);
    expect(graph.models.get("customers")!.refs).toContainEqual({ name: "stg_customers", line: 2, via: "sql" });
    expect(graph.models.get("stg_subscriptions")!.sources).toContainEqual({
      source: "billing",
      stream: "subscriptions",
      line: 2,
      via: "sql",
    });
    expect(graph.order.indexOf("stg_customers")).toBeLessThan(graph.order.indexOf("customers"));
    // the sync loader only sees ref(): it cannot order these
    expect(loadModels(loadProject(dir)).parents("customers")).toEqual([]);
  });

  test("an unknown table in a model schema and a cycle through SQL names are errors at file:line", async () => {
    const unknown = writeProject({ ...demoLike, "models/marts/churn.sql": "select 1 as n\nfrom staging.stg_nope\n" });
    await expect(planModels(loadProject(unknown))).rejects.toMatchObject({
      code: "MODEL_GRAPH",
      where: "models/marts/churn.sql:2",
    });
    const cycle = writeProject({ ...demoLike, "models/staging/stg_customers.sql": "select * from marts.customers\n" });
    await expect(planModels(loadProject(cycle))).rejects.toThrow(/cycle/);
  });

  test("column lineage for plain projections", async () => {
    const graph = await planModels(loadProject(writeProject(demoLike)));
    expect(graph.models.get("customers")!.parsed!.columns).toEqual([
      { column: "customer_id", from: { schema: "staging", name: "stg_customers", column: "customer_id" } },
      { column: "email", from: { schema: "staging", name: "stg_customers", column: "email" } },
    ]);
  });

  test("1,000 generated models are planned (parse + DAG) well under a second", async () => {
    const files: Record<string, string> = { "project.yaml": "name: big\n" };
    for (let i = 0; i < 1000; i++) {
      const layer = i < 100 ? "staging" : "marts";
      const parents = i < 100 ? [] : [i - 100, (i * 7) % i, (i * 13) % i].filter((p, k, a) => a.indexOf(p) === k);
      const from = parents.length
        ? parents.map((p, k) => `${k ? "join" : "from"} {{ ref('m${p}') }} t${k}${k ? " using (id)" : ""}`).join("\n")
        : "from range(10) r(id)";
      files[`models/${layer}/m${i}.sql`] = `select t0.id, ${i} as v\n${from}\n`.replace(
        "t0.id",
        parents.length ? "t0.id" : "id",
      );
    }
    const project = loadProject(writeProject(files));
    await planModels(project); // warm the native module
    const t0 = performance.now();
    const graph = await planModels(project);
    const ms = performance.now() - t0;
    console.log(`plan of 1000 models: ${ms.toFixed(0)} ms`);
    expect(graph.order.length).toBe(1000);
    expect(ms).toBeLessThan(3000);
  });
});
