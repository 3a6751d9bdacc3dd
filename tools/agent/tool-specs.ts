import type { Catalog } from "../../engine/catalog/catalog.ts";
import type { ToolSpec } from "../providers/provider.ts";
import { toolSpecs } from "../toolbox/index.ts";
import type { AnyTool } from "../toolbox/tool.ts";

type Schema = { properties?: Record<string, Record<string, unknown>>; [k: string]: unknown };

/** A property that names a metric or a mart takes only the names the catalog has. */
function withEnums(schema: Schema, metrics: string[], marts: string[]): Schema {
  const properties = { ...(schema.properties ?? {}) };
  const names: Record<string, string[]> = { metric: metrics, mart: marts };
  for (const [key, list] of Object.entries(names)) {
    const p = properties[key];
    if (p && p.type === "string" && list.length) properties[key] = { ...p, enum: list };
  }
  return { ...schema, properties };
}

/** "mrr (MRR, stock; plan)": what a metric is called, how it rolls up over time, what it splits by. */
function metricLine(m: Catalog["metrics"][number]): string {
  const kind = m.time_rollup === "last" ? "stock" : m.time_rollup === "sum" ? "flow" : m.time_rollup;
  const dims = m.dimensions.length ? m.dimensions.join(", ") : "no dimensions";
  return `${m.name} (${m.label ? `${m.label}, ` : ""}${m.format}, ${kind}; ${dims})`;
}

/**
 * Exactly what the model is told about the tools: toolSpecs() without dp's own authority field and,
 * given the catalog, each metric and mart name as an enum and query_metric's description listing
 * every metric with its dimensions (so the model never guesses a name or a dimension).
 */
export function providerToolSpecs(tools: AnyTool[], catalog?: Catalog): ToolSpec[] {
  const metrics = catalog?.metrics ?? [];
  const marts = catalog?.marts().map((m) => m.name) ?? [];
  return toolSpecs(tools).map(({ name, description, input_schema }) => {
    if (!catalog) return { name, description, input_schema };
    const listed =
      name === "query_metric" && metrics.length
        ? `${description}\nMetrics (name (label, format, stock/flow/ratio; dimensions)): ${metrics.map(metricLine).join("; ")}.`
        : description;
    return {
      name,
      description: listed,
      input_schema: withEnums(
        input_schema as Schema,
        metrics.map((m) => m.name),
        marts,
      ),
    };
  });
}
