import { z } from "zod";
import { citationFor } from "../citations.ts";
import { metricLabel } from "../../engine/catalog/metric-format.ts";
import { defineTool } from "./tool.ts";

export const describeMetric = defineTool({
  name: "describe_metric",
  description:
    'Everything about one metric: its definition (expression), the mart and time column it reads, how it rolls up over time (a stock like MRR takes the last value, a flow sums), its grain, dimensions and format. Use it to check what a metric means before answering a question that depends on the definition ("does churn count downgrades?"), or to see which dimensions it can be filtered or split by. Not for numbers: use query_metric.',
  authority: "read",
  input: z.strictObject({ metric: z.string().describe("metric name, from list_metrics") }),
  async run(ctx, input) {
    const m = ctx.catalog.metric(input.metric);
    await ctx.db();
    const mart = ctx.catalog.mart(m.mart);
    return {
      metric: {
        name: m.name,
        label: metricLabel(m),
        description: m.description,
        mart: m.mart,
        time_column: m.time_column,
        grain: m.grain,
        expression: m.expression,
        time_rollup: m.time_rollup,
        format: m.format,
        unit: m.unit ?? null,
        higher_is_better: m.higher_is_better,
        synonyms: m.synonyms,
        dimensions: m.dimensions.map((d) => {
          const col = mart.columns.find((c) => c.name === d);
          return { name: d, type: col?.type ?? null, description: col?.description ?? null };
        }),
      },
      citations: [await citationFor(ctx, m.mart)],
    };
  },
  summarize: (o) => `${o.metric.name}: ${o.metric.time_rollup} of ${o.metric.expression} on ${o.metric.mart}`,
});
