import type { AskResult } from "../ask/offline-answer.ts";
import type { Finish } from "./session.ts";
import type { Attempt } from "./turn.ts";

export interface StopContext {
  maxToolCalls: number;
  maxTokens: number;
  deadlineSeconds: number;
  dailyBudgetUsd: number;
  warnings: string[];
  describeAct: (r: { tool: string; input: Record<string, unknown> }) => string;
}

type Ended = { status: AskResult["status"]; fields: Finish };

const failed = (answer: string, message: string, fix: string, extra: Partial<Finish> = {}): Ended => ({
  status: "failed",
  fields: { answer, error: { code: "INTERNAL", message, fix }, ...extra },
});

/**
 * Every way an attempt ends without an answer to check, said plainly: an act waiting for a yes, a
 * gate, a bound, the model declining, a reply cut at its output limit. undefined: it answered.
 */
export function endedWithoutAnswer(run: Attempt, c: StopContext): Ended | undefined {
  switch (run.stop) {
    case "needs_approval":
      return {
        status: "needs_approval",
        fields: {
          answer: `This needs your yes: ${c.describeAct(run.pendingAct!)}.\nNothing was exported. Run it again with --yes, answer at the interactive prompt, or set ai.allow_act_unattended: true for unattended runs.`,
        },
      };
    case "quality_gate":
      return {
        status: "refused",
        fields: {
          answer: [
            `I won't answer from data that failed its checks (ai.quality_gate: refuse):`,
            ...c.warnings.map((w) => `⚠ ${w}`),
          ].join("\n"),
        },
      };
    case "budget":
      return {
        status: "refused",
        fields: {
          answer: `I stopped: today's AI budget of $${c.dailyBudgetUsd.toFixed(2)} is spent. Raise ai.daily_budget_usd or ask with --offline.`,
        },
      };
    case "refusal": {
      const why = run.stopDetails?.explanation ? ` (${run.stopDetails.explanation})` : "";
      return {
        status: "refused",
        fields: {
          answer: `The model declined to answer this question${why}. Nothing it wrote is shown. Rephrase it, or ask with --offline.`,
        },
      };
    }
    case "deadline":
      return failed(
        `I stopped: the question's deadline of ${c.deadlineSeconds} s (ai.deadline_seconds) passed before the model answered. Try again, ask something narrower, or use --offline.`,
        `the agent passed its deadline of ${c.deadlineSeconds} s`,
        "try again, or raise ai.deadline_seconds in project.yaml",
      );
    case "max_tokens":
      return failed(
        run.text
          ? `⚠ The model's answer was cut off at its output limit and is incomplete:\n${run.text}`
          : "The model's answer was cut off at its output limit before it said anything. Ask something narrower, or use --offline.",
        "the answer was cut off at the model's output limit (stop_reason max_tokens)",
        "ask a narrower question",
        { truncated: true },
      );
    case "max_tool_calls":
    case "token_cap": {
      const why =
        run.stop === "max_tool_calls"
          ? `after ${c.maxToolCalls} tool calls (ai.max_tool_calls)`
          : `at the token cap of ${c.maxTokens} (ai.max_tokens_per_question)`;
      return failed(
        `I stopped ${why} without an answer. Ask something narrower, or try --offline.`,
        `the agent stopped ${why}`,
        "ask a narrower question or raise the limit in project.yaml ai:",
      );
    }
    default:
      if (!run.text)
        return {
          status: "failed",
          fields: {
            answer: "The model returned no answer. Try again, or use --offline.",
            error: { code: "INTERNAL", message: "empty answer from the model" },
          },
        };
      return undefined;
  }
}
