import { z } from "zod";
import { cohortTool } from "./cohort.ts";
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
import type { AnyTool } from "./tool.ts";
import { topN } from "./top-n.ts";
import { runToolCall, toolIn, type ToolCall, type ToolCallResult } from "./call.ts";

export type { ToolCall, ToolCallResult };

export const TOOLS: AnyTool[] = [
  listMetrics,
  describeMetric,
  describeMart,
  searchCatalog,
  queryMetric,
  comparePeriods,
  cohortTool,
  topN,
  getFreshness,
  explainLineage,
  proposeMetric,
  exportMartTool,
  notifyTool,
] as unknown as AnyTool[];

export function toolNamed(name: string): AnyTool {
  return toolIn(TOOLS, name);
}

/** Validate the input against the tool's schema, then run it. Every caller (planner, agent, MCP) goes through here. */
export async function callTool(ctx: ToolContext, call: ToolCall): Promise<ToolCallResult> {
  return runToolCall(toolNamed(call.name), ctx, call);
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
