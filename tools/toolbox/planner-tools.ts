import type { ToolContext } from "../context.ts";
import { runToolCall, type ToolCall, type ToolCallResult } from "./call.ts";
import type { AnyTool } from "./tool.ts";

/**
 * The read tools the offline planner's plans name (tools/planner/plan.ts), each loaded when a plan first calls
 * it: a churn question runs query_metric only, and the others' modules (their input schemas) cost start-up.
 */
const PLANNER_TOOLS: Record<string, () => Promise<unknown>> = {
  list_metrics: () => import("./list-metrics.ts").then((m) => m.listMetrics),
  describe_metric: () => import("./describe-metric.ts").then((m) => m.describeMetric),
  describe_mart: () => import("./describe-mart.ts").then((m) => m.describeMart),
  query_metric: () => import("./query-metric.ts").then((m) => m.queryMetric),
  compare_periods: () => import("./compare-periods.ts").then((m) => m.comparePeriods),
  top_n: () => import("./top-n.ts").then((m) => m.topN),
  cohort: () => import("./cohort.ts").then((m) => m.cohortTool),
  get_freshness: () => import("./get-freshness.ts").then((m) => m.getFreshness),
  explain_lineage: () => import("./explain-lineage.ts").then((m) => m.explainLineage),
};

/**
 * callTool for the offline planner's calls: the same validation and run, without loading the tools no plan
 * names (search, proposals, export, notify and what they import), which a one-shot `dp ask` paid for at start.
 * Any other name goes through the whole toolbox, as before.
 */
export async function callPlannerTool(ctx: ToolContext, call: ToolCall): Promise<ToolCallResult> {
  const load = Object.hasOwn(PLANNER_TOOLS, call.name) ? PLANNER_TOOLS[call.name] : undefined;
  if (load) return runToolCall((await load()) as AnyTool, ctx, call);
  const { callTool } = await import("./index.ts");
  return callTool(ctx, call);
}
