/**
 * A declared-optional input (a model's `optional_sources`): a stream that has never landed is read as an
 * empty relation of its declared columns, the build says which, and its readers build; once it lands they
 * read its rows. A required stream the source does not pull is a CONFIG error naming the stream and the key.
 */
import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import "../../../connectors/index.ts";
import { loadProject } from "../../../engine/config/project.ts";
import { DpError } from "../../../engine/errors.ts";
import { pull } from "../../../engine/ingest/pull.ts";
import { build } from "../../../engine/transform/build.ts";
import { loadModels } from "../../../engine/transform/models.ts";
import { snapshotRows, writeProject } from "../../helpers.ts";

const ORDERS = "order_id,plan_id,amount\n1,p1,10\n2,p2,20\n3,,5\n";
const PLANS = "plan_id,plan_name\np1,Pro\n";
const source = (streams: string[]) => `name: fixture
sources:
  shop:
    connector: files
    config:
      streams:
${streams.map((s) => `        - { name: ${s}, path: data/${s}.csv }\n`).join("")}`;

const PLANS_YML = `models:
  - name: stg_plans
    optional_sources:
      plans:
        when_absent: orders have no plan name
        columns: { plan_id: VARCHAR, plan_name: VARCHAR }
`;

function fixture(streams: string[], yml = PLANS_YML): string {
  return writeProject({
    "project.yaml": source(streams),
    "data/orders.csv": ORDERS,
    "data/plans.csv": PLANS,
    "models/staging/stg_orders.sql": "select order_id, plan_id, amount from {{ source('shop', 'orders') }}\n",
    "models/staging/stg_plans.sql": "select plan_id, plan_name from {{ source('shop', 'plans') }}\n",
    "models/staging/staging.yml": yml,
    "models/marts/orders.sql":
      "select o.order_id, o.amount, coalesce(p.plan_name, '(no plan)') as plan\nfrom {{ ref('stg_orders') }} o\nleft join {{ ref('stg_plans') }} p using (plan_id)\n",
  });
}

describe("optional_sources", () => {
  test("an optional stream the source does not pull is read empty, said once, and its readers build", async () => {
    const dir = fixture(["orders"]);
    const project = loadProject(dir);
    await pull(project);
    const result = await build(project);
    expect(result.models.map((m) => [m.model, m.status, m.rows])).toEqual([
      ["stg_orders", "success", 3],
      ["stg_plans", "success", 0],
      ["orders", "success", 3],
    ]);
    expect(result.ok).toBe(true);
    expect(result.absentStreams).toEqual([
      {
        source: "shop",
        stream: "plans",
        optional: true,
        models: ["stg_plans"],
        pulled: false,
        why: "not in sources.shop.config.streams",
        whenAbsent: "orders have no plan name",
      },
    ]);
    expect(await snapshotRows(dir, "select order_id, plan from marts.orders order by order_id")).toEqual([
      { order_id: 1, plan: "(no plan)" },
      { order_id: 2, plan: "(no plan)" },
      { order_id: 3, plan: "(no plan)" },
    ]);
    // the empty relation has the declared types
    expect(
      await snapshotRows(
        dir,
        "select data_type from information_schema.columns where table_name = 'stg_plans' order by column_name",
      ),
    ).toEqual([{ data_type: "VARCHAR" }, { data_type: "VARCHAR" }]);

    // once the stream is pulled, its rows are read and nothing is said
    writeFileSync(join(dir, "project.yaml"), source(["orders", "plans"]));
    const again = loadProject(dir);
    await pull(again);
    const second = await build(again);
    expect(second.absentStreams).toEqual([]);
    expect(second.models.find((m) => m.model === "stg_plans")).toMatchObject({ status: "success", rows: 1 });
    expect(await snapshotRows(dir, "select order_id, plan from marts.orders order by order_id")).toEqual([
      { order_id: 1, plan: "Pro" },
      { order_id: 2, plan: "(no plan)" },
      { order_id: 3, plan: "(no plan)" },
    ]);
  }, 60_000);

  test("a required stream the source does not pull stops the build: CONFIG, naming the stream and the key", async () => {
    const dir = fixture(["orders"], "models: []\n");
    const project = loadProject(dir);
    await pull(project);
    const error = await build(project).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DpError);
    const e = error as DpError;
    expect(e.code).toBe("CONFIG");
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe(
      "stream shop.plans is not pulled (not in sources.shop.config.streams), and stg_plans needs it",
    );
    expect(e.where).toMatch(/^project\.yaml:6 \(sources\.shop\.config\.streams\)$/);
    expect(e.fix).toStartWith("add plans to sources.shop.config.streams in project.yaml, then run `dp pull shop`");
    // a selection that reads only what is pulled builds
    const part = await build(project, { select: "stg_orders" });
    expect(part.ok).toBe(true);
  }, 60_000);

  test("optional_sources naming a stream the model never reads is a CONFIG error at its YAML line", () => {
    const dir = fixture(["orders"], PLANS_YML.replace("      plans:", "      plan:"));
    let error: unknown;
    try {
      loadModels(loadProject(dir));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DpError);
    expect((error as DpError).message).toBe(
      'model "stg_plans" declares optional_sources.plan, a stream its SQL never reads',
    );
    expect((error as DpError).where).toBe("models/staging/staging.yml:4");
    expect((error as DpError).fix).toContain("did you mean plans?");
  });
});
