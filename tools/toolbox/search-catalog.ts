import { z } from "zod";
import { citationsFor } from "../citations.ts";
import { metricLabel } from "../../engine/catalog/metric-format.ts";
import { defineTool } from "./tool.ts";

export interface CatalogHit {
  kind: "metric" | "mart" | "column";
  name: string;
  mart: string;
  description: string | null;
  score: number;
}

export function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 1)
    .map((w) => (w.length > 3 && w.endsWith("s") && !w.endsWith("ss") ? w.slice(0, -1) : w));
}

function score(query: string[], ...texts: (string | undefined)[]): number {
  const hay = new Set(texts.flatMap((t) => (t ? words(t) : [])));
  return query.filter((w) => hay.has(w)).length;
}

export const searchCatalog = defineTool({
  name: "search_catalog",
  description:
    "Find metrics, marts and columns by keywords (names, labels, synonyms, descriptions), e.g. \"cancellations\" finds churned_customers. Use it when the question's words match no metric name in query_metric's list. Not needed when a metric is named outright.",
  authority: "read",
  input: z.strictObject({
    query: z.string().min(1).describe("keywords, e.g. 'revenue per account' or 'support tickets'"),
    limit: z.number().int().positive().max(50).default(10),
  }),
  async run(ctx, input) {
    const q = [...new Set(words(input.query))];
    await ctx.db();
    const hits: CatalogHit[] = [];
    for (const m of ctx.catalog.metrics) {
      const s = score(q, m.name, metricLabel(m), m.description, ...m.synonyms);
      if (s) hits.push({ kind: "metric", name: m.name, mart: m.mart, description: m.description, score: s + 0.5 });
    }
    for (const mart of ctx.catalog.marts()) {
      const s = score(q, mart.name, mart.description);
      if (s)
        hits.push({
          kind: "mart",
          name: mart.name,
          mart: mart.name,
          description: mart.description ?? null,
          score: s + 0.25,
        });
      for (const c of mart.columns) {
        const cs = score(q, c.name, c.description);
        if (cs)
          hits.push({ kind: "column", name: c.name, mart: mart.name, description: c.description ?? null, score: cs });
      }
    }
    hits.sort((a, b) => b.score - a.score || a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
    const top = hits.slice(0, input.limit);
    return {
      hits: top,
      citations: await citationsFor(
        ctx,
        top.map((h) => h.mart),
      ),
    };
  },
  summarize: (o) => `${o.hits.length} hits${o.hits[0] ? `, best: ${o.hits[0].kind} ${o.hits[0].name}` : ""}`,
});
