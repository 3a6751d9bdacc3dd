import { randomUUID } from "node:crypto";
import type { AskResult } from "../ask/offline-answer.ts";
import { appendAskAudit, type AskState, type AuditedToolCall } from "../ask/question-audit.ts";
import { oldestAsOf, receiptLines, type TestSummary } from "../ask/receipt.ts";
import { costUsd } from "../providers/pricing.ts";
import type { Usage } from "../providers/provider.ts";

export const NO_TESTS: TestSummary = { passed: 0, total: 0, failing: [] };

export type Finish = Partial<AskResult> & { answer: string };

/**
 * What one question costs and goes through, whatever path it takes: the states it passes, every tool
 * call, tokens, dollars, HTTP attempts and models; `finish` turns them into the AskResult and the
 * question's one audit line.
 */
export class AskSession {
  readonly states: { state: AskState; ms: number }[] = [];
  readonly audited: AuditedToolCall[] = [];
  readonly tokens = { input: 0, output: 0 };
  readonly models: string[] = [];
  /** each model turn's stop_reason, in order */
  readonly stopReasons: string[] = [];
  /** what ended the loop (answered, refusal, max_tokens, deadline, …) */
  stop?: string;
  cost = 0;
  httpAttempts = 0;
  private readonly t0 = performance.now();

  constructor(
    private readonly question: string,
    private readonly project: Parameters<typeof appendAskAudit>[0],
    private readonly startedAt: number,
    private readonly defaultModel: string,
    private readonly onState?: (state: AskState) => void,
  ) {
    this.enter("received");
  }

  enter(s: AskState): void {
    if (this.states.at(-1)?.state === s) return;
    this.states.push({ state: s, ms: Math.round(performance.now() - this.t0) });
    this.onState?.(s);
  }

  get tokensUsed(): number {
    return this.tokens.input + this.tokens.output;
  }

  /** One model reply's usage, priced for that model (a failed one too: its attempts and what they cost). */
  charge(model: string, usage: Usage, attempts: number, stopReason?: string): void {
    if (stopReason) this.stopReasons.push(stopReason);
    this.tokens.input += usage.input_tokens;
    this.tokens.output += usage.output_tokens;
    this.cost += costUsd(model, usage);
    this.httpAttempts += attempts;
  }

  finish(status: AskResult["status"], fields: Finish, mismatches: string[] = []): AskResult {
    this.enter(status);
    const latency = Math.round(performance.now() - this.startedAt);
    const citations = fields.citations ?? [];
    const tests = fields.tests ?? NO_TESTS;
    const { input, output } = this.tokens;
    const result: AskResult = {
      status,
      question: this.question,
      answer: fields.answer,
      receipt: [
        ...(fields.receipt ?? []),
        ...receiptLines(citations, tests, this.cost, latency),
        `${this.models.join(" → ") || this.defaultModel} · ${input + output} tokens (${input} in, ${output} out)`,
      ],
      warnings: fields.warnings ?? [],
      tool_calls: fields.tool_calls ?? [],
      citations,
      as_of: oldestAsOf(citations),
      tests,
      planner: "llm",
      model: this.models.at(-1) ?? null,
      tokens: { ...this.tokens },
      cost_usd: this.cost,
      latency_ms: latency,
      interpretation: fields.interpretation ?? null,
      ...(fields.error ? { error: fields.error } : {}),
      ...(this.stopReasons.length ? { stop_reason: this.stopReasons.at(-1) } : {}),
      ...(fields.truncated ? { truncated: true } : {}),
    };
    appendAskAudit(this.project, {
      action: "ask",
      id: randomUUID(),
      question: this.question,
      status,
      states: this.states,
      planner: "llm",
      models: this.models,
      tool_calls: this.audited,
      tokens: { ...this.tokens },
      cost_usd: this.cost,
      latency_ms: latency,
      http_attempts: this.httpAttempts,
      answer: result.answer,
      number_mismatches: mismatches,
      stop_reasons: this.stopReasons,
      ...(this.stop ? { stop: this.stop } : {}),
    });
    return result;
  }
}
