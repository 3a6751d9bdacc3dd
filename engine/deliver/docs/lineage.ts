import type { DocsData } from "./collect.ts";
import { esc, slug } from "./html.ts";
import { edgePath, layoutDag, PAD_X, type Layout, type LayoutNode } from "./layout.ts";

/** Raw streams, models and the edges between them; `focus` keeps only that model's ancestors and descendants. */
export function lineageNodes(data: DocsData, focus?: string): LayoutNode[] {
  const byName = new Map(data.models.map((m) => [m.name, m]));
  let keep: Set<string> | undefined;
  if (focus) {
    keep = new Set([focus]);
    const walk = (name: string, next: (n: string) => string[]) => {
      for (const n of next(name)) {
        if (keep!.has(n)) continue;
        keep!.add(n);
        walk(n, next);
      }
    };
    walk(focus, (n) => byName.get(n)?.parents ?? []);
    walk(focus, (n) => byName.get(n)?.children ?? []);
  }
  const models = data.models.filter((m) => !keep || keep.has(m.name));
  const sources = [...new Set(models.flatMap((m) => m.sources))];
  return [
    ...sources.map((s) => ({ id: `source:${s}`, label: s, kind: "source", parents: [] })),
    ...models.map((m) => ({
      id: `model:${m.name}`,
      label: m.name,
      kind: ["staging", "marts"].includes(m.schema) ? m.schema : "other",
      parents: [
        ...m.sources.map((s) => `source:${s}`),
        ...m.parents.filter((p) => !keep || keep.has(p)).map((p) => `model:${p}`),
      ],
    })),
  ];
}

export function lineageLayout(data: DocsData, focus?: string): Layout {
  return layoutDag(lineageNodes(data, focus));
}

/** The graph as SVG: laid out here, so the page needs no script to show it; links go to each model's page. */
export function lineageSvg(data: DocsData, options: { root: string; focus?: string; id?: string }): string {
  const layout = lineageLayout(data, options.focus);
  const failed = new Set(
    data.models.filter((m) => m.lastRun && m.lastRun.status !== "success").map((m) => `model:${m.name}`),
  );
  const edges = layout.edges.map(
    (e) =>
      `<path class="edge" data-from="${esc(e.from.id)}" data-to="${esc(e.to.id)}" d="${edgePath(e.points)}" marker-end="url(#arrow)"/>`,
  );
  const nodes = layout.nodes.map((n) => {
    const href = n.kind === "source" ? `${options.root}sources.html` : `${options.root}models/${slug(n.label)}.html`;
    const cls = [
      "node",
      n.kind,
      failed.has(n.id) ? "failed" : "",
      options.focus && n.id === `model:${options.focus}` ? "focus" : "",
    ]
      .filter(Boolean)
      .join(" ");
    return `<a href="${href}"><g class="${cls}" data-node="${esc(n.id)}"><title>${esc(n.kind)}: ${esc(n.label)}</title><rect x="${n.x}" y="${n.y}" width="${n.width}" height="${n.height}" rx="6"/><text x="${n.x + PAD_X}" y="${n.y + n.height / 2 + 4}">${esc(n.label)}</text></g></a>`;
  });
  return `<svg id="${esc(options.id ?? "lineage-graph")}" class="lineage" xmlns="http://www.w3.org/2000/svg" width="${layout.width}" height="${layout.height}" viewBox="0 0 ${layout.width} ${layout.height}" role="img" aria-label="lineage graph" data-width="${layout.width}" data-height="${layout.height}">
<defs><marker id="arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L8,4 L0,8 z" fill="#a3acbb"/></marker></defs>
${edges.join("\n")}
${nodes.join("\n")}
</svg>`;
}

export const LINEAGE_LEGEND = `<div class="legend"><span><i style="background:var(--src)"></i>raw source stream</span><span><i style="background:var(--stg)"></i>staging</span><span><i style="background:var(--mart)"></i>mart</span><span><i style="background:#fff;border:2px solid var(--bad)"></i>last build failed</span></div>`;
