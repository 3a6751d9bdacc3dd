import { citeModel, type Citation } from "../engine/catalog/citation.ts";
import type { ToolContext } from "./context.ts";

export { qualityIssues, type Citation, type CitedSource, type CitedTest } from "../engine/catalog/citation.ts";

/**
 * A context's status and its catalog's freshness are each read once, so a model's citation is the same for the
 * context's life: made once (the numerator, denominator and trend of a ratio cite the same mart as its value).
 */
const cited = new WeakMap<ToolContext, Map<string, Citation>>();

export async function citationFor(ctx: ToolContext, name: string): Promise<Citation> {
  ctx.catalog.model(name); // an unknown name is a usage error before any warehouse is opened
  const status = await ctx.status();
  let byName = cited.get(ctx);
  if (!byName) cited.set(ctx, (byName = new Map()));
  let citation = byName.get(name);
  if (!citation) byName.set(name, (citation = citeModel(ctx.catalog, status, name)));
  return citation;
}

export async function citationsFor(ctx: ToolContext, names: string[]): Promise<Citation[]> {
  return Promise.all([...new Set(names)].map((n) => citationFor(ctx, n)));
}
