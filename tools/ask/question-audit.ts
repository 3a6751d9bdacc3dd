import { existsSync, readFileSync } from "node:fs";
import { appendAuditLine, auditPath } from "../../engine/deliver/audit-log.ts";
import { now } from "../../engine/clock.ts";
import type { Project } from "../../engine/config/project.ts";
import type { ActApproval } from "../context.ts";

export type AskState =
  | "received"
  | "planning"
  | "tool_calls"
  | "validating"
  | "answered"
  | "refused"
  | "needs_approval"
  | "failed";

export interface AuditedToolCall {
  name: string;
  authority: string;
  input: Record<string, unknown>;
  status: "ok" | "error" | "refused";
  /** bytes of the result as the model saw it */
  result_bytes: number;
  ms: number;
  approved_by?: ActApproval["by"];
  error?: string;
}

export interface AskAuditRecord {
  action: "ask";
  id: string;
  question: string;
  status: AskState;
  states: { state: AskState; ms: number }[];
  planner: "offline" | "llm";
  models: string[];
  tool_calls: AuditedToolCall[];
  tokens: { input: number; output: number };
  cost_usd: number;
  latency_ms: number;
  http_attempts: number;
  answer: string;
  number_mismatches: string[];
  /** LLM path: each model turn's stop_reason, in order, and what ended the loop */
  stop_reasons?: string[];
  stop?: string;
}

/** One line per ask in .dp/audit.jsonl, beside the exports' act lines. */
export function appendAskAudit(project: Project, record: AskAuditRecord): void {
  appendAuditLine(project, record);
}

export function readAudit(project: Project): Record<string, unknown>[] {
  const file = auditPath(project);
  if (!existsSync(file)) return [];
  const out: Record<string, unknown>[] = [];
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line));
    } catch {
      // a torn last line from a crash: skip it, the rest still counts
    }
  }
  return out;
}

/** USD spent on asks today (UTC), from the audit: the daily budget counts what was really billed. */
export function spentToday(project: Project, at: Date = now()): number {
  const day = at.toISOString().slice(0, 10);
  let sum = 0;
  for (const r of readAudit(project)) {
    if (r.action === "ask" && typeof r.at === "string" && r.at.startsWith(day) && typeof r.cost_usd === "number")
      sum += r.cost_usd;
  }
  return sum;
}

/** The offline planner's asks are audited too: every question leaves a line. */
export function auditOfflineAsk(
  project: Project,
  result: {
    question: string;
    status: string;
    tool_calls: { name: string; input: Record<string, unknown>; ms: number }[];
    latency_ms: number;
    answer: string;
  },
): void {
  appendAskAudit(project, {
    action: "ask",
    id: crypto.randomUUID(),
    question: result.question,
    status: result.status as AskState,
    states: [],
    planner: "offline",
    models: [],
    tool_calls: result.tool_calls.map((c) => ({
      name: c.name,
      authority: "read",
      input: c.input,
      status: "ok",
      result_bytes: 0,
      ms: c.ms,
    })),
    tokens: { input: 0, output: 0 },
    cost_usd: 0,
    latency_ms: result.latency_ms,
    http_attempts: 0,
    answer: result.answer,
    number_mismatches: [],
  });
}
