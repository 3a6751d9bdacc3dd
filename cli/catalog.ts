import { defineCommand } from "citty";
import { createToolContext } from "../tools/context.ts";
import { callTool } from "../tools/toolbox/index.ts";
import { formatCount, openProject, print, printJson, projectArgs } from "./_common.ts";

/** The same tools `dp ask` uses: describe_mart for each mart, list_metrics, get_freshness. */
export default defineCommand({
  meta: {
    name: "catalog",
    description: "marts, columns, metrics, tests with their last status, owners, PII tags, freshness",
    examples: ["dp catalog", "dp catalog --json | jq '.metrics[].name'"],
  },
  args: { ...projectArgs },
  async run({ args }) {
    const project = openProject(args);
    const ctx = createToolContext(project);
    try {
      const marts = [];
      for (const m of ctx.catalog.marts())
        marts.push(
          (await callTool(ctx, { name: "describe_mart", input: { mart: m.name } })).output.mart as Record<string, any>,
        );
      const metrics = (await callTool(ctx, { name: "list_metrics", input: {} })).output.metrics as Record<
        string,
        any
      >[];
      const freshness = (await callTool(ctx, { name: "get_freshness", input: {} })).output.sources as Record<
        string,
        any
      >[];
      if (args.json) return printJson({ marts, metrics, sources: freshness });
      const lines: string[] = [];
      for (const m of marts) {
        const passing = m.tests.filter((t: any) => t.status === "pass").length;
        lines.push(
          `${m.relation}${m.owner ? ` (owner ${m.owner})` : ""}${m.rows !== null ? ` · ${formatCount(m.rows)} rows` : ""} · tests ${passing}/${m.tests.length} passing`,
        );
        if (m.description) lines.push(`  ${m.description}`);
        for (const c of m.columns)
          lines.push(
            `    ${c.name.padEnd(28)} ${(c.type ?? "").padEnd(12)} ${c.pii ? "[PII] " : ""}${c.description ?? ""}`.trimEnd(),
          );
        for (const t of m.tests.filter((t: any) => t.status !== "pass"))
          lines.push(`    ✗ ${t.id}: ${t.status}${t.message ? ` — ${t.message}` : ""}`);
      }
      lines.push("", "metrics:");
      for (const m of metrics)
        lines.push(`  ${m.name.padEnd(24)} ${m.format.padEnd(8)} ${m.mart.padEnd(20)} ${m.description}`);
      lines.push("", "sources:");
      for (const s of freshness)
        lines.push(
          `  ${s.source.padEnd(12)} ${s.status.padEnd(7)} last pull ${s.last_success_at ?? "never"}${s.owner ? ` · owner ${s.owner}` : ""}`,
        );
      print(lines.join("\n"));
    } finally {
      ctx.close();
    }
  },
});
