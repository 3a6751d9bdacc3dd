import { createHash } from "node:crypto";
import type { DecisionDef } from "../transform/decision-file.ts";
import { applyRowDiff, matchingColumns } from "../transform/materialize.ts";
import { type Db, ident, qualified } from "../warehouse/duckdb.ts";
import { inputSelect } from "./input-rows.ts";

/**
 * Every decision ever made (one row per row decided, failures too) and every human verdict on one.
 * The ledger is what idempotency reads (a row with a decision for its current context and prompt is
 * not sent again) and what the decisions mart is built from.
 */
export async function ensureLedger(db: Db): Promise<void> {
  await db.run(`CREATE SCHEMA IF NOT EXISTS _dp;
    CREATE TABLE IF NOT EXISTS _dp.decisions (
      decision_id VARCHAR, decision VARCHAR, run_id VARCHAR, row_key VARCHAR, context_hash VARCHAR, prompt_hash VARCHAR,
      provider VARCHAR, model VARCHAR, label VARCHAR, confidence DOUBLE, reason VARCHAR, baseline_label VARCHAR,
      authority VARCHAR, status VARCHAR, act_status VARCHAR, error VARCHAR,
      input_tokens BIGINT, output_tokens BIGINT, cost_usd DOUBLE, latency_ms BIGINT, attempts INTEGER, decided_at TIMESTAMPTZ);
    CREATE TABLE IF NOT EXISTS _dp.decision_reviews (
      decision_id VARCHAR, decision VARCHAR, verdict VARCHAR, reviewed_by VARCHAR, note VARCHAR, reviewed_at TIMESTAMPTZ,
      act_status VARCHAR, act_error VARCHAR)`);
}

export interface LedgerRow {
  decision_id: string;
  decision: string;
  run_id: string;
  row_key: string;
  context_hash: string;
  prompt_hash: string;
  provider: string;
  model: string;
  label: string | null;
  confidence: number | null;
  reason: string | null;
  baseline_label: string | null;
  authority: string | null;
  status: string;
  act_status: string | null;
  error: string | null;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  latency_ms: number;
  attempts: number;
  decided_at: string;
}

const LEDGER_COLUMNS: (keyof LedgerRow)[] = [
  "decision_id",
  "decision",
  "run_id",
  "row_key",
  "context_hash",
  "prompt_hash",
  "provider",
  "model",
  "label",
  "confidence",
  "reason",
  "baseline_label",
  "authority",
  "status",
  "act_status",
  "error",
  "input_tokens",
  "output_tokens",
  "cost_usd",
  "latency_ms",
  "attempts",
  "decided_at",
];

/**
 * Rows in one statement (each cell travels as JSON text and takes its column's type), committed at once:
 * a run killed after this call never pays for these rows again.
 */
export async function insertDecisions(db: Db, rows: LedgerRow[]): Promise<void> {
  if (!rows.length) return;
  const cells = LEDGER_COLUMNS.map((_, k) => `r[${k + 1}]`).join(", ");
  const text = JSON.stringify(
    rows.map((row) => LEDGER_COLUMNS.map((c) => (row[c] === null || row[c] === undefined ? null : String(row[c])))),
  );
  await db.run(`INSERT INTO _dp.decisions SELECT ${cells} FROM (SELECT unnest(from_json($1, '[["VARCHAR"]]')) AS r)`, [
    text,
  ]);
}

/**
 * Answers paid for reach the ledger within FLUSH_MS (or FLUSH_ROWS), each batch one committed statement:
 * a killed run loses at most that much, and a fast decider (the rules: 640 rows in well under a second)
 * does not pay a commit per row. A failed write is thrown by the next flush, never left unhandled.
 */
export class LedgerWriter {
  private unwritten: LedgerRow[] = [];
  private writes: Promise<void> = Promise.resolve();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private error: unknown;

  constructor(private readonly db: Db) {}

  add(row: LedgerRow): void {
    this.unwritten.push(row);
    const later = () => void this.flush().catch(() => {});
    if (this.unwritten.length >= FLUSH_ROWS) later();
    else this.timer ??= setTimeout(later, FLUSH_MS);
  }

  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const rows = this.unwritten.splice(0);
    this.writes = this.writes.then(() => insertDecisions(this.db, rows)).catch((e) => void (this.error ??= e));
    await this.writes;
    if (this.error) throw this.error;
  }
}

const FLUSH_ROWS = 200;
const FLUSH_MS = 250;

/** Short hex ids and hashes: decision ids people type, prompt hashes people compare. */
export function sha(text: string, length = 16): string {
  return createHash("sha256").update(text).digest("hex").slice(0, length);
}

/** Several decisions' act status in one statement (one commit). */
export async function setActStatuses(db: Db, updates: { id: string; status: string; error?: string }[]): Promise<void> {
  if (!updates.length) return;
  const values = updates
    .map((_, i) => `($${3 * i + 1}::VARCHAR, $${3 * i + 2}::VARCHAR, $${3 * i + 3}::VARCHAR)`)
    .join(", ");
  await db.run(
    `UPDATE _dp.decisions AS d SET act_status = u.status, error = coalesce(u.error, d.error)
     FROM (VALUES ${values}) AS u(id, status, error) WHERE d.decision_id = u.id`,
    updates.flatMap((u) => [u.id, u.status, u.error ? `act failed: ${u.error}` : null]),
  );
}

/**
 * Rows already decided under this prompt: key → the context hashes each was decided on. A failed row
 * (a refusal, an answer invalid twice) is final for its context too: the same question would cost the
 * same again. An API that was unreachable leaves no row, so that row is sent next run.
 */
export async function decidedContexts(db: Db, decision: string, promptHash: string): Promise<Map<string, Set<string>>> {
  const rows = await db.all<{ row_key: string; context_hash: string }>(
    "SELECT DISTINCT row_key, context_hash FROM _dp.decisions WHERE decision = $1 AND prompt_hash = $2",
    [decision, promptHash],
  );
  const out = new Map<string, Set<string>>();
  for (const r of rows) out.set(r.row_key, (out.get(r.row_key) ?? new Set()).add(r.context_hash));
  return out;
}

/** Each row's latest decision, with whether its act ran (autonomously or on a human's approval). */
export async function latestDecisions(
  db: Db,
  decision: string,
): Promise<Map<string, { decision_id: string; label: string | null; acted: boolean }>> {
  const rows = await db.all<{ row_key: string; decision_id: string; label: string | null; acted: boolean }>(
    `SELECT d.row_key, d.decision_id, d.label,
       coalesce(d.act_status IN ('ok', 'running'), false) OR coalesce(r.act_status IN ('ok', 'running'), false) AS acted
     FROM _dp.decisions d
     LEFT JOIN (SELECT * FROM _dp.decision_reviews WHERE decision = $1
                QUALIFY row_number() OVER (PARTITION BY decision_id ORDER BY reviewed_at DESC, rowid DESC) = 1) r
       USING (decision_id)
     WHERE d.decision = $1
     QUALIFY row_number() OVER (PARTITION BY d.row_key ORDER BY d.decided_at DESC, d.rowid DESC) = 1`,
    [decision],
  );
  return new Map(rows.map((r) => [r.row_key, r]));
}

export interface Verdict {
  decision_id: string;
  decision: string;
  verdict: "approved" | "rejected";
  reviewed_by: string;
  note: string | null;
  reviewed_at: string;
  act_status: string | null;
  act_error: string | null;
}

export async function insertVerdict(db: Db, v: Verdict): Promise<void> {
  await db.run("INSERT INTO _dp.decision_reviews VALUES ($1, $2, $3, $4, $5, $6::TIMESTAMPTZ, $7, $8)", [
    v.decision_id,
    v.decision,
    v.verdict,
    v.reviewed_by,
    v.note,
    v.reviewed_at,
    v.act_status,
    v.act_error,
  ]);
}

/**
 * marts.<decision>: every row the decision covers now (its input, filtered), with the decision made on
 * its current context under the current prompt, or `pending` when there is none yet; a human's verdict
 * overrides the status. Rebuilt from the input and the ledger, so it never holds a stale row.
 */
export async function materializeMart(
  db: Db,
  decision: DecisionDef,
  promptHash: string,
  evaluatedAt: string,
  /** where the rows go: the mart (default), or a temp table (`CREATE OR REPLACE TEMP TABLE <into>`) */
  into?: string,
): Promise<number> {
  const target = into ? `TEMP TABLE ${ident(into)}` : `TABLE ${qualified("marts", decision.name)}`;
  const carried = [decision.key, ...decision.carry.filter((c) => c !== decision.key)];
  const input = inputSelect(
    decision,
    carried.map((c) => `${ident(c)} AS ${ident(`__dp_c_${c}`)}`),
  );
  await db.run(
    `CREATE OR REPLACE ${target} AS
     WITH input AS (${input}),
     latest AS (
       SELECT * FROM _dp.decisions WHERE decision = $1 AND prompt_hash = $2
       QUALIFY row_number() OVER (PARTITION BY row_key, context_hash ORDER BY decided_at DESC, rowid DESC) = 1),
     verdict AS (
       SELECT * FROM _dp.decision_reviews WHERE decision = $1
       QUALIFY row_number() OVER (PARTITION BY decision_id ORDER BY reviewed_at DESC, rowid DESC) = 1)
     SELECT ${carried.map((c) => `i.${ident(`__dp_c_${c}`)} AS ${ident(c)}`).join(", ")},
       i.__dp_context AS context, d.label, d.confidence, d.reason, d.authority,
       CASE WHEN d.decision_id IS NULL THEN 'pending'
            WHEN coalesce(v.act_status, d.act_status) = 'failed' THEN 'act_failed'
            ELSE coalesce(v.verdict, d.status) END AS status,
       coalesce(v.act_status, d.act_status) AS act_status, coalesce(v.act_error, d.error) AS note,
       d.baseline_label, d.provider, d.model, d.prompt_hash, i.__dp_context_hash AS context_hash,
       d.input_tokens, d.output_tokens, d.cost_usd, d.latency_ms, d.decision_id, d.decided_at,
       v.reviewed_by, v.reviewed_at, $3::TIMESTAMPTZ AS evaluated_at
     FROM input i
     LEFT JOIN latest d ON d.row_key = i.__dp_key AND d.context_hash = i.__dp_context_hash
     LEFT JOIN verdict v ON v.decision_id = d.decision_id
     ORDER BY i.__dp_key`,
    [decision.name, promptHash, evaluatedAt],
  );
  const n = await db.one<{ n: number }>(
    `SELECT count(*) AS n FROM ${into ? ident(into) : qualified("marts", decision.name)}`,
  );
  return Number(n?.n ?? 0);
}

/**
 * Writes the decision's mart from the temp table materializeMart filled, changing only the rows that differ (the
 * row diff of table models, materialize.ts) besides `evaluated_at`, which every row carries and is then set on all
 * of them. Written whole it went to the WAL whole, ≈ 4 MB a run for the demo's 6,775 rows, of which a 15-minute
 * run changes the ≈ 1,000 it decides. A mart whose columns changed, or that does not exist yet, is written whole.
 */
export async function writeMart(db: Db, decision: DecisionDef, temp: string, evaluatedAt: string): Promise<void> {
  const mart = qualified("marts", decision.name);
  const names = (await hasMart(db, decision.name))
    ? await matchingColumns(db, "marts", decision.name, temp)
    : undefined;
  if (!names) {
    await db.run(`CREATE OR REPLACE TABLE ${mart} AS SELECT * FROM ${ident(temp)}`);
    return;
  }
  const added = `${temp}__added`;
  await db.transaction(async () => {
    try {
      await applyRowDiff(
        db,
        mart,
        temp,
        names.filter((c) => c !== "evaluated_at"),
        added,
      );
      await db.run(
        `UPDATE ${mart} SET evaluated_at = $1::TIMESTAMPTZ WHERE evaluated_at IS DISTINCT FROM $1::TIMESTAMPTZ`,
        [evaluatedAt],
      );
    } finally {
      await db.run(`DROP TABLE IF EXISTS ${ident(added)}`).catch(() => {});
      await db.run(`DROP TABLE IF EXISTS ${ident(`${temp}__gone`)}`).catch(() => {});
    }
  });
}

/**
 * The mart's rows of these decisions after their acts ran: status, act_status and note as
 * materializeMart computes them, on those rows only.
 */
export async function refreshActOutcomes(
  db: Db,
  decision: DecisionDef,
  decisionIds: string[],
  /** a temp table materializeMart wrote, instead of the mart */
  into?: string,
): Promise<void> {
  if (!decisionIds.length) return;
  await db.run(
    `UPDATE ${into ? ident(into) : qualified("marts", decision.name)} AS m
     SET status = x.status, act_status = x.act_status, note = x.note
     FROM (
       SELECT d.decision_id,
         CASE WHEN coalesce(v.act_status, d.act_status) = 'failed' THEN 'act_failed'
              ELSE coalesce(v.verdict, d.status) END AS status,
         coalesce(v.act_status, d.act_status) AS act_status, coalesce(v.act_error, d.error) AS note
       FROM _dp.decisions d
       LEFT JOIN (
         SELECT * FROM _dp.decision_reviews WHERE decision = $1
         QUALIFY row_number() OVER (PARTITION BY decision_id ORDER BY reviewed_at DESC, rowid DESC) = 1) v
         USING (decision_id)
       WHERE d.decision = $1 AND d.decision_id IN (SELECT unnest(from_json($2, '["VARCHAR"]')))) x
     WHERE m.decision_id = x.decision_id`,
    [decision.name, JSON.stringify(decisionIds)],
  );
}

/** Whether a decision's mart exists yet (a decision that never ran has none). */
export async function hasMart(db: Db, name: string): Promise<boolean> {
  const found = await db.one(
    "SELECT 1 FROM information_schema.tables WHERE table_schema = 'marts' AND table_name = $1",
    [name],
  );
  return !!found;
}
