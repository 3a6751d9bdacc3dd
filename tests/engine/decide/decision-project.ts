import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { writeProject } from "../../helpers.ts";

/**
 * A small SaaS project for the decision plane: twelve accounts from a CSV export (the signals a
 * customer-success team watches before a cancellation: logins against the month before, open tickets,
 * failed payments), one mart with a context column, and decisions/churn.yml over it.
 */
export const ACCOUNTS_CSV = `account_id,company,plan,mrr,status,logins_30d,logins_prev_30d,open_tickets,failed_payments_30d
acc_01,Northwind Traders,pro,490,active,212,205,0,0
acc_02,Contoso Pharmaceuticals,enterprise,2400,active,40,380,4,0
acc_03,Fabrikam Residences,starter,49,active,3,41,1,2
acc_04,Tailspin Toys,growth,199,active,88,90,0,1
acc_05,Wide World Importers,pro,490,active,150,160,2,0
acc_06,Adventure Works Cycles,growth,199,active,0,12,0,3
acc_07,Litware Inc,starter,49,active,30,28,0,0
acc_08,Proseware Inc,enterprise,3100,active,510,495,1,0
acc_09,Lucerne Publishing,growth,199,active,61,140,0,0
acc_10,Coho Winery,starter,49,active,19,22,0,0
acc_11,Margie's Travel,pro,490,canceled,0,0,0,0
acc_12,Alpine Ski House,growth,199,active,77,75,3,0
`;

export const PROJECT_YAML = `name: crm
sources:
  accounts:
    connector: files
    owner: ops@example.io
    config: { streams: [{ name: accounts, path: "data/accounts-*.csv", primary_key: account_id }] }
ai: { model: claude-haiku-4-5, escalate_model: claude-sonnet-4-6 }
`;

export const STAGING_SQL = `-- the latest row of each account: the last export wins (files are named in order)
select account_id, company, plan, cast(mrr as decimal(10, 2)) as mrr, status, logins_30d, logins_prev_30d,
       open_tickets, failed_payments_30d
from {{ source('accounts', 'accounts') }}
qualify row_number() over (partition by account_id order by _dp_loaded_at desc, _dp_file desc) = 1
`;

export const MART_SQL = `select *,
  format('Plan {}, MRR \${}. Logins: {} in the last 30 days, {} in the 30 days before. {} open support tickets. {} failed payments in the last 30 days.',
         plan, mrr, logins_30d, logins_prev_30d, open_tickets, failed_payments_30d) as context
from {{ ref('stg_accounts') }}
`;

export const MARTS_YML = `version: 1
models:
  - name: stg_accounts
    columns:
      - { name: account_id, tests: [not_null, unique] }
  - name: account_signals
    description: Every account with its churn signals and the context a decision reads
    owner: cs@example.io
    columns:
      - { name: account_id, tests: [not_null, unique] }
      - { name: company, pii: true }
      - { name: mrr, tests: [not_null] }
    tests:
      - expression: { name: mrr_non_negative, sql: "mrr >= 0" }
`;

export const CHURN_YML = `description: Accounts likely to cancel within 60 days
input: account_signals
key: account_id
where: "status = 'active'"
context: context
carry: [company, plan, mrr]
question: How likely is this account to cancel in the next 60 days?
owner: cs-lead@example.io
threshold: 0.7
labels:
  high:
    description: clear warning signs
    authority: autonomous
    act:
      tool: notify
      input: { to: outbox/churn.jsonl, text: "HIGH churn risk: {account_id} {company} ({plan}): {reason}", data: { id: "{decision_id}" } }
    false_positive: an hour of a CSM's time
  medium:
    authority: recommend
  low:
    authority: autonomous
  exec_review:
    description: a large account showing it may leave; an executive decides what to do
    authority: human_required
model:
  strong_for: [high]
budget: { usd: 1, rows: 100 }
rules:
  - { when: "plan = 'enterprise' and open_tickets >= 3", label: exec_review, confidence: 0.9, reason: "{open_tickets} open tickets on an enterprise account" }
  - { when: "failed_payments_30d >= 2 or logins_30d = 0", label: high, confidence: 0.9, reason: "{failed_payments_30d} failed payments, {logins_30d} logins" }
  - { when: "logins_30d < logins_prev_30d * 0.5", label: high, confidence: 0.55, reason: "logins fell from {logins_prev_30d} to {logins_30d}" }
  - { when: "open_tickets >= 2 or failed_payments_30d = 1", label: medium, confidence: 0.75, reason: "{open_tickets} open tickets, {failed_payments_30d} failed payment" }
  - { when: "true", label: low, confidence: 0.85, reason: "steady use: {logins_30d} logins" }
`;

/** Rules above, applied by hand to ACCOUNTS_CSV (acc_11 is canceled: not decided). */
export const EXPECTED_OFFLINE: Record<string, { label: string; status: string }> = {
  acc_01: { label: "low", status: "decided" },
  acc_02: { label: "exec_review", status: "needs_human" },
  acc_03: { label: "high", status: "acted" },
  acc_04: { label: "medium", status: "queued" },
  acc_05: { label: "medium", status: "queued" },
  acc_06: { label: "high", status: "acted" },
  acc_07: { label: "low", status: "decided" },
  acc_08: { label: "low", status: "decided" },
  acc_09: { label: "high", status: "queued" },
  acc_10: { label: "low", status: "decided" },
  acc_12: { label: "medium", status: "queued" },
};

export function decisionProject(overrides: Record<string, string> = {}): string {
  return writeProject({
    "project.yaml": PROJECT_YAML,
    "data/accounts-1.csv": ACCOUNTS_CSV,
    "models/staging/stg_accounts.sql": STAGING_SQL,
    "models/marts/account_signals.sql": MART_SQL,
    "models/marts/marts.yml": MARTS_YML,
    "decisions/churn.yml": CHURN_YML,
    ...overrides,
  });
}

/** Replace the accounts export with new rows (a new file: the files connector loads it on the next pull). */
export function writeAccounts(dir: string, csv: string, n = 2): void {
  writeFileSync(join(dir, `data/accounts-${n}.csv`), csv);
}
