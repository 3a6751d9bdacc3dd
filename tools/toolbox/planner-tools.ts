import type { ToolContext } from "../context.ts";
import { runToolCall, type ToolCall, type ToolCallResult } from "./call.ts";
import { comparePeriods } from "./compare-periods.ts";
import { describeMart } from "./describe-mart.ts";
import { describeMetric } from "./describe-metric.ts";
import { explainLineage } from "./explain-lineage.ts";
import { getFreshness } from "./get-freshness.ts";
import { listMetrics } from "./list-metrics.ts";
import { queryMetric } from "./query-metric.ts";
import type { AnyTool } from "./tool.ts";
import { topN } from "./top-n.ts";

/** The read tools the offline planner's plans name (tools/planner/plan.ts). */
const PLANNER_TOOLS = [
  listMetrics,
  describeMetric,
  describeMart,
  queryMetric,
  comparePeriods,
  topN,
  getFreshness,
  explainLineage,
] as unknown as AnyTool[];

/**
 * callTool for the offline planner's calls: the same validation and run, without loading the tools no plan
 * names (search, proposals, export, notify and what they import), which a one-shot `dp ask` paid for at start.
 * Any other name goes through the whole toolbox, as before.
 */
export async function callPlannerTool(ctx: ToolContext, call: ToolCall): Promise<ToolCallResult> {
  const tool = PLANNER_TOOLS.find((t) => t.name === call.name);
  if (tool) return runToolCall(tool, ctx, call);
  const { callTool } = await import("./index.ts");
  return callTool(ctx, call);
}
