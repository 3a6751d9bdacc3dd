import type { Project } from "../../engine/project.ts";
import { LlmAgent } from "../agent-loop.ts";
import { askOffline, type AskResult } from "../answer.ts";
import type { ToolContext } from "../context.ts";
import { TOOLS } from "../index.ts";
import { providerFor } from "../providers/index.ts";

export type AskFn = (ctx: ToolContext, question: string) => Promise<AskResult>;

export interface AskPath {
  planner: "offline" | "llm";
  ask: AskFn;
}

/**
 * The path `dp ask QUESTION` takes for the same flags (cli/ask.ts): the LLM agent when the project's
 * provider has a key and --offline is not given, else the offline planner. Evals never approve an act:
 * no human is there to say yes, so an export question ends as needs_approval, not as an export.
 */
export function askPath(project: Project, options: { offline: boolean }): AskPath {
  const provider = options.offline ? undefined : providerFor(project.config.ai);
  if (!provider) return { planner: "offline", ask: (ctx, q) => askOffline(ctx, q) };
  const ai = project.config.ai;
  return {
    planner: "llm",
    ask: (ctx, q) => {
      // a fresh agent per question: no conversation history carries over between golden questions
      const agent = new LlmAgent({ provider, escalateModel: ai.escalate_model });
      return agent.answer(q, ctx, TOOLS, { model: ai.model, maxToolCalls: ai.max_tool_calls, maxTokens: ai.max_tokens_per_question, allowAct: false, startedAt: performance.now() });
    },
  };
}
