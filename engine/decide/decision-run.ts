/** What one decision did in one run: counted by its step, printed by `dp run`, kept in the run's history. */
export interface DecisionRun {
  decision: string;
  status: "ok" | "skipped" | "failed";
  /** one line for `dp run` */
  detail: string;
  where?: string;
  fix?: string;
  provider?: string;
  /** rows the decision covers now */
  rows: number;
  /** sent and answered in this run */
  decided: number;
  /** already decided on their current context: not sent, not billed */
  unchanged: number;
  failed: number;
  /** left for a later run (budget, an unavailable API, an interrupt) */
  pending: number;
  acted: number;
  actFailed: number;
  queued: number;
  needsHuman: number;
  costUsd: number;
  inputTokens: number;
  outputTokens: number;
  stoppedBy?: "budget_usd" | "budget_rows" | "unavailable" | "interrupted";
  durationMs: number;
}

export function emptyRun(decision: string, status: DecisionRun["status"], detail: string): DecisionRun {
  return {
    decision,
    status,
    detail,
    rows: 0,
    decided: 0,
    unchanged: 0,
    failed: 0,
    pending: 0,
    acted: 0,
    actFailed: 0,
    queued: 0,
    needsHuman: 0,
    costUsd: 0,
    inputTokens: 0,
    outputTokens: 0,
    durationMs: 0,
  };
}

/** "churn_risk: 642 rows, 12 decided, 630 unchanged, 3 acted, 5 queued for review; $0.0123 (anthropic)" */
export function describeRun(r: DecisionRun): string {
  const parts = [
    `${r.decided} decided`,
    `${r.unchanged} unchanged`,
    r.failed ? `${r.failed} failed` : "",
    r.pending ? `${r.pending} pending (${r.stoppedBy?.replace("_", " ") ?? "not sent"})` : "",
    r.acted ? `${r.acted} acted` : "",
    r.actFailed ? `${r.actFailed} acts failed` : "",
    r.queued ? `${r.queued} queued for review` : "",
    r.needsHuman ? `${r.needsHuman} need a human` : "",
  ].filter(Boolean);
  return `${r.decision}: ${r.rows} rows, ${parts.join(", ")}; $${r.costUsd.toFixed(4)} (${r.provider})`;
}

export function round6(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}
