import { z } from "zod";
import { citationFor } from "../citations.ts";
import { defineTool } from "./tool.ts";

export const explainLineage = defineTool({
  name: "explain_lineage",
  description:
    'Where a model\'s data comes from and what depends on it: upstream models down to the raw source streams, and downstream models. Use it for "where does this number come from?" or "what breaks if billing is late?". Not for values or freshness (get_freshness).',
  authority: "read",
  input: z.strictObject({ model: z.string().describe("a model name: a mart like churn_monthly or a staging model") }),
  async run(ctx, input) {
    const m = ctx.catalog.model(input.model);
    const rel = (n: string) => `${ctx.catalog.model(n).schema}.${n}`;
    return {
      model: `${m.schema}.${m.name}`,
      parents: ctx.catalog.parents(m.name).map(rel),
      upstream: m.upstreamModels.map(rel),
      downstream: m.downstreamModels.map(rel),
      sources: m.sources.map((s) => `${s.source}.${s.stream}`),
      citations: [await citationFor(ctx, m.name)],
    };
  },
  summarize: (o) =>
    `${o.model}: ${o.upstream.length} upstream, ${o.sources.length} sources, ${o.downstream.length} downstream`,
});
