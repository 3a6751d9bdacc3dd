import { citeModel, type Citation } from "../engine/catalog/citation.ts";
import type { ToolContext } from "./context.ts";

export { qualityIssues, type Citation, type CitedSource, type CitedTest } from "../engine/catalog/citation.ts";

export async function citationFor(ctx: ToolContext, name: string): Promise<Citation> {
  ctx.catalog.model(name); // an unknown name is a usage error before any warehouse is opened
  return citeModel(ctx.catalog, await ctx.status(), name);
}

export async function citationsFor(ctx: ToolContext, names: string[]): Promise<Citation[]> {
  return Promise.all([...new Set(names)].map((n) => citationFor(ctx, n)));
}
