import { z } from "zod";
import { DpError } from "../../engine/errors.ts";
import type { ToolContext } from "../context.ts";
import type { AnyTool, ToolOutput } from "./tool.ts";

export interface ToolCall {
  name: string;
  input: Record<string, unknown>;
}

export interface ToolCallResult {
  name: string;
  input: Record<string, unknown>;
  output: ToolOutput & Record<string, unknown>;
  summary: string;
  ms: number;
}

/** The tool of that name among `tools`; an unknown name is a usage error naming them. */
export function toolIn(tools: AnyTool[], name: string): AnyTool {
  const t = tools.find((x) => x.name === name);
  if (!t)
    throw new DpError("USAGE", `unknown tool "${name}"`, { fix: `use one of: ${tools.map((x) => x.name).join(", ")}` });
  return t;
}

/** Validate the input against the tool's schema, then run it. */
export async function runToolCall(tool: AnyTool, ctx: ToolContext, call: ToolCall): Promise<ToolCallResult> {
  // jitless: zod compiles an object schema's fast path (new Function) at its first parse, ≈1–5 ms, which pays off
  // only over thousands of parses; a tool's input is parsed a few times per question (same checks, same result)
  const parsed = tool.input.safeParse(call.input, { jitless: true });
  if (!parsed.success) {
    throw new DpError("USAGE", `bad input for ${tool.name}: ${z.prettifyError(parsed.error).replaceAll("\n", " ")}`, {
      where: `tool ${tool.name}`,
      fix: "see the tool's input schema",
    });
  }
  if (tool.authority === "act" && !ctx.approval) {
    throw new DpError("USAGE", `${tool.name} acts (irreversible) and needs a human's yes`, {
      where: `tool ${tool.name}`,
      fix: "approve it at the prompt, or pass --yes",
    });
  }
  const t0 = performance.now();
  const output = (await tool.run(ctx, parsed.data)) as ToolOutput & Record<string, unknown>;
  return {
    name: tool.name,
    input: call.input,
    output,
    summary: tool.summarize(output),
    ms: Math.round(performance.now() - t0),
  };
}
