import { describe, expect, test } from "bun:test";
import { loadProject } from "../../../engine/config/project.ts";
import { loadModels } from "../../../engine/transform/models.ts";
import { select } from "../../../engine/transform/selector.ts";
import { dp, writeProject } from "../../helpers.ts";

/**
 * Cases from dbt's own documentation (docs.getdbt.com, reference/node-selection: "Syntax overview",
 * "Graph operators", "Set operators", "Exclude", "Methods", "Putting it together"), each on a DAG shaped
 * like the docs' examples (snowplow sessions, fct_orders, stg_invoices/stg_accounts, marts/finance):
 *
 *   source shop.orders    → stg_orders ──┬→ orders ─→ revenue
 *   source shop.customers → stg_customers┤   └────→ (marts/finance) fct_invoices ← stg_orders
 *                                        └→ customer_sessions ← sessions ← stg_events ← source snowplow.events
 */
const files = {
  "project.yaml": `name: acme
sources:
  shop: { connector: demo }
  snowplow: { connector: demo }
`,
  "models/staging/stg_orders.sql": "select * from {{ source('shop', 'orders') }}\n",
  "models/staging/stg_customers.sql": "select * from {{ source('shop', 'customers') }}\n",
  "models/staging/stg_events.sql": "select * from {{ source('snowplow', 'events') }}\n",
  "models/staging/staging.yml": "models:\n  - name: stg_orders\n    tags: [nightly]\n",
  "models/marts/orders.sql":
    "select * from {{ ref('stg_orders') }} join {{ ref('stg_customers') }} using (customer_id)\n",
  "models/marts/revenue.sql": "select * from {{ ref('orders') }}\n",
  "models/marts/sessions.sql": "select * from {{ ref('stg_events') }}\n",
  "models/marts/customer_sessions.sql":
    "select * from {{ ref('sessions') }} join {{ ref('stg_customers') }} using (customer_id)\n",
  "models/marts/finance/fct_invoices.sql": "select * from {{ ref('stg_orders') }}\n",
  "models/marts/marts.yml": `models:
  - name: orders
    tags: [finance, nightly]
  - name: fct_invoices
    tags: [nightly]
    materialized: view
  - name: revenue
    tags: [finance]
`,
};

const dir = writeProject(files);
const project = loadProject(dir);
const graph = loadModels(project);
const ctx = { projectDir: project.dir, projectName: "acme", modified: new Set(["revenue"]) };
const sel = (expr: string, exclude?: string) => select(graph, { select: expr, exclude }, ctx).sort();
const sorted = (...names: string[]) => names.sort();
/** what the user reads: the message and the fix */
const problem = (expr: string, exclude?: string): string => {
  try {
    sel(expr, exclude);
  } catch (e) {
    return `${(e as Error).message} — ${(e as { fix?: string }).fix ?? ""}`;
  }
  return "(no error)";
};

describe("dbt's graph operators", () => {
  test('"my_model+": the model and all its descendants', () => {
    expect(sel("stg_orders+")).toEqual(sorted("stg_orders", "orders", "revenue", "fct_invoices"));
  });
  test('"+my_model": the model and all its ancestors', () => {
    expect(sel("+revenue")).toEqual(sorted("revenue", "orders", "stg_orders", "stg_customers"));
  });
  test('"+my_model+": ancestors and descendants', () => {
    expect(sel("+orders+")).toEqual(sorted("orders", "stg_orders", "stg_customers", "revenue"));
  });
  test('"my_model+1": first-degree children only', () => {
    expect(sel("stg_orders+1")).toEqual(sorted("stg_orders", "orders", "fct_invoices"));
  });
  test('"2+my_model": parents and grandparents', () => {
    expect(sel("1+revenue")).toEqual(sorted("revenue", "orders"));
    expect(sel("2+revenue")).toEqual(sorted("revenue", "orders", "stg_orders", "stg_customers"));
  });
  test('"3+my_model+4": both depths at once', () => {
    expect(sel("1+orders+1")).toEqual(sorted("orders", "stg_orders", "stg_customers", "revenue"));
  });
  test('"@my_model": the model, its children, and the parents of its children', () => {
    // sessions' child customer_sessions also reads stg_customers, which has to exist for it to build
    expect(sel("@sessions")).toEqual(sorted("sessions", "customer_sessions", "stg_events", "stg_customers"));
  });
  test('"@" with a "+" suffix is an error, as in dbt', () => {
    expect(problem("@sessions+")).toMatch(/@.*\+/);
  });
});

describe("dbt's set operators", () => {
  test("space: union", () => {
    expect(sel("+sessions +orders")).toEqual(sorted("sessions", "stg_events", "orders", "stg_orders", "stg_customers"));
  });
  test('comma: intersection ("+snowplow_sessions,+fct_orders": common ancestors)', () => {
    expect(sel("+customer_sessions,+orders")).toEqual(["stg_customers"]);
  });
  test('"stg_invoices+,stg_accounts+": common descendants', () => {
    expect(sel("stg_orders+,stg_customers+")).toEqual(sorted("orders", "revenue"));
  });
  test('"marts.finance,tag:nightly": in that folder and tagged', () => {
    expect(sel("marts.finance,tag:nightly")).toEqual(["fct_invoices"]);
  });
  test("an empty part of an intersection is an error that says comma means AND", () => {
    expect(problem("orders, revenue")).toMatch(/comma means AND/);
  });
});

describe("--exclude", () => {
  test("removes its own selection (graph operators included) from --select", () => {
    expect(sel("staging.*+", "staging.stg_orders+")).toEqual(
      sorted("stg_customers", "stg_events", "sessions", "customer_sessions"),
    );
  });
  test("without --select, everything but the excluded", () => {
    expect(select(graph, { exclude: "staging" }, ctx).sort()).toEqual(
      sorted("orders", "revenue", "sessions", "customer_sessions", "fct_invoices"),
    );
  });
  test("an exclude that names nothing is an error, not a silent full build", () => {
    expect(problem("orders", "ordres")).toMatch(/--exclude ordres matches no model — did you mean orders\?/);
  });
});

describe("dbt's methods", () => {
  test('fqn: "staging.stg_orders" (the name dp prints), the folder, the project, a glob', () => {
    expect(sel("staging.stg_orders")).toEqual(["stg_orders"]);
    expect(sel("acme.staging.stg_orders")).toEqual(["stg_orders"]);
    expect(sel("staging")).toEqual(sorted("stg_orders", "stg_customers", "stg_events"));
    expect(sel("marts.finance.*")).toEqual(["fct_invoices"]);
    expect(sel("acme")).toEqual([...graph.order].sort());
    expect(sel("*sessions")).toEqual(sorted("sessions", "customer_sessions"));
  });
  test('tag: "tag:nightly", "tag:nightly+", "+tag:nightly+"', () => {
    expect(sel("tag:nightly")).toEqual(sorted("stg_orders", "orders", "fct_invoices"));
    expect(sel("tag:finance+")).toEqual(sorted("orders", "revenue"));
    expect(sel("tag:finance,tag:nightly")).toEqual(["orders"]);
  });
  test('source: "source:snowplow+" is what reads it; the source alone selects no model', () => {
    expect(sel("source:snowplow+")).toEqual(sorted("stg_events", "sessions", "customer_sessions"));
    expect(sel("source:shop.orders+1")).toEqual(["stg_orders"]);
    expect(sel("source:snowplow")).toEqual([]);
  });
  test('"@source:snowplow": models reading it, plus their parents', () => {
    expect(sel("@source:snowplow")).toEqual(sorted("stg_events", "sessions", "customer_sessions", "stg_customers"));
  });
  test("path: with and without the method, a folder or a file", () => {
    expect(sel("path:models/marts/finance")).toEqual(["fct_invoices"]);
    expect(sel("models/staging")).toEqual(sorted("stg_orders", "stg_customers", "stg_events"));
    expect(sel("models/marts/orders.sql")).toEqual(["orders"]);
  });
  test("file: by file name with or without .sql", () => {
    expect(sel("file:revenue.sql")).toEqual(["revenue"]);
    expect(sel("revenue.sql")).toEqual(["revenue"]);
  });
  test("config.materialized and state:modified", () => {
    expect(sel("config.materialized:view")).toEqual(["fct_invoices"]);
    expect(sel("state:modified+")).toEqual(["revenue"]);
  });
  test("unknown names get the closest one", () => {
    expect(problem("mrr_montly")).toMatch(/matches no model/);
    expect(problem("revenu")).toMatch(/did you mean revenue\?/);
    expect(problem("staging.stg_order")).toMatch(/did you mean staging.stg_orders\?/);
    expect(problem("source:snowplw+")).toMatch(/did you mean snowplow\?/);
    expect(problem("tga:nightly")).toMatch(/did you mean tag\?/);
  });
});

describe("through the real binary", () => {
  test("`--select a b` takes both words (dbt's nargs), and `--exclude` takes away before any work", () => {
    // sources without data fail the staging models; what matters is what was selected
    const built = (args: string[]) =>
      (JSON.parse(dp(["build", ...args, "--json", "-C", dir]).stdout) as { models: { model: string }[] }).models
        .map((m) => m.model)
        .sort();
    expect(built(["--select", "orders", "revenue"])).toEqual(["orders", "revenue"]);
    expect(built(["--select", "+revenue", "--exclude", "+orders"])).toEqual(["revenue"]);
  });
  test("a misspelled selector flag builds nothing", () => {
    const r = dp(["build", "--selct", "orders", "-C", dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("did you mean --select?");
    expect(r.stdout).toBe("");
  });
});
