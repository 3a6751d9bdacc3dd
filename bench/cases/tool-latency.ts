import { loadProject } from "../../engine/config/project.ts";
import { createToolContext } from "../../tools/context.ts";
import { metricQuerySchema } from "../../engine/catalog/metric-query.ts";
import { runMetricQuery } from "../../tools/toolbox/query-metric.ts";
import { percentile } from "../lib/measure.ts";
import { absolute, type BenchContext, type CaseResult } from "../lib/types.ts";

const PERIODS = ["last_month", "this_year", "last_12_months", "all", "latest"];

/** p95 of query_metric over every metric × period × (no grain, by month), in one process on the scaled demo snapshot. */
export async function toolLatency(ctx: BenchContext, projectDir: string): Promise<CaseResult> {
  const tools = createToolContext(loadProject(projectDir));
  const times: number[] = [];
  let cold = 0;
  try {
    const t0 = performance.now();
    await tools.db();
    cold = performance.now() - t0;
    for (const metric of tools.catalog.metrics) {
      // a decision's mart is built by dp run's decide step, not by the dp build this bench runs
      if (tools.catalog.models.get(metric.mart)?.tags.includes("decision")) continue;
      for (const period of PERIODS) {
        for (const grain of [undefined, "month"]) {
          if (grain && (period === "latest" || metric.grain === "year")) continue;
          const input = metricQuerySchema.parse({ metric: metric.name, period, ...(grain ? { grain } : {}) });
          const t = performance.now();
          await runMetricQuery(tools, input);
          times.push(performance.now() - t);
        }
      }
    }
  } finally {
    tools.close();
  }
  const p95 = percentile(times, 95);
  ctx.log(
    `query_metric: ${times.length} calls, p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms`,
  );
  return absolute(`tool latency: query_metric p95 (${times.length} calls)`, "ms", p95, 100, {
    detail: `p50 ${percentile(times, 50).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms; opening the snapshot once: ${cold.toFixed(0)} ms`,
  });
}
