import type { DecisionDef } from "../transform/decision-file.ts";

/**
 * The seam between the decision step and whoever decides. The engine never imports an LLM vendor
 * (those live in tools/providers/): the caller of `dp run` and `dp review` passes a Decider and an
 * ActRunner in, as the build gets its catalog sidecar from the layer above. Swapping the Decider
 * changes who answers and nothing else: same rows, same gate, same mart, same audit.
 */
export interface Decider {
  /** stored with every decision: "anthropic", "offline" */
  readonly name: string;
  /** what in the decision file changes this decider's answers (prompt, labels, models, rules); a change re-decides every row */
  fingerprint(decision: DecisionDef): string;
  /** the most one call may cost, so the budget stops before a call, not after it */
  maxCostUsd(request: DecisionRequest): number;
  decide(request: DecisionRequest): Promise<DecisionReply>;
}

/** The deterministic baseline: the first rule of the decision file that matches the row. */
export interface Baseline {
  label: string;
  confidence: number;
  reason: string;
}

export interface DecisionRequest {
  decision: DecisionDef;
  /** the model to ask: the decision's cheap model, or its strong one for a high-stakes label */
  model: string;
  /** the row's key, as text */
  key: string;
  /** what the model reads: the input's context column */
  context: string;
  baseline?: Baseline;
  signal?: AbortSignal;
}

export interface DecisionUsage {
  input_tokens: number;
  output_tokens: number;
}

interface ReplyBase {
  /** the model that answered ("rules" offline) */
  model: string;
  usage: DecisionUsage;
  costUsd: number;
  /** requests made (HTTP retries and re-asks included) */
  attempts: number;
}

/** A validated answer, or why there is none: never a guess. */
export type DecisionReply =
  | (ReplyBase & { ok: true; label: string; confidence: number; reason: string })
  | (ReplyBase & {
      ok: false;
      error: string;
      /** the API was unreachable or overloaded (after its own retries): the step stops sending */
      transient?: boolean;
    });

/** An act a label triggers, with its input filled from the decided row. */
export interface ActRequest {
  tool: string;
  input: Record<string, unknown>;
}

export interface ActApprovalInfo {
  /** authority_map: an autonomous label at or above the threshold · review: a human approved it in dp review */
  by: "authority_map" | "review";
  /** the human, for a review */
  who?: string;
  decision: string;
  decision_id: string;
}

export interface ActOutcome {
  ok: boolean;
  summary?: string;
  error?: string;
}

/** Runs a label's act through the same gate every act goes through (tools' callTool), audited there. */
export interface ActRunner {
  /** the tools whose authority is `act`: a decision file naming another is exit 2 */
  readonly actTools: string[];
  run(act: ActRequest, approval: ActApprovalInfo): Promise<ActOutcome>;
  /**
   * Acts run inside `fn` share what each would set up alone (the tools' context: the reader catalog),
   * released when it ends; for acts on one unchanged snapshot (a run's due acts, before its publish).
   */
  together?<T>(fn: () => Promise<T>): Promise<T>;
}

export interface DecisionServices {
  decider: Decider;
  acts: ActRunner;
}
