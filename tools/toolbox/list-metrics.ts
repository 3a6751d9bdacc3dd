import { z } from "zod";
import { citationsFor } from "../citations.ts";
import { metricLabel } from "../../engine/catalog/metric-format.ts";
import { defineTool } from "./tool.ts";

export const listMetrics = defineTool({
  name: "list_metrics",
  description:
    "List every named business metric (name, label, description, mart, format, dimensions). Use it first when you are not sure which metric answers a question, or to name the closest metrics when none does. Not needed when the question names a metric listed in query_metric's description.",
  authority: "read",
  input: z.strictObject({
    mart: z.string().optional().describe("only metrics computed from this mart"),
  }),
  async run(ctx, input) {
    if (input.mart) ctx.catalog.mart(input.mart);
    const metrics = ctx.catalog.metrics
      .filter((m) => !input.mart || m.mart === input.mart)
      .map((m) => ({
        name: m.name,
        label: metricLabel(m),
        description: m.description,
        mart: m.mart,
        format: m.format,
        unit: m.unit ?? null,
        grain: m.grain,
        time_rollup: m.time_rollup,
        dimensions: m.dimensions,
        synonyms: m.synonyms,
      }));
    return {
      metrics,
      citations: await citationsFor(
        ctx,
        metrics.map((m) => m.mart),
      ),
    };
  },
  summarize: (o) => `${o.metrics.length} metrics`,
});
