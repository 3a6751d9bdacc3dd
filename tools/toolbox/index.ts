import { z } from "zod";
import { DpError } from "../../engine/errors.ts";
import { comparePeriods } from "./compare-periods.ts";
import type { ToolContext } from "../context.ts";
import { describeMart } from "./describe-mart.ts";
import { describeMetric } from "./describe-metric.ts";
import { explainLineage } from "./explain-lineage.ts";
import { exportMartTool } from "./export-mart.ts";
import { getFreshness } from "./get-freshness.ts";
import { listMetrics } from "./list-metrics.ts";
import { notifyTool } from "./notify.ts";
import { proposeMetric } from "./propose-metric.ts";
import { queryMetric } from "./query-metric.ts";
import { searchCatalog } from "./search-catalog.ts";
import type { AnyTool, ToolOutput } from "./tool.ts";
import { topN } from "./top-n.ts";

export const TOOLS: AnyTool[] = [
  listMetrics,
  describeMetric,
  describeMart,
  searchCatalog,
  queryMetric,
  comparePeriods,
  topN,
  getFreshness,
  explainLineage,
  proposeMetric,
  exportMartTool,
  notifyTool,
] as unknown as AnyTool[];

export function toolNamed(name: string): AnyTool {
  const t = TOOLS.find((x) => x.name === name);
  if (!t)
    throw new DpError("USAGE", `unknown tool "${name}"`, { fix: `use one of: ${TOOLS.map((x) => x.name).join(", ")}` });
  return t;
}

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

/** Validate the input against the tool's schema, then run it. Every caller (planner, agent, MCP) goes through here. */
export async function callTool(ctx: ToolContext, call: ToolCall): Promise<ToolCallResult> {
  const tool = toolNamed(call.name);
  const parsed = tool.input.safeParse(call.input);
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

/** The tools as an LLM sees them: name, description, JSON Schema of the input. */
export function toolSpecs(
  tools: AnyTool[] = TOOLS,
): { name: string; description: string; authority: string; input_schema: Record<string, unknown> }[] {
  return tools.map((t) => ({
    name: t.name,
    description: t.description,
    authority: t.authority,
    input_schema: z.toJSONSchema(t.input, { io: "input" }) as Record<string, unknown>,
  }));
}
