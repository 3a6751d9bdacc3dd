import type { AskResult } from "./offline-answer.ts";
import type { ToolContext } from "../context.ts";
import type { AnyTool } from "../toolbox/tool.ts";

/**
 * The seam for the LLM path of `dp ask`: an agent gets the same typed tools the offline planner
 * uses (`TOOLS`, described to the model by `toolSpecs()`), calls them only through `callTool()`,
 * and returns the same AskResult, so `--json`, receipts and the quality gate don't change.
 */
export interface Agent {
  readonly name: string;
  answer(question: string, ctx: ToolContext, tools: AnyTool[], options: AgentOptions): Promise<AskResult>;
}

export interface AgentOptions {
  model: string;
  maxToolCalls: number;
  maxTokens: number;
  /** may an `act` tool run: only after a human's yes (--yes) */
  allowAct: boolean;
  startedAt: number;
}
