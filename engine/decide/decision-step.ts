import { didYouMean } from "../closest-name.ts";
import type { Catalog } from "../catalog/catalog.ts";
import { catalogSidecar } from "../catalog/catalog-cache.ts";
import { now } from "../clock.ts";
import type { Project } from "../config/project.ts";
import { appendAuditLine } from "../deliver/audit-log.ts";
import { asDpError, DpError } from "../errors.ts";
import { log } from "../log.ts";
import type { DecisionDef } from "../transform/decision-file.ts";
import { type Db, ident, qualified } from "../warehouse/duckdb.ts";
import { publishSnapshot } from "../warehouse/snapshots.ts";
import { type Applied, applyAuthority, fillAct } from "./authority.ts";
import { Budget } from "./budget.ts";
import type { DecisionReply, DecisionRequest, DecisionServices, DecisionUsage } from "./decider.ts";
import { type DecisionRun, describeRun, emptyRun, round6 } from "./decision-run.ts";
import { checkInput, type InputRow, readInputRows } from "./input-rows.ts";
import {
  decidedContexts,
  latestDecisions,
  LedgerWriter,
  type LedgerRow,
  materializeMart,
  refreshActOutcomes,
  setActStatuses,
  sha,
  writeMart,
} from "./ledger.ts";

export interface StepOptions {
  runId: string;
  signal?: AbortSignal;
  /** false: the caller publishes the writer once this step is done (dp run: with the build, one publish) */
  publish?: boolean;
}

/** After this many answers in a row that the API could not give, the step stops sending and leaves the rest pending. */
const UNAVAILABLE_AFTER = 3;

/** The answer that stands for a row (the strong model's for a high-stakes label), with what every call cost. */
interface Asked {
  reply: DecisionReply;
  usage: DecisionUsage;
  cost: number;
  attempts: number;
  note?: string;
}

/**
 * One decision over its input in one run: read the rows, skip those decided on their current context,
 * ask within the budget, record each answer with the authority applied, build and publish the mart, act.
 */
export class DecisionStep {
  private readonly started = Date.now();
  private readonly result: DecisionRun;
  private readonly budget: Budget;
  private readonly ledger: LedgerWriter;
  private promptHash = "";
  private sent = 0;
  private unavailableStreak = 0;
  private previous = new Map<string, { decision_id: string; label: string | null; acted: boolean }>();

  constructor(
    private readonly project: Project,
    private readonly db: Db,
    private readonly d: DecisionDef,
    private readonly catalog: Catalog,
    private readonly options: StepOptions,
    private readonly services: DecisionServices,
  ) {
    this.result = { ...emptyRun(d.name, "ok", ""), provider: services.decider.name };
    this.budget = new Budget(d.budget.usd);
    this.ledger = new LedgerWriter(db);
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
    Object.assign(this.result, { rows: rows.length, unchanged: rows.length - todo.length });
    log.info(`decision ${d.name}: ${todo.length} of ${rows.length} rows to decide (${services.decider.name})`, {
      step: "decide",
    });
    await this.pool(todo);
    await this.ledger.flush();
    this.result.pending = todo.length - this.result.decided - this.result.failed;
    // an API that stays down is a failed step (cron alerts on it); a budget reached is the plan working
    if (this.result.stoppedBy === "unavailable") this.result.status = "failed";
    await this.publish();
    await this.count();
    this.result.durationMs = Date.now() - this.started;
    this.result.detail = describeRun(this.result);
    this.auditRun();
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
          fix: didYouMean(l.act.tool, this.services.acts.actTools, { list: true }),
        });
    }
  }

  /** `concurrency` rows in flight, until the rows, the budget or the run run out. */
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

  private async decideRow(row: InputRow): Promise<void> {
    const t0 = performance.now();
    this.sent++;
    const asked = await this.ask(row);
    // not asked (budget) or interrupted mid-call: nothing is recorded, the row is sent again next run
    if (!asked || this.options.signal?.aborted) return void this.sent--;
    const { reply } = asked;
    this.result.costUsd += asked.cost;
    this.result.inputTokens += asked.usage.input_tokens;
    this.result.outputTokens += asked.usage.output_tokens;
    if (!reply.ok && reply.transient) {
      if (++this.unavailableStreak >= UNAVAILABLE_AFTER) this.result.stoppedBy ??= "unavailable";
      // not recorded: the row stays pending and is sent again next run
      return this.audit(row, asked, t0, { status: "unavailable", error: reply.error });
    }
    this.unavailableStreak = 0;
    const entry = this.ledgerRow(row, asked, t0);
    if (entry.status === "failed") this.result.failed++;
    else this.result.decided++;
    this.audit(row, asked, t0, entry);
    this.ledger.add(entry);
  }

  /** The cheap model; for a high-stakes label the strong one again, whose answer stands. */
  private async ask(row: InputRow): Promise<Asked | undefined> {
    const { d } = this;
    const request: DecisionRequest = {
      decision: d,
      model: d.models.cheap,
      key: row.key,
      context: row.context,
      baseline: row.baseline,
      signal: this.options.signal,
    };
    const first = await this.call(request);
    if (!first) return undefined;
    const asked: Asked = { reply: first, usage: { ...first.usage }, cost: first.costUsd, attempts: first.attempts };
    if (!first.ok || !d.model.strong_for.includes(first.label) || d.models.strong === d.models.cheap) return asked;
    const second = await this.call({ ...request, model: d.models.strong });
    if (!second) return { ...asked, note: `not confirmed by ${d.models.strong}: the budget ran out` };
    return {
      reply: second,
      usage: {
        input_tokens: asked.usage.input_tokens + second.usage.input_tokens,
        output_tokens: asked.usage.output_tokens + second.usage.output_tokens,
      },
      cost: asked.cost + second.costUsd,
      attempts: asked.attempts + second.attempts,
    };
  }

  private async call(request: DecisionRequest): Promise<DecisionReply | undefined> {
    const estimate = this.services.decider.maxCostUsd(request);
    if (!(await this.budget.reserve(estimate))) {
      this.result.stoppedBy ??= "budget_usd";
      return undefined;
    }
    let cost = 0;
    try {
      const reply = await this.services.decider.decide(request);
      cost = reply.costUsd;
      return reply;
    } catch (e) {
      // a decider that throws is a failed answer, never a guessed one
      const err = asDpError(e);
      const usage = { input_tokens: 0, output_tokens: 0 };
      return {
        ok: false,
        error: err.message,
        transient: err.transient,
        model: request.model,
        usage,
        costUsd: 0,
        attempts: 1,
      };
    } finally {
      this.budget.settle(estimate, cost);
    }
  }

  /** The answer as the ledger keeps it: checked again here, with the authority map applied. */
  private ledgerRow(row: InputRow, asked: Asked, t0: number): LedgerRow {
    const { d } = this;
    const { reply } = asked;
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
      input_tokens: asked.usage.input_tokens,
      output_tokens: asked.usage.output_tokens,
      cost_usd: round6(asked.cost),
      latency_ms: Math.round(performance.now() - t0),
      attempts: asked.attempts,
      decided_at: now().toISOString(),
    };
    const error = reply.ok ? this.invalid(reply) : reply.error;
    if (!reply.ok || error) {
      const none = { label: null, confidence: null, reason: null, authority: null, act_status: null };
      return { ...base, ...none, status: "failed", error: error ?? null };
    }
    let note = asked.note;
    let applied: Applied = note
      ? { authority: "recommend", status: "queued" }
      : applyAuthority(d, reply.label, reply.confidence);
    const before = this.previous.get(row.key);
    if (applied.status === "acted" && before?.label === reply.label && before.acted) {
      // the row changed but its label did not: its act ran once for this label, it does not run again
      applied = { authority: "autonomous", status: "decided" };
      note = `its act already ran for "${reply.label}" (decision ${before.decision_id})`;
    }
    return {
      ...base,
      label: reply.label,
      confidence: reply.confidence,
      reason: reply.reason,
      ...applied,
      act_status: applied.status === "acted" ? "pending" : null,
      error: note ?? null,
    };
  }

  /** The engine checks the decider's answer too: a label outside the file, a confidence outside 0–1 or no reason is no answer. */
  private invalid(reply: Extract<DecisionReply, { ok: true }>): string | undefined {
    if (!(reply.label in this.d.labels)) return `invalid answer: "${reply.label}" is not a label`;
    if (!(Number.isFinite(reply.confidence) && reply.confidence >= 0 && reply.confidence <= 1))
      return `invalid answer: confidence ${reply.confidence} is not between 0 and 1`;
    if (!reply.reason?.trim()) return "invalid answer: no reason";
    return undefined;
  }

  private audit(row: InputRow, asked: Asked, t0: number, recorded: Partial<LedgerRow> & { status: string }): void {
    const { reply } = asked;
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
      input_tokens: asked.usage.input_tokens,
      output_tokens: asked.usage.output_tokens,
      cost_usd: round6(asked.cost),
      attempts: asked.attempts,
      latency_ms: Math.round(performance.now() - t0),
    });
  }

  /**
   * The mart, recorded and published for readers; then the acts due, and the mart again with their outcome.
   * When the caller publishes (`publish: false`), readers see the mart once, with the acts' outcome: it is
   * computed into a temp table, the acts run from it, and the mart is written once (a table written twice
   * went to the WAL twice: ≈4 MB a run for the demo's 6,775 rows).
   */
  private async publish(): Promise<void> {
    const { d, db } = this;
    const evaluatedAt = now().toISOString();
    if (this.options.publish === false) {
      const temp = `dp_decide__${d.name}`;
      await materializeMart(db, d, this.promptHash, evaluatedAt, temp);
      try {
        await refreshActOutcomes(db, d, await this.runDueActs(ident(temp)), temp);
        await writeMart(db, d, temp, evaluatedAt);
      } finally {
        await db.run(`DROP TABLE IF EXISTS ${ident(temp)}`).catch(() => {});
      }
      await this.recordModelRun();
      return;
    }
    await materializeMart(db, d, this.promptHash, evaluatedAt);
    await this.recordModelRun();
    await publishSnapshot(this.project, db, this.options.runId, catalogSidecar(this.project));
    if (!(await this.runDueActs(qualified("marts", d.name))).length) return;
    await materializeMart(db, d, this.promptHash, evaluatedAt);
    await publishSnapshot(this.project, db, this.options.runId, catalogSidecar(this.project));
  }

  /**
   * Acts of autonomous answers not started yet (this run's, or a run killed before its acts); each at most
   * once. Returns the decisions whose act ran.
   */
  private async runDueActs(mart: string): Promise<string[]> {
    const { d, db } = this;
    // interrupted: the acts stay pending and run next time
    if (this.options.signal?.aborted) return [];
    const due = await db.all<Record<string, unknown> & { decision_id: string; label: string }>(
      `SELECT m.* FROM ${mart} m JOIN _dp.decisions l USING (decision_id)
       WHERE l.act_status = 'pending' ORDER BY m.decision_id`,
    );
    const pii = this.pii(d.name);
    const acts = this.services.acts;
    const all = async () => {
      // an act's outcome is written in the same commit as the next act's "running" (one commit an act,
      // not two): a run killed between them leaves that act "running", as before
      let outcome: { id: string; status: string; error?: string } | undefined;
      for (const row of due) {
        const act = fillAct(d, row.label, row, pii)!;
        // "running" is written before the act: a run killed mid-act never repeats it
        await setActStatuses(db, [...(outcome ? [outcome] : []), { id: row.decision_id, status: "running" }]);
        const out = await acts
          .run(act, { by: "authority_map", decision: d.name, decision_id: row.decision_id })
          .catch((e) => ({ ok: false, error: asDpError(e).message }));
        outcome = { id: row.decision_id, status: out.ok ? "ok" : "failed", error: out.ok ? undefined : out.error };
        if (!out.ok)
          log.warn(`decision ${d.name}: the act of ${row.decision_id} failed: ${out.error}`, { step: "decide" });
      }
      if (outcome) await setActStatuses(db, [outcome]);
    };
    if (due.length) await (acts.together ? acts.together(all) : all());
    return due.map((row) => row.decision_id);
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

  /** The decisions mart in _dp.model_runs, as of its input, so citations carry as-of and status like any mart. */
  private async recordModelRun(): Promise<void> {
    await this.db.run(
      `INSERT INTO _dp.model_runs (run_id, model, schema_name, materialized, status, rows, duration_ms, error, as_of, built_at, sql_hash)
       SELECT $1, $2, 'marts', 'decision', 'success', (SELECT count(*) FROM ${qualified("marts", this.d.name)}), $3, NULL,
         (SELECT as_of FROM _dp.model_runs WHERE model = $4 AND status = 'success' ORDER BY rowid DESC LIMIT 1),
         $5::TIMESTAMPTZ, $6`,
      [this.options.runId, this.d.name, Date.now() - this.started, this.d.input, now().toISOString(), this.promptHash],
    );
  }

  private auditRun(): void {
    const r = this.result;
    appendAuditLine(this.project, {
      action: "decide_run",
      decision: this.d.name,
      run_id: this.options.runId,
      provider: r.provider,
      prompt_hash: this.promptHash,
      rows: r.rows,
      decided: r.decided,
      unchanged: r.unchanged,
      failed: r.failed,
      pending: r.pending,
      acted: r.acted,
      queued: r.queued,
      needs_human: r.needsHuman,
      input_tokens: r.inputTokens,
      output_tokens: r.outputTokens,
      cost_usd: round6(r.costUsd),
      budget: this.d.budget,
      stopped_by: r.stoppedBy ?? null,
      duration_ms: r.durationMs,
    });
  }
}
