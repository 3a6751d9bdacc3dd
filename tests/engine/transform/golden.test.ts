import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { compileSql } from "../../../engine/transform/compile.ts";
import { planModels } from "../../../engine/transform/dag.ts";
import { loadProject } from "../../../engine/config/project.ts";
import { writeProject } from "../../helpers.ts";

/** Compiled SQL is what runs; its exact form is pinned here. `UPDATE_GOLDEN=1 bun test tests/engine/transform/golden.test.ts` rewrites the files. */
const GOLDEN = join(import.meta.dir, "golden");
const update = process.env.UPDATE_GOLDEN === "1";

const project = {
  "project.yaml":
    "name: golden\nsources:\n  billing:\n    connector: demo\n    config: { streams: [customers, invoices] }\nvars:\n  fx_rates: { eur: 1.08, gbp: 1.27 }\n  past_due_counts_in_mrr: false\n",
  "models/staging/stg_customers.sql":
    "-- one row per customer\nselect customer_id, lower(email) as email\nfrom {{ source('billing', 'customers') }}\nqualify row_number() over (partition by customer_id order by updated_at desc) = 1;\n",
  "models/staging/stg_invoices.sql":
    'select invoice_id, customer_id, amount_cents / 100.0 as amount, created_at\nfrom {{source("billing","invoices")}}\n{% if is_incremental() %}\nwhere created_at > (select max(created_at) from {{ this }})\n{% endif %}\n',
  "models/marts/revenue.sql":
    "select c.customer_id, sum(i.amount) as revenue\nfrom {{ ref('stg_customers') }} c\njoin {{ ref( 'stg_invoices' ) }} i using (customer_id)\ngroup by 1\n",
  "models/marts/direct.sql": "select *\nfrom staging.stg_customers\n",
  // project.yaml's vars win over a call's default; defaults are YAML literals (none is null); maps become MAP {…}
  "models/marts/settings.sql":
    "select {{ var('reporting_currency', 'usd') }} as reporting_currency,\n  {{ var('fx_rates', {}) }} as fx_rates,\n  {{ var( \"past_due_counts_in_mrr\" , true ) }} as past_due,\n  {{ var('cap', none) }} as cap, {{ var('tiers', [pro, 'it''s']) }} as tiers, {{var('ratio',0.5)}} as ratio\n",
  "models/staging/staging.yml":
    "models:\n  - name: stg_invoices\n    materialized: incremental\n    unique_key: invoice_id\n",
};

function check(name: string, actual: string) {
  const path = join(GOLDEN, `${name}.sql`);
  if (update) writeFileSync(path, actual);
  expect(existsSync(path) ? "" : `missing ${path}; run with UPDATE_GOLDEN=1`).toBe("");
  expect(actual).toBe(readFileSync(path, "utf8"));
}

describe("compiled SQL (golden)", async () => {
  const graph = await planModels(loadProject(writeProject(project)));
  for (const name of graph.order) {
    test(name, () => {
      const model = graph.models.get(name)!;
      const compiled = compileSql(model, graph);
      // lines keep their numbers (only trailing blank lines go), so DuckDB's LINE n is the file's line n
      const lines = compiled.split("\n");
      const source = model.sql.split("\n");
      lines.forEach((l, i) => {
        if (l.trim() && !/\{\{|\{%/.test(source[i]!)) expect(l).toBe(source[i]!.replace(/;\s*$/, ""));
      });
      check(name, `${compiled}\n`);
      if (model.materialized === "incremental")
        check(`${name}.incremental`, `${compileSql(model, graph, { isIncremental: true })}\n`);
    });
  }
});

test("a var with no value and no default is a config error naming the model's file:line", async () => {
  const dir = writeProject({
    "project.yaml": "name: vars\n",
    "models/marts/m.sql": "select 1 as a,\n  {{ var('reporting_currency') }} as c\n",
  });
  const graph = await planModels(loadProject(dir)).catch((e: unknown) => e);
  expect(graph).toMatchObject({
    code: "CONFIG",
    where: "models/marts/m.sql:2",
    message: expect.stringContaining("project.yaml sets no vars.reporting_currency"),
  });
});

test("a model that reads a var is modified when the var changes; one that reads none is not", async () => {
  const files = (rate: number) => ({
    "project.yaml": `name: vars\nvars:\n  fx_rates: { eur: ${rate} }\n`,
    "models/marts/converted.sql": "select {{ var('fx_rates') }}['eur'] as rate\n",
    "models/marts/plain.sql": "select 1 as one\n",
  });
  const before = await planModels(loadProject(writeProject(files(1.08))));
  const after = await planModels(loadProject(writeProject(files(1.1))));
  expect(after.models.get("converted")!.hash).not.toBe(before.models.get("converted")!.hash);
  expect(after.models.get("plain")!.hash).toBe(before.models.get("plain")!.hash);
});
