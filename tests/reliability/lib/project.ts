import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { tempDir } from "../../helpers.ts";

/**
 * A small company on a files source: subscriptions CSVs in data/, staging that dedups by key,
 * three marts with metrics and PII tags. `dp run` pulls and rebuilds it in about a second.
 */
export interface ReliabilityProject {
  dir: string;
  /** add one CSV with `n` new customers; returns their ids */
  addCustomers(n: number, email?: (id: number) => string): number[];
}

const STG = `SELECT customer_id, lower(email) AS email, plan, CAST(month AS DATE) AS month, CAST(mrr AS DOUBLE) AS mrr
FROM {{ source('billing', 'subscriptions') }}
QUALIFY row_number() OVER (PARTITION BY customer_id, month ORDER BY _dp_loaded_at DESC) = 1
`;
const MRR =
  "SELECT month, plan, sum(mrr) AS mrr, count(*) AS customers FROM {{ ref('stg_billing__subscriptions') }} GROUP BY ALL\n";
const CUSTOMERS =
  "SELECT customer_id, any_value(email) AS email, any_value(plan) AS plan, max(mrr) AS mrr FROM {{ ref('stg_billing__subscriptions') }} GROUP BY customer_id\n";
const PLANS = "SELECT plan, count(*) AS customers, sum(mrr) AS mrr FROM {{ ref('customers') }} GROUP BY plan\n";

const MARTS_YML = {
  models: [
    {
      name: "mrr_monthly",
      description: "MRR per month and plan",
      columns: [
        { name: "month", tests: ["not_null"] },
        { name: "plan", tests: ["not_null"] },
      ],
    },
    {
      name: "customers",
      description: "one row per customer",
      columns: [
        { name: "customer_id", tests: ["unique", "not_null"] },
        { name: "email", pii: true, description: "billing email" },
      ],
    },
    { name: "plans", description: "customers and MRR per plan" },
  ],
  metrics: [
    {
      name: "mrr",
      label: "MRR",
      description: "monthly recurring revenue",
      mart: "mrr_monthly",
      time_column: "month",
      expression: "sum(mrr)",
      time_rollup: "last",
      format: "currency",
      unit: "USD",
      dimensions: ["plan"],
      synonyms: ["revenue"],
    },
    {
      name: "active_customers",
      description: "customers paying in the month",
      mart: "mrr_monthly",
      time_column: "month",
      expression: "sum(customers)",
      time_rollup: "last",
      dimensions: ["plan"],
    },
  ],
};

export function reliabilityProject(
  options: { sources?: Record<string, unknown>; top?: Record<string, unknown>; customers?: number } = {},
): ReliabilityProject {
  const dir = tempDir("dp-rel-");
  const config = {
    name: "rel",
    sources: {
      billing: {
        connector: "files",
        owner: "ana@acme.com",
        freshness: { warn_after: "6h", error_after: "24h" },
        config: { streams: [{ name: "subscriptions", path: "data/*.csv", primary_key: ["customer_id", "month"] }] },
      },
      ...options.sources,
    },
    ai: { quality_gate: "warn" },
    ...options.top,
  };
  writeFileSync(join(dir, "project.yaml"), stringify(config));
  mkdirSync(join(dir, "models", "staging"), { recursive: true });
  mkdirSync(join(dir, "models", "marts"), { recursive: true });
  mkdirSync(join(dir, "data"), { recursive: true });
  writeFileSync(join(dir, "models/staging/stg_billing__subscriptions.sql"), STG);
  writeFileSync(join(dir, "models/marts/mrr_monthly.sql"), MRR);
  writeFileSync(join(dir, "models/marts/customers.sql"), CUSTOMERS);
  writeFileSync(join(dir, "models/marts/plans.sql"), PLANS);
  writeFileSync(join(dir, "models/marts/marts.yml"), stringify(MARTS_YML));
  let next = 1;
  let file = 0;
  const project: ReliabilityProject = {
    dir,
    addCustomers(n, email = (id) => `user${id}@example.com`) {
      const ids: number[] = [];
      const path = join(dir, "data", `subs-${String(file++).padStart(4, "0")}.csv`);
      writeFileSync(path, "customer_id,email,plan,month,mrr\n");
      for (let i = 0; i < n; i++, next++) {
        ids.push(next);
        const plan = ["basic", "pro", "enterprise"][next % 3];
        const rows = [];
        for (let m = next % 6; m < 12; m++)
          rows.push(
            `${next},${email(next)},${plan},2026-${String(m + 1).padStart(2, "0")}-01,${((next % 3) + 1) * 100}\n`,
          );
        appendFileSync(path, rows.join(""));
      }
      return ids;
    },
  };
  project.addCustomers(options.customers ?? 40);
  return project;
}
