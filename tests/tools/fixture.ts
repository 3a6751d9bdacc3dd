import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { catalogSidecar } from "../../engine/catalog/catalog-cache.ts";
import { build } from "../../engine/transform/build.ts";
import { Db, literal } from "../../engine/warehouse/duckdb.ts";
import { loadProject, type Project } from "../../engine/config/project.ts";
import { askOffline } from "../../tools/ask/offline-answer.ts";
import { createToolContext } from "../../tools/context.ts";

export const FIXTURE_NOW = "2026-11-21T06:00:00Z";

const PROJECT = `name: fixture
sources:
  billing:
    connector: demo
    owner: ana@acme.com
    freshness: { warn_after: 6h, error_after: 24h }
ai: { quality_gate: warn }
`;

const STG = `SELECT customer_id, lower(email) AS email, company_name, plan, CAST(month AS DATE) AS month, CAST(mrr AS DOUBLE) AS mrr
FROM {{ source('billing', 'subscriptions') }}
`;

const MRR = `SELECT month, plan, sum(mrr) AS mrr, count(*) AS customers
FROM {{ ref('stg_billing__subscriptions') }}
GROUP BY ALL
`;

const CHURN = `WITH s AS (SELECT customer_id, plan, month FROM {{ ref('stg_billing__subscriptions') }}),
keys AS (
  SELECT DISTINCT month, plan FROM s
  UNION SELECT DISTINCT CAST(month + INTERVAL 1 MONTH AS DATE), plan FROM s
)
SELECT k.month, k.plan,
  (SELECT count(*) FROM s p WHERE p.plan = k.plan AND p.month = k.month - INTERVAL 1 MONTH) AS active_start,
  (SELECT count(*) FROM s p WHERE p.plan = k.plan AND p.month = k.month - INTERVAL 1 MONTH
     AND NOT EXISTS (SELECT 1 FROM s c WHERE c.customer_id = p.customer_id AND c.month = k.month)) AS churned,
  (SELECT count(*) FROM s c WHERE c.plan = k.plan AND c.month = k.month
     AND NOT EXISTS (SELECT 1 FROM s p WHERE p.customer_id = c.customer_id AND p.month < c.month)) AS new_customers
FROM keys k
WHERE k.month <= DATE '2026-11-01'
`;

const CUSTOMERS = `SELECT customer_id, email, company_name, plan,
  max(mrr) FILTER (WHERE month = DATE '2026-11-01') AS mrr
FROM {{ ref('stg_billing__subscriptions') }}
GROUP BY ALL
`;

const YAML = `models:
  - name: mrr_monthly
    description: MRR per month and plan
    owner: finance@acme.com
    columns:
      - { name: month, tests: [not_null] }
      - { name: plan, tests: [not_null] }
    tests:
      - unique_combination: { columns: [month, plan] }
  - name: churn_monthly
    description: customers active at the start of each month, churned and new ones, by plan
    columns:
      - { name: month, tests: [not_null] }
  - name: customers
    description: one row per customer
    columns:
      - { name: customer_id, tests: [unique, not_null] }
      - { name: email, pii: true, description: the customer's billing email }
      - { name: company_name, pii: true }
metrics:
  - name: mrr
    label: MRR
    description: monthly recurring revenue at the end of the month
    mart: mrr_monthly
    time_column: month
    expression: sum(mrr)
    time_rollup: last
    format: currency
    unit: USD
    dimensions: [plan]
    synonyms: [monthly recurring revenue, revenue, recurring revenue]
  - name: churn_rate
    label: Customer churn
    description: share of customers active at the start of the month who left during it
    mart: churn_monthly
    time_column: month
    expression: sum(churned) / nullif(sum(active_start), 0)
    time_rollup: ratio
    format: percent
    higher_is_better: false
    dimensions: [plan]
    synonyms: [churn, customer churn, logo churn]
  - name: churned_customers
    description: customers who left during the period
    mart: churn_monthly
    time_column: month
    expression: sum(churned)
    format: number
    dimensions: [plan]
    synonyms: [lost customers, cancellations]
  - name: customers_at_start
    label: Customers active at the start of the month
    description: customers paying at the start of the period
    mart: churn_monthly
    time_column: month
    expression: sum(active_start)
    time_rollup: first
    dimensions: [plan]
  - name: new_customers
    description: customers whose first paid month falls in the period
    mart: churn_monthly
    time_column: month
    expression: sum(new_customers)
    dimensions: [plan]
    synonyms: [new logos, signups, customers acquired]
  - name: active_customers
    description: customers paying at the end of the period
    mart: mrr_monthly
    time_column: month
    expression: sum(customers)
    time_rollup: last
    dimensions: [plan]
    synonyms: [paying customers, customer count]
  - name: arpa
    label: ARPA
    description: average revenue per account
    mart: mrr_monthly
    time_column: month
    expression: sum(mrr) / nullif(sum(customers), 0)
    time_rollup: last
    format: currency
    dimensions: [plan]
    synonyms: [average revenue per account, revenue per customer]
`;

/** 40 customers over Nov 2025 – Nov 2026: staggered starts, every 4th one churns. */
const RAW_ROWS = `SELECT c AS customer_id,
  CASE WHEN c % 2 = 0 THEN 'User' || c || '@Example.com' ELSE 'user' || c || '@example.com' END AS email,
  'Company ' || c AS company_name,
  CASE c % 3 WHEN 0 THEN 'basic' WHEN 1 THEN 'pro' ELSE 'enterprise' END AS plan,
  strftime(DATE '2025-11-01' + to_months(CAST(m AS INTEGER)), '%Y-%m-%d') AS month,
  (c % 3 + 1) * 100 + c + m AS mrr
FROM range(1, 41) t(c), range(0, 13) s(m)
WHERE m >= c % 11 AND (c % 4 <> 0 OR m <= c % 11 + 2 + c % 5)`;

/** `dp ask` offline, in process, over a project: a tool context opened for the one question and closed after. */
export async function askIn(project: Project, question: string): ReturnType<typeof askOffline> {
  const ctx = createToolContext(project);
  try {
    return await askOffline(ctx, question);
  } finally {
    ctx.close();
  }
}

export interface Fixture {
  dir: string;
  project: Project;
  cleanup(): void;
}

export async function createFixture(options: { lastPull?: string } = {}): Promise<Fixture> {
  process.env.DP_NOW = FIXTURE_NOW;
  const dir = mkdtempSync(join(tmpdir(), "dp-tools-"));
  const write = (rel: string, text: string) => {
    mkdirSync(join(dir, rel, ".."), { recursive: true });
    writeFileSync(join(dir, rel), text);
  };
  write("project.yaml", PROJECT);
  write("models/staging/stg_billing__subscriptions.sql", STG);
  write("models/marts/mrr_monthly.sql", MRR);
  write("models/marts/churn_monthly.sql", CHURN);
  write("models/marts/customers.sql", CUSTOMERS);
  write("models/marts/marts.yml", YAML);
  const parquetDir = join(dir, "lake/raw/billing/subscriptions/load_date=2026-11-21");
  mkdirSync(parquetDir, { recursive: true });
  const db = await Db.open(":memory:");
  await db.run(`COPY (${RAW_ROWS}) TO ${literal(join(parquetDir, "part-0.parquet"))} (FORMAT parquet)`);
  db.close();
  const pulled = options.lastPull ?? "2026-11-21T05:30:00.000Z";
  write(
    "lake/state/billing.json",
    JSON.stringify({
      version: 1,
      last_success_at: pulled,
      streams: { subscriptions: { last_success_at: pulled, rows_total: 1 } },
    }),
  );
  const project = loadProject(dir);
  const result = await build(project, { sidecar: catalogSidecar(project) });
  if (!result.ok)
    throw new Error(`fixture build failed: ${JSON.stringify(result.models.map((m) => [m.model, m.error]))}`);
  return { dir, project, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
