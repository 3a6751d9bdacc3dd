import { defineCommand } from "citty";
import { loadCatalog } from "../engine/catalog/catalog.ts";
import { openProject, print, printJson, projectArgs } from "./_common.ts";

export default defineCommand({
  meta: {
    name: "lineage",
    description: "a model's upstream models down to the raw streams, and what depends on it",
    examples: ["dp lineage mrr_monthly", "dp lineage staging.stg_hubspot__deals --json"],
  },
  args: { ...projectArgs, model: { type: "positional", required: true, description: "model name" } },
  async run({ args }) {
    const catalog = loadCatalog(openProject(args));
    const m = catalog.model(args.model);
    const rel = (n: string) => `${catalog.model(n).schema}.${n}`;
    const out = {
      model: rel(m.name),
      parents: catalog.parents(m.name).map(rel),
      upstream: m.upstreamModels.map(rel),
      sources: m.sources.map((s) => `${s.source}.${s.stream}`),
      downstream: m.downstreamModels.map(rel),
    };
    if (args.json) return printJson(out);
    const tree: string[] = [out.model];
    const walk = (name: string, depth: number, seen: Set<string>) => {
      // a decision's mart is not in the model graph: its parent is its input mart
      const model = catalog.graph.models.get(name);
      for (const p of catalog.parents(name)) {
        tree.push(`${"  ".repeat(depth)}← ${rel(p)}${seen.has(p) ? " (above)" : ""}`);
        if (!seen.has(p)) seen.add(p), walk(p, depth + 1, seen);
      }
      for (const s of model?.sources ?? []) tree.push(`${"  ".repeat(depth)}← raw ${s.source}.${s.stream}`);
    };
    walk(m.name, 1, new Set());
    tree.push(`downstream: ${out.downstream.join(", ") || "(none)"}`);
    print(tree.join("\n"));
  },
});
