import { asDpError } from "../../engine/errors.ts";
import { qualityIssues, type Citation } from "../citations.ts";
import { beforeData } from "./before-data.ts";
import { beliefLines } from "./belief-lines.ts";
import { checkAnswer } from "./check-lines.ts";
import { answerValues, composeAnswer, datedAllTime, type AnswerValue, type RoledResult } from "./compose.ts";
import type { ToolContext } from "../context.ts";
import { callPlannerTool } from "../toolbox/planner-tools.ts";
import { planQuestion, type Plan, type Refusal } from "../planner/plan.ts";
import type { Interpretation } from "../planner/understand.ts";
import { oldestAsOf, receiptLines, testSummary, type TestSummary } from "./receipt.ts";

export type AskStatus = "answered" | "refused" | "needs_approval" | "failed";

export interface AskResult {
  status: AskStatus;
  question: string;
  /** the answer as printed, quality warnings first */
  answer: string;
  receipt: string[];
  warnings: string[];
  tool_calls: { name: string; role: string; input: Record<string, unknown>; summary: string; ms: number }[];
  citations: Citation[];
  /** offline path: the values the answer states, one per row (one per currency when amounts are in several) */
  values?: AnswerValue[];
  as_of: string | null;
  tests: TestSummary;
  planner: "offline" | "llm";
  /** the model that wrote the answer; null offline */
  model: string | null;
  tokens: { input: number; output: number };
  cost_usd: number;
  latency_ms: number;
  error?: { code: string; message: string; where?: string; fix?: string };
  /** how the question was read: metric, period with dates, filters, grain, group_by, why (offline planner) */
  interpretation?: Interpretation | Partial<Interpretation> | null;
  /** the nearest questions the planner can answer, when it refused or asked back */
  suggestions?: string[];
  /** LLM path: why the model's last turn stopped (end_turn, max_tokens, refusal, …) */
  stop_reason?: string;
  /** LLM path: the answer was cut off at the model's output limit */
  truncated?: boolean;
}

export function mergeCitations(results: { output: { citations: Citation[] } }[]): Citation[] {
  const byModel = new Map<string, Citation>();
  for (const r of results) for (const c of r.output.citations) if (!byModel.has(c.model)) byModel.set(c.model, c);
  return [...byModel.values()];
}

/** The planner's tools that read the marts (the others answer from the catalog). */
const QUERYING = new Set(["query_metric", "compare_periods", "top_n", "cohort"]);

/** The offline path of `dp ask`: plan without a model, run the typed tools, write the answer from their results. */
export async function askOffline(
  ctx: ToolContext,
  question: string,
  startedAt = performance.now(),
  planned?: Plan | Refusal,
): Promise<AskResult> {
  const base = { question, planner: "offline" as const, model: null, tokens: { input: 0, output: 0 }, cost_usd: 0 };
  const empty: TestSummary = { passed: 0, total: 0, failing: [] };
  const finish = (
    r: Omit<AskResult, "question" | "planner" | "model" | "tokens" | "cost_usd" | "latency_ms" | "receipt">,
  ): AskResult => {
    const latency = Math.round(performance.now() - startedAt);
    return { ...base, ...r, latency_ms: latency, receipt: receiptLines(r.citations, r.tests, 0, latency) };
  };
  const toolCalls: AskResult["tool_calls"] = [];
  let warming: Promise<unknown> | undefined;
  try {
    // the snapshot opens on DuckDB's threads while the planner runs on this one. DuckDB's module loads on this
    // thread, and only when it yields: awaited here, before the planner, so that the instance (20–40 ms of
    // DuckDB's own work) opens beside the planner; unawaited, the module loaded after the plan and the instance
    // opened after that, with this thread idle
    const opening = ctx.db();
    opening.catch(() => undefined);
    await ctx.engineLoaded?.();
    // the planner places a word only on the catalog: metric names, dimensions and their values as built
    if (!planned) await ctx.dimensionValues();
    const plan = planned ?? planQuestion(question, ctx.catalog);
    // a plan that queries the marts: the snapshot's base is attached as soon as it is open, beside the first call's
    // JavaScript, not at its first statement (a refusal, or an answer from the catalog alone, never attaches it)
    if (plan.status === "plan" && plan.calls.some((c) => QUERYING.has(c.name)))
      warming = opening.then(
        (d) => d.warm?.(),
        () => undefined,
      );
    // a snapshot that cannot be opened fails the ask before any refusal, as it did when it opened first
    await opening;
    const refused = (refusal: Refusal, citations: Citation[] = []) => {
      const lead =
        refusal.kind === "clarify"
          ? `I'm not sure what you mean: ${refusal.reason}.`
          : `I can't answer that from the marts: ${refusal.reason}.`;
      const near = refusal.suggestions?.length
        ? `\nNearest questions I can answer: ${refusal.suggestions.map((s) => `"${s}"`).join(", ")}.`
        : "";
      const answer = `${lead}${near}\nMetrics I know: ${refusal.known_metrics.join(", ") || "(none defined)"}.`;
      return finish({
        status: "refused",
        answer,
        interpretation: refusal.interpretation ?? null,
        ...(refusal.suggestions ? { suggestions: refusal.suggestions } : {}),
        warnings: [],
        tool_calls: toolCalls,
        citations,
        as_of: null,
        tests: empty,
      });
    };
    if (plan.status === "refusal") return refused(plan);
    const results: RoledResult[] = [];
    for (const call of plan.calls) {
      const r = await callPlannerTool(ctx, call);
      results.push({ ...r, role: call.role });
      toolCalls.push({ name: r.name, role: call.role, input: r.input, summary: r.summary, ms: r.ms });
    }
    const citations = mergeCitations(results);
    // "MRR in March 2025" when billing starts in May 2025: refused as no data, naming where it starts (before-data.ts)
    const early = beforeData(
      plan,
      results,
      ctx.catalog.metrics.map((m) => m.name),
    );
    if (early) return refused(early, citations);
    const status = await ctx.status();
    const tests = testSummary(ctx.catalog, status, citations);
    const warnings = qualityIssues(citations);
    const common = { tool_calls: toolCalls, citations, as_of: oldestAsOf(citations), tests, warnings };
    if (warnings.length && ctx.project.config.ai.quality_gate === "refuse") {
      const answer = [
        `I won't answer from data that failed its checks (ai.quality_gate: refuse):`,
        ...warnings.map((w) => `⚠ ${w}`),
      ].join("\n");
      return finish({ status: "refused", answer, ...common });
    }
    const interpretation = plan.interpretation && datedAllTime(plan.interpretation, results);
    // a belief check ("have we crossed $1M ARR yet") says yes or no first, with the numbers that settle it
    const lines = interpretation?.yes_no
      ? checkAnswer(plan.intent, results, interpretation)
      : composeAnswer(
          plan.intent,
          results,
          interpretation?.argmax?.direction,
          interpretation?.argmax?.n,
          interpretation,
        );
    const readAs = interpretation ? [`Read as: ${interpretation.read_as}.`] : [];
    // a belief checked ("was September our best month?"): the verdict after the numbers that settle it
    const verdict = beliefLines(interpretation?.check, results, interpretation?.argmax?.direction);
    // "… and how does it compare with the budget we set?": the other ask said plainly as not answered, no number
    const other = interpretation?.unanswered;
    if (other)
      verdict.push(
        `Not answered: "${other.ask}" — ${other.words.map((w) => `"${w}"`).join(", ")} ${other.words.length > 1 ? "are" : "is"} in no metric of the catalog, so I have no number for it.`,
      );
    return finish({
      status: "answered",
      answer: [...warnings.map((w) => `⚠ ${w}`), ...readAs, ...lines, ...verdict].join("\n"),
      ...common,
      values: answerValues(results, plan.intent),
      interpretation: interpretation ?? null,
    });
  } catch (e) {
    const err = asDpError(e);
    return finish({
      status: "failed",
      answer: `I couldn't answer: ${err.message}${err.fix ? `\n  fix: ${err.fix}` : ""}`,
      warnings: [],
      tool_calls: toolCalls,
      citations: [],
      as_of: null,
      tests: empty,
      error: { code: err.code, message: err.message, where: err.where, fix: err.fix },
    });
  } finally {
    // a call that failed before its first statement leaves the attach running: the caller closes the snapshot next
    await warming;
  }
}
