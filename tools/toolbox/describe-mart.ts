import { z } from "zod";
import { citationFor } from "../citations.ts";
import { defineTool } from "./tool.ts";

export const describeMart = defineTool({
  name: "describe_mart",
  description:
    "One mart (a business table): its columns with types, descriptions and PII tags, owner, row count, tests with their last status, the metrics built on it, and its lineage. Use it to find a column for top_n or to explain what a table holds. Not for metric values (query_metric) and never to read rows.",
  authority: "read",
  input: z.strictObject({ mart: z.string().describe("mart name, e.g. customers or mrr_monthly") }),
  async run(ctx, input) {
    const mart = ctx.catalog.mart(input.mart);
    const status = await ctx.status();
    const run = status.lastSuccess.get(mart.name);
    const lastTests = new Map(status.tests.map((t) => [t.test_id, t]));
    return {
      mart: {
        name: mart.name,
        relation: `${mart.schema}.${mart.name}`,
        description: mart.description ?? null,
        owner: mart.owner ?? null,
        tags: mart.tags,
        rows: run?.rows ?? null,
        columns: mart.columns.map((c) => ({
          name: c.name,
          type: c.type ?? null,
          description: c.description ?? null,
          pii: c.pii,
        })),
        tests: mart.testIds.map((id) => ({
          id,
          status: lastTests.get(id)?.status ?? "never run",
          message: lastTests.get(id)?.message ?? null,
        })),
        metrics: ctx.catalog.metrics.filter((m) => m.mart === mart.name).map((m) => m.name),
        upstream: mart.upstreamModels,
        downstream: mart.downstreamModels,
        sources: mart.sources.map((s) => `${s.source}.${s.stream}`),
      },
      citations: [await citationFor(ctx, mart.name)],
    };
  },
  summarize: (o) => `${o.mart.relation}: ${o.mart.columns.length} columns, ${o.mart.metrics.length} metrics`,
});
