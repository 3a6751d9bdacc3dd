import type { Project } from "../../engine/config/project.ts";
import type { ActRequest, AgentOptions, LlmAgent } from "../agent/loop.ts";
import { askOffline, type AskResult } from "./offline-answer.ts";
import type { AskState } from "./question-audit.ts";
import type { ToolContext } from "../context.ts";
import { providerFor } from "../providers/index.ts";

export type AskFn = (ctx: ToolContext, question: string, startedAt?: number) => Promise<AskResult>;

export interface AskPathOptions {
  /** --offline: the offline planner even when the project's provider has a key */
  offline: boolean;
  /** --yes: tools that act (export, send) run without asking; evals never set it */
  allowAct?: boolean;
  /** asks a human to approve an act; without it an act ends as needs_approval */
  confirm?: (request: ActRequest) => Promise<boolean>;
  onState?: (state: AskState) => void;
}

export interface AskPath {
  planner: "offline" | "llm";
  /** a fresh agent (no conversation history), or undefined on the offline path */
  newAgent: () => Promise<LlmAgent | undefined>;
  /** the agent's limits from project.yaml's ai: block */
  agentOptions: (startedAt?: number) => AgentOptions;
  /** one question, with no history: a fresh agent per call on the LLM path, else the offline planner */
  ask: AskFn;
}

/**
 * The one place that decides how `dp ask` answers (used by cli/ask.ts and by dp eval): the LLM agent
 * when the project's provider has a key and --offline is not given, else the offline planner.
 */
export function chooseAskPath(project: Project, options: AskPathOptions): AskPath {
  const ai = project.config.ai;
  const provider = options.offline ? undefined : providerFor(ai);
  const agentOptions = (startedAt = performance.now()): AgentOptions => ({
    model: ai.model,
    maxToolCalls: ai.max_tool_calls,
    maxTokens: ai.max_tokens_per_question,
    allowAct: !!options.allowAct,
    startedAt,
  });
  if (!provider)
    return {
      planner: "offline",
      newAgent: async () => undefined,
      agentOptions,
      ask: (ctx, q, startedAt) => askOffline(ctx, q, startedAt),
    };
  // the agent and the whole toolbox load here, on the LLM path only: an offline ask never reads them
  const newAgent = async () => {
    const { LlmAgent } = await import("../agent/loop.ts");
    return new LlmAgent({
      provider,
      confirm: options.confirm,
      escalateModel: ai.escalate_model,
      onState: options.onState,
    });
  };
  return {
    planner: "llm",
    newAgent,
    agentOptions,
    ask: async (ctx, q, startedAt) => {
      const { TOOLS } = await import("../toolbox/index.ts");
      return (await newAgent()).answer(q, ctx, TOOLS, agentOptions(startedAt));
    },
  };
}
