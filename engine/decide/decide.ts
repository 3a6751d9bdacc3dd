import { createHash } from "node:crypto";
import { loadCatalog, type Catalog } from "../catalog/catalog.ts";
import { catalogSidecar } from "../catalog/catalog-cache.ts";
import { now } from "../clock.ts";
import { loadDecisions, type DecisionDef } from "../transform/decision-file.ts";
import type { Project } from "../config/project.ts";
import { appendAuditLine } from "../deliver/audit-log.ts";
import { asDpError, DpError } from "../errors.ts";
import { log } from "../log.ts";
import { type Db, qualified } from "../warehouse/duckdb.ts";
import { openWriter, publishSnapshot } from "../warehouse/snapshots.ts";
import { applyAuthority, fillAct } from "./authority.ts";
import type { DecisionReply, DecisionRequest, DecisionServices } from "./decider.ts";
import { checkInput, type InputRow, readInputRows } from "./input-rows.ts";
import {
  decidedContexts,
  ensureLedger,
  insertDecisions,
  latestDecisions,
  type LedgerRow,
  materializeMart,
  setActStatus,
} from "./ledger.ts";

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

export interface DecideOptions {
  runId: string;
  services?: DecisionServices;
  /** this run's build, model → status and why: the gate reads it */
  built?: Map<string, { status: string; error?: string }>;
  signal?: AbortSignal;
}

/** After this many answers in a row that the API could not give, the step stops sending and leaves the rest pending. */
const UNAVAILABLE_AFTER = 3;
const FLUSH_ROWS = 200;
const FLUSH_MS = 250;

/**
 * The decision step of `dp run`: each decision in decisions/ over its input mart, but only on a mart
 * this run built with every test passing (or, when the run did not select it, whose last build did);
 * then its mart, published for readers, then the autonomous acts.
 */
export async function runDecisions(project: Project, options: DecideOptions): Promise<DecisionRun[]> {
  const decisions = loadDecisions(project);
  if (!decisions.length) return [];
  const catalog = loadCatalog(project);
  const db = await openWriter(project);
  try {
    await ensureLedger(db);
    const runs: DecisionRun[] = [];
    for (const d of decisions) {
      const t0 = Date.now();
      const blocked = await gate(db, d, options.built);
      if (blocked) {
        log.warn(`decision ${d.name} not run: ${blocked}`, { step: "decide" });
        runs.push({
          ...emptyRun(d.name, "skipped", `${d.name} not run: ${blocked}; its previous decisions stay`),
          durationMs: Date.now() - t0,
        });
      } else if (!options.services) {
        runs.push({ ...emptyRun(d.name, "skipped", `${d.name} not run: no decider was given`), durationMs: 0 });
      } else {
        try {
          runs.push(await new DecisionStep(project, db, d, catalog, options, options.services).run());
        } catch (e) {
          const err = asDpError(e);
          log.error(`decision ${d.name} failed: ${err.message}`, { step: "decide" });
          runs.push({
            ...emptyRun(d.name, "failed", `${d.name} failed: ${err.message}`),
            where: err.where,
            fix: err.fix,
            durationMs: Date.now() - t0,
          });
        }
      }
    }
    return runs;
  } finally {
    db.close();
  }
}

/** Why a decision must not run now, or undefined: never on stale or failing data. */
async function gate(db: Db, d: DecisionDef, built: DecideOptions["built"]): Promise<string | undefined> {
  const here = built?.get(d.input);
  if (here) {
    if (here.status === "success") return undefined;
    return here.status === "failed"
      ? `its input marts.${d.input} failed to build or failed its tests${here.error ? ` (${here.error})` : ""}`
      : `its input marts.${d.input} was not rebuilt${here.error ? ` (${here.error})` : ""}`;
  }
  const last = await db.one<{ status: string }>(
    "SELECT status FROM _dp.model_runs WHERE model = $1 ORDER BY rowid DESC LIMIT 1",
    [d.input],
  );
  if (!last) return `its input marts.${d.input} has never been built`;
  return last.status === "success" ? undefined : `the last build of its input marts.${d.input} was ${last.status}`;
}

function emptyRun(decision: string, status: DecisionRun["status"], detail: string): Omit<DecisionRun, "durationMs"> {
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
  };
}

export function sha(text: string, length = 16): string {
  return createHash("sha256").update(text).digest("hex").slice(0, length);
}

/** One decision over its input in one run: read, skip what is decided, call within the budget, record, act. */
class DecisionStep {
  private readonly started = Date.now();
  private readonly result: DecisionRun;
  private promptHash = "";
  private spent = 0;
  private reserved = 0;
  private sent = 0;
  private unavailableStreak = 0;
  private waiting: (() => void)[] = [];
  private writes: Promise<void> = Promise.resolve();
  /** answers not yet in the ledger: written a few at a time, never held longer than FLUSH_MS */
  private unwritten: LedgerRow[] = [];
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private writeError: unknown;
  private previous = new Map<string, { decision_id: string; label: string | null; acted: boolean }>();

  constructor(
    private readonly project: Project,
    private readonly db: Db,
    private readonly d: DecisionDef,
    private readonly catalog: Catalog,
    private readonly options: DecideOptions,
    private readonly services: DecisionServices,
  ) {
    this.result = { ...emptyRun(d.name, "ok", ""), provider: services.decider.name, durationMs: 0 };
  }

  async run(): Promise<DecisionRun> {
    const { d, db, services } = this;
    this.checkActs();
    await checkInput(db, d, this.pii(d.input));
    const rows = await readInputRows(db, d);
    this.promptHash = sha(`${services.decider.name}\n${services.decider.fingerprint(d)}`);
    const done = await decidedContexts(db, d.name, this.promptHash);
    const todo = rows.filter((r) => !done.get(r.key)?.has(r.contextHash));
    this.previous = await latestDecisions(db, d.name);
    this.result.rows = rows.length;
    this.result.unchanged = rows.length - todo.length;
    log.info(`decision ${d.name}: ${todo.length} of ${rows.length} rows to decide (${services.decider.name})`, {
      step: "decide",
    });
    await this.pool(todo);
    await this.flush();
    this.result.pending = todo.length - this.result.decided - this.result.failed;
    // an API that stays down is a failed step (cron alerts on it); a budget reached is the plan working
    if (this.result.stoppedBy === "unavailable") this.result.status = "failed";
    const evaluatedAt = now().toISOString();
    await materializeMart(db, d, this.promptHash, evaluatedAt);
    await this.recordModelRun();
    await publishSnapshot(this.project, db, this.options.runId, catalogSidecar(this.project));
    if (await this.runDueActs()) {
      await materializeMart(db, d, this.promptHash, evaluatedAt);
      await publishSnapshot(this.project, db, this.options.runId, catalogSidecar(this.project));
    }
    await this.count();
    this.result.durationMs = Date.now() - this.started;
    this.result.detail = this.describe();
    appendAuditLine(this.project, {
      action: "decide_run",
      decision: d.name,
      run_id: this.options.runId,
      provider: services.decider.name,
      prompt_hash: this.promptHash,
      rows: this.result.rows,
      decided: this.result.decided,
      unchanged: this.result.unchanged,
      failed: this.result.failed,
      pending: this.result.pending,
      acted: this.result.acted,
      queued: this.result.queued,
      needs_human: this.result.needsHuman,
      input_tokens: this.result.inputTokens,
      output_tokens: this.result.outputTokens,
      cost_usd: round6(this.result.costUsd),
      budget: d.budget,
      stopped_by: this.result.stoppedBy ?? null,
      duration_ms: this.result.durationMs,
    });
    return this.result;
  }

  private pii(model: string): Set<string> {
    return new Set((this.catalog.models.get(model)?.columns ?? []).filter((c) => c.pii).map((c) => c.name));
  }

  private checkActs(): void {
    for (const [label, l] of Object.entries(this.d.labels)) {
      if (l.act && !this.services.acts.actTools.includes(l.act.tool))
        throw new DpError("CONFIG", `labels.${label}.act.tool "${l.act.tool}" is not a tool that acts`, {
          where: this.d.locate(["labels", label, "act", "tool"]),
          fix: `use one of: ${this.services.acts.actTools.join(", ")}`,
        });
    }
  }

  /** `concurrency` calls in flight; each reserves its worst-case cost first, so the budget is never passed. */
  private async pool(todo: InputRow[]): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < todo.length && !this.result.stoppedBy) {
        const row = todo[next++]!;
        if (this.options.signal?.aborted) this.result.stoppedBy = "interrupted";
        else if (this.sent >= this.d.budget.rows) this.result.stoppedBy = "budget_rows";
        else await this.decideRow(row);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.d.concurrency, todo.length) }, worker));
  }

  private async call(request: DecisionRequest): Promise<DecisionReply | undefined> {
    const estimate = this.services.decider.maxCostUsd(request);
    for (;;) {
      if (this.result.stoppedBy === "budget_usd" || this.spent + estimate > this.d.budget.usd) {
        this.result.stoppedBy ??= "budget_usd";
        return undefined;
      }
      if (this.spent + this.reserved + estimate <= this.d.budget.usd) break;
      // the calls in flight may cost less than their worst case: wait for one to settle, then look again
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    this.reserved += estimate;
    try {
      const reply = await this.services.decider.decide(request);
      // counted as spent before its reservation is released: a waiting call always sees it in one or the other
      this.spent += reply.costUsd;
      return reply;
    } catch (e) {
      // a decider that throws is a failed answer, never a guessed one
      return {
        ok: false,
        error: asDpError(e).message,
        transient: asDpError(e).transient,
        model: request.model,
        usage: { input_tokens: 0, output_tokens: 0 },
        costUsd: 0,
        attempts: 1,
      };
    } finally {
      this.reserved -= estimate;
      for (const wake of this.waiting.splice(0)) wake();
    }
  }

  private async decideRow(row: InputRow): Promise<void> {
    const { d } = this;
    const t0 = performance.now();
    const request: DecisionRequest = {
      decision: d,
      model: d.models.cheap,
      key: row.key,
      context: row.context,
      baseline: row.baseline,
      signal: this.options.signal,
    };
    this.sent++;
    const first = await this.call(request);
    // interrupted mid-call: nothing is recorded, the row is sent again next run (its answer, if any, is lost)
    if (!first || this.options.signal?.aborted) return void this.sent--;
    const usage = { ...first.usage };
    let cost = first.costUsd;
    let attempts = first.attempts;
    let reply = first;
    let note: string | undefined;
    if (first.ok && d.model.strong_for.includes(first.label) && d.models.strong !== d.models.cheap) {
      // a high-stakes label: the strong model decides the row again, and its answer stands
      const second = await this.call({ ...request, model: d.models.strong });
      if (second) {
        usage.input_tokens += second.usage.input_tokens;
        usage.output_tokens += second.usage.output_tokens;
        cost += second.costUsd;
        attempts += second.attempts;
        reply = second;
      } else note = `not confirmed by ${d.models.strong}: the budget ran out`;
    }
    this.result.costUsd += cost;
    this.result.inputTokens += usage.input_tokens;
    this.result.outputTokens += usage.output_tokens;
    const invalid = reply.ok ? this.invalid(reply) : undefined;
    if (!reply.ok && reply.transient) {
      this.unavailableStreak++;
      if (this.unavailableStreak >= UNAVAILABLE_AFTER) this.result.stoppedBy ??= "unavailable";
      // not recorded: the row stays pending and is sent again next run
      this.audit(row, reply, cost, usage, attempts, t0, { status: "unavailable", error: reply.error });
      return;
    }
    this.unavailableStreak = 0;
    const base = {
      decision_id: sha(`${d.name}|${row.key}|${row.contextHash}|${this.promptHash}|${this.options.runId}`, 10),
      decision: d.name,
      run_id: this.options.runId,
      row_key: row.key,
      context_hash: row.contextHash,
      prompt_hash: this.promptHash,
      provider: this.services.decider.name,
      model: reply.model,
      baseline_label: row.baseline?.label ?? null,
      input_tokens: usage.input_tokens,
      output_tokens: usage.output_tokens,
      cost_usd: round6(cost),
      latency_ms: Math.round(performance.now() - t0),
      attempts,
      decided_at: now().toISOString(),
    };
    let ledger: LedgerRow;
    if (!reply.ok || invalid) {
      this.result.failed++;
      const error = reply.ok ? invalid! : reply.error;
      ledger = {
        ...base,
        label: null,
        confidence: null,
        reason: null,
        authority: null,
        status: "failed",
        act_status: null,
        error,
      };
    } else {
      this.result.decided++;
      let applied = note
        ? ({ authority: "recommend", status: "queued" } as const)
        : applyAuthority(d, reply.label, reply.confidence);
      const before = this.previous.get(row.key);
      if (applied.status === "acted" && before?.label === reply.label && before.acted) {
        // the row changed but its label did not: its act ran once for this label, it does not run again
        applied = { authority: "autonomous", status: "decided" };
        note = `its act already ran for "${reply.label}" (decision ${before.decision_id})`;
      }
      ledger = {
        ...base,
        label: reply.label,
        confidence: reply.confidence,
        reason: reply.reason,
        authority: applied.authority,
        status: applied.status,
        act_status: applied.status === "acted" ? "pending" : null,
        error: note ?? null,
      };
    }
    this.audit(row, reply, cost, usage, attempts, t0, ledger);
    this.record(ledger);
  }

  /**
   * Answers paid for are written within FLUSH_MS (or FLUSH_ROWS), each batch one committed statement: a
   * killed run loses at most that much, and a fast decider (the rules: 640 rows in well under a second)
   * does not pay a commit per row.
   */
  private record(row: LedgerRow): void {
    this.unwritten.push(row);
    const later = () => void this.flush().catch(() => {});
    if (this.unwritten.length >= FLUSH_ROWS) later();
    else this.flushTimer ??= setTimeout(later, FLUSH_MS);
  }

  private async flush(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const rows = this.unwritten.splice(0);
    // a failed write is kept and thrown by the last flush, not left as an unhandled rejection
    this.writes = this.writes.then(() => insertDecisions(this.db, rows)).catch((e) => void (this.writeError ??= e));
    await this.writes;
    if (this.writeError) throw this.writeError;
  }

  /** The engine checks the decider's answer too: a label outside the file, a confidence outside 0–1 or no reason is no answer. */
  private invalid(reply: Extract<DecisionReply, { ok: true }>): string | undefined {
    if (!(reply.label in this.d.labels)) return `invalid answer: "${reply.label}" is not a label`;
    if (!(Number.isFinite(reply.confidence) && reply.confidence >= 0 && reply.confidence <= 1))
      return `invalid answer: confidence ${reply.confidence} is not between 0 and 1`;
    if (!reply.reason?.trim()) return "invalid answer: no reason";
    return undefined;
  }

  private audit(
    row: InputRow,
    reply: DecisionReply,
    cost: number,
    usage: { input_tokens: number; output_tokens: number },
    attempts: number,
    t0: number,
    recorded: Partial<LedgerRow> & { status: string },
  ): void {
    appendAuditLine(this.project, {
      action: "decide",
      decision: this.d.name,
      run_id: this.options.runId,
      decision_id: recorded.decision_id ?? null,
      key: row.key,
      provider: this.services.decider.name,
      model: reply.model,
      label: reply.ok ? reply.label : null,
      confidence: reply.ok ? reply.confidence : null,
      reason: reply.ok ? reply.reason : null,
      authority: recorded.authority ?? null,
      status: recorded.status,
      error: recorded.error ?? (reply.ok ? null : reply.error),
      prompt_hash: this.promptHash,
      context_hash: row.contextHash,
      input_tokens: usage.input_tokens,
      output_tokens: usage.output_tokens,
      cost_usd: round6(cost),
      attempts,
      latency_ms: Math.round(performance.now() - t0),
    });
  }

  /** Acts of autonomous answers not started yet (this run's, or a run killed before its acts); each at most once. */
  private async runDueActs(): Promise<boolean> {
    const { d, db } = this;
    // interrupted: the acts stay pending and run next time
    if (this.options.signal?.aborted) return false;
    const due = await db.all<Record<string, unknown> & { decision_id: string; label: string }>(
      `SELECT m.* FROM ${qualified("marts", d.name)} m JOIN _dp.decisions l USING (decision_id)
       WHERE l.act_status = 'pending' ORDER BY m.decision_id`,
    );
    const pii = this.pii(d.name);
    for (const row of due) {
      const act = fillAct(d, row.label, row, pii)!;
      // "running" is written before the act: a run killed mid-act never repeats it
      await setActStatus(db, row.decision_id, "running");
      const outcome = await this.services.acts
        .run(act, { by: "authority_map", decision: d.name, decision_id: row.decision_id })
        .catch((e) => ({ ok: false, error: asDpError(e).message }));
      await setActStatus(db, row.decision_id, outcome.ok ? "ok" : "failed", outcome.ok ? undefined : outcome.error);
      if (!outcome.ok)
        log.warn(`decision ${d.name}: the act of ${row.decision_id} failed: ${outcome.error}`, { step: "decide" });
    }
    return due.length > 0;
  }

  private async count(): Promise<void> {
    const mine = await this.db.all<{ status: string; act_status: string | null; n: number }>(
      "SELECT status, act_status, count(*) AS n FROM _dp.decisions WHERE decision = $1 AND run_id = $2 GROUP BY ALL",
      [this.d.name, this.options.runId],
    );
    for (const r of mine) {
      const n = Number(r.n);
      if (r.status === "acted" && r.act_status === "ok") this.result.acted += n;
      else if (r.status === "acted") this.result.actFailed += n;
      else if (r.status === "queued") this.result.queued += n;
      else if (r.status === "needs_human") this.result.needsHuman += n;
    }
  }

  private describe(): string {
    const r = this.result;
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

  /** The decisions mart in _dp.model_runs, as of its input, so citations carry as-of and status like any mart. */
  private async recordModelRun(): Promise<void> {
    await this.db.run(
      `INSERT INTO _dp.model_runs
       SELECT $1, $2, 'marts', 'decision', 'success', (SELECT count(*) FROM ${qualified("marts", this.d.name)}), $3, NULL,
         (SELECT as_of FROM _dp.model_runs WHERE model = $4 AND status = 'success' ORDER BY rowid DESC LIMIT 1),
         $5::TIMESTAMPTZ, $6`,
      [this.options.runId, this.d.name, Date.now() - this.started, this.d.input, now().toISOString(), this.promptHash],
    );
  }
}

function round6(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}
