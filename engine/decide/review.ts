import { didYouMean } from "../closest-name.ts";
import { userInfo } from "node:os";
import { loadCatalog } from "../catalog/catalog.ts";
import { catalogSidecar } from "../catalog/catalog-cache.ts";
import { now } from "../clock.ts";
import { loadDecisions, type DecisionDef } from "../transform/decision-file.ts";
import type { Project } from "../config/project.ts";
import { appendAuditLine } from "../deliver/audit-log.ts";
import { DpError } from "../errors.ts";
import { newRunId } from "../ingest/lake-writer.ts";
import { type Db, ident, qualified } from "../warehouse/duckdb.ts";
import { openReader, openWriter, publishSnapshot } from "../warehouse/snapshots.ts";
import { fillAct } from "./authority.ts";
import type { ActRunner } from "./decider.ts";
import { ensureLedger, hasMart, insertVerdict } from "./ledger.ts";

/** Statuses that wait for a person: a recommendation, a human_required label, an act that failed. */
export const WAITING = ["queued", "needs_human", "act_failed"] as const;

export interface QueueItem {
  decision: string;
  decision_id: string;
  key_column: string;
  key: string;
  label: string;
  confidence: number;
  reason: string;
  status: string;
  /** why it waits, in words */
  why: string;
  /** what approving it runs, or null */
  act: string | null;
  owner: string;
  decided_at: string | null;
  /** the carried columns (pii masked) */
  carried: Record<string, unknown>;
}

function why(d: DecisionDef, row: Record<string, unknown>): string {
  const label = String(row.label);
  const l = d.labels[label];
  if (row.status === "act_failed") return `its act failed (${row.note ?? "see .dp/audit.jsonl"}); approve to try again`;
  if (l?.authority === "human_required") return `${label} is human_required: a person decides`;
  if (l?.authority === "recommend") return `${label} only recommends`;
  if (Number(row.confidence) < d.threshold) return `confidence ${row.confidence} is below the threshold ${d.threshold}`;
  return String(row.note ?? "waits for a person");
}

function actOf(d: DecisionDef, label: string): string | null {
  const act = d.labels[label]?.act;
  if (!act || d.labels[label]?.authority === "human_required") return null;
  const to = act.input.to ?? act.input.mart;
  return `${act.tool}${typeof to === "string" ? ` → ${to}` : ""}`;
}

/** What waits for a person, from the published snapshot (a run may be writing meanwhile). */
export async function reviewQueue(project: Project, options: { decision?: string } = {}): Promise<QueueItem[]> {
  const decisions = pick(loadDecisions(project), options.decision);
  const catalog = loadCatalog(project);
  const db = await openReader(project);
  const out: QueueItem[] = [];
  try {
    for (const d of decisions) {
      if (!(await hasMart(db, d.name))) continue;
      const pii = new Set(
        catalog
          .mart(d.name)
          .columns.filter((c) => c.pii)
          .map((c) => c.name),
      );
      const order = Object.keys(d.labels);
      // the file's first label first (the most severe, by convention), surest first, then by key
      const rows = (
        await db.all(
          `SELECT * FROM ${qualified("marts", d.name)} WHERE status IN ('queued', 'needs_human', 'act_failed')`,
        )
      ).sort(
        (a, b) =>
          order.indexOf(String(a.label)) - order.indexOf(String(b.label)) ||
          Number(b.confidence) - Number(a.confidence) ||
          String(a[d.key]).localeCompare(String(b[d.key])),
      );
      for (const r of rows)
        out.push({
          decision: d.name,
          decision_id: String(r.decision_id),
          key_column: d.key,
          key: String(r[d.key]),
          label: String(r.label),
          confidence: Number(r.confidence),
          reason: String(r.reason),
          status: String(r.status),
          why: why(d, r),
          act: actOf(d, String(r.label)),
          owner: d.owner,
          decided_at: r.decided_at === null ? null : String(r.decided_at),
          carried: Object.fromEntries(d.carry.map((c) => [c, pii.has(c) ? "***" : r[c]])),
        });
    }
  } finally {
    db.close();
  }
  return out;
}

function pick(decisions: DecisionDef[], name?: string): DecisionDef[] {
  if (!name) return decisions;
  const d = decisions.find((x) => x.name === name);
  if (!d)
    throw new DpError("USAGE", `no decision "${name}"`, {
      where: "--decision",
      fix: decisions.length
        ? didYouMean(
            name,
            decisions.map((x) => x.name),
          )
        : "add one under decisions/",
    });
  return [d];
}

export interface ReviewRequest {
  /** a decision_id, or a row's key */
  id: string;
  verdict: "approved" | "rejected";
  decision?: string;
  /** who decides (default: the OS user) */
  by?: string;
  note?: string;
}

export interface ReviewOutcome {
  decision: string;
  decision_id: string;
  key: string;
  label: string;
  verdict: "approved" | "rejected";
  by: string;
  act: { tool: string; status: "ok" | "failed"; summary?: string; error?: string } | null;
}

/**
 * A person's verdict on one waiting row; the caller holds the run lock. Approving a label with an act
 * runs it once: the verdict is written (act "running") before the act, so a crash can never repeat it,
 * and approving again works only when the act failed. The mart row changes in place and is published.
 */
export async function reviewDecision(
  project: Project,
  acts: ActRunner,
  request: ReviewRequest,
): Promise<ReviewOutcome> {
  const decisions = pick(loadDecisions(project), request.decision);
  const by = request.by?.trim() || process.env.USER || userInfo().username;
  const db = await openWriter(project);
  try {
    await ensureLedger(db);
    const { d, row } = await find(db, decisions, request.id);
    const id = String(row.decision_id);
    // the verdicts, not the mart, say whether a person already decided: a half-finished review cannot act twice
    const prior = await db.one<{
      verdict: string;
      reviewed_by: string;
      reviewed_at: string;
      act_status: string | null;
    }>(
      `SELECT verdict, reviewed_by, CAST(reviewed_at AS VARCHAR) AS reviewed_at, act_status FROM _dp.decision_reviews
       WHERE decision_id = $1 ORDER BY reviewed_at DESC, rowid DESC LIMIT 1`,
      [id],
    );
    const status = prior && prior.act_status !== "failed" ? prior.verdict : String(row.status);
    if (prior && prior.act_status !== "failed") Object.assign(row, prior);
    if (!(WAITING as readonly string[]).includes(status)) throw notWaiting(d, row, status);
    const label = String(row.label);
    const pii = new Set(
      loadCatalog(project)
        .mart(d.name)
        .columns.filter((c) => c.pii)
        .map((c) => c.name),
    );
    const act = request.verdict === "approved" ? fillAct(d, label, row, pii) : undefined;
    const at = now().toISOString();
    await insertVerdict(db, {
      decision_id: id,
      decision: d.name,
      verdict: request.verdict,
      reviewed_by: by,
      note: request.note ?? null,
      reviewed_at: at,
      act_status: act ? "running" : null,
      act_error: null,
    });
    let outcome: ReviewOutcome["act"] = null;
    if (act) {
      const r = await acts
        .run(act, { by: "review", who: by, decision: d.name, decision_id: id })
        .catch((e: Error) => ({ ok: false, error: e.message, summary: undefined }));
      outcome = { tool: act.tool, status: r.ok ? "ok" : "failed", summary: r.summary, error: r.error };
      await db.run(
        "UPDATE _dp.decision_reviews SET act_status = $2, act_error = $3 WHERE decision_id = $1 AND act_status = 'running'",
        [id, outcome.status, outcome.error ? `act failed: ${outcome.error}` : null],
      );
    }
    await db.run(
      `UPDATE ${qualified("marts", d.name)} SET status = $2, act_status = coalesce($3, act_status), note = coalesce($4, note),
         reviewed_by = $5, reviewed_at = $6::TIMESTAMPTZ WHERE decision_id = $1`,
      [
        id,
        outcome?.status === "failed" ? "act_failed" : request.verdict,
        outcome?.status ?? null,
        outcome?.error ? `act failed: ${outcome.error}` : (request.note ?? null),
        by,
        at,
      ],
    );
    await publishSnapshot(project, db, newRunId(now()), catalogSidecar(project));
    appendAuditLine(project, {
      action: "review",
      decision: d.name,
      decision_id: id,
      key: String(row[d.key]),
      label,
      confidence: Number(row.confidence),
      verdict: request.verdict,
      by,
      note: request.note ?? null,
      act: outcome,
    });
    return {
      decision: d.name,
      decision_id: id,
      key: String(row[d.key]),
      label,
      verdict: request.verdict,
      by,
      act: outcome,
    };
  } finally {
    db.close();
  }
}

async function find(
  db: Db,
  decisions: DecisionDef[],
  id: string,
): Promise<{ d: DecisionDef; row: Record<string, unknown> }> {
  const hits: { d: DecisionDef; row: Record<string, unknown> }[] = [];
  for (const d of decisions) {
    if (!(await hasMart(db, d.name))) continue;
    const rows = await db.all(
      `SELECT * FROM ${qualified("marts", d.name)} WHERE decision_id = $1 OR CAST(${ident(d.key)} AS VARCHAR) = $1`,
      [id],
    );
    for (const row of rows) hits.push({ d, row });
  }
  if (hits.length === 1) return hits[0]!;
  if (!hits.length)
    throw new DpError("NOT_FOUND", `no current decision has the id or key "${id}"`, {
      where: decisions.map((d) => `marts.${d.name}`).join(", ") || "decisions/",
      fix: "run `dp review` to list what waits, with its ids",
    });
  throw new DpError("USAGE", `"${id}" names rows in several decisions (${hits.map((h) => h.d.name).join(", ")})`, {
    fix: "pass --decision NAME, or use the decision_id",
  });
}

function notWaiting(d: DecisionDef, row: Record<string, unknown>, status: string): DpError {
  const id = String(row.decision_id);
  const done =
    status === "approved" || status === "rejected"
      ? `was already ${status} by ${row.reviewed_by} at ${row.reviewed_at}${row.act_status ? ` (its act: ${row.act_status})` : ""}`
      : status === "acted" || status === "decided"
        ? `was decided autonomously (${row.label}, status ${status}); nothing waits for a person`
        : `has no decision to review (status ${status})`;
  return new DpError("USAGE", `${d.name} ${id} ${done}`, {
    where: `marts.${d.name}`,
    fix: "run `dp review` to list what waits",
  });
}
