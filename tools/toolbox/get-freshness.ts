import { z } from "zod";
import { citationsFor } from "../citations.ts";
import { defineTool } from "./tool.ts";

export const getFreshness = defineTool({
  name: "get_freshness",
  description:
    "How fresh the data is: each source's last successful pull against its freshness SLA, and when each mart was last built and the data it holds (as_of). " +
    'Use it for "is the data up to date?", "when did billing last sync?". Not needed to cite an answer: every result already carries its citations with as_of and freshness.',
  authority: "read",
  input: z.strictObject({
    source: z.string().optional().describe("limit to one source from project.yaml"),
    mart: z.string().optional().describe("limit to one mart and the sources it reads"),
  }),
  async run(ctx, input) {
    if (input.source) ctx.project.source(input.source);
    const marts = input.mart ? [ctx.catalog.mart(input.mart)] : ctx.catalog.marts();
    const wanted = input.mart ? new Set(marts[0]!.sources.map((s) => s.source)) : undefined;
    const status = await ctx.status();
    const sources = ctx.catalog
      .freshness()
      .filter((f) => (!input.source || f.source === input.source) && (!wanted || wanted.has(f.source)))
      .map((f) => ({
        source: f.source,
        owner: f.owner ?? null,
        status: f.status,
        last_success_at: f.lastSuccessAt ?? null,
        age_ms: f.ageMs ?? null,
        warn_after: f.warnAfter ?? null,
        error_after: f.errorAfter ?? null,
        last_error: f.lastError ?? null,
      }));
    const martRows = marts
      .filter((m) => !input.source || m.sources.some((s) => s.source === input.source))
      .map((m) => {
        const ok = status.lastSuccess.get(m.name);
        return {
          mart: m.name,
          as_of: ok?.as_of ?? null,
          built_at: ok?.built_at ?? null,
          last_build: status.lastRun.get(m.name)?.status ?? "never",
        };
      });
    return {
      sources,
      marts: martRows,
      citations: await citationsFor(
        ctx,
        martRows.map((m) => m.mart),
      ),
    };
  },
  summarize: (o) =>
    `${o.sources.length} sources (${o.sources.filter((s) => s.status !== "fresh").length} not fresh), ${o.marts.length} marts`,
});
