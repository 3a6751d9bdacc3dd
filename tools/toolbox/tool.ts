import type { z } from "zod";
import type { Citation } from "../citations.ts";
import type { ToolContext } from "../context.ts";

/** read: autonomous · recommend: proposes, a human decides · act: irreversible, needs a human's yes */
export type Authority = "read" | "recommend" | "act";

export interface ToolOutput {
  citations: Citation[];
}

export interface Tool<I extends z.ZodType = z.ZodType, O extends ToolOutput = ToolOutput> {
  name: string;
  description: string;
  authority: Authority;
  input: I;
  run(ctx: ToolContext, input: z.output<I>): Promise<O>;
  /** one line for receipts and --json tool_calls */
  summarize(output: O): string;
}

export function defineTool<I extends z.ZodType, O extends ToolOutput>(tool: Tool<I, O>): Tool<I, O> {
  return tool;
}

export type AnyTool = Tool<z.ZodType, ToolOutput>;
