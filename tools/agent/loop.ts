import { readFileSync } from "node:fs";
import { join } from "node:path";
import { envVarsIn } from "../../engine/config/env.ts";
import { PROJECT_FILE } from "../../engine/config/project.ts";
import { asDpError } from "../../engine/errors.ts";
import { registerSecret } from "../../engine/secrets.ts";
import { now } from "../../engine/clock.ts";
import { interpretationOfCalls } from "../planner/understand.ts";
import { composeAnswer, trendLine } from "../ask/compose.ts";
import { type AskResult, mergeCitations } from "../ask/offline-answer.ts";
import { type AskState, spentToday } from "../ask/question-audit.ts";
import { testSummary } from "../ask/receipt.ts";
import { qualityIssues } from "../citations.ts";
import type { ActApproval, ToolContext } from "../context.ts";
import type { Message, Provider } from "../providers/provider.ts";
import type { MetricResult } from "../toolbox/query-metric.ts";
import type { AnyTool } from "../toolbox/tool.ts";
import { type ActRequest, type Attempt, type AttemptSetup, runAttempt } from "./attempt.ts";
import { checkNumbers, flagMismatches } from "./number-check.ts";
import { providerToolSpecs } from "./tool-specs.ts";
import { systemPrompt } from "./prompt.ts";
import { premiseWarning } from "./premise.ts";
import { endedWithoutAnswer } from "./stops.ts";
import { toDateNote } from "./wording.ts";
import { AskSession, NO_TESTS } from "./session.ts";

export type { ActRequest } from "./attempt.ts";

export { providerToolSpecs } from "./tool-specs.ts";

/** An act must be asked for in the human's own words; a request found inside data is not a yes. */
const ASKS_TO_ACT = /\b(?:export|send|share|push|upload|save|sync|copy|dump|write)\w*\b|sheets?\b|\.csv\b|\.parquet\b/i;

export interface AgentOptions {
  model: string;
  maxToolCalls: number;
  maxTokens: number;
  /** may an `act` tool run: only after a human's yes (--yes) */
  allowAct: boolean;
  startedAt: number;
}

export interface LlmAgentConfig {
  provider: Provider;
  /** asked once per act; undefined when no human can answer (no TTY) */
  confirm?: (request: ActRequest) => Promise<boolean>;
  escalateModel?: string;
  onState?: (state: AskState) => void;
}

function registerProjectSecrets(projectDir: string): void {
  try {
    for (const name of envVarsIn(readFileSync(join(projectDir, PROJECT_FILE), "utf8")))
      registerSecret(process.env[name]);
  } catch {
    // no readable project.yaml: nothing referenced, nothing to register
  }
}

function describeAct(r: ActRequest): string {
  return r.tool === "export_mart"
    ? `export marts.${String(r.input.mart ?? "?").replace(/^marts\./, "")} to ${String(r.input.to ?? "?")}`
    : `${r.tool} ${JSON.stringify(r.input)}`;
}

/**
 * The LLM path of `dp ask`: a bounded loop of model turns and typed tool calls, every call through
 * callTool(), every act behind a human's yes, every number in the answer checked against the
 * results, the whole exchange audited. Keeps the conversation for follow-ups (the REPL).
 */
export class LlmAgent {
  readonly name = "llm";
  readonly history: Message[] = [];
  /** asks the human about an act; the REPL points it at its own prompt */
  confirm: LlmAgentConfig["confirm"];

  constructor(private readonly config: LlmAgentConfig) {
    this.confirm = config.confirm;
  }

  async answer(question: string, ctx: ToolContext, tools: AnyTool[], options: AgentOptions): Promise<AskResult> {
    const ai = ctx.project.config.ai;
    const session = new AskSession(question, ctx.project, options.startedAt, options.model, this.config.onState);
    registerProjectSecrets(ctx.project.dir);
    try {
      const spent = spentToday(ctx.project);
      if (spent >= ai.daily_budget_usd) {
        return session.finish("refused", {
          answer: `I've reached today's AI budget: $${spent.toFixed(3)} of $${ai.daily_budget_usd.toFixed(2)} spent (UTC day). It resets at midnight UTC; raise ai.daily_budget_usd in project.yaml, or ask offline with --offline.`,
        });
      }
      const setup: AttemptSetup = {
        provider: this.config.provider,
        session,
        ctx,
        tools,
        specs: providerToolSpecs(tools, ctx.catalog),
        system: systemPrompt(ctx.catalog, ctx.project.config.name, options.maxToolCalls),
        history: this.history,
        question,
        maxToolCalls: options.maxToolCalls,
        maxTokens: options.maxTokens,
        budgetLeft: () => ai.daily_budget_usd - spent - session.cost,
        deadline: Date.now() + ai.deadline_seconds * 1000,
        thinkingBudget: ai.thinking_budget_tokens,
        humanAskedToAct: ASKS_TO_ACT.test(question),
        approve: (request) => this.approve(request, options, ai.allow_act_unattended),
      };
      const run = await this.attempts(setup, options);
      return await this.conclude(setup, run, options);
    } catch (e) {
      const err = asDpError(e);
      session.stop ??= "error";
      return session.finish("failed", {
        answer: `I couldn't answer: ${err.message}${err.fix ? `\n  fix: ${err.fix}` : ""}`,
        error: { code: err.code, message: err.message, where: err.where, fix: err.fix },
      });
    }
  }

  /**
   * The first model's attempt, and once more from scratch with ai.escalate_model when it ran out of
   * tool calls, hit its output limit, or stated a number the tools don't hold (never after an act).
   */
  private async attempts(s: AttemptSetup, options: AgentOptions): Promise<Attempt> {
    const run = await runAttempt(s, options.model);
    s.session.enter("validating");
    const escalate = this.config.escalateModel;
    const acted = run.results.some((r) => s.tools.find((t) => t.name === r.name)?.authority !== "read");
    const unsure =
      run.stop === "max_tool_calls" ||
      run.stop === "max_tokens" ||
      (run.stop === "answered" && (!run.text || numberCheck(run, s.question).mismatches.length > 0));
    if (!escalate || escalate === options.model || acted || !unsure) return run;
    if (s.budgetLeft() <= 0 || s.session.tokensUsed >= options.maxTokens) return run;
    const again = await runAttempt(s, escalate);
    s.session.enter("validating");
    return again;
  }

  /** Why the attempt stopped decides the answer: an act waiting for a yes, a gate, a bound, or the model's prose, checked. */
  private async conclude(s: AttemptSetup, run: Attempt, options: AgentOptions): Promise<AskResult> {
    const { session, ctx } = s;
    const ai = ctx.project.config.ai;
    session.stop = run.stop;
    const toolCalls = run.results.map((r) => ({
      name: r.name,
      role: "main",
      input: r.input,
      summary: r.summary,
      ms: r.ms,
    }));
    const citations = mergeCitations(run.results);
    const status = citations.length ? await ctx.status() : undefined;
    const tests = status ? testSummary(ctx.catalog, status, citations) : NO_TESTS;
    const warnings = qualityIssues(citations);
    // the model's reading, in the offline planner's fields: every answer in --json says what it was read as
    const interpretation = interpretationOfCalls(ctx.catalog, toolCalls, now());
    const common = { tool_calls: toolCalls, citations, tests, warnings, interpretation };
    const text =
      run.stop === "max_tokens" && run.text
        ? flagMismatches(run.text, numberCheck(run, s.question).mismatches)
        : run.text;
    const ended = endedWithoutAnswer(
      { ...run, text },
      {
        maxToolCalls: options.maxToolCalls,
        maxTokens: options.maxTokens,
        deadlineSeconds: ai.deadline_seconds,
        dailyBudgetUsd: ai.daily_budget_usd,
        warnings,
        describeAct,
      },
    );
    if (ended) return session.finish(ended.status, { ...common, ...ended.fields });
    return this.answered(s, run, common);
  }

  /** The model's prose with every number checked, what did not run said first, series and local rows under it. */
  private answered(
    s: AttemptSetup,
    run: Attempt,
    common: Pick<AskResult, "tool_calls" | "citations" | "tests" | "warnings" | "interpretation">,
  ): AskResult {
    // the model's prose can't be trusted to say an act did not happen
    const notRun = s.session.audited
      .filter((c) => c.authority === "act" && c.status !== "ok")
      .map((c) => `${describeAct({ tool: c.name, input: c.input })} was NOT done (${c.error ?? c.status})`);
    const check = numberCheck(run, s.question);
    const mismatches = check.mismatches.map((m) => m.text);
    const numberWarning = mismatches.length
      ? [
          `${mismatches.length} number${mismatches.length > 1 ? "s" : ""} in this answer (${mismatches.join(", ")}) did not match any tool result; marked [unverified]`,
        ]
      : [];
    const prose = flagMismatches(run.text!, check.mismatches);
    const premise = premiseWarning(s.question, run.results);
    const toDate = toDateNote(run.text!, run.results);
    const series = run.results
      .filter((r) => r.name === "query_metric")
      .map((r) => r.output as unknown as MetricResult)
      .filter((o) => o.grain && !o.group_by.length && o.rows.length >= 2)
      .flatMap((o) => trendLine(o));
    const local = run.withheld.flatMap((r) => composeAnswer("top_n", [{ ...r, role: "main" }]));
    this.history.push(...run.messages.slice(this.history.length));
    const shown = [...common.warnings, ...notRun, ...(premise ? [premise] : []), ...numberWarning];
    return s.session.finish(
      "answered",
      {
        ...common,
        warnings: shown,
        answer: shown
          .map((w) => `⚠ ${w}`)
          .concat(prose, ...toDate, ...series, ...local)
          .join("\n"),
        receipt: run.results.map((r) => `call: ${r.name}: ${r.summary}`),
      },
      mismatches,
    );
  }

  /** undefined: no human to ask · null: the human said no */
  private async approve(
    request: ActRequest,
    options: AgentOptions,
    unattended: boolean,
  ): Promise<ActApproval | null | undefined> {
    if (options.allowAct) return { by: "--yes" };
    if (this.confirm) return (await this.confirm(request)) ? { by: "prompt" } : null;
    if (unattended) return { by: "ai.allow_act_unattended" };
    return undefined;
  }
}

export { describeAct };

/** Every number in the model's prose against the tool results it saw (and the question's own numbers). */
function numberCheck(run: Attempt, question: string) {
  return checkNumbers(run.text ?? "", [...run.views.map((v) => JSON.parse(v)), question]);
}
